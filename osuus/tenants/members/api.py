"""JSON API for the member register under /api/v1/coops/{slug}/members and the person's own membership under
/api/v1/coops/{slug}/me: the same service functions, checks and roles as the pages (osuus/tenants/members/routes.py).
Dates are ISO 8601."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post

from osuus.platform.api import CONFIRM_NEEDED, WRITE_SECURITY, answer, form_from_json, invalid, iso, refused, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import N_, gettext
from osuus.tenants.members import service
from osuus.tenants.members.routes import _my_documents

NOT_POSSIBLE = N_("This decision is not possible for this member now. Their status or class has changed.")
ALREADY_LINKED = N_("This member already has an Osuus account linked. Nothing was changed.")


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
    account_email: str  # the e-mail of the linked Osuus account ("" without one), not the contact e-mail


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
        account_email=m.account_email,
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
    return await answer(form, member_id, lambda new_id: _detail(coop, new_id))


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


# --- linking an account, contact details --------------------------------------------------------------------------


class AccountOut(msgspec.Struct):
    user_id: int
    name: str
    email: str


class AccountChoicesOut(msgspec.Struct):
    member: MemberOut
    accounts: list[AccountOut]  # people with a role in the coop whose account is not linked to a member yet


@get(
    "/members/{member_id:int}/account",
    summary="The accounts that could be linked to a person in the register (people with a role here, not linked)",
    responses=responses(),
)
async def api_account_choices(coop: CoopContext, member_id: int) -> AccountChoicesOut:
    member, choices = await service.account_choices(coop, member_id)
    return AccountChoicesOut(member_out(member), [AccountOut(c.user_id, c.name, c.email) for c in choices])


@post(
    "/members/{member_id:int}/account",
    summary="Link an Osuus account to a person in the register",
    description="Body: account_id (a user id from GET …/account: a person with a role in the coop), or email (the "
    "e-mail of any Osuus account; a person without a role here gets the member role). A member who already has an "
    "account: 409. Returns the member.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(MemberDetailOut, 200, form=True, conflict="The member already has an account"),
)
async def api_link_account(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, names={"account_id": "account"})
    try:
        linked = await service.link_account(coop, member_id, form, client_ip(request))
    except service.NotPossibleNow:
        return refused(409, ALREADY_LINKED)
    if not linked:
        return invalid(form)
    return Response(await _detail(coop, member_id), status_code=200)


def _keep_missing(data: dict[str, Any] | None, current: dict[str, str]) -> dict[str, Any]:
    """The body with the contact fields it leaves out filled in from what is saved: only what is sent changes."""
    body = dict(data or {})
    for name, value in current.items():
        body.setdefault(name, value)
    return body


@post(
    "/members/{member_id:int}/contact",
    summary="Change a member's name, e-mail and phone in the register (the admin)",
    description='Body: name, email, phone. A field left out keeps its value; "" empties the e-mail or the phone. '
    "An organisation's name comes from the organisation and is not changed here. Returns the member.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(MemberDetailOut, 200, form=True),
)
async def api_edit_contact(request: Request, coop: CoopContext, member_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    coop.require(*service.CONTACT_EDITORS)  # before reading the member: a coach is refused, not told who exists
    member = await service.get_member(coop, member_id)
    body = _keep_missing(data, {"name": member.name, "email": member.email, "phone": member.phone})
    form = form_from_json(body)
    saved = await service.edit_contact(coop, member_id, form, client_ip(request))
    return await answer(form, saved, lambda _: _detail(coop, member_id), status=200)


# --- the person's own membership --------------------------------------------------------------------------------


class MyMembershipOut(msgspec.Struct):
    member: MemberOut | None  # null: the person's account is not linked to this coop's register
    history: list[EventOut]  # newest first


class DocumentOut(msgspec.Struct):
    title: str  # in the caller's language
    about: str
    href: str  # the PDF's address on the coop's pages (opened with the browser session)


class MyDocumentsOut(msgspec.Struct):
    member_id: int | None  # null: not linked to this coop's register, so no documents
    documents: list[DocumentOut]


async def _mine(coop: CoopContext) -> MyMembershipOut:
    found = await service.my_membership(coop)
    if found is None:
        return MyMembershipOut(None, [])
    return MyMembershipOut(member_out(found.member), [_event(e) for e in found.events])


@get(
    "/me",
    summary="My own membership in the coop: class, status, dates, my contact details and what has happened",
    responses=responses(),
)
async def api_my_membership(coop: CoopContext) -> MyMembershipOut:
    return await _mine(coop)


@post(
    "/me/contact",
    summary="Change my own e-mail and phone in the register",
    description='Body: email, phone. A field left out keeps its value; "" empties it. The sign-in address does not '
    "change. A person whose account is not linked to the register: 404. Returns my membership.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(MyMembershipOut, 200, form=True),
)
async def api_my_contact(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    mine = await service.my_member(coop)
    form = form_from_json(_keep_missing(data, {"email": mine.email, "phone": mine.phone} if mine else {}))
    saved = await service.update_my_contact(coop, form, client_ip(request))
    return await answer(form, saved, lambda _: _mine(coop), status=200)


@get(
    "/me/documents",
    summary="My documents: the share statement, the share certificate and the membership certificate I can get now",
    responses=responses(),
)
async def api_my_documents(coop: CoopContext) -> MyDocumentsOut:
    mine = await service.my_member(coop)
    if mine is None:
        return MyDocumentsOut(None, [])
    documents = await _my_documents(coop, mine)
    return MyDocumentsOut(mine.id, [DocumentOut(gettext(d.title), gettext(d.about), d.href) for d in documents])


API_HANDLERS: list[Any] = [
    api_register,
    api_member,
    api_add_member,
    api_decide,
    api_add_family,
    api_remove_family,
    api_account_choices,
    api_link_account,
    api_edit_contact,
    api_my_membership,
    api_my_contact,
    api_my_documents,
]
