"""JSON API for the share register under /api/v1/coops/{slug}/shares: the same service functions, checks and roles as
the pages (osuus/tenants/shares/routes.py). Money is integer cents (`…_cents`), dates are ISO 8601."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import CONFIRM_NEEDED, WRITE_SECURITY, answer, form_from_json, invalid, iso, refused, responses
from osuus.platform.context import CoopContext
from osuus.platform.dates import today
from osuus.platform.http import Form, client_ip, is_digits
from osuus.platform.i18n import N_
from osuus.tenants.shares import service
from osuus.tenants.shares.money import Balance

ON_NEEDED = N_("Write the date as yyyy-mm-dd, for example 2026-03-27")
NET_PAY_NEEDED = N_("Write each pay as member id and cents, for example 12:185000")


class PolicyOut(msgspec.Struct):
    id: int
    valid_from: str
    share_price_cents: int
    shares_required: int
    required_cents: int  # share price × shares required
    supporting_fee_cents: int
    year_end_day: int
    year_end_month: int
    refund_months: int
    decided_by: str
    recorded_by: str


class BalanceOut(msgspec.Struct):
    shares: int
    owed_cents: int  # what the shares are worth
    paid_cents: int
    unpaid_cents: int


class PlanOut(msgspec.Struct):
    id: int
    kind: str  # lump_sum | instalments | wage_deduction
    status: str
    starts_on: str
    total_cents: int
    instalment_cents: int
    protected_net_cents: int
    paid_cents: int
    balance_cents: int
    cancel_reason: str  # "" unless cancelled
    cancelled_on: str | None


class MemberInfoOut(msgspec.Struct):
    id: int
    name: str
    member_class: str
    status: str
    joined_on: str | None
    left_on: str | None


class RegisterRowOut(msgspec.Struct):
    member: MemberInfoOut
    balance: BalanceOut
    plan: PlanOut | None


class ShareRegisterOut(msgspec.Struct):
    on: str
    policy: PolicyOut | None  # the share fee in force today
    rows: list[RegisterRowOut]
    totals: BalanceOut


class PoliciesOut(msgspec.Struct):
    policy: PolicyOut | None  # in force today
    history: list[PolicyOut]  # newest first, future ones included


class PaymentOut(msgspec.Struct):
    id: int
    paid_on: str
    kind: str  # payment | refund
    amount_cents: int
    source: str
    reference: str
    recorded_by: str


class ChangeOut(msgspec.Struct):
    on_date: str
    shares: int
    value_cents: int
    reason: str  # subscribed | refunded | transferred
    recorded_by: str
    counterpart: str  # a transfer: the other member's name ("" otherwise)
    decided_by: str  # a transfer: the board meeting that approved it


class RefundOut(msgspec.Struct):
    """The share money owed back to a member who left."""

    member: MemberInfoOut
    left_on: str
    owed_cents: int  # still to pay back
    refunded_cents: int  # paid back so far (shares moved to another member are not counted)
    due_on: str
    status: str  # not_due | due | paid
    last_refund_on: str | None
    rule: PolicyOut | None  # the share fee in force on the day the member left (null: the Act's default rule)


class FeeYearOut(msgspec.Struct):
    """A supporting member's fee for one year."""

    year: int
    fee_cents: int
    paid_cents: int
    left_cents: int
    status: str  # none (no fee) | unpaid | part (partly paid) | paid


class FeePaymentOut(msgspec.Struct):
    year: int
    amount_cents: int
    paid_on: str
    note: str
    recorded_by: str


class StatementOut(msgspec.Struct):
    on: str
    member: MemberInfoOut
    balance: BalanceOut
    policy: PolicyOut | None
    plans: list[PlanOut]
    payments: list[PaymentOut]
    changes: list[ChangeOut]
    refund: RefundOut | None  # a member who left with share money paid
    fee_year: FeeYearOut | None  # this year's supporting-member fee (a supporting member, or one who paid fees)
    fees: list[FeePaymentOut]  # supporting-member fee payments, newest first


class RefundsOut(msgspec.Struct):
    on: str
    refunds: list[RefundOut]  # what is owed first, the soonest due first; then those paid back, the latest first
    owed_cents: int  # still to pay back, all together


class FeesOut(msgspec.Struct):
    member: MemberInfoOut
    this_year: FeeYearOut
    payments: list[FeePaymentOut]  # newest first


class DeductionOut(msgspec.Struct):
    member_id: int
    plan_id: int
    amount_cents: int  # may be 0: the net pay is already at or below the protected amount
    balance_cents: int  # still to pay under the plan before this deduction
    protected_net_cents: int


class DeductionsOut(msgspec.Struct):
    on: str
    deductions: list[DeductionOut]


def _policy(p: service.PolicyView | None) -> PolicyOut | None:
    if p is None:
        return None
    return PolicyOut(
        id=p.id,
        valid_from=p.valid_from.isoformat(),
        share_price_cents=p.share_price_cents,
        shares_required=p.shares_required,
        required_cents=p.required_cents,
        supporting_fee_cents=p.supporting_fee_cents,
        year_end_day=p.year_end_day,
        year_end_month=p.year_end_month,
        refund_months=p.refund_months,
        decided_by=p.decided_by,
        recorded_by=p.recorded_by,
    )


def _balance(b: Balance, unpaid: int | None = None) -> BalanceOut:
    return BalanceOut(b.shares, b.owed_cents, b.paid_cents, b.unpaid_cents if unpaid is None else unpaid)


def _plan(p: service.PlanView | None) -> PlanOut | None:
    if p is None:
        return None
    return PlanOut(
        id=p.id,
        kind=p.kind,
        status=p.status,
        starts_on=p.starts_on.isoformat(),
        total_cents=p.total_cents,
        instalment_cents=p.instalment_cents,
        protected_net_cents=p.protected_net_cents,
        paid_cents=p.paid_cents,
        balance_cents=p.balance_cents,
        cancel_reason=p.cancel_reason,
        cancelled_on=iso(p.cancelled_on),
    )


def _member(m: service.MemberInfo) -> MemberInfoOut:
    return MemberInfoOut(m.id, m.name, m.member_class, m.status, iso(m.joined_on), iso(m.left_on))


def _refund(r: service.RefundView) -> RefundOut:
    return RefundOut(
        member=_member(r.member),
        left_on=r.left_on.isoformat(),
        owed_cents=r.owed_cents,
        refunded_cents=r.refunded_cents,
        due_on=r.due_on.isoformat(),
        status=r.status,
        last_refund_on=iso(r.last_refund_on),
        rule=_policy(r.rule),
    )


def _fee_year(f: service.FeeYear) -> FeeYearOut:
    return FeeYearOut(f.year, f.fee_cents, f.paid_cents, f.left_cents, f.status)


def _fee_payment(f: service.FeePaymentView) -> FeePaymentOut:
    return FeePaymentOut(f.year, f.amount_cents, f.paid_on.isoformat(), f.note, f.recorded_by)


def _statement(s: service.Statement) -> StatementOut:
    return StatementOut(
        on=s.on.isoformat(),
        member=_member(s.member),
        balance=_balance(s.balance, 0 if s.has_left else None),  # one who left owes nothing more (as the pages)
        policy=_policy(s.policy),
        plans=[p for p in (_plan(p) for p in s.plans) if p is not None],
        payments=[
            PaymentOut(p.id, p.paid_on.isoformat(), p.kind, p.amount_cents, p.source, p.reference, p.recorded_by)
            for p in s.payments
        ],
        changes=[
            ChangeOut(
                c.on_date.isoformat(), c.shares, c.value_cents, c.reason, c.recorded_by, c.counterpart, c.decided_by
            )
            for c in s.changes
        ],
        refund=_refund(s.refund) if s.refund else None,
        fee_year=_fee_year(s.fee_year) if s.fee_year else None,
        fees=[_fee_payment(f) for f in s.fees],
    )


@get(
    "/shares",
    summary="The share register: each member's shares, paid and unpaid cents, and the payment plan",
    responses=responses(),
)
async def api_share_register(coop: CoopContext) -> ShareRegisterOut:
    register = await service.register(coop)
    return ShareRegisterOut(
        on=today().isoformat(),
        policy=_policy(register.policy),
        rows=[
            RegisterRowOut(_member(r.member), _balance(r.balance, r.unpaid_cents), _plan(r.plan)) for r in register.rows
        ],
        totals=_balance(register.totals, sum(r.unpaid_cents for r in register.rows)),
    )


@get("/shares/policy", summary="The share fee in force today and every decision on it", responses=responses())
async def api_policy(coop: CoopContext) -> PoliciesOut:
    register = await service.register(coop)
    return PoliciesOut(policy=_policy(register.policy), history=[p for p in map(_policy, register.history) if p])


@post(
    "/shares/policy",
    summary="Save the board's decision on the share fee (from a day on)",
    description="Body: valid_from (ISO date), share_price_cents, shares_required, supporting_fee_cents (optional, 0), "
    "year_end (optional, the last day of the financial year as d.m., default 31.12.), refund_months (optional, "
    "default 6), decided_by. Returns the saved share fee.",
    security=WRITE_SECURITY,
    responses=responses(PolicyOut, 201, form=True),
)
async def api_set_policy(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("valid_from",), cents=("share_price", "supporting_fee"))
    if not await service.set_policy(coop, form, client_ip(request)):
        return invalid(form)
    register = await service.register(coop)
    valid_from = dt.date.fromisoformat(str(data["valid_from"]))
    saved = next(p for p in register.history if p.valid_from == valid_from)
    return Response(_policy(saved), status_code=201)


async def _statement_now(coop: CoopContext, member_id: int) -> StatementOut:
    return _statement(await service.member_statement(coop, member_id))


@get(
    "/shares/members/{member_id:int}",
    summary="One member's share statement: shares, payments, plans, changes",
    responses=responses(),
)
async def api_statement(coop: CoopContext, member_id: int) -> StatementOut:
    return await _statement_now(coop, member_id)


@post(
    "/shares/members/{member_id:int}/plans",
    summary="Subscribe shares and make a payment plan for everything the member then owes",
    description="Body: shares (new shares, 0 or more), kind (lump_sum | instalments | wage_deduction), starts_on "
    "(ISO date), instalment_cents (instalments and wage deduction), protected_net_cents (wage deduction: the net "
    "pay never deducted below). Returns the member's statement after the change.",
    security=WRITE_SECURITY,
    responses=responses(StatementOut, 201, form=True),
)
async def api_create_plan(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("starts_on",), cents=("instalment", "protected_net"))
    saved = await service.create_plan(coop, member_id, form, client_ip(request))
    return await answer(form, saved, lambda _: _statement_now(coop, member_id))


@post(
    "/shares/members/{member_id:int}/payments",
    summary="Record a payment or a refund (source manual or bank)",
    description="Body: kind (payment | refund), amount_cents, paid_on (ISO date, not in the future), source "
    "(manual | bank), reference (optional), shares_returned (a refund: shares given back, optional). Returns the "
    "member's statement after the change.",
    security=WRITE_SECURITY,
    responses=responses(StatementOut, 201, form=True),
)
async def api_record_payment(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data, dates=("paid_on",), cents=("amount",))
    saved = await service.record_payment(coop, member_id, form, client_ip(request))
    return await answer(form, saved, lambda _: _statement_now(coop, member_id))


def _net_pay(values: list[str], form: Form) -> dict[int, int] | None:
    pay: dict[int, int] = {}
    for value in values:
        member, _, cents = value.partition(":")
        if not (is_digits(member.strip()) and is_digits(cents.strip())):
            form.error("net_pay", NET_PAY_NEEDED)
            return None
        pay[int(member)] = int(cents)
    return pay


@get(
    "/shares/deductions",
    summary="Share deductions due on a pay day, for payroll",
    description="For every active wage-deduction plan that has started: the instalment, capped at the balance. "
    "Query: on (ISO date, default today); net_pay (repeatable, member_id:cents, the pay before this deduction after "
    "tax): when given, only those members are deducted and never below their protected net pay. Payroll records "
    "what it deducted as a payment with source payroll.",
    responses=responses(DeductionsOut, form=True),
)
async def api_deductions(coop: CoopContext, on: str = "", net_pay: list[str] | None = None) -> Response[Any]:
    coop.require(*service.VIEWERS)
    form = Form(values={"on": on})
    day = today()
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            form.error("on", ON_NEEDED)
    pay = _net_pay(net_pay, form) if net_pay else None
    if not form.ok:
        return invalid(form)
    due = await service.deductions_due(coop.id, pay, on=day)
    out = DeductionsOut(
        on=day.isoformat(),
        deductions=[
            DeductionOut(d.member_id, d.plan_id, d.amount_cents, d.balance_cents, d.protected_net_cents) for d in due
        ],
    )
    return Response(out)


# --- refunds to members who left ------------------------------------------------------------------------------


@get(
    "/shares/refunds",
    summary="The refund schedule: members who left, what is still owed to them, what was paid back, and when due",
    responses=responses(),
)
async def api_refunds(coop: CoopContext) -> RefundsOut:
    register = await service.register(coop)
    return RefundsOut(
        on=register.on.isoformat(),
        refunds=[_refund(r) for r in register.refunds],
        owed_cents=sum(r.owed_cents for r in register.refunds),
    )


@post(
    "/shares/members/{member_id:int}/refunds",
    summary="Pay back share money to a member who left",
    description="Body: amount_cents (at most what is still owed), paid_on (ISO date, not in the future, not before "
    "the member left), source (manual | bank), note (optional). Paying back all that is owed also returns the "
    "member's shares. Nothing owed, or a payment plan still in progress: 409. Returns the member's statement.",
    security=WRITE_SECURITY,
    responses=responses(StatementOut, 201, form=True, conflict="Nothing is owed, or a payment plan is in progress"),
)
async def api_record_refund(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("paid_on",), cents=("amount",))
    try:
        if not await service.record_refund(coop, member_id, form, client_ip(request)):
            return invalid(form)
    except service.NotPossibleNow as problem:
        return refused(409, problem.message)
    return Response(await _statement_now(coop, member_id), status_code=201)


# --- the supporting-member fee -------------------------------------------------------------------------------


def _fees(s: service.Statement) -> FeesOut:
    year = s.fee_year or service.FeeYear(s.on.year, 0, 0)  # a supporting member always has one
    return FeesOut(member=_member(s.member), this_year=_fee_year(year), payments=[_fee_payment(f) for f in s.fees])


@get(
    "/shares/members/{member_id:int}/fees",
    summary="A supporting member's fee: this year's fee and what is paid, and every fee payment",
    description="Only for a supporting member (anyone else: 404).",
    responses=responses(),
)
async def api_fees(coop: CoopContext, member_id: int) -> FeesOut:
    return await _fees_now(coop, member_id)


async def _fees_now(coop: CoopContext, member_id: int) -> FeesOut:
    return _fees(await service.fee_form(coop, member_id))


@post(
    "/shares/members/{member_id:int}/fees",
    summary="Record a supporting member's fee payment for a year",
    description="Body: year (2000 to next year), amount_cents (at most what is left of that year's fee), paid_on "
    "(ISO date, not in the future), note (optional). Only for a supporting member (anyone else: 404). Returns the "
    "member's fees.",
    security=WRITE_SECURITY,
    responses=responses(FeesOut, 201, form=True),
)
async def api_record_fee(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("paid_on",), cents=("amount",))
    saved = await service.record_fee(coop, member_id, form, client_ip(request))
    return await answer(form, saved, lambda _: _fees_now(coop, member_id))


# --- cancelling a plan, moving shares ------------------------------------------------------------------------------


@post(
    "/shares/members/{member_id:int}/plans/{plan_id:int}/cancel",
    summary="Cancel a payment plan in progress, with the reason",
    description='Body: reason, and "confirm": true (this cannot be undone; without it the answer is 409 and nothing '
    "changes). The payments made under the plan stay, and what is unpaid stays unpaid (a new plan can be made). "
    "A plan not in progress any more: 409. Returns the member's statement.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(
        StatementOut, 200, form=True, conflict='Not in progress any more, or irreversible without "confirm": true'
    ),
)
async def api_cancel_plan(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    plan_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data)
    confirmed = form.values.pop("confirm", "") == "yes"
    found = await service.plan_to_cancel(coop, member_id, plan_id)  # the roles, and this member's plan (else 404)
    if found.plan.status != "active":
        return refused(409, service.PLAN_NOT_ACTIVE)
    if not confirmed:
        return refused(409, CONFIRM_NEEDED)
    try:
        if not await service.cancel_plan(coop, member_id, plan_id, form, client_ip(request)):
            return invalid(form)
    except service.NotPossibleNow as problem:  # cancelled or paid meanwhile
        return refused(409, problem.message)
    return Response(await _statement_now(coop, member_id), status_code=200)


@post(
    "/shares/members/{member_id:int}/transfers",
    summary="Move paid shares from this member to another member, after the board approved it",
    description="Body: receiver_id (an active member, trial member or supporting member), shares (1 or more, at most "
    "what the member has), on_date (ISO date, not in the future), decided_by (the board meeting that approved it). "
    "Only paid shares move; the paid money moves with them. Returns the giving member's statement.",
    security=WRITE_SECURITY,
    responses=responses(StatementOut, 201, form=True),
)
async def api_transfer(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("on_date",), names={"receiver_id": "receiver"})
    saved = await service.transfer_shares(coop, member_id, form, client_ip(request))
    return await answer(form, saved, lambda _: _statement_now(coop, member_id))


API_HANDLERS: list[Any] = [
    api_share_register,
    api_policy,
    api_set_policy,
    api_statement,
    api_create_plan,
    api_record_payment,
    api_deductions,
    api_refunds,
    api_record_refund,
    api_fees,
    api_record_fee,
    api_cancel_plan,
    api_transfer,
]
