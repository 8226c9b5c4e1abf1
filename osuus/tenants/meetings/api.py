"""JSON API for meetings under /api/v1/coops/{slug}/meetings: the same service functions, checks and roles as the
pages (osuus/tenants/meetings/routes.py). Dates are ISO 8601; a meeting's time is given as a date and a clock time.
Votes on agenda items have their own API in the votes context."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, answer, form_from_json, iso, refused, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import N_
from osuus.tenants.meetings import service

FROZEN = N_("The meeting is closed or cancelled. Nothing can be changed.")
FROZEN_CONFLICT = "The meeting is closed (minutes approved) or cancelled"


class MeetingOut(msgspec.Struct):
    id: int
    kind: str  # general | board
    title: str
    starts_at: str  # ISO 8601 with the offset of Finland
    place: str
    remote_info: str
    status: str  # draft | noticed | held | closed | cancelled
    notice_sent_at: str | None
    agenda_changed_after_notice: bool
    chair_name: str
    secretary_name: str
    checker1_name: str
    checker2_name: str
    minutes_approved_at: str | None


class ItemOut(msgspec.Struct):
    id: int
    position: int  # the § number
    title: str
    description: str
    kind: str  # ordinary | election | member_application | board_decision
    member_id: int | None  # the applicant of a member_application
    member_name: str
    outcome: str  # "" | approved | rejected | noted
    decision: str
    decided_at: str | None
    result: str | None  # the vote's result line, when the item had a vote


class AttendanceOut(msgspec.Struct):
    id: int
    member_id: int
    member_name: str
    mode: str  # in_person | remote | proxy
    proxy_holder_id: int | None
    proxy_holder_name: str


class MeetingDetailOut(msgspec.Struct):
    meeting: MeetingOut
    items: list[ItemOut]
    attendance: list[AttendanceOut]
    present: int
    represented: int
    quorum_needed: int  # 0: any lawfully convened meeting has a quorum
    has_quorum: bool


class MeetingListOut(msgspec.Struct):
    upcoming: list[MeetingOut]  # soonest first
    past: list[MeetingOut]  # newest first


def _meeting(m: service.MeetingView) -> MeetingOut:
    return MeetingOut(
        id=m.id,
        kind=m.kind,
        title=m.title,
        starts_at=m.local.isoformat(),
        place=m.place,
        remote_info=m.remote_info,
        status=m.status,
        notice_sent_at=iso(m.notice_sent_at),
        agenda_changed_after_notice=m.agenda_changed_after_notice,
        chair_name=m.chair_name,
        secretary_name=m.secretary_name,
        checker1_name=m.checker1_name,
        checker2_name=m.checker2_name,
        minutes_approved_at=iso(m.minutes_approved_at),
    )


def _item(i: service.ItemView, results: dict[int, Any]) -> ItemOut:
    result = results.get(i.id)
    return ItemOut(
        id=i.id,
        position=i.position,
        title=i.title,
        description=i.description,
        kind=i.kind,
        member_id=i.member_id,
        member_name=i.member_name,
        outcome=i.outcome,
        decision=i.decision,
        decided_at=iso(i.decided_at),
        result=str(result.summary) if result is not None else None,
    )


def _attendance(a: service.AttendanceView) -> AttendanceOut:
    return AttendanceOut(a.id, a.member_id, a.member_name, a.mode, a.proxy_holder_id, a.proxy_holder_name)


async def _detail(coop: CoopContext, meeting_id: int) -> MeetingDetailOut:
    page = await service.meeting_page(coop, meeting_id)
    counts = page.counts
    return MeetingDetailOut(
        meeting=_meeting(page.meeting),
        items=[_item(i, page.results) for i in page.items],
        attendance=[_attendance(a) for a in page.attendance],
        present=counts.present,
        represented=counts.proxy,
        quorum_needed=page.quorum_needed,
        has_quorum=page.has_quorum,
    )


async def _item_now(coop: CoopContext, meeting_id: int, item_id: int) -> ItemOut:
    page = await service.meeting_page(coop, meeting_id)
    item = page.item(item_id)
    assert item is not None
    return _item(item, page.results)


async def _attendance_now(coop: CoopContext, meeting_id: int, attendance_id: int) -> AttendanceOut:
    _, row = await service.get_attendance(coop, meeting_id, attendance_id)
    return _attendance(row)


@get("/meetings", summary="The coop's meetings this person may see: coming and past", responses=responses())
async def api_meetings(coop: CoopContext) -> MeetingListOut:
    found = await service.meetings(coop)
    return MeetingListOut([_meeting(m) for m in found.upcoming], [_meeting(m) for m in found.past])


@get(
    "/meetings/{meeting_id:int}",
    summary="One meeting with its agenda, decisions and attendance",
    description="Board meetings are seen by admin, board and coach (and a member with a board seat); drafts by "
    "admin, board and coach; others get 404.",
    responses=responses(),
)
async def api_meeting(coop: CoopContext, meeting_id: int) -> MeetingDetailOut:
    return await _detail(coop, meeting_id)


@post(
    "/meetings",
    summary="Create a meeting as a draft (admin, board)",
    description="Body: kind (general | board), title, date (ISO date), time (18:00), place, remote_info (place or "
    "remote_info is needed). A general meeting starts with the usual first items. Returns the new meeting.",
    security=WRITE_SECURITY,
    responses=responses(MeetingDetailOut, 201, form=True),
)
async def api_create_meeting(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("date",))
    meeting_id = await service.create_meeting(coop, form, client_ip(request))
    return await answer(form, meeting_id, lambda new_id: _detail(coop, new_id))


@post(
    "/meetings/{meeting_id:int}/items",
    summary="Add a matter to the agenda (admin, board)",
    description="Body: kind (ordinary | election | member_application | board_decision), title, description, "
    "member_id (the applicant, for member_application: a person whose application waits). Returns the item.",
    security=WRITE_SECURITY,
    responses=responses(ItemOut, 201, form=True, conflict=FROZEN_CONFLICT),
)
async def api_add_item(request: Request, coop: CoopContext, meeting_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data)
    try:
        item_id = await service.add_item(coop, meeting_id, form, client_ip(request))
    except service.MeetingFrozen:
        return refused(409, FROZEN)
    return await answer(form, item_id, lambda new_id: _item_now(coop, meeting_id, new_id))


@post(
    "/meetings/{meeting_id:int}/attendance",
    summary="Record a person at the meeting (admin, board)",
    description="Body: member_id, mode (in_person | remote | proxy), proxy_holder_id (for proxy: a person marked "
    "present). Refused: a person already on the list, a proxy over the coop's limit, a proxy at a board meeting.",
    security=WRITE_SECURITY,
    responses=responses(AttendanceOut, 201, form=True, conflict=FROZEN_CONFLICT),
)
async def api_add_attendance(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data)
    try:
        attendance_id = await service.record_attendance(coop, meeting_id, form, client_ip(request))
    except service.MeetingFrozen:
        return refused(409, FROZEN)
    return await answer(form, attendance_id, lambda new_id: _attendance_now(coop, meeting_id, new_id))


@post(
    "/meetings/{meeting_id:int}/items/{item_id:int}/outcome",
    summary="Record the outcome and decision text of an item (admin, board)",
    description="Body: outcome (approved | rejected | noted; an application: approved | rejected), decision (text), "
    "member_class (member | trial, when an application is approved). Approving an application admits the "
    "applicant and rejecting rejects them, in the same transaction. Returns the item.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(ItemOut, 200, form=True, conflict=FROZEN_CONFLICT),
)
async def api_item_outcome(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data)
    try:
        done = await service.decide_item(coop, meeting_id, item_id, form, client_ip(request))
    except service.MeetingFrozen:
        return refused(409, FROZEN)
    return await answer(form, done, lambda _: _item_now(coop, meeting_id, item_id), status=200)


API_HANDLERS: list[Any] = [
    api_meetings,
    api_meeting,
    api_create_meeting,
    api_add_item,
    api_add_attendance,
    api_item_outcome,
]
