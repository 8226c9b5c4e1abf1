"""JSON API for employment under /api/v1/coops/{slug}/employment: contracts (list, one, create), earnings of a month
(one's own and, for the admin and job coaches, any worker's) and the benefit profile (read, logged; write).

The same service functions, checks and roles as the pages (osuus/tenants/employment/routes.py). Money is integer
cents, dates ISO 8601, months "2026-11". A profile read through the API is logged like a page view.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from osuus.platform.api import (
    CONFIRM_NEEDED,
    WRITE_SECURITY,
    answer,
    form_from_json,
    invalid,
    iso,
    refused,
    responses,
)
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.tenants.employment import service


class TermsOut(msgspec.Struct):
    id: int
    valid_from: str
    weekly_minutes: int  # 0: on-call work
    hourly_wage_cents: int
    collective_agreement: str
    subsidy_percent: int | None  # wage subsidy (palkkatuki), per cent of pay costs
    subsidy_from: str | None
    subsidy_until: str | None
    note: str
    created_by: str
    created_at: str


class EndingOut(msgspec.Struct):
    last_day: str
    reason: str  # fixed_term_ended | resigned | agreement | other
    reason_text: str  # what "other" means
    ended_by: str
    created_at: str


class ContractOut(msgspec.Struct):
    id: int
    member_id: int
    kind: str  # indefinite | fixed_term
    starts_on: str
    ends_on: str | None  # the last day: the ending's when the contract was ended, else the agreed end
    job_title: str
    status: str  # coming | in_force | ended (today)
    current: TermsOut  # the terms in force today (before the start: the first; after the end: the last)
    terms: list[TermsOut]  # oldest first: the first terms, then every amendment
    planned_ends_on: str | None = None  # the end agreed in the contract (null: until further notice)
    ending: EndingOut | None = None  # how the contract was ended; null while it has not been


class ContractsOut(msgspec.Struct):
    member_id: int
    name: str
    contracts: list[ContractOut]  # newest start first


class EarningRowOut(msgspec.Struct):
    day: str
    kind: str  # hours (approved) | pending (waiting for approval) | planned (accepted, to come) | other
    minutes: int
    hourly_wage_cents: int | None  # null: no contract covers the day (paid 0)
    pay_cents: int
    note: str


class EarningsOut(msgspec.Struct):
    member_id: int
    name: str
    month: str
    earned_cents: int  # approved hours
    other_cents: int
    so_far_cents: int  # earned + other
    pending_cents: int
    planned_cents: int
    projected_cents: int  # so far + pending + planned
    limit_visible: bool  # false: the caller may not see the benefit profile (the fields below are null)
    benefit_kind: str | None
    limit_cents: int | None
    left_cents: int | None  # limit − projected (negative: over)
    status: str | None  # no_limit | under | near | at | over
    rows: list[EarningRowOut]


class ProfileOut(msgspec.Struct):
    id: int
    valid_from: str
    kind: str  # none | disability_pension | unemployment | other
    limit_cents: int | None
    recorded_by: str
    created_at: str


class BenefitOut(msgspec.Struct):
    member_id: int
    name: str
    current: ProfileOut | None  # in force today
    history: list[ProfileOut]  # newest first


def _terms(t: service.TermsView) -> TermsOut:
    return TermsOut(
        id=t.id,
        valid_from=t.valid_from.isoformat(),
        weekly_minutes=t.weekly_minutes,
        hourly_wage_cents=t.hourly_wage_cents,
        collective_agreement=t.collective_agreement,
        subsidy_percent=t.subsidy_percent,
        subsidy_from=iso(t.subsidy_from),
        subsidy_until=iso(t.subsidy_until),
        note=t.note,
        created_by=t.created_by,
        created_at=t.created_at.isoformat(),
    )


def contract_out(c: service.ContractView) -> ContractOut:
    return ContractOut(
        id=c.id,
        member_id=c.member_id,
        kind=c.kind,
        starts_on=c.starts_on.isoformat(),
        ends_on=iso(c.ends_on),
        job_title=c.job_title,
        status=c.status,
        current=_terms(c.current),
        terms=[_terms(t) for t in c.terms],
        planned_ends_on=iso(c.planned_ends_on),
        ending=EndingOut(
            c.ending.last_day.isoformat(), c.ending.reason, c.ending.reason_text, c.ending.ended_by,
            c.ending.created_at.isoformat(),
        ) if c.ending else None,
    )  # fmt: skip


def earnings_out(e: service.EarningsPage) -> EarningsOut:
    x = e.earnings
    visible = e.profile_visible
    return EarningsOut(
        member_id=e.worker.id,
        name=e.worker.name,
        month=str(e.month),
        earned_cents=x.earned_cents,
        other_cents=x.other_cents,
        so_far_cents=x.so_far_cents,
        pending_cents=x.pending_cents,
        planned_cents=x.planned_cents,
        projected_cents=x.projected_cents,
        limit_visible=visible,
        benefit_kind=e.profile.kind if visible and e.profile else None,
        limit_cents=x.limit_cents if visible else None,
        left_cents=x.left_cents if visible else None,
        status=x.status if visible else None,
        rows=[
            EarningRowOut(r.day.isoformat(), r.kind, r.minutes, r.hourly_wage_cents, r.pay_cents, r.note)
            for r in x.rows
        ],
    )


def _profile(p: service.ProfileView) -> ProfileOut:
    return ProfileOut(p.id, p.valid_from.isoformat(), p.kind, p.limit_cents, p.recorded_by, p.created_at.isoformat())


def benefit_out(b: service.BenefitPage) -> BenefitOut:
    return BenefitOut(
        member_id=b.worker.id,
        name=b.worker.name,
        current=_profile(b.current) if b.current else None,
        history=[_profile(p) for p in b.history],
    )


CONTRACT_BODY = (
    "Body: kind (indefinite | fixed_term), starts_on, ends_on (ISO dates; ends_on only and always for fixed_term), "
    "job_title, hours_per_week (a number, 0 for on-call work, e.g. 37.5), hourly_wage_cents, collective_agreement, "
    "subsidy_percent (1-100, optional), subsidy_from, subsidy_until (ISO dates, with subsidy_percent)."
)
BENEFIT_BODY = (
    "Body: kind (none | disability_pension | unemployment | other), limit_cents (monthly earnings limit; needed for "
    "disability_pension and other, optional for unemployment, none for none), valid_from (ISO date)."
)


@get(
    "/employment/workers/{member_id:int}/contracts",
    summary="A worker's employment contracts with the history of their terms",
    description="The admin, board and job coaches; a worker their own (others: 404).",
    responses=responses(),
)
async def api_contracts(coop: CoopContext, member_id: int) -> ContractsOut:
    found = await service.worker_page(coop, member_id)
    return ContractsOut(found.worker.id, found.worker.name, [contract_out(c) for c in found.contracts])


@get(
    "/employment/workers/{member_id:int}/contracts/{contract_id:int}",
    summary="One employment contract",
    responses=responses(),
)
async def api_contract(coop: CoopContext, member_id: int, contract_id: int) -> ContractOut:
    _, contract = await service.contract_page(coop, member_id, contract_id)
    return contract_out(contract)


@post(
    "/employment/workers/{member_id:int}/contracts",
    summary="Make an employment contract (admin, board)",
    description=CONTRACT_BODY + " Refused when the days overlap another contract of the worker. Returns the contract.",
    security=WRITE_SECURITY,
    responses=responses(ContractOut, 201, form=True),
)
async def api_create_contract(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data, dates=("starts_on", "ends_on", "subsidy_from", "subsidy_until"), cents=("hourly_wage",))

    async def made(contract_id: int) -> ContractOut:
        _, contract = await service.contract_page(coop, member_id, contract_id)
        return contract_out(contract)

    return await answer(form, await service.create_contract(coop, member_id, form, client_ip(request)), made)


@post(
    "/employment/workers/{member_id:int}/contracts/{contract_id:int}/end",
    summary="End an employment contract (admin, board)",
    description="Body: last_day (yyyy-mm-dd), reason (fixed_term_ended | resigned | agreement | other), reason_text "
    '(required for other), "confirm": true. The last day is not before the first day, not before the last day '
    "with approved hours of the worker, and not after a fixed term's agreed end. Without confirm: 409 and nothing "
    "changes. Returns the contract.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(ContractOut, 200, form=True, conflict='Send "confirm": true to end the contract'),
)
async def api_end_contract(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    contract_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data, dates=("last_day",))
    confirmed = form.values.pop("confirm", "") == "yes"
    if not confirmed:
        checked = await service.check_ending(coop, member_id, contract_id, form)
        return invalid(form) if checked is None else refused(409, CONFIRM_NEEDED)
    if not await service.end_contract(coop, member_id, contract_id, form, client_ip(request)):
        return invalid(form)
    _, contract = await service.contract_page(coop, member_id, contract_id)
    return Response(contract_out(contract), status_code=200)


@get(
    "/employment/mine/earnings",
    summary="The caller's own earnings of a month against their limit (month=2026-11; default this month)",
    description="404 when the caller's account is not linked to the coop's member register. Logged as a read of "
    "the caller's benefit profile.",
    responses=responses(),
)
async def api_my_earnings(request: Request, coop: CoopContext, month: str = "") -> EarningsOut:  # type: ignore[type-arg]
    found = await service.my_earnings(coop, service.parse_month(month), client_ip(request))
    if found is None:
        raise NotFoundException()
    return earnings_out(found)


@get(
    "/employment/workers/{member_id:int}/earnings",
    summary="A worker's earnings of a month (month=2026-11; default this month)",
    description="The admin and job coaches, and the worker. The limit only for the admin, the worker's own job "
    "coaches and the worker (limit_visible); reading it is logged.",
    responses=responses(),
)
async def api_worker_earnings(request: Request, coop: CoopContext, member_id: int, month: str = "") -> EarningsOut:  # type: ignore[type-arg]
    found = await service.worker_earnings(coop, member_id, service.parse_month(month), client_ip(request))
    return earnings_out(found)


@get(
    "/employment/workers/{member_id:int}/benefit",
    summary="A worker's benefit profile and its history (special-category data; every read is logged)",
    description="The admin, the worker's own job coaches and the worker. The board and other coaches: 403; other "
    "members: 404.",
    responses=responses(),
)
async def api_benefit(request: Request, coop: CoopContext, member_id: int) -> BenefitOut:  # type: ignore[type-arg]
    return benefit_out(await service.benefit_page(coop, member_id, client_ip(request), purpose="api"))


@post(
    "/employment/workers/{member_id:int}/benefit",
    summary="Save a new dated benefit profile row (the admin and the worker's own job coaches)",
    description=BENEFIT_BODY + " Earlier rows stay. Returns the profile with its history (a logged read).",
    security=WRITE_SECURITY,
    responses=responses(BenefitOut, 201, form=True),
)
async def api_save_benefit(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("valid_from",), cents=("limit",))

    async def saved(_: bool) -> BenefitOut:
        return benefit_out(await service.benefit_page(coop, member_id, client_ip(request), purpose="api"))

    return await answer(form, await service.save_benefit(coop, member_id, form, client_ip(request)), saved)


API_HANDLERS: list[Any] = [
    api_contracts,
    api_contract,
    api_create_contract,
    api_end_contract,
    api_my_earnings,
    api_worker_earnings,
    api_benefit,
    api_save_benefit,
]
