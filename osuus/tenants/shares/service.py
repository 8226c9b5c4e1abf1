"""The share register: the board's share fee, what each member has subscribed and paid, plans, and wage deductions.

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop, not the filter. Money is
integer cents. The ledger (payments, share changes, policies) is insert-only: a mistake is put right with a new row.

Design, in short:
- a member's shares and what they owe come from `ShareChange` rows (subscribed +n, refunded −n, each with its value);
- what they have paid is payments minus refunds; unpaid = owed − paid (never below zero);
- a payment plan covers everything the member still owes when it is made; one active plan per member;
  a payment goes to the active plan, and the plan is marked paid when its balance reaches zero;
- `deductions_due` is what payroll will call; the arithmetic is `money.deduction_amount`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.dates import today
from osuus.platform.http import Form
from osuus.platform.i18n import N_, gettext
from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.tables import Member
from osuus.tenants.shares.money import (
    Balance,
    InputError,
    balance,
    deduction_amount,
    format_euros,
    parse_count,
    parse_date,
    parse_euros,
    plan_balance,
)
from osuus.tenants.shares.tables import PAYMENT_KINDS, PLAN_KINDS, PaymentPlan, ShareChange, SharePayment, SharePolicy

VIEWERS = ("admin", "board", "coach")  # see the register
DECIDERS = ("admin", "board")  # set the share fee, make plans, record payments
FORM_SOURCES = ("manual", "bank")  # payroll records its own payments (source "payroll")
MAX_SHARES = 1000


# --- what the pages get ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyView:
    id: int
    valid_from: dt.date
    share_price_cents: int
    shares_required: int
    supporting_fee_cents: int
    decided_by: str
    recorded_by: str

    @property
    def required_cents(self) -> int:
        return self.share_price_cents * self.shares_required


@dataclass(frozen=True)
class PlanView:
    id: int
    kind: str
    total_cents: int
    instalment_cents: int
    protected_net_cents: int
    starts_on: dt.date
    status: str
    paid_cents: int

    @property
    def balance_cents(self) -> int:
        return plan_balance(self.total_cents, self.paid_cents)


@dataclass(frozen=True)
class PaymentView:
    id: int
    paid_on: dt.date
    kind: str
    amount_cents: int
    source: str
    reference: str
    recorded_by: str


@dataclass(frozen=True)
class ChangeView:
    on_date: dt.date
    shares: int
    value_cents: int
    reason: str
    recorded_by: str


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    member_class: str
    status: str
    joined_on: dt.date | None
    user_id: int | None


@dataclass(frozen=True)
class RegisterRow:
    member: MemberInfo
    balance: Balance
    plan: PlanView | None


@dataclass(frozen=True)
class RegisterPage:
    policy: PolicyView | None
    history: list[PolicyView]
    rows: list[RegisterRow]
    totals: Balance


@dataclass(frozen=True)
class Statement:
    member: MemberInfo
    balance: Balance
    policy: PolicyView | None
    plans: list[PlanView]
    payments: list[PaymentView]
    changes: list[ChangeView]
    coop_name: str = ""
    on: dt.date = field(default_factory=today)

    @property
    def active_plan(self) -> PlanView | None:
        return next((p for p in self.plans if p.status == "active"), None)


# --- reads inside an open unit -----------------------------------------------------------------------------------


def _policy(row: dict[str, Any]) -> PolicyView:
    return PolicyView(
        id=int(row["id"]),
        valid_from=row["valid_from"],
        share_price_cents=int(row["share_price_cents"]),
        shares_required=int(row["shares_required"]),
        supporting_fee_cents=int(row["supporting_fee_cents"]),
        decided_by=row["decided_by"],
        recorded_by=row["recorded_by.name"] or "",
    )


_POLICY_COLUMNS = (
    SharePolicy.id,
    SharePolicy.valid_from,
    SharePolicy.share_price_cents,
    SharePolicy.shares_required,
    SharePolicy.supporting_fee_cents,
    SharePolicy.decided_by,
    SharePolicy.recorded_by.name,
)


async def _policies(coop_id: int) -> list[PolicyView]:
    rows = (
        await SharePolicy.select(*_POLICY_COLUMNS)
        .where(SharePolicy.coop == coop_id)
        .order_by(SharePolicy.valid_from, ascending=False)
        .run()
    )
    return [_policy(r) for r in rows]


async def _policy_on(coop_id: int, on: dt.date) -> PolicyView | None:
    """The policy in force on a day: the newest with valid_from <= day."""
    row = (
        await SharePolicy.select(*_POLICY_COLUMNS)
        .where((SharePolicy.coop == coop_id) & (SharePolicy.valid_from <= on))
        .order_by(SharePolicy.valid_from, ascending=False)
        .first()
        .run()
    )
    return _policy(row) if row else None


_MEMBER_COLUMNS = (Member.id, Member.name, Member.member_class, Member.status, Member.joined_on, Member.user)


def _member(row: dict[str, Any]) -> MemberInfo:
    return MemberInfo(int(row["id"]), row["name"], row["member_class"], row["status"], row["joined_on"], row["user_id"])


async def _member_row(coop_id: int, member_id: int, lock: bool = False) -> MemberInfo:
    """One member of the open unit's coop; another coop's id and a missing id are the same 404.

    Locking the member row serialises the writes about one member (balance checks, then inserts).
    """
    query = Member.select(*_MEMBER_COLUMNS).where((Member.coop == coop_id) & (Member.id == member_id))
    if lock:
        query = query.lock_rows("UPDATE", of=(Member,))
    row = await query.first().run()
    if row is None:
        raise NotFoundException()
    return _member(row)


async def _balances(coop_id: int, member_id: int | None = None) -> dict[int, Balance]:
    where, args = (
        ("coop_id = {}", [coop_id]) if member_id is None else ("coop_id = {} AND member_id = {}", [coop_id, member_id])
    )
    changes = await ShareChange.raw(
        f"SELECT member_id, sum(shares) AS shares, sum(value_cents) AS value FROM share_change WHERE {where} "
        "GROUP BY member_id",
        *args,
    ).run()
    payments = await SharePayment.raw(
        f"SELECT member_id, kind, sum(amount_cents) AS amount FROM share_payment WHERE {where} "
        "GROUP BY member_id, kind",
        *args,
    ).run()
    by_member: dict[int, tuple[list[tuple[int, int]], list[tuple[str, int]]]] = {}
    for r in changes:
        by_member.setdefault(int(r["member_id"]), ([], []))[0].append((int(r["shares"]), int(r["value"])))
    for r in payments:
        by_member.setdefault(int(r["member_id"]), ([], []))[1].append((r["kind"], int(r["amount"])))
    return {mid: balance(ch, pay) for mid, (ch, pay) in by_member.items()}


async def _plans(coop_id: int, member_id: int | None = None, status: str | None = None) -> list[tuple[int, PlanView]]:
    """(member_id, plan) with what has been paid to each plan, newest first."""
    sql = (
        "SELECT p.id, p.member_id, p.kind, p.total_cents, p.instalment_cents, p.protected_net_cents, p.starts_on, "
        "p.status, COALESCE((SELECT sum(s.amount_cents) FROM share_payment s WHERE s.coop_id = p.coop_id "
        "AND s.plan_id = p.id AND s.kind = 'payment'), 0) AS paid FROM payment_plan p WHERE p.coop_id = {}"
    )
    args: list[Any] = [coop_id]
    if member_id is not None:
        sql += " AND p.member_id = {}"
        args.append(member_id)
    if status is not None:
        sql += " AND p.status = {}"
        args.append(status)
    rows = await PaymentPlan.raw(sql + " ORDER BY p.starts_on DESC, p.id DESC", *args).run()
    return [
        (
            int(r["member_id"]),
            PlanView(
                int(r["id"]),
                r["kind"],
                int(r["total_cents"]),
                int(r["instalment_cents"]),
                int(r["protected_net_cents"]),
                r["starts_on"],
                r["status"],
                int(r["paid"]),
            ),
        )
        for r in rows
    ]


async def _statement(coop_id: int, member: MemberInfo, on: dt.date, coop_name: str = "") -> Statement:
    balances = await _balances(coop_id, member.id)
    plans = [p for _, p in await _plans(coop_id, member.id)]
    payment_rows = (
        await SharePayment.select(
            SharePayment.id,
            SharePayment.paid_on,
            SharePayment.kind,
            SharePayment.amount_cents,
            SharePayment.source,
            SharePayment.reference,
            SharePayment.recorded_by.name,
        )
        .where((SharePayment.coop == coop_id) & (SharePayment.member == member.id))
        .order_by(SharePayment.paid_on, ascending=False)
        .order_by(SharePayment.id, ascending=False)
        .run()
    )
    change_rows = (
        await ShareChange.select(
            ShareChange.on_date,
            ShareChange.shares,
            ShareChange.value_cents,
            ShareChange.reason,
            ShareChange.recorded_by.name,
        )
        .where((ShareChange.coop == coop_id) & (ShareChange.member == member.id))
        .order_by(ShareChange.on_date, ascending=False)
        .order_by(ShareChange.id, ascending=False)
        .run()
    )
    return Statement(
        member=member,
        balance=balances.get(member.id, Balance(0, 0, 0)),
        policy=await _policy_on(coop_id, on),
        plans=plans,
        payments=[
            PaymentView(
                int(r["id"]),
                r["paid_on"],
                r["kind"],
                int(r["amount_cents"]),
                r["source"],
                r["reference"],
                r["recorded_by.name"] or "",
            )
            for r in payment_rows
        ],
        changes=[
            ChangeView(r["on_date"], int(r["shares"]), int(r["value_cents"]), r["reason"], r["recorded_by.name"] or "")
            for r in change_rows
        ],
        coop_name=coop_name,
        on=on,
    )


# --- reads for the pages ---------------------------------------------------------------------------------------


async def _register(coop_id: int, on: dt.date) -> RegisterPage:
    history = await _policies(coop_id)
    members = [
        _member(r)
        for r in await Member.select(*_MEMBER_COLUMNS)
        .where(Member.coop == coop_id)
        .order_by(Member.name)
        .order_by(Member.id)
        .run()
    ]
    balances = await _balances(coop_id)
    plans = {mid: plan for mid, plan in await _plans(coop_id, status="active")}
    rows = [
        RegisterRow(m, balances.get(m.id, Balance(0, 0, 0)), plans.get(m.id))
        for m in members
        # Everyone active is listed (also with nothing subscribed yet); others only if they have share history.
        if m.status == "active" or m.id in balances
    ]
    totals = Balance(
        sum(r.balance.shares for r in rows),
        sum(r.balance.owed_cents for r in rows),
        sum(r.balance.paid_cents for r in rows),
    )
    policy = next((p for p in history if p.valid_from <= on), None)
    return RegisterPage(policy, history, rows, totals)


async def register(ctx: CoopContext) -> RegisterPage:
    ctx.require(*VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _register(ctx.id, today())


async def member_statement(ctx: CoopContext, member_id: int) -> Statement:
    """The share page of one member, for the people who keep the register."""
    ctx.require(*VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        return await _statement(ctx.id, member, today(), ctx.name)


async def statement_for_download(ctx: CoopContext, member_id: int) -> Statement:
    """A statement or certificate: the register's keepers see anyone's, a member only their own (others: 404)."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        if not ctx.has(*VIEWERS) and member.user_id != ctx.viewer.id:
            raise NotFoundException()
        return await _statement(ctx.id, member, today(), ctx.name)


async def my_statement(ctx: CoopContext) -> Statement | None:
    """The viewer's own share payments, if their account is linked to a member of this coop."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await Member.select(*_MEMBER_COLUMNS)
            .where((Member.coop == ctx.id) & (Member.user == ctx.viewer.id))
            .first()
            .run()
        )
        if row is None:
            return None
        return await _statement(ctx.id, _member(row), today(), ctx.name)


# --- the share fee ----------------------------------------------------------------------------------------------


def _date(form: Form, name: str) -> dt.date | None:
    try:
        return parse_date(form.get(name))
    except InputError as problem:
        form.error(name, problem.message)
        return None


def _euros(form: Form, name: str, allow_zero: bool = False) -> int | None:
    try:
        return parse_euros(form.get(name), allow_zero=allow_zero)
    except InputError as problem:
        form.error(name, problem.message)
        return None


def _count(form: Form, name: str, low: int, high: int = MAX_SHARES) -> int | None:
    try:
        return parse_count(form.get(name), low, high)
    except InputError as problem:
        form.error(name, problem.message)
        return None


def _text(form: Form, name: str, empty: str | None, limit: int = 200) -> str:
    value = form.get(name)
    if not value and empty:
        form.error(name, empty)
    elif len(value) > limit:
        form.error(name, N_("Write 200 characters or fewer"))
    return value


async def set_policy(ctx: CoopContext, form: Form, ip: str) -> bool:
    """Save the board's decision on the share fee. Returns False (errors in the form) when something is wrong."""
    ctx.require(*DECIDERS)
    valid_from = _date(form, "valid_from")
    price = _euros(form, "share_price")
    required = _count(form, "shares_required", 1)
    supporting = 0 if not form.get("supporting_fee") else _euros(form, "supporting_fee", allow_zero=True)
    decided_by = _text(form, "decided_by", N_("Write which meeting decided the share fee"))
    if not form.ok:
        return False
    assert valid_from is not None and price is not None and required is not None and supporting is not None
    async with coop_unit(ctx.id, ctx.viewer.id):
        # The unique key (coop_id, valid_from) backs this check; two people saving the same day at once is rare.
        taken = (
            await SharePolicy.exists()
            .where((SharePolicy.coop == ctx.id) & (SharePolicy.valid_from == valid_from))
            .run()
        )
        if taken:
            form.error("valid_from", N_("There is already a share fee from this day. Choose another day."))
            return False
        rows = (
            await SharePolicy.insert(
                SharePolicy(
                    coop=ctx.id,
                    valid_from=valid_from,
                    share_price_cents=price,
                    shares_required=required,
                    supporting_fee_cents=supporting,
                    decided_by=decided_by,
                    recorded_by=ctx.viewer.id,
                )
            )
            .returning(SharePolicy.id)
            .run()
        )
        await audit.record(
            "shares.policy_set",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"share_policy:{rows[0]['id']}",
            ip=ip,
            valid_from=valid_from.isoformat(),
            share_price_cents=price,
            shares_required=required,
            supporting_fee_cents=supporting,
        )
    return True


# --- payment plans ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanForm:
    """What the plan page needs besides the form: the member's figures and the fee in force."""

    statement: Statement
    suggested_shares: int


async def plan_form(ctx: CoopContext, member_id: int) -> PlanForm:
    ctx.require(*DECIDERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        statement = await _statement(ctx.id, member, today(), ctx.name)
    required = statement.policy.shares_required if statement.policy else 0
    return PlanForm(statement, max(0, required - statement.balance.shares))


async def create_plan(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """Subscribe the new shares (if any) and make a plan for everything the member then owes."""
    ctx.require(*DECIDERS)
    shares = _count(form, "shares", 0)
    kind = form.get("kind")
    if kind not in PLAN_KINDS:
        form.error("kind", N_("Choose how the member pays"))
    starts_on = _date(form, "starts_on")
    instalment = _euros(form, "instalment") if kind in ("instalments", "wage_deduction") else None
    protected = _euros(form, "protected_net", allow_zero=True) if kind == "wage_deduction" else 0
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        if not form.ok:
            return False
        assert shares is not None and starts_on is not None and protected is not None
        if (
            await PaymentPlan.exists()
            .where((PaymentPlan.coop == ctx.id) & (PaymentPlan.member == member.id) & (PaymentPlan.status == "active"))
            .run()
        ):
            form.error("kind", N_("This member already has a payment plan. It must be paid first."))
            return False
        policy = await _policy_on(ctx.id, starts_on)
        if policy is None and shares > 0:
            form.error("starts_on", N_("There is no share fee for this day yet. Save the share fee first."))
            return False
        current = (await _balances(ctx.id, member.id)).get(member.id, Balance(0, 0, 0))
        value = shares * policy.share_price_cents if policy else 0
        total = current.unpaid_cents + value
        if total <= 0:
            form.error("shares", N_("Nothing is left to pay. Enter how many new shares the member takes."))
            return False
        if kind == "lump_sum":
            instalment = total
        assert instalment is not None
        if instalment > total:
            form.error("instalment", N_("The instalment can be at most the whole amount to pay"))
            return False
        if shares > 0:
            await ShareChange.insert(
                ShareChange(
                    coop=ctx.id,
                    member=member.id,
                    shares=shares,
                    value_cents=value,
                    on_date=starts_on,
                    reason="subscribed",
                    recorded_by=ctx.viewer.id,
                )
            ).run()
        rows = (
            await PaymentPlan.insert(
                PaymentPlan(
                    coop=ctx.id,
                    member=member.id,
                    kind=kind,
                    total_cents=total,
                    instalment_cents=instalment,
                    protected_net_cents=protected,
                    starts_on=starts_on,
                    status="active",
                    created_by=ctx.viewer.id,
                )
            )
            .returning(PaymentPlan.id)
            .run()
        )
        await audit.record(
            "shares.plan_created",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member.id}",
            ip=ip,
            plan_id=rows[0]["id"],
            kind=kind,
            shares=shares,
            total_cents=total,
            instalment_cents=instalment,
            protected_net_cents=protected,
        )
    return True


# --- payments ----------------------------------------------------------------------------------------------------


async def payment_form(ctx: CoopContext, member_id: int) -> Statement:
    ctx.require(*DECIDERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        return await _statement(ctx.id, member, today(), ctx.name)


async def _add_payment(
    coop_id: int,
    member_id: int,
    amount: int,
    kind: str,
    paid_on: dt.date,
    source: str,
    reference: str,
    actor_id: int | None,
) -> tuple[int, int | None]:
    """Inside the open unit, with the member locked: the payment row, and the plan marked paid when it is.

    A payment goes to the member's active plan; a refund goes to no plan.
    """
    plan_id: int | None = None
    if kind == "payment":
        active = await _plans(coop_id, member_id, status="active")
        if active:
            plan_id = active[0][1].id
    rows = (
        await SharePayment.insert(
            SharePayment(
                coop=coop_id,
                member=member_id,
                plan=plan_id,
                amount_cents=amount,
                kind=kind,
                paid_on=paid_on,
                source=source,
                reference=reference,
                recorded_by=actor_id,
            )
        )
        .returning(SharePayment.id)
        .run()
    )
    if plan_id is not None:
        plan = (await _plans(coop_id, member_id, status="active"))[0][1]
        if plan.balance_cents == 0:
            await (
                PaymentPlan.update({PaymentPlan.status: "paid"})
                .where((PaymentPlan.coop == coop_id) & (PaymentPlan.id == plan_id))
                .run()
            )
    return int(rows[0]["id"]), plan_id


async def record_payment(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """A payment or a refund typed in by the treasurer (source manual or bank)."""
    ctx.require(*DECIDERS)
    amount = _euros(form, "amount")
    paid_on = _date(form, "paid_on")
    if paid_on is not None and paid_on > today():
        form.error("paid_on", N_("The payment day must be today or in the past"))
    kind = form.get("kind")
    if kind not in PAYMENT_KINDS:
        form.error("kind", N_("Choose whether the member paid or got money back"))
    source = form.get("source")
    if source not in FORM_SOURCES:
        form.error("source", N_("Choose how the money came"))
    reference = _text(form, "reference", None)
    returned = _count(form, "shares_returned", 0) if kind == "refund" and form.get("shares_returned") else 0
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        if not form.ok:
            return False
        assert amount is not None and paid_on is not None and returned is not None
        current = (await _balances(ctx.id, member.id)).get(member.id, Balance(0, 0, 0))
        if kind == "refund":
            if amount > current.paid_cents:
                form.error("amount", N_("The refund can be at most what the member has paid"))
            if returned > current.shares:
                form.error("shares_returned", N_("The member does not have that many shares"))
            if not form.ok:
                return False
        payment_id, plan_id = await _add_payment(
            ctx.id, member.id, amount, kind, paid_on, source, reference, ctx.viewer.id
        )
        if kind == "refund" and returned:
            # The returned shares take their part of what the member's shares are worth (all of it for all shares).
            value = (
                current.owed_cents
                if returned == current.shares
                else (current.owed_cents * returned * 2 + current.shares) // (current.shares * 2)
            )
            await ShareChange.insert(
                ShareChange(
                    coop=ctx.id,
                    member=member.id,
                    shares=-returned,
                    value_cents=-value,
                    on_date=paid_on,
                    reason="refunded",
                    recorded_by=ctx.viewer.id,
                )
            ).run()
        await audit.record(
            "shares.payment_recorded",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member.id}",
            ip=ip,
            payment_id=payment_id,
            plan_id=plan_id,
            kind=kind,
            amount_cents=amount,
            source=source,
            paid_on=paid_on.isoformat(),
            shares_returned=returned,
        )
    return True


# --- the export --------------------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: such text gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def register_csv_text(page: RegisterPage) -> str:
    """The register for Excel: semicolons, decimal commas, a byte-order mark, one row per member and a total."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            gettext("Member"),
            gettext("Shares"),
            gettext("Value of the shares (euros)"),
            gettext("Paid (euros)"),
            gettext("Unpaid (euros)"),
        ]
    )
    for row in page.rows:
        b = row.balance
        writer.writerow(
            [
                _cell(row.member.name),
                b.shares,
                format_euros(b.owed_cents),
                format_euros(b.paid_cents),
                format_euros(b.unpaid_cents),
            ]
        )
    t = page.totals
    unpaid = sum(r.balance.unpaid_cents for r in page.rows)
    writer.writerow(
        [gettext("Total"), t.shares, format_euros(t.owed_cents), format_euros(t.paid_cents), format_euros(unpaid)]
    )
    return "\ufeff" + out.getvalue()


async def export_register(ctx: CoopContext, ip: str) -> str:
    ctx.require(*VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        page = await _register(ctx.id, today())
        await audit.record(
            "shares.register_exported",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target="share_register",
            ip=ip,
            rows=len(page.rows),
        )
    return register_csv_text(page)


# --- what payroll will call ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deduction:
    member_id: int
    plan_id: int
    amount_cents: int  # may be 0: the net pay is already at or below the protected amount
    balance_cents: int  # still to pay under the plan before this deduction
    protected_net_cents: int


async def deductions_due(
    coop_id: int, gross_pay_by_member: dict[int, int] | None = None, *, on: dt.date
) -> list[Deduction]:
    """Share deductions for one pay day, for every active wage-deduction plan that has started and has a balance.

    `gross_pay_by_member` (member id -> cents), despite its name, is the pay the worker would get *before* this
    deduction and after tax and contributions (the net pay): the protected amount is a net figure. With it, only
    the members in it are deducted (no pay, no deduction), and never below their protected net pay. Without it,
    each plan's instalment, capped at its balance. Payroll records what it deducted with source "payroll".
    """
    async with coop_unit(coop_id):
        plans = await _plans(coop_id, status="active")
    due = []
    for member_id, plan in sorted(plans, key=lambda mp: (mp[0], mp[1].id)):
        if plan.kind != "wage_deduction" or plan.starts_on > on or plan.balance_cents <= 0:
            continue
        pay: int | None = None
        if gross_pay_by_member is not None:
            if member_id not in gross_pay_by_member:
                continue
            pay = gross_pay_by_member[member_id]
        amount = deduction_amount(plan.balance_cents, plan.instalment_cents, pay, plan.protected_net_cents)
        due.append(Deduction(member_id, plan.id, amount, plan.balance_cents, plan.protected_net_cents))
    return due


async def record_payroll_deduction(
    coop_id: int, member_id: int, amount_cents: int, paid_on: dt.date, reference: str, actor_id: int | None = None
) -> int:
    """Payroll's side: a deduction that was paid out becomes a payment with source "payroll" (audited)."""
    if amount_cents <= 0:
        raise ValueError("a deduction to record must be more than 0 cents")
    async with coop_unit(coop_id, actor_id):
        member = await _member_row(coop_id, member_id, lock=True)
        payment_id, plan_id = await _add_payment(
            coop_id, member.id, amount_cents, "payment", paid_on, "payroll", reference[:200], actor_id
        )
        await audit.record(
            "shares.payment_recorded",
            actor_id=actor_id,
            coop_id=coop_id,
            target=f"member:{member.id}",
            payment_id=payment_id,
            plan_id=plan_id,
            kind="payment",
            amount_cents=amount_cents,
            source="payroll",
            paid_on=paid_on.isoformat(),
        )
    return payment_id


def can_decide(ctx: CoopContext) -> bool:
    return ctx.has(*DECIDERS)
