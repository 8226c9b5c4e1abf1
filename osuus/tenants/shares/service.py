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
from dataclasses import dataclass, field, replace
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.dates import format_date, read_date, today
from osuus.platform.http import Form, is_digits, parse_id
from osuus.platform.i18n import N_, gettext
from osuus.platform.money import InputError, format_euros, read_euros
from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.tables import Member
from osuus.tenants.shares.money import (
    DEFAULT_REFUND_MONTHS,
    DEFAULT_YEAR_END,
    MAX_REFUND_MONTHS,
    Balance,
    balance,
    deduction_amount,
    fee_status,
    parse_count,
    parse_year_end,
    plan_balance,
    refund_due_date,
    refund_status,
)
from osuus.tenants.shares.tables import (
    PAYMENT_KINDS,
    PLAN_KINDS,
    PaymentPlan,
    ShareChange,
    SharePayment,
    SharePolicy,
    SupportingFee,
)

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
    year_end_day: int = DEFAULT_YEAR_END[0]
    year_end_month: int = DEFAULT_YEAR_END[1]
    refund_months: int = DEFAULT_REFUND_MONTHS

    @property
    def required_cents(self) -> int:
        return self.share_price_cents * self.shares_required

    @property
    def year_end(self) -> str:
        """The last day of the financial year as people write it: '31.12.'."""
        return f"{self.year_end_day}.{self.year_end_month}."


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
    cancel_reason: str = ""
    cancelled_on: dt.date | None = None

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
    counterpart: str = ""  # a transfer: the other member's name
    decided_by: str = ""


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    member_class: str
    status: str
    joined_on: dt.date | None
    user_id: int | None
    left_on: dt.date | None = None
    organisation_id: int | None = None


@dataclass(frozen=True)
class RefundView:
    """What the coop owes a member who left: the share money they paid, less what was paid back or moved on."""

    member: MemberInfo
    left_on: dt.date
    owed_cents: int  # still to pay back
    refunded_cents: int  # paid back so far (not counting shares moved to another member)
    due_on: dt.date
    status: str  # not_due | due | paid
    last_refund_on: dt.date | None
    rule: PolicyView | None  # the rule in force on the day the member left (None: the Act's default)


@dataclass(frozen=True)
class FeeYear:
    """A supporting member's fee for one year: what the fee was, what has been paid, and the word for it."""

    year: int
    fee_cents: int
    paid_cents: int

    @property
    def status(self) -> str:
        return fee_status(self.fee_cents, self.paid_cents)

    @property
    def left_cents(self) -> int:
        return max(0, self.fee_cents - self.paid_cents)


@dataclass(frozen=True)
class FeePaymentView:
    year: int
    amount_cents: int
    paid_on: dt.date
    note: str
    recorded_by: str


@dataclass(frozen=True)
class RegisterRow:
    member: MemberInfo
    balance: Balance
    plan: PlanView | None
    refund: RefundView | None = None

    @property
    def unpaid_cents(self) -> int:
        """What the member still has to pay: nothing once they have left (they are owed a refund instead)."""
        return 0 if self.member.status == "left" else self.balance.unpaid_cents


@dataclass(frozen=True)
class SupportingRow:
    member: MemberInfo
    fee: FeeYear


@dataclass(frozen=True)
class RegisterPage:
    policy: PolicyView | None
    history: list[PolicyView]
    rows: list[RegisterRow]
    totals: Balance
    refunds: list[RefundView] = field(default_factory=list)
    supporting: list[SupportingRow] = field(default_factory=list)
    year: int = 0
    on: dt.date = field(default_factory=today)


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
    refund: RefundView | None = None
    fee_year: FeeYear | None = None  # this year's supporting-member fee, for a supporting member
    fees: list[FeePaymentView] = field(default_factory=list)

    @property
    def active_plan(self) -> PlanView | None:
        return next((p for p in self.plans if p.status == "active"), None)

    @property
    def has_left(self) -> bool:
        return self.member.status == "left"

    @property
    def fully_paid(self) -> bool:
        """Shares held and nothing left to pay: the member's own pages offer the share certificate."""
        return self.balance.shares > 0 and self.balance.unpaid_cents == 0


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
        year_end_day=int(row["year_end_day"]),
        year_end_month=int(row["year_end_month"]),
        refund_months=int(row["refund_months"]),
    )


_POLICY_COLUMNS = (
    SharePolicy.id,
    SharePolicy.valid_from,
    SharePolicy.share_price_cents,
    SharePolicy.shares_required,
    SharePolicy.supporting_fee_cents,
    SharePolicy.decided_by,
    SharePolicy.recorded_by.name,
    SharePolicy.year_end_day,
    SharePolicy.year_end_month,
    SharePolicy.refund_months,
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


_MEMBER_COLUMNS = (
    Member.id,
    Member.name,
    Member.member_class,
    Member.status,
    Member.joined_on,
    Member.user,
    Member.left_on,
    Member.organisation,
)


def _member(row: dict[str, Any]) -> MemberInfo:
    return MemberInfo(
        int(row["id"]),
        row["name"],
        row["member_class"],
        row["status"],
        row["joined_on"],
        row["user_id"],
        row["left_on"],
        row["organisation_id"],
    )


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
        f"SELECT member_id, kind, source = 'transfer' AS moved, sum(amount_cents) AS amount FROM share_payment "
        f"WHERE {where} GROUP BY member_id, kind, moved",
        *args,
    ).run()
    by_member: dict[int, tuple[list[tuple[int, int]], list[tuple[str, int]]]] = {}
    refunded: dict[int, int] = {}
    for r in changes:
        by_member.setdefault(int(r["member_id"]), ([], []))[0].append((int(r["shares"]), int(r["value"])))
    for r in payments:
        by_member.setdefault(int(r["member_id"]), ([], []))[1].append((r["kind"], int(r["amount"])))
        if r["kind"] == "refund" and not r["moved"]:
            refunded[int(r["member_id"])] = refunded.get(int(r["member_id"]), 0) + int(r["amount"])
    return {mid: replace(balance(ch, pay), refunded_cents=refunded.get(mid, 0)) for mid, (ch, pay) in by_member.items()}


async def _plans(coop_id: int, member_id: int | None = None, status: str | None = None) -> list[tuple[int, PlanView]]:
    """(member_id, plan) with what has been paid to each plan, newest first."""
    sql = (
        "SELECT p.id, p.member_id, p.kind, p.total_cents, p.instalment_cents, p.protected_net_cents, p.starts_on, "
        "p.status, p.cancel_reason, p.cancelled_on, "
        "COALESCE((SELECT sum(s.amount_cents) FROM share_payment s WHERE s.coop_id = p.coop_id "
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
                r["cancel_reason"],
                r["cancelled_on"],
            ),
        )
        for r in rows
    ]


def _policy_in(history: list[PolicyView], on: dt.date) -> PolicyView | None:
    """The policy in force on a day, from the history (newest first)."""
    return next((p for p in history if p.valid_from <= on), None)


def _refund_view(
    member: MemberInfo, bal: Balance, history: list[PolicyView], last_refund_on: dt.date | None, on: dt.date
) -> RefundView | None:
    """The refund schedule of a member who left with share money paid (or paid back): None for anyone else.

    The due day follows the refund rule in force on the day the member left; before any share fee was saved, the
    Act's default (6 months after a financial year ending 31.12.).
    """
    if member.status != "left" or member.left_on is None:
        return None
    owed = max(0, bal.paid_cents)
    if owed == 0 and bal.refunded_cents == 0:
        return None
    rule = _policy_in(history, member.left_on)
    if rule is None:
        due = refund_due_date(member.left_on)
    else:
        due = refund_due_date(member.left_on, rule.year_end_day, rule.year_end_month, rule.refund_months)
    return RefundView(
        member, member.left_on, owed, bal.refunded_cents, due, refund_status(owed, due, on), last_refund_on, rule
    )


async def _last_refunds(coop_id: int, member_id: int | None = None) -> dict[int, dt.date]:
    sql = (
        "SELECT member_id, max(paid_on) AS last FROM share_payment WHERE coop_id = {} AND kind = 'refund' "
        "AND source <> 'transfer'"
    )
    args: list[Any] = [coop_id]
    if member_id is not None:
        sql += " AND member_id = {}"
        args.append(member_id)
    rows = await SharePayment.raw(sql + " GROUP BY member_id", *args).run()
    return {int(r["member_id"]): r["last"] for r in rows}


def _fee_of_year(history: list[PolicyView], year: int) -> int:
    """The supporting-member fee of a year: the fee in force on 1 January, or (when the first fee was decided
    during the year) the first fee of that year."""
    policy = _policy_in(history, dt.date(year, 1, 1))
    if policy is None:
        in_year = [p for p in history if p.valid_from.year == year]
        policy = in_year[-1] if in_year else None
    return policy.supporting_fee_cents if policy else 0


async def _fee_payments(coop_id: int, member_id: int) -> list[FeePaymentView]:
    rows = (
        await SupportingFee.select(
            SupportingFee.year,
            SupportingFee.amount_cents,
            SupportingFee.paid_on,
            SupportingFee.note,
            SupportingFee.recorded_by.name,
        )
        .where((SupportingFee.coop == coop_id) & (SupportingFee.member == member_id))
        .order_by(SupportingFee.paid_on, ascending=False)
        .order_by(SupportingFee.id, ascending=False)
        .run()
    )
    return [
        FeePaymentView(int(r["year"]), int(r["amount_cents"]), r["paid_on"], r["note"], r["recorded_by.name"] or "")
        for r in rows
    ]


async def _fees_paid(coop_id: int, year: int) -> dict[int, int]:
    rows = await SupportingFee.raw(
        "SELECT member_id, sum(amount_cents) AS paid FROM supporting_fee WHERE coop_id = {} AND year = {} "
        "GROUP BY member_id",
        coop_id,
        year,
    ).run()
    return {int(r["member_id"]): int(r["paid"]) for r in rows}


async def _statement(coop_id: int, member: MemberInfo, on: dt.date, coop_name: str = "") -> Statement:
    balances = await _balances(coop_id, member.id)
    plans = [p for _, p in await _plans(coop_id, member.id)]
    history = await _policies(coop_id)
    bal = balances.get(member.id, Balance(0, 0, 0))
    refund = _refund_view(member, bal, history, (await _last_refunds(coop_id, member.id)).get(member.id), on)
    fees = await _fee_payments(coop_id, member.id)
    fee_year = None
    if member.member_class == "supporting" or fees:
        paid = sum(f.amount_cents for f in fees if f.year == on.year)
        fee_year = FeeYear(on.year, _fee_of_year(history, on.year), paid)
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
            ShareChange.counterpart.name,
            ShareChange.decided_by,
        )
        .where((ShareChange.coop == coop_id) & (ShareChange.member == member.id))
        .order_by(ShareChange.on_date, ascending=False)
        .order_by(ShareChange.id, ascending=False)
        .run()
    )
    return Statement(
        member=member,
        balance=bal,
        policy=_policy_in(history, on),
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
            ChangeView(
                r["on_date"],
                int(r["shares"]),
                int(r["value_cents"]),
                r["reason"],
                r["recorded_by.name"] or "",
                r["counterpart_id.name"] or "",
                r["decided_by"],
            )
            for r in change_rows
        ],
        coop_name=coop_name,
        on=on,
        refund=refund,
        fee_year=fee_year,
        fees=fees,
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
    last_refunds = await _last_refunds(coop_id)
    rows = [
        RegisterRow(
            m,
            balances.get(m.id, Balance(0, 0, 0)),
            plans.get(m.id),
            _refund_view(m, balances.get(m.id, Balance(0, 0, 0)), history, last_refunds.get(m.id), on),
        )
        for m in members
        # Everyone active is listed (also with nothing subscribed yet); others only if they have share history.
        if m.status == "active" or m.id in balances
    ]
    totals = Balance(
        sum(r.balance.shares for r in rows),
        sum(r.balance.owed_cents for r in rows),
        sum(r.balance.paid_cents for r in rows),
        sum(r.balance.refunded_cents for r in rows),
    )
    # Money still owed first, the soonest due first; then those paid back, the latest first.
    refunds = sorted(
        (r.refund for r in rows if r.refund is not None),
        key=lambda f: (f.status == "paid", f.due_on.toordinal() * (-1 if f.status == "paid" else 1), f.member.name),
    )
    fee = _fee_of_year(history, on.year)
    paid = await _fees_paid(coop_id, on.year)
    supporting = [
        SupportingRow(m, FeeYear(on.year, fee, paid.get(m.id, 0)))
        for m in members
        if m.member_class == "supporting" and m.status == "active"
    ]
    return RegisterPage(_policy_in(history, on), history, rows, totals, refunds, supporting, on.year, on)


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


DOCUMENTS = ("statement", "certificate")


async def statement_for_download(
    ctx: CoopContext, member_id: int, ip: str = "", document: str = "statement"
) -> Statement:
    """A statement or certificate: the register's keepers see anyone's, a member only their own (others: 404).

    A certificate needs shares (none: 404). When someone downloads another person's document, the audit log says
    who downloaded whose ("shares.document_downloaded"); a member's own downloads are not logged.
    """
    if document not in DOCUMENTS:
        raise ValueError(f"unknown share document {document!r}")
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        own = member.user_id == ctx.viewer.id
        if not ctx.has(*VIEWERS) and not own:
            raise NotFoundException()
        statement = await _statement(ctx.id, member, today(), ctx.name)
        if document == "certificate" and statement.balance.shares <= 0:
            raise NotFoundException()
        if not own:
            await audit.record(
                "shares.document_downloaded",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"member:{member.id}",
                ip=ip,
                document=document,
            )
        return statement


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


def _count(form: Form, name: str, low: int, high: int = MAX_SHARES) -> int | None:
    try:
        return parse_count(form.get(name), low, high)
    except InputError as problem:
        form.error(name, problem.message)
        return None


def _year_end(form: Form, name: str) -> tuple[int, int] | None:
    """The last day of the financial year; an empty field is the Act's default, 31.12."""
    if not form.get(name):
        return DEFAULT_YEAR_END
    try:
        return parse_year_end(form.get(name))
    except InputError as problem:
        form.error(name, problem.message)
        return None


def _months(form: Form, name: str) -> int | None:
    """Months after the year end when refunds fall due; an empty field is the Act's default, 6."""
    value = "".join(form.get(name).split())
    if not value:
        return DEFAULT_REFUND_MONTHS
    if not is_digits(value):
        form.error(name, N_("Write the number of months as a whole number, for example 6"))
        return None
    if int(value) > MAX_REFUND_MONTHS:
        form.error(name, N_("The number of months must be 60 or less"))
        return None
    return int(value)


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
    valid_from = read_date(form, "valid_from")
    price = read_euros(form, "share_price")
    required = _count(form, "shares_required", 1)
    supporting = 0 if not form.get("supporting_fee") else read_euros(form, "supporting_fee", allow_zero=True)
    year_end = _year_end(form, "year_end")
    months = _months(form, "refund_months")
    decided_by = _text(form, "decided_by", N_("Write which meeting decided the share fee"))
    if not form.ok:
        return False
    assert valid_from is not None and price is not None and required is not None and supporting is not None
    assert year_end is not None and months is not None
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
                    year_end_day=year_end[0],
                    year_end_month=year_end[1],
                    refund_months=months,
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
            year_end=f"{year_end[0]}.{year_end[1]}.",
            refund_months=months,
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
    starts_on = read_date(form, "starts_on")
    instalment = read_euros(form, "instalment") if kind in ("instalments", "wage_deduction") else None
    protected = read_euros(form, "protected_net", allow_zero=True) if kind == "wage_deduction" else 0
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
    amount = read_euros(form, "amount")
    paid_on = read_date(form, "paid_on")
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


# --- what is not possible now -------------------------------------------------------------------------------------


class NotPossibleNow(Exception):
    """The member's figures do not allow this now (nothing is owed, the plan is no longer in progress).
    `message` is the message id the page shows; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NOTHING_TO_REFUND = N_("Nothing is owed to this member now. Share money is paid back after the member has left.")
PLAN_FIRST = N_("The member still has a payment plan in progress. Cancel the plan first, then save the refund.")
PLAN_NOT_ACTIVE = N_("This payment plan is not in progress any more. Nothing was changed.")


# --- refunds to members who left ---------------------------------------------------------------------------------


def refund_problem(statement: Statement) -> str | None:
    """Why no refund can be saved now (a message id), or None when one can."""
    if statement.refund is None or statement.refund.owed_cents <= 0:
        return NOTHING_TO_REFUND
    if statement.active_plan is not None:
        return PLAN_FIRST
    return None


async def refund_form(ctx: CoopContext, member_id: int) -> Statement:
    """The member's figures for the refund page (whether a refund can be saved now: `refund_problem`)."""
    ctx.require(*DECIDERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        return await _statement(ctx.id, member, today(), ctx.name)


async def record_refund(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """Pay back share money to a member who left: at most what is still owed. The last refund also returns the
    member's shares to the coop (the register then shows 0 shares). Raises NotPossibleNow when nothing is owed."""
    ctx.require(*DECIDERS)
    amount = read_euros(form, "amount")
    paid_on = read_date(form, "paid_on")
    if paid_on is not None and paid_on > today():
        form.error("paid_on", N_("The payment day must be today or in the past"))
    source = form.get("source")
    if source not in FORM_SOURCES:
        form.error("source", N_("Choose how the money was paid"))
    note = _text(form, "note", None)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        current = (await _balances(ctx.id, member.id)).get(member.id, Balance(0, 0, 0))
        refund = _refund_view(member, current, await _policies(ctx.id), None, today())
        if refund is None or refund.owed_cents <= 0:
            raise NotPossibleNow(NOTHING_TO_REFUND)
        if await _plans(ctx.id, member.id, status="active"):
            raise NotPossibleNow(PLAN_FIRST)
        if not form.ok:
            return False
        assert amount is not None and paid_on is not None
        if amount > refund.owed_cents:
            form.error("amount", N_("The refund can be at most what the cooperative still owes the member"))
        if paid_on < refund.left_on:
            form.error("paid_on", N_("The payment day must be on or after the day the member left"))
        if not form.ok:
            return False
        payment_id, _plan = await _add_payment(
            ctx.id, member.id, amount, "refund", paid_on, source, note, ctx.viewer.id
        )
        returned = 0
        if amount == refund.owed_cents and current.shares > 0:
            returned = current.shares
            await ShareChange.insert(
                ShareChange(
                    coop=ctx.id,
                    member=member.id,
                    shares=-returned,
                    value_cents=-max(0, current.owed_cents),
                    on_date=paid_on,
                    reason="refunded",
                    recorded_by=ctx.viewer.id,
                )
            ).run()
        await audit.record(
            "shares.refund_paid",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member.id}",
            ip=ip,
            payment_id=payment_id,
            amount_cents=amount,
            owed_before_cents=refund.owed_cents,
            due_on=refund.due_on.isoformat(),
            paid_on=paid_on.isoformat(),
            source=source,
            shares_returned=returned,
        )
    return True


# --- cancelling a payment plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPage:
    statement: Statement
    plan: PlanView


async def plan_to_cancel(ctx: CoopContext, member_id: int, plan_id: int) -> PlanPage:
    """The plan of this member (another member's or coop's plan is the same 404), for the cancel page."""
    ctx.require(*DECIDERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        statement = await _statement(ctx.id, member, today(), ctx.name)
    plan = next((p for p in statement.plans if p.id == plan_id), None)
    if plan is None:
        raise NotFoundException()
    return PlanPage(statement, plan)


async def cancel_plan(ctx: CoopContext, member_id: int, plan_id: int, form: Form, ip: str) -> bool:
    """Stop a plan in progress, with the reason. Payments made under it stay; the shares stay subscribed, so what
    is unpaid stays unpaid (a new plan can be made). Raises NotPossibleNow when the plan is no longer active."""
    ctx.require(*DECIDERS)
    reason = form.get("reason")
    if not reason:
        form.error("reason", N_("Write why the plan is cancelled"))
    elif len(reason) > 500:
        form.error("reason", N_("Write 500 characters or fewer"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        plan = next((p for _, p in await _plans(ctx.id, member.id) if p.id == plan_id), None)
        if plan is None:
            raise NotFoundException()
        if plan.status != "active":
            raise NotPossibleNow(PLAN_NOT_ACTIVE)
        if not form.ok:
            return False
        on = today()
        await (
            PaymentPlan.update(
                {
                    PaymentPlan.status: "cancelled",
                    PaymentPlan.cancel_reason: reason,
                    PaymentPlan.cancelled_on: on,
                    PaymentPlan.cancelled_by: ctx.viewer.id,
                }
            )
            .where(
                (PaymentPlan.coop == ctx.id)
                & (PaymentPlan.id == plan_id)
                & (PaymentPlan.member == member.id)
                & (PaymentPlan.status == "active")
            )
            .run()
        )
        await audit.record(
            "shares.plan_cancelled",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member.id}",
            ip=ip,
            plan_id=plan_id,
            reason=reason,
            total_cents=plan.total_cents,
            paid_cents=plan.paid_cents,
            balance_cents=plan.balance_cents,
        )
    return True


# --- moving shares from one member to another ----------------------------------------------------------------------

# Who can receive shares: people and organisations who are members now (an applicant is admitted first; an employee
# who is not a member holds no shares).
RECEIVER_CLASSES = ("trial", "member", "supporting")


@dataclass(frozen=True)
class TransferForm:
    statement: Statement
    receivers: list[tuple[int, str]]


async def _receivers(coop_id: int, member_id: int) -> list[tuple[int, str]]:
    rows = (
        await Member.select(Member.id, Member.name)
        .where(
            (Member.coop == coop_id)
            & (Member.id != member_id)
            & (Member.status == "active")
            & Member.member_class.is_in(list(RECEIVER_CLASSES))
        )
        .order_by(Member.name)
        .order_by(Member.id)
        .run()
    )
    return [(int(r["id"]), r["name"]) for r in rows]


async def transfer_form(ctx: CoopContext, member_id: int) -> TransferForm:
    ctx.require(*DECIDERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        statement = await _statement(ctx.id, member, today(), ctx.name)
        receivers = await _receivers(ctx.id, member_id)
    return TransferForm(statement, receivers)


def _part(total: int, part: int, whole: int) -> int:
    """`part` of `whole` shares' worth `total`, rounded half up (all of it for all shares)."""
    return total if part == whole else (total * part * 2 + whole) // (whole * 2)


async def transfer_shares(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """Move paid shares to another member after the board approved it (Cooperatives Act: the receiver counts the
    share money the giver paid). Both members' histories get a row, and the paid money moves with the shares
    (a refund with source "transfer" on one side, a payment on the other), all in one unit."""
    ctx.require(*DECIDERS)
    receiver_text = form.get("receiver")
    if parse_id(receiver_text) is None:
        form.error("receiver", N_("Choose the member who gets the shares"))
    shares = _count(form, "shares", 1)
    on_date = read_date(form, "on_date")
    if on_date is not None and on_date > today():
        form.error("on_date", N_("The day must be today or in the past"))
    decided_by = _text(form, "decided_by", N_("Write which board meeting approved the transfer"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        giver = await _member_row(ctx.id, member_id)
        if not form.ok:
            return False
        assert shares is not None and on_date is not None
        receiver_id = int(receiver_text)
        # Both rows locked in id order, so two transfers between the same people cannot cross.
        rows = (
            await Member.select(*_MEMBER_COLUMNS)
            .where((Member.coop == ctx.id) & Member.id.is_in(sorted({member_id, receiver_id})))
            .order_by(Member.id)
            .lock_rows("UPDATE", of=(Member,))
            .run()
        )
        receiver = next((_member(r) for r in rows if r["id"] == receiver_id), None)
        if (
            receiver is None
            or receiver.id == giver.id
            or receiver.status != "active"
            or receiver.member_class not in RECEIVER_CLASSES
        ):
            form.error("receiver", N_("Choose the member who gets the shares"))
            return False
        current = (await _balances(ctx.id, giver.id)).get(giver.id, Balance(0, 0, 0))
        if shares > current.shares:
            form.error("shares", N_("The member does not have that many shares"))
        elif current.unpaid_cents > 0:
            form.error("shares", N_("Only paid shares can be moved. The member must pay for the shares first."))
        if not form.ok:
            return False
        value = _part(current.owed_cents, shares, current.shares)
        for member, other, sign in ((giver, receiver, -1), (receiver, giver, 1)):
            await ShareChange.insert(
                ShareChange(
                    coop=ctx.id,
                    member=member.id,
                    shares=sign * shares,
                    value_cents=sign * value,
                    on_date=on_date,
                    reason="transferred",
                    counterpart=other.id,
                    decided_by=decided_by,
                    recorded_by=ctx.viewer.id,
                )
            ).run()
            if value > 0:
                await SharePayment.insert(
                    SharePayment(
                        coop=ctx.id,
                        member=member.id,
                        plan=None,
                        amount_cents=value,
                        kind="refund" if sign < 0 else "payment",
                        paid_on=on_date,
                        source="transfer",
                        reference=other.name[:200],
                        recorded_by=ctx.viewer.id,
                    )
                ).run()
        await audit.record(
            "shares.transferred",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{giver.id}",
            ip=ip,
            receiver=f"member:{receiver.id}",
            shares=shares,
            value_cents=value,
            on_date=on_date.isoformat(),
            decided_by=decided_by,
        )
    return True


# --- the supporting-member fee -----------------------------------------------------------------------------------


async def fee_form(ctx: CoopContext, member_id: int) -> Statement:
    """A supporting member's fee page; anyone else is not found here."""
    ctx.require(*DECIDERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        if member.member_class != "supporting":
            raise NotFoundException()
        return await _statement(ctx.id, member, today(), ctx.name)


def _year(form: Form, name: str) -> int | None:
    value = "".join(form.get(name).split())
    if not value:
        form.error(name, N_("Enter the year, for example 2026"))
        return None
    if not (is_digits(value) and len(value) == 4 and 2000 <= int(value) <= today().year + 1):
        form.error(name, N_("Check the year. Write the year with four digits, for example 2026"))
        return None
    return int(value)


async def record_fee(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """A supporting member paid (part of) the fee of a year: at most what is left of that year's fee."""
    ctx.require(*DECIDERS)
    year = _year(form, "year")
    amount = read_euros(form, "amount")
    paid_on = read_date(form, "paid_on")
    if paid_on is not None and paid_on > today():
        form.error("paid_on", N_("The payment day must be today or in the past"))
    note = _text(form, "note", None)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        if member.member_class != "supporting":
            raise NotFoundException()
        if not form.ok:
            return False
        assert year is not None and amount is not None and paid_on is not None
        fee = FeeYear(
            year, _fee_of_year(await _policies(ctx.id), year), (await _fees_paid(ctx.id, year)).get(member.id, 0)
        )
        if fee.fee_cents <= 0:
            form.error(
                "year", N_("There is no supporting member fee for this year. Save the fee on the share fee page first.")
            )
        elif amount > fee.left_cents:
            form.error("amount", N_("The payment can be at most what is left of the fee for this year"))
        if not form.ok:
            return False
        rows = (
            await SupportingFee.insert(
                SupportingFee(
                    coop=ctx.id,
                    member=member.id,
                    year=year,
                    amount_cents=amount,
                    paid_on=paid_on,
                    note=note,
                    recorded_by=ctx.viewer.id,
                )
            )
            .returning(SupportingFee.id)
            .run()
        )
        await audit.record(
            "shares.supporting_fee_paid",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member.id}",
            ip=ip,
            fee_payment_id=rows[0]["id"],
            year=year,
            amount_cents=amount,
            paid_on=paid_on.isoformat(),
        )
    return True


# --- the export --------------------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: such text gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def register_csv_text(page: RegisterPage) -> str:
    """The register for Excel: semicolons, decimal commas, a byte-order mark, one row per member and a total.

    A member who left also has the day they left, what was paid back, what is still to pay back and when."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            gettext("Member"),
            gettext("Shares"),
            gettext("Value of the shares (euros)"),
            gettext("Paid (euros)"),
            gettext("Unpaid (euros)"),
            gettext("Left on"),
            gettext("Paid back (euros)"),
            gettext("Still to pay back (euros)"),
            gettext("To pay back on"),
        ]
    )
    for row in page.rows:
        b, r = row.balance, row.refund
        writer.writerow(
            [
                _cell(row.member.name),
                b.shares,
                format_euros(b.owed_cents),
                format_euros(b.paid_cents),
                format_euros(row.unpaid_cents),
                format_date(row.member.left_on) if row.member.left_on else "",
                format_euros(b.refunded_cents),
                format_euros(r.owed_cents) if r else format_euros(0),
                format_date(r.due_on) if r and r.owed_cents else "",
            ]
        )
    t = page.totals
    unpaid = sum(r.unpaid_cents for r in page.rows)
    to_refund = sum(r.refund.owed_cents for r in page.rows if r.refund)
    writer.writerow(
        [
            gettext("Total"),
            t.shares,
            format_euros(t.owed_cents),
            format_euros(t.paid_cents),
            format_euros(unpaid),
            "",
            format_euros(t.refunded_cents),
            format_euros(to_refund),
            "",
        ]
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
