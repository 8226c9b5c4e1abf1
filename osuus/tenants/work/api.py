"""JSON API for work under /api/v1/coops/{slug}/work: orders and their steps, offers and answers, hours. The same
service functions, checks and roles as the pages (osuus/tenants/work/routes.py). Dates are ISO 8601, times of day
"8.30" or "08:30" (Helsinki time), durations whole minutes, prices integer cents without VAT."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, ApiForm, form_from_json, invalid, iso, refused, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import N_, gettext
from osuus.tenants.work import hours, service
from osuus.tenants.work.service import NotPossible

Req = Request[Any, Any, Any]
WARNING_NEEDED = N_('Read the warning first. To take the job anyway, send "confirm_warning": true.')
NOT_NOW = "The step does not fit the state now (nothing was changed)"


class LineOut(msgspec.Struct):
    id: int
    item_id: int
    name: str
    quantity: str  # a decimal number, e.g. "2.5"
    unit: str
    price_cents: int  # without VAT, copied from the catalogue when the line was made
    vat_code: str
    household_credit: bool
    labour_share: int
    total_cents: int


class OrderOut(msgspec.Struct):
    id: int
    title: str
    status: str  # requested | accepted | declined | scheduled | in_progress | done | invoiced | cancelled
    source: str  # request | staff | organisation
    customer_id: int | None
    customer: str
    contact_email: str
    contact_phone: str
    request_id: int | None
    place: str
    day: str | None
    start: str | None  # "8.30", Helsinki time
    end: str | None
    time_window: str
    notes: str
    created_at: str | None
    updated_at: str | None
    lines: list[LineOut]
    total_cents: int


class EventOut(msgspec.Struct):
    kind: str
    from_status: str
    to_status: str
    at: str | None
    by: str
    note: str


class AssignmentOut(msgspec.Struct):
    id: int
    order_id: int
    role: str  # worker | coach
    member_id: int | None
    coach_id: int | None
    person: str
    status: str  # offered | accepted | declined | withdrawn | cancelled
    planned_day: str | None
    planned_minutes: int
    note: str
    title: str  # the job's name
    order_status: str
    created_at: str | None
    answered_at: str | None


class OrderDetailOut(msgspec.Struct):
    order: OrderOut
    history: list[EventOut]  # newest first
    assignments: list[AssignmentOut]
    steps: list[str]  # the steps this person can take now (POST …/steps/{step})
    approved_minutes: int
    waiting_minutes: int


class OrderListOut(msgspec.Struct):
    orders: list[OrderOut]
    status: str  # the filter in use: open (not declined, invoiced or cancelled), all, or one status
    week: str  # "2026-W48" or "" (every week)
    counts: dict[str, int]  # per status, and "open" and "all"


class EntryOut(msgspec.Struct):
    id: int
    assignment_id: int
    order_id: int
    title: str
    role: str  # worker | coach (coach time is never a worker's hours)
    member_id: int | None
    coach_id: int | None
    person: str
    day: str | None
    start: str | None
    end: str | None
    minutes: int | None  # null while the clock runs
    source: str  # timer | quick | correction
    status: str  # running | waiting | approved | returned
    note: str
    supersedes_id: int | None  # the version this one replaced
    latest: bool  # only the latest version counts
    created_at: str | None
    approved_at: str | None
    approved_by: str
    returned_at: str | None
    return_note: str


class ApprovalOut(msgspec.Struct):
    waiting: list[EntryOut]
    returned: list[EntryOut]


class HistoryOut(msgspec.Struct):
    latest: EntryOut
    versions: list[EntryOut]  # newest first


class MyWorkOut(msgspec.Struct):
    offers: list[AssignmentOut]
    jobs: list[AssignmentOut]
    running: EntryOut | None
    hours_this_month: list[EntryOut]
    approved_minutes: int
    waiting_minutes: int


class AcceptOut(msgspec.Struct):
    assignment: AssignmentOut
    warning: str | None  # the earnings warning the person accepted with


def _clock(value: Any) -> str | None:
    return service.format_clock(value) if value is not None else None


def order_out(o: service.OrderView) -> OrderOut:
    return OrderOut(
        id=o.id, title=o.title, status=o.status, source=o.source, customer_id=o.customer_id, customer=o.customer,
        contact_email=o.contact_email, contact_phone=o.contact_phone, request_id=o.request_id, place=o.place,
        day=iso(o.day), start=_clock(o.start), end=_clock(o.end), time_window=o.time_window, notes=o.notes,
        created_at=iso(o.created_at), updated_at=iso(o.updated_at),
        lines=[
            LineOut(
                line.id, line.item_id, line.name, str(line.quantity), line.unit, line.price_cents, line.vat_code,
                line.household_credit, line.labour_share, line.total_cents,
            )
            for line in o.lines
        ],
        total_cents=o.total_cents,
    )  # fmt: skip


def assignment_out(a: service.AssignmentView) -> AssignmentOut:
    return AssignmentOut(
        id=a.id, order_id=a.order_id, role=a.role, member_id=a.member_id, coach_id=a.coach_id, person=a.person,
        status=a.status, planned_day=iso(a.planned_day), planned_minutes=a.planned_minutes, note=a.note,
        title=a.title, order_status=a.order_status, created_at=iso(a.created_at), answered_at=iso(a.answered_at),
    )  # fmt: skip


def entry_out(e: hours.EntryView) -> EntryOut:
    return EntryOut(
        id=e.id, assignment_id=e.assignment_id, order_id=e.order_id, title=e.title, role=e.role,
        member_id=e.member_id, coach_id=e.coach_id, person=e.person, day=iso(e.day), start=_clock(e.start),
        end=_clock(e.end), minutes=e.minutes, source=e.source, status=e.status, note=e.note,
        supersedes_id=e.supersedes_id, latest=e.latest, created_at=iso(e.created_at), approved_at=iso(e.approved_at),
        approved_by=e.approved_by, returned_at=iso(e.returned_at), return_note=e.return_note,
    )  # fmt: skip


async def _detail(coop: CoopContext, order_id: int) -> OrderDetailOut:
    found = await service.order_page(coop, order_id)
    return OrderDetailOut(
        order=order_out(found.order),
        history=[
            EventOut(e.kind, e.from_status, e.to_status, iso(e.at), e.by, gettext(e.note) if e.system_note else e.note)
            for e in found.events
        ],
        assignments=[assignment_out(a) for a in found.assignments],
        steps=[s.name for s in found.steps],
        approved_minutes=found.approved_minutes,
        waiting_minutes=found.waiting_minutes,
    )


def _not_possible(problem: NotPossible) -> Response[Any]:
    return refused(409, problem.message)


def _rename(form: ApiForm, prefix: str, json_name: str) -> None:
    """Errors of generated form fields (amount_12, worker_7) come back under one JSON field."""
    for name in list(form.errors):
        if name.startswith(prefix):
            form.json_names[name] = json_name


def _minutes(data: dict[str, Any], field: str, hours_field: str, minutes_field: str) -> dict[str, Any]:
    """A duration in whole minutes becomes the page's two fields (hours empty, minutes the whole)."""
    body = dict(data)
    if field in body:
        value = body.pop(field)
        body[hours_field] = ""
        body[minutes_field] = value
    return body


# --- orders ----------------------------------------------------------------------------------------------------

ORDER_BODY = (
    "Body: title, customer_id (a customer of the register) or customer_name (typed), contact_email, contact_phone, "
    'place, day (ISO date), start and end (times of day, both or neither, e.g. "8.30"), time_window (words), '
    "notes, lines ([{item_id, quantity}] from the catalogue; quantity a number), request_id (a storefront request "
    "the order is made from: it is marked handled)."
)


def _order_form(data: dict[str, Any]) -> ApiForm:
    body = dict(data or {})
    lines = body.pop("lines", None) or []
    form = form_from_json(body, dates=("day",), names={"customer_id": "customer", "request_id": "request"})
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        form.error("items", N_("Choose the items from the catalogue"))
        lines = []
    for line in lines:
        item = line.get("item_id")
        form.values[f"amount_{item}"] = str(line.get("quantity", "")).strip()
    form.json_names["items"] = "lines"
    return form


@get(
    "/work/orders",
    summary="Work orders, filtered by status (open by default, all, or one status) and by the week of the job's day",
    responses=responses(),
)
async def api_orders(coop: CoopContext, status: str = "open", week: str = "") -> OrderListOut:
    found = await service.order_list(coop, status, week)
    return OrderListOut([order_out(o) for o in found.orders], found.status, found.week, found.counts)


@get("/work/orders/{order_id:int}", summary="One order with its history and people", responses=responses())
async def api_order(coop: CoopContext, order_id: int) -> OrderDetailOut:
    return await _detail(coop, order_id)


@post(
    "/work/orders",
    summary="Make an order (status requested), from the staff or from a storefront request",
    description=ORDER_BODY + " Returns the new order.",
    security=WRITE_SECURITY,
    responses=responses(OrderDetailOut, 201, form=True, conflict="The request already has an order"),
)
async def api_add_order(request: Req, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:
    form = _order_form(data)
    try:
        order_id = await service.add_order(coop, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if order_id is None:
        _rename(form, "amount_", "lines")
        return invalid(form)
    return Response(await _detail(coop, order_id), status_code=201)


@post(
    "/work/orders/{order_id:int}/steps/{name:str}",
    summary="Take a step of the order's status: accept, decline, schedule, start, done, invoiced, cancel",
    description="Body: note (optional). A step that does not fit the order now is 409 and nothing changes. "
    "Returns the order.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(OrderDetailOut, 200, form=True, conflict=NOT_NOW),
)
async def api_step(request: Req, coop: CoopContext, order_id: int, name: str, data: dict[str, Any]) -> Response[Any]:
    form = form_from_json(data)
    try:
        order = await service.take_step(coop, order_id, name, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if order is None:
        return invalid(form)
    return Response(await _detail(coop, order_id), status_code=200)


# --- offers and answers ----------------------------------------------------------------------------------------


@post(
    "/work/orders/{order_id:int}/offers",
    summary="Offer the job to people of the register (each gets an e-mail and answers themselves)",
    description="Body: member_ids (people of the register with an Osuus account), planned_day (ISO date, today "
    "or later), planned_minutes (1-1440), note. Returns the new offers.",
    security=WRITE_SECURITY,
    responses=responses(list[AssignmentOut], 201, form=True, conflict="The order is not open for work"),
)
async def api_offer(request: Req, coop: CoopContext, order_id: int, data: dict[str, Any]) -> Response[Any]:
    body = _minutes(data or {}, "planned_minutes", "planned_hours", "planned_minutes")
    members = body.pop("member_ids", None) or []
    form = form_from_json(body, dates=("planned_day",))
    if not isinstance(members, list):
        members = [members]
    for member in members:
        form.values[f"worker_{member}"] = "yes"
    form.json_names.update(workers="member_ids", planned_hours="planned_minutes")
    try:
        made = await service.offer_work(coop, order_id, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if made is None:
        return invalid(form)
    return Response([assignment_out(await service.get_assignment(coop, a)) for a in made], status_code=201)


@post(
    "/work/assignments/{assignment_id:int}/accept",
    summary="Accept a job offered to me (only the person it was offered to)",
    description="Body: confirm_warning (true/false). When the earnings guard warns, the answer is 409 with the "
    '"warning" and nothing changes; send "confirm_warning": true to take the job anyway (the warning is kept in '
    "the offer's history). Returns the offer, accepted.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(AcceptOut, 200, conflict="Not open any more, or a warning to confirm"),
)
async def api_accept(request: Req, coop: CoopContext, assignment_id: int, data: dict[str, Any]) -> Response[Any]:
    form = form_from_json(data, names={"confirm_warning": "warning_seen"})
    try:
        outcome = await service.accept_assignment(coop, assignment_id, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if outcome.state == "warn":
        body = {"status": 409, "error": gettext(WARNING_NEEDED), "warning": outcome.warning}
        return Response(body, status_code=409)
    return Response(AcceptOut(assignment_out(outcome.assignment), outcome.warning), status_code=200)


@post(
    "/work/assignments/{assignment_id:int}/decline",
    summary="Say no to a job offered to me (only the person it was offered to)",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(AssignmentOut, 200, conflict="The offer is not open any more"),
)
async def api_decline(request: Req, coop: CoopContext, assignment_id: int) -> Response[Any]:
    try:
        found = await service.decline_assignment(coop, assignment_id, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    return Response(assignment_out(found), status_code=200)


@get(
    "/work/mine",
    summary="My work: offers to answer, my jobs, my running clock and my hours this month",
    responses=responses(),
)
async def api_my_work(coop: CoopContext) -> MyWorkOut:
    found = await hours.my_work(coop)
    return MyWorkOut(
        offers=[assignment_out(a) for a in found.offers],
        jobs=[assignment_out(a) for a in found.jobs],
        running=entry_out(found.running) if found.running else None,
        hours_this_month=[entry_out(e) for e in found.month.entries],
        approved_minutes=found.month.approved_minutes,
        waiting_minutes=found.month.waiting_minutes,
    )


# --- hours -----------------------------------------------------------------------------------------------------

ENTRY_BODY = (
    'Body: day (ISO date, today or earlier), and start and end (times of day, e.g. "8.30") or minutes (whole '
    "minutes), note."
)


def _entry_form(data: dict[str, Any] | None) -> ApiForm:
    body = _minutes(data or {}, "minutes", "hours", "minutes")
    form = form_from_json(body, dates=("day",))
    form.json_names["hours"] = "minutes"
    return form


@post(
    "/work/assignments/{assignment_id:int}/hours",
    summary="Log hours on my accepted job (they wait for approval)",
    description=ENTRY_BODY + " Returns the entry.",
    security=WRITE_SECURITY,
    responses=responses(EntryOut, 201, form=True, conflict="The job is closed"),
)
async def api_log(request: Req, coop: CoopContext, assignment_id: int, data: dict[str, Any]) -> Response[Any]:
    form = _entry_form(data)
    try:
        entry_id = await hours.log_hours(coop, assignment_id, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if entry_id is None:
        return invalid(form)
    return Response(entry_out((await hours.entry_history(coop, entry_id)).latest), status_code=201)


@get("/work/hours", summary="Hours that wait for approval, and hours sent back", responses=responses())
async def api_approval_list(coop: CoopContext) -> ApprovalOut:
    found = await hours.approval_list(coop)
    return ApprovalOut([entry_out(e) for e in found.waiting], [entry_out(e) for e in found.returned])


@get("/work/hours/{entry_id:int}", summary="One logged time with all its versions", responses=responses())
async def api_entry(coop: CoopContext, entry_id: int) -> HistoryOut:
    found = await hours.entry_history(coop, entry_id)
    return HistoryOut(entry_out(found.latest), [entry_out(v) for v in found.versions])


@post(
    "/work/hours/{entry_id:int}/approve",
    summary="Approve hours that wait (a job coach or the admin; a coach's time: the admin; never one's own)",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(EntryOut, 200, conflict=NOT_NOW),
)
async def api_approve(request: Req, coop: CoopContext, entry_id: int) -> Response[Any]:
    try:
        found = await hours.approve_entry(coop, entry_id, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    return Response(entry_out(found), status_code=200)


@post(
    "/work/hours/{entry_id:int}/return",
    summary="Send hours that wait back to the person with a note",
    description="Body: note (what is wrong).",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(EntryOut, 200, form=True, conflict=NOT_NOW),
)
async def api_return(request: Req, coop: CoopContext, entry_id: int, data: dict[str, Any]) -> Response[Any]:
    form = form_from_json(data, names={"note": "return_note"})
    try:
        sent = await hours.return_entry(coop, entry_id, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if not sent:
        return invalid(form)
    return Response(entry_out((await hours.entry_history(coop, entry_id)).latest), status_code=200)


@post(
    "/work/hours/{entry_id:int}/correct",
    summary="Correct hours: a new version replaces this one, which stays in the history",
    description=ENTRY_BODY + ' The note says why (needed). "remove": true makes the time 0 minutes. By an approver '
    "(not of their own time) the correction is approved at once; by the person themself it waits for approval. "
    "Returns the new version.",
    security=WRITE_SECURITY,
    responses=responses(EntryOut, 201, form=True, conflict="A newer version exists, or the clock still runs"),
)
async def api_correct(request: Req, coop: CoopContext, entry_id: int, data: dict[str, Any]) -> Response[Any]:
    form = _entry_form(data)
    try:
        new_id = await hours.correct_entry(coop, entry_id, form, client_ip(request))
    except NotPossible as problem:
        return _not_possible(problem)
    if new_id is None:
        return invalid(form)
    return Response(entry_out((await hours.entry_history(coop, new_id)).latest), status_code=201)


API_HANDLERS: list[Any] = [
    api_orders,
    api_order,
    api_add_order,
    api_step,
    api_offer,
    api_accept,
    api_decline,
    api_my_work,
    api_log,
    api_approval_list,
    api_entry,
    api_approve,
    api_return,
    api_correct,
]
