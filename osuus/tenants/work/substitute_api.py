"""JSON API for substitutes under /api/v1/coops/{slug}/work: "I can't come", the searches with who could take the
job, offers again, approve, refuse, stop; people's skills and work days; the coop's rule. The same service
functions, checks and roles as the pages (osuus/tenants/work/substitutes.py)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, form_from_json, invalid, iso, refused, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import gettext
from osuus.tenants.work import substitutes
from osuus.tenants.work.api import AssignmentOut, assignment_out
from osuus.tenants.work.service import NotPossible

Req = Request[Any, Any, Any]


class SearchOut(msgspec.Struct):
    id: int
    order_id: int
    assignment_id: int  # the assignment of the worker who cannot come
    member_id: int
    worker: str
    status: str  # open | waiting (for approval) | filled | cancelled
    reason: str
    needs_approval: bool
    taken_assignment_id: int | None  # the substitute's assignment
    taken_by: str
    title: str
    planned_day: str | None
    planned_minutes: int
    created_at: str | None
    closed_at: str | None


class CandidateOut(msgspec.Struct):
    member_id: int
    name: str
    fits: bool
    reason: str  # "" | skill | day | busy | limit (only for the admin and coaches; others see "hidden") | offered
    explanation: str  # the reason in the caller's language


class SearchEventOut(msgspec.Struct):
    kind: str  # asked | offered | nobody | taken | approved | refused | filled | cancelled
    person: str
    at: str | None
    by: str
    note: str


class SearchDetailOut(msgspec.Struct):
    search: SearchOut
    candidates: list[CandidateOut]  # only while the search is open
    offers: list[AssignmentOut]
    history: list[SearchEventOut]
    needed_category_ids: list[int]


class SearchListOut(msgspec.Struct):
    open: list[SearchOut]  # open and waiting
    closed: list[SearchOut]  # the last 90 days
    substitute_approval: bool


class PersonOut(msgspec.Struct):
    member_id: int
    name: str
    has_account: bool
    category_ids: list[int]
    days: list[int]  # ISO weekdays, Monday = 1


class RuleOut(msgspec.Struct):
    substitute_approval: bool


def search_out(s: substitutes.SubstitutionView, coop: CoopContext, own: bool = False) -> SearchOut:
    """The reason is shown only to the worker, job coaches and the admin (it may tell of health)."""
    shown = own or coop.has(*substitutes.APPROVERS)
    return SearchOut(
        id=s.id, order_id=s.order_id, assignment_id=s.assignment_id, member_id=s.member_id, worker=s.worker,
        status=s.status, reason=s.reason if shown else "", needs_approval=s.needs_approval,
        taken_assignment_id=s.taken_id, taken_by=s.taken_by, title=s.title, planned_day=iso(s.planned_day),
        planned_minutes=s.planned_minutes, created_at=iso(s.created_at), closed_at=iso(s.closed_at),
    )  # fmt: skip


def _not_possible(problem: NotPossible) -> Response[Any]:
    return refused(409, problem.message)


@post(
    "/work/assignments/{assignment_id:int}/cant-come",
    summary="I can't come: look for a substitute for a job I have taken (only the person whose job it is)",
    description="Body: reason (optional, up to 1 000 characters; seen by the coaches and the admin). The job is "
    "offered to everyone who fits; the first to accept takes it. Returns the search.",
    security=WRITE_SECURITY,
    responses=responses(SearchOut, 201, form=True, conflict="The job cannot be given away now"),
)
async def api_cant_come(request: Req, coop: CoopContext, assignment_id: int, data: dict[str, Any]) -> Response[Any]:
    form = form_from_json(data)
    try:
        made = await substitutes.cant_come(coop, assignment_id, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if made is None:
        return invalid(form)
    return Response(search_out(made, coop, own=True), status_code=201)


@get("/work/substitutes", summary="Searches for substitutes: open ones and the last 90 days", responses=responses())
async def api_searches(coop: CoopContext) -> SearchListOut:
    found = await substitutes.substitution_list(coop)
    return SearchListOut(
        [search_out(s, coop) for s in found.live], [search_out(s, coop) for s in found.closed], found.needs_approval
    )


@get(
    "/work/substitutes/{substitution_id:int}",
    summary="One search: who could take the job and why not, the offers, the history",
    responses=responses(),
)
async def api_search(coop: CoopContext, substitution_id: int) -> SearchDetailOut:
    found = await substitutes.substitution_page(coop, substitution_id)
    candidates = [
        CandidateOut(
            c.member_id,
            c.name,
            c.fits,
            "hidden" if c.reason == "limit" and not found.sees_limit else c.reason,
            gettext(found.reason(c)) if c.reason else "",
        )
        for c in found.candidates
    ]
    history = [SearchEventOut(e.kind, e.person, iso(e.at), e.by, e.note) for e in found.events]
    return SearchDetailOut(
        search_out(found.search, coop), candidates, [assignment_out(a) for a in found.offers], history, found.needed
    )


async def _step(request: Req, coop: CoopContext, substitution_id: int, action: str) -> Response[Any]:
    try:
        await substitutes.SEARCH_STEPS[action](coop, substitution_id, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    return Response(search_out(await substitutes.get_substitution(coop, substitution_id), coop), status_code=200)


@post(
    "/work/substitutes/{substitution_id:int}/offers",
    summary="Offer the job again to everyone who fits now and has no offer yet",
    responses=responses(SearchOut, 200, conflict="The search is not open, or nobody new fits"),
    security=WRITE_SECURITY,
    status_code=200,
)
async def api_search_offers(request: Req, coop: CoopContext, substitution_id: int) -> Response[Any]:
    return await _step(request, coop, substitution_id, "offers")


@post(
    "/work/substitutes/{substitution_id:int}/approve",
    summary="Approve the substitute who took the job (a job coach or the admin)",
    responses=responses(SearchOut, 200, conflict="Nobody waits for approval"),
    security=WRITE_SECURITY,
    status_code=200,
)
async def api_search_approve(request: Req, coop: CoopContext, substitution_id: int) -> Response[Any]:
    return await _step(request, coop, substitution_id, "approve")


@post(
    "/work/substitutes/{substitution_id:int}/refuse",
    summary="Do not approve the substitute: their job is cancelled and the search is open again",
    responses=responses(SearchOut, 200, conflict="Nobody waits for approval"),
    security=WRITE_SECURITY,
    status_code=200,
)
async def api_search_refuse(request: Req, coop: CoopContext, substitution_id: int) -> Response[Any]:
    return await _step(request, coop, substitution_id, "refuse")


@post(
    "/work/substitutes/{substitution_id:int}/stop",
    summary="Stop the search: the offers are taken back and the worker keeps the job",
    responses=responses(SearchOut, 200, conflict="The search is not open"),
    security=WRITE_SECURITY,
    status_code=200,
)
async def api_search_stop(request: Req, coop: CoopContext, substitution_id: int) -> Response[Any]:
    return await _step(request, coop, substitution_id, "stop")


@post(
    "/work/substitutes/rule",
    summary="The coop's rule: does a job coach or the admin approve substitutes",
    description="Body: substitute_approval (true/false).",
    responses=responses(RuleOut, 200),
    security=WRITE_SECURITY,
    status_code=200,
)
async def api_rule(request: Req, coop: CoopContext, data: dict[str, Any]) -> RuleOut:
    form = form_from_json(data)
    return RuleOut(await substitutes.set_approval(coop, form, client_ip(request)))


def _person_out(p: substitutes.PersonSkills) -> PersonOut:
    return PersonOut(p.member_id, p.name, p.has_account, list(p.skills), [int(d) for d in p.days])


@get("/work/people", summary="People's skills (category ids) and work days", responses=responses())
async def api_people(coop: CoopContext) -> list[PersonOut]:
    found = await substitutes.people_page(coop)
    return [_person_out(p) for p in found.people]


@post(
    "/work/people/{member_id:int}",
    summary="Set a person's skills and work days",
    description="Body: category_ids (the shared categories the person can do), days (ISO weekdays 1-7, at least "
    "one). Replaces what was there. Returns the person.",
    responses=responses(PersonOut, 200, form=True),
    security=WRITE_SECURITY,
    status_code=200,
)
async def api_set_person(request: Req, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:
    body = dict(data or {})
    form = form_from_json({k: v for k, v in body.items() if k not in ("category_ids", "days")})
    for name, prefix, json_name in (("category_ids", "skill_", "category_ids"), ("days", "day_", "days")):
        values = body.get(name) or []
        if not isinstance(values, list):
            values = [values]
        for value in values:
            form.values[f"{prefix}{value}"] = "yes"
        form.json_names["skills" if prefix == "skill_" else "days"] = json_name
    if not await substitutes.save_skills(coop, member_id, form, client_ip(request)):
        return invalid(form)
    found, _ = await substitutes.skills_page(coop, member_id)
    return Response(_person_out(found.person), status_code=200)


API_HANDLERS: list[Any] = [
    api_cant_come,
    api_searches,
    api_search,
    api_search_offers,
    api_search_approve,
    api_search_refuse,
    api_search_stop,
    api_rule,
    api_people,
    api_set_person,
]
