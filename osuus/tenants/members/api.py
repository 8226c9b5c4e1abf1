"""JSON API for the member register under /api/v1/coops/{slug}/members: the same service functions, checks and roles
as the pages (osuus/tenants/members/routes.py). Dates are ISO 8601."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post

from osuus.platform.api import CONFIRM_NEEDED, WRITE_SECURITY, form_from_json, invalid, iso, refused, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import N_
from osuus.tenants.members import service

NOT_POSSIBLE = N_("This decision is not possible for this member now. Their status or class has changed.")


class MemberOut(msgspec.Struct):
    id: int
    kind: str  # person | organisation
    name: str
    email: str
    phone: str
    member_class: str
    status: str
    applied_on: str | None
    joined_on: str | None
    left_on: str | None
    organisation: str | None
    has_account: bool


class EventOut(msgspec.Struct):
    kind: str
    on_date: str
    decided_by: str
    recorded_by: str
    note: str
    new_class: str
    created_at: str


class FamilyOut(msgspec.Struct):
    id: int
    relative_id: int
    relative_name: str
    relation: str  # what the relative is to this member


class DecisionOut(msgspec.Struct):
    action: str
    irreversible: bool  # needs "confirm": true
    classes: list[str]  # the choices for "member_class"; empty when the class stays


class MemberDetailOut(msgspec.Struct):
    member: MemberOut
    history: list[EventOut]
    family: list[FamilyOut]
    decisions: list[DecisionOut]  # what this person may decide about the member now


class RegisterOut(msgspec.Struct):
    members: list[MemberOut]
    by_status: dict[str, int]
    by_class: dict[str, int]  # active members per class
    member_class: str  # the filters in use ("" = all)
    status: str


def member_out(m: service.MemberView) -> MemberOut:
    return MemberOut(
        id=m.id,
        kind="person" if m.is_person else "organisation",
        name=m.name,
        email=m.email,
        phone=m.phone,
        member_class=m.member_class,
        status=m.status,
        applied_on=iso(m.applied_on),
        joined_on=iso(m.joined_on),
        left_on=iso(m.left_on),
        organisation=m.organisation,
        has_account=m.has_account,
    )


def _event(e: service.EventView) -> EventOut:
    return EventOut(
        kind=e.kind,
        on_date=e.on_date.isoformat(),
        decided_by=e.decided_by,
        recorded_by=e.recorded_by,
        note=e.note,
        new_class=e.new_class,
        created_at=e.created_at.isoformat(),
    )


def _family(f: service.FamilyView) -> FamilyOut:
    return FamilyOut(id=f.id, relative_id=f.relative_id, relative_name=f.relative_name, relation=f.relation)


async def _detail(coop: CoopContext, member_id: int) -> MemberDetailOut:
    found = await service.member_page(coop, member_id)
    decisions = service.decisions_for(found.member) if coop.has(*service.DECIDERS) else []
    return MemberDetailOut(
        member=member_out(found.member),
        history=[_event(e) for e in found.events],
        family=[_family(f) for f in found.family],
        decisions=[DecisionOut(d.action, d.confirm, list(d.class_choices(found.member))) for d in decisions],
    )


@get(
    "/members",
    summary="The member register, filtered by class and status like the register page",
    responses=responses(),
)
async def api_register(coop: CoopContext, member_class: str = "", status: str = "") -> RegisterOut:
    found = await service.register(coop, member_class, status)
    return RegisterOut(
        members=[member_out(m) for m in found.members],
        by_status=found.by_status,
        by_class=found.by_class,
        member_class=found.member_class,
        status=found.status,
    )


@get(
    "/members/{member_id:int}",
    summary="One member with the history of decisions and the family links",
    responses=responses(),
)
async def api_member(coop: CoopContext, member_id: int) -> MemberDetailOut:
    return await _detail(coop, member_id)


@post(
    "/members",
    summary="Add a person or a supporting organisation to the register (as the admin form)",
    description="Body: kind (person | organisation), name, email, phone, organisation_id (a partner organisation), "
    "member_class, on_date (ISO date), decided_by. Returns the new member.",
    security=WRITE_SECURITY,
    responses=responses(MemberDetailOut, 201, form=True),
)
async def api_add_member(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("on_date",), names={"organisation_id": "organisation"})
    member_id = await service.add_member(coop, form, client_ip(request))
    if member_id is None:
        return invalid(form)
    return Response(await _detail(coop, member_id), status_code=201)


@post(
    "/members/{member_id:int}/decisions/{action:str}",
    summary="Record a decision about a member (admit, reject, start-trial, end-trial, change-class, resign, expel, "
    "deceased)",
    description="Body: member_class (when the decision gives a class), on_date (ISO date), decided_by. A decision "
    'that cannot be undone (reject, resign, expel, deceased) needs "confirm": true; without it the answers are '
    "checked and the answer is 409. Returns the member after the decision.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(
        MemberDetailOut, 200, form=True, conflict='Not possible now, or irreversible without "confirm": true'
    ),
)
async def api_decide(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    action: str,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data, dates=("on_date",))
    confirmed = form.values.pop("confirm", "") == "yes"
    outcome = await service.decide(coop, member_id, action, form, client_ip(request), confirmed=confirmed)
    if outcome.state == "invalid":
        return invalid(form)
    if outcome.state == "check":
        return refused(409, CONFIRM_NEEDED)
    if outcome.state == "not_possible":
        return refused(409, NOT_POSSIBLE)
    return Response(await _detail(coop, member_id), status_code=200)


@post(
    "/members/{member_id:int}/family",
    summary="Link two people of the register as family (read by the entrepreneur-status monitor)",
    description="Body: relative_id (a person in the register), relation (spouse, partner, parent, child, sibling, "
    "grandparent, grandchild, other: what the relative is to this member). Returns the new link.",
    security=WRITE_SECURITY,
    responses=responses(FamilyOut, 201, form=True),
)
async def api_add_family(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, names={"relative_id": "relative"})
    if not await service.add_family_link(coop, member_id, form, client_ip(request)):
        return invalid(form)
    found = await service.member_page(coop, member_id)
    link = next(f for f in found.family if f.relative_id == int(form.get("relative")))
    return Response(_family(link), status_code=201)


@delete(
    "/members/{member_id:int}/family/{link_id:int}",
    summary="Remove a family link of the member",
    security=WRITE_SECURITY,
    responses=responses(),
)
async def api_remove_family(request: Request, coop: CoopContext, member_id: int, link_id: int) -> None:  # type: ignore[type-arg]
    await service.remove_family_link(coop, member_id, link_id, client_ip(request))


API_HANDLERS: list[Any] = [api_register, api_member, api_add_member, api_decide, api_add_family, api_remove_family]
