"""The member register: members and their classes, the decisions about them, family links, applications.

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop, not the filter. Every
change of status, class or family links also recomputes the entrepreneur-status monitor in the same unit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.accounts.service import email_problem, normal_email
from osuus.platform.context import CoopContext, find_coop
from osuus.platform.dates import read_date, today
from osuus.platform.http import Form, parse_id
from osuus.platform.i18n import N_, get_language
from osuus.platform.mailer import send_mail
from osuus.platform.tables import Coop, CoopRole, User
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id
from osuus.tenants.members.tables import MEMBER_CLASSES, MEMBER_STATUSES, RELATIONS, FamilyLink, Member, MemberEvent
from osuus.tenants.monitor.service import recompute_in_unit
from osuus.tenants.noticeboard.service import partner_choices
from osuus.tenants.noticeboard.tables import Activity
from osuus.tenants.shares.pdf import CERTIFIED_CLASSES, Membership

VIEWERS = ("admin", "board", "coach")  # see the register
DECIDERS = ("admin", "board")  # add members and record decisions
FAMILY_EDITORS = ("admin", "board", "coach")
# Events whose note holds the member's new class (the history then says which class the decision gave).
CLASS_EVENTS = ("admitted", "trial_started", "trial_ended", "class_changed")
INVERSE_RELATION = {"parent": "child", "child": "parent", "grandparent": "grandchild", "grandchild": "grandparent"}
PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")


class NotPossibleNow(Exception):
    """The member's status or class changed since the page was opened: this decision no longer applies."""


# --- dates in the Finnish form d.m.yyyy ------------------------------------------------------------------------


# --- what the pages get ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    id: int
    name: str
    email: str
    phone: str
    member_class: str
    status: str
    applied_on: dt.date | None
    joined_on: dt.date | None
    left_on: dt.date | None
    organisation: str | None
    has_account: bool
    user_id: int | None = None
    account_email: str = ""  # the e-mail of the linked Osuus account (not the register's contact e-mail)

    @property
    def is_person(self) -> bool:
        return self.organisation is None


@dataclass(frozen=True)
class EventView:
    kind: str
    on_date: dt.date
    decided_by: str
    recorded_by: str
    note: str
    new_class: str
    created_at: dt.datetime


@dataclass(frozen=True)
class FamilyView:
    id: int
    relative_id: int
    relative_name: str
    relation: str  # what the relative is to this member: "parent" means the relative is this member's parent


@dataclass(frozen=True)
class MemberPage:
    member: MemberView
    events: list[EventView]
    family: list[FamilyView]


@dataclass(frozen=True)
class Register:
    members: list[MemberView]
    by_status: dict[str, int]
    by_class: dict[str, int]  # members whose status is active
    member_class: str
    status: str


_MEMBER_COLUMNS = (
    Member.id,
    Member.name,
    Member.email,
    Member.phone,
    Member.member_class,
    Member.status,
    Member.applied_on,
    Member.joined_on,
    Member.left_on,
    Member.user,
    Member.user.email,
    Member.organisation,
    Member.organisation.name,
)


def _member(row: dict[str, Any]) -> MemberView:
    return MemberView(
        id=int(row["id"]),
        name=row["name"],
        email=row["email"],
        phone=row["phone"],
        member_class=row["member_class"],
        status=row["status"],
        applied_on=row["applied_on"],
        joined_on=row["joined_on"],
        left_on=row["left_on"],
        organisation=row["organisation_id.name"] if row["organisation_id"] is not None else None,
        has_account=row["user_id"] is not None,
        user_id=row["user_id"],
        account_email=row["user_id.email"] or "",
    )


def _event(row: dict[str, Any]) -> EventView:
    note = row["note"]
    new_class = note if row["kind"] in CLASS_EVENTS and note in MEMBER_CLASSES else ""
    return EventView(
        kind=row["kind"],
        on_date=row["on_date"],
        decided_by=row["decided_by"],
        recorded_by=row["recorded_by.name"] or "",
        note="" if new_class else note,
        new_class=new_class,
        created_at=row["created_at"],
    )


async def _member_row(coop_id: int, member_id: int, lock: bool = False) -> MemberView:
    """One member of the open unit's coop; another coop's id and a missing id are the same 404."""
    query = Member.select(*_MEMBER_COLUMNS).where((Member.coop == coop_id) & (Member.id == member_id))
    if lock:
        query = query.lock_rows("UPDATE", of=(Member,))
    row = await query.first().run()
    if row is None:
        raise NotFoundException()
    return _member(row)


async def _person_row(coop_id: int, member_id: int) -> MemberView:
    """A member who is a person: family links are between people, so an organisation is not found here."""
    member = await _member_row(coop_id, member_id)
    if not member.is_person:
        raise NotFoundException()
    return member


async def _events(coop_id: int, member_id: int) -> list[EventView]:
    rows = (
        await MemberEvent.select(
            MemberEvent.kind,
            MemberEvent.on_date,
            MemberEvent.decided_by,
            MemberEvent.recorded_by.name,
            MemberEvent.note,
            MemberEvent.created_at,
        )
        .where((MemberEvent.coop == coop_id) & (MemberEvent.member == member_id))
        .order_by(MemberEvent.on_date, ascending=False)
        .order_by(MemberEvent.id, ascending=False)
        .run()
    )
    return [_event(r) for r in rows]


async def _family(coop_id: int, member_id: int) -> list[FamilyView]:
    rows = (
        await FamilyLink.select(
            FamilyLink.id,
            FamilyLink.member,
            FamilyLink.member.name,
            FamilyLink.relative,
            FamilyLink.relative.name,
            FamilyLink.relation,
        )
        .where((FamilyLink.coop == coop_id) & ((FamilyLink.member == member_id) | (FamilyLink.relative == member_id)))
        .order_by(FamilyLink.id)
        .run()
    )
    links = []
    for r in rows:
        if r["member_id"] == member_id:
            links.append(FamilyView(r["id"], r["relative_id"], r["relative_id.name"], r["relation"]))
        else:  # stored from the other side: "the relative's parent" reads here as "this member's child"
            relation = INVERSE_RELATION.get(r["relation"], r["relation"])
            links.append(FamilyView(r["id"], r["member_id"], r["member_id.name"], relation))
    return links


async def register(ctx: CoopContext, member_class: str = "", status: str = "") -> Register:
    """The coop's members, filtered by class and status (an unknown filter value shows everyone)."""
    ctx.require(*VIEWERS)
    member_class = member_class if member_class in MEMBER_CLASSES else ""
    status = status if status in MEMBER_STATUSES else ""
    query = Member.select(*_MEMBER_COLUMNS).where(Member.coop == ctx.id)
    if member_class:
        query = query.where(Member.member_class == member_class)
    if status:
        query = query.where(Member.status == status)
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = await query.order_by(Member.name).order_by(Member.id).run()
        counts = await Member.raw(
            "SELECT status, member_class, count(*) AS n FROM member WHERE coop_id = {} GROUP BY status, member_class",
            ctx.id,
        ).run()
    by_status = {s: 0 for s in MEMBER_STATUSES}
    by_class = {c: 0 for c in MEMBER_CLASSES}
    for r in counts:
        by_status[r["status"]] += int(r["n"])
        if r["status"] == "active":
            by_class[r["member_class"]] += int(r["n"])
    return Register([_member(r) for r in rows], by_status, by_class, member_class, status)


async def get_member(ctx: CoopContext, member_id: int) -> MemberView:
    ctx.require(*VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _member_row(ctx.id, member_id)


async def member_page(ctx: CoopContext, member_id: int) -> MemberPage:
    ctx.require(*VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        events = await _events(ctx.id, member_id)
        family = await _family(ctx.id, member_id)
    return MemberPage(member, events, family)


async def my_membership(ctx: CoopContext) -> MemberPage | None:
    """The viewer's own row in this coop's register, if their account is linked to one."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await Member.select(*_MEMBER_COLUMNS)
            .where((Member.coop == ctx.id) & (Member.user == ctx.viewer.id))
            .first()
            .run()
        )
        if row is None:
            return None
        member = _member(row)
        events = await _events(ctx.id, member.id)
    return MemberPage(member, events, [])


# --- side effects every change shares ------------------------------------------------------------------------


async def _changed(
    ctx_id: int, actor_id: int | None, action: str, member_id: int, name: str, ip: str, **detail: Any
) -> None:
    """Inside the open unit: the audit row, the activity row for the coop's front page, and the monitor."""
    await Activity.insert(Activity(coop=ctx_id, actor=actor_id, kind=action, summary=name[:300])).run()
    await audit.record(action, actor_id=actor_id, coop_id=ctx_id, target=f"member:{member_id}", ip=ip, **detail)
    await recompute_in_unit(ctx_id, actor_id)


async def _last_date(coop_id: int, member: MemberView) -> dt.date | None:
    row = await MemberEvent.raw(
        "SELECT max(on_date) AS last FROM member_event WHERE coop_id = {} AND member_id = {}", coop_id, member.id
    ).run()
    dates = [d for d in (row[0]["last"] if row else None, member.applied_on, member.joined_on) if d is not None]
    return max(dates) if dates else None


# --- adding a member -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewMember:
    name: str
    email: str
    phone: str
    organisation_id: int | None
    member_class: str
    on_date: dt.date
    decided_by: str


ADD_CLASSES = MEMBER_CLASSES


def check_decided_by(form: Form, required: bool) -> str:
    value = form.get("decided_by")
    if required and not value:
        form.error("decided_by", N_("Write who decided, for example: Board meeting 23.11.2026"))
    elif len(value) > 200:
        form.error("decided_by", N_("Write 200 characters or fewer"))
    return value


def check_person(form: Form) -> tuple[str, str, str]:
    name, email, phone = form.get("name"), normal_email(form.get("email")), form.get("phone")
    if not name:
        form.error("name", N_("Enter the name of the person"))
    elif len(name) > 200:
        form.error("name", N_("The name must be 200 characters or fewer"))
    if email and (problem := email_problem(email)):
        form.error("email", problem)
    if phone and not PHONE.match(phone):
        form.error("phone", N_("Write the phone number with digits, for example 040 123 4567"))
    return name, email, phone


def check_add_form(form: Form, partners: list[tuple[int, str]]) -> NewMember | None:
    kind = form.get("kind")
    if kind not in ("person", "organisation"):
        form.error("kind", N_("Choose a person or an organisation"))
    name = email = phone = ""
    organisation_id = None
    if kind == "person":
        name, email, phone = check_person(form)
    elif kind == "organisation":
        names = {str(pid): (pid, pname) for pid, pname in partners}
        chosen = names.get(form.get("organisation"))
        if chosen is None:
            form.error("organisation", N_("Choose an organisation from the list"))
        else:
            organisation_id, name = chosen
    member_class = form.get("member_class")
    if member_class not in ADD_CLASSES:
        form.error("member_class", N_("Choose a class"))
    elif kind == "organisation" and member_class != "supporting":
        form.error("member_class", N_("An organisation can only be a supporting member. Choose Supporting member"))
    on_date = read_date(form, "on_date")
    decided_by = check_decided_by(form, required=False)
    if not form.ok or on_date is None:
        return None
    return NewMember(name, email, phone, organisation_id, member_class, on_date, decided_by)


async def add_member(ctx: CoopContext, form: Form, ip: str) -> int | None:
    """A person or a supporting organisation straight into the register (applicants come through /join)."""
    ctx.require(*DECIDERS)
    partners = await partner_choices(ctx)
    new = check_add_form(form, partners)
    if new is None:
        return None
    applicant = new.member_class == "applicant"
    kind = "applied" if applicant else "trial_started" if new.member_class == "trial" else "admitted"
    async with coop_unit(ctx.id, ctx.viewer.id):
        if new.organisation_id is not None:
            already = Member.exists().where(
                (Member.coop == ctx.id)
                & (Member.organisation == new.organisation_id)
                & Member.status.is_in(["applied", "active"])
            )
            if await already.run():
                form.error("organisation", N_("This organisation is already in the register"))
                return None
        user_id = await _account_in_coop(ctx.id, new.email) if new.email else None
        rows = (
            await Member.insert(
                Member(
                    coop=ctx.id,
                    user=user_id,
                    organisation=new.organisation_id,
                    name=new.name,
                    email=new.email,
                    phone=new.phone,
                    member_class=new.member_class,
                    status="applied" if applicant else "active",
                    applied_on=new.on_date if applicant else None,
                    joined_on=None if applicant else new.on_date,
                )
            )
            .returning(Member.id)
            .run()
        )
        member_id = int(rows[0]["id"])
        await MemberEvent.insert(
            MemberEvent(
                coop=ctx.id,
                member=member_id,
                kind=kind,
                on_date=new.on_date,
                decided_by=new.decided_by,
                recorded_by=ctx.viewer.id,
                note="" if applicant else new.member_class,
            )
        ).run()
        await _changed(
            ctx.id,
            ctx.viewer.id,
            "member.added",
            member_id,
            new.name,
            ip,
            member_class=new.member_class,
            on_date=new.on_date,
            linked_account=user_id is not None,
        )
    return member_id


async def _account_in_coop(coop_id: int, email: str) -> int | None:
    """The account with this e-mail, if that person has a role in this coop and no member row here yet.

    Only staff adding a member links an account: a public application could name anyone's address.
    """
    role = (
        await CoopRole.select(CoopRole.user)
        .where((CoopRole.coop == coop_id) & (CoopRole.user.email == email))
        .first()
        .run()
    )
    if role is None:
        return None
    taken = await Member.exists().where((Member.coop == coop_id) & (Member.user == role["user_id"])).run()
    return None if taken else int(role["user_id"])


# --- decisions on a member -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    action: str  # the word in the address
    kind: str  # the event it writes (admit picks trial_started when the new class is trial)
    from_status: str
    from_classes: tuple[str, ...]  # empty: any class
    to_classes: tuple[str, ...]  # choices for the new class; empty: the class stays
    to_status: str
    confirm: bool  # irreversible: a check page with a warning button comes first
    decided_by_required: bool = True
    persons_only: bool = False
    mail: str = ""  # mail template telling the member, if their address is known

    def applies_to(self, member: MemberView) -> bool:
        return (
            member.status == self.from_status
            and (not self.from_classes or member.member_class in self.from_classes)
            and (member.is_person or not self.persons_only)
            and bool(self.class_choices(member) or not self.to_classes)
        )

    def class_choices(self, member: MemberView) -> tuple[str, ...]:
        return tuple(c for c in self.to_classes if c != member.member_class)


DECISIONS = {
    d.action: d
    for d in (
        Decision("admit", "admitted", "applied", (), ("trial", "member"), "active", False, mail="member_admitted"),
        Decision("reject", "rejected", "applied", (), (), "rejected", True, mail="member_rejected"),
        Decision(
            "start-trial", "trial_started", "active", ("employee",), ("trial",), "active", False, persons_only=True
        ),
        Decision("end-trial", "trial_ended", "active", ("trial",), ("member", "employee"), "active", False),
        Decision(
            "change-class",
            "class_changed",
            "active",
            (),
            ("trial", "member", "supporting", "employee"),
            "active",
            False,
            persons_only=True,
        ),
        Decision("resign", "resigned", "active", (), (), "left", True, decided_by_required=False),
        Decision("expel", "expelled", "active", (), (), "left", True),
        Decision("deceased", "deceased", "active", (), (), "left", True, decided_by_required=False, persons_only=True),
    )
}


def decision(action: str) -> Decision:
    found = DECISIONS.get(action)
    if found is None:
        raise NotFoundException()
    return found


def decisions_for(member: MemberView) -> list[Decision]:
    return [d for d in DECISIONS.values() if d.applies_to(member)]


@dataclass(frozen=True)
class DecisionInput:
    on_date: dt.date
    decided_by: str
    new_class: str


def check_decision_form(form: Form, d: Decision, member: MemberView) -> DecisionInput | None:
    new_class = ""  # checked first: the class comes first in the form, and the error summary follows the form
    if d.to_classes:
        new_class = form.get("member_class")
        if new_class not in d.class_choices(member):
            form.error("member_class", N_("Choose a class"))
    on_date = read_date(form, "on_date")
    decided_by = check_decided_by(form, d.decided_by_required)
    if not form.ok or on_date is None:
        return None
    return DecisionInput(on_date, decided_by, new_class)


async def _checked_decision(coop_id: int, member: MemberView, d: Decision, form: Form) -> DecisionInput | None:
    if not d.applies_to(member):
        raise NotPossibleNow()
    data = check_decision_form(form, d, member)
    if data is not None and (last := await _last_date(coop_id, member)) and data.on_date < last:
        form.error("on_date", N_("The date must be on or after the last date in the member's history"))
        return None
    return data


@dataclass(frozen=True)
class Outcome:
    """What became of a decision form: done, invalid (errors next to the fields), check (an irreversible
    decision's answers are fine and wait for confirmation) or not_possible (the member's status changed)."""

    state: str
    member: MemberView


async def decide(
    ctx: CoopContext, member_id: int, action: str, form: Form, ip: str, confirmed: bool = False
) -> Outcome:
    """Record one decision about a member. An irreversible one is written only when `confirmed`; before that the
    answers are checked and nothing is written. The member row is locked, so two board members deciding at once
    cannot both change it: the second finds the decision no longer applies."""
    ctx.require(*DECIDERS)
    decision(action)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await decide_in_unit(
            ctx.id, ctx.name, ctx.viewer.id, member_id, action, form, ip, confirmed, language=ctx.viewer.language
        )


async def decide_in_unit(
    coop_id: int,
    coop_name: str,
    viewer_id: int,
    member_id: int,
    action: str,
    form: Form,
    ip: str,
    confirmed: bool = False,
    language: str = "",
) -> Outcome:
    """`decide` inside the caller's open unit of this coop (a board meeting's decision admits an applicant in the
    same transaction as the meeting's record). The caller has checked the viewer's role. `language` is the
    fallback language of the mail for a member without an account (default: the language of the request)."""
    if current_coop_id() != coop_id:
        raise TenancyError("decide_in_unit needs the open unit of the same coop")
    d = decision(action)
    member = await _member_row(coop_id, member_id, lock=True)
    try:
        data = await _checked_decision(coop_id, member, d, form)
    except NotPossibleNow:
        return Outcome("not_possible", member)
    if data is None:
        return Outcome("invalid", member)
    if d.confirm and not confirmed:
        return Outcome("check", member)
    new_class = data.new_class or member.member_class
    kind = "trial_started" if d.action == "admit" and new_class == "trial" else d.kind
    changes: dict[Any, Any] = {Member.status: d.to_status, Member.member_class: new_class}
    if d.action == "admit":
        changes[Member.joined_on] = data.on_date
    if d.to_status == "left":
        changes[Member.left_on] = data.on_date
    await Member.update(changes).where((Member.coop == coop_id) & (Member.id == member_id)).run()
    await MemberEvent.insert(
        MemberEvent(
            coop=coop_id,
            member=member_id,
            kind=kind,
            on_date=data.on_date,
            decided_by=data.decided_by,
            recorded_by=viewer_id,
            note=data.new_class,
        )
    ).run()
    await _changed(
        coop_id,
        viewer_id,
        f"member.{d.kind}",
        member_id,
        member.name,
        ip,
        on_date=data.on_date,
        decided_by=data.decided_by,
        old_class=member.member_class,
        new_class=new_class,
    )
    if d.mail and member.email:
        await send_mail(
            member.email,
            d.mail,
            await _language_of(coop_id, member_id, language),
            name=member.name,
            coop=coop_name,
            member_class=new_class,
            on_date=data.on_date,
        )
    return Outcome("done", await _member_row(coop_id, member_id))


async def _language_of(coop_id: int, member_id: int, fallback: str = "") -> str:
    """The member's own language if they have an account; otherwise the language the decider uses."""
    row = (
        await Member.select(Member.user.language)
        .where((Member.coop == coop_id) & (Member.id == member_id))
        .first()
        .run()
    )
    language = row["user_id.language"] if row else None
    return str(language or fallback or get_language())


# --- family links -----------------------------------------------------------------------------------------------


async def relative_choices(ctx: CoopContext, member_id: int) -> list[tuple[int, str]]:
    """People in the register who could be linked to this member (not the member, not already linked)."""
    ctx.require(*FAMILY_EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        await _person_row(ctx.id, member_id)
        linked = {f.relative_id for f in await _family(ctx.id, member_id)}
        rows = (
            await Member.select(Member.id, Member.name)
            .where((Member.coop == ctx.id) & Member.organisation.is_null() & (Member.id != member_id))
            .order_by(Member.name)
            .order_by(Member.id)
            .run()
        )
    return [(r["id"], r["name"]) for r in rows if r["id"] not in linked]


async def add_family_link(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    ctx.require(*FAMILY_EDITORS)
    relative_id = parse_id(form.get("relative"))
    if relative_id is None:
        form.error("relative", N_("Choose a person from the list"))
    relation = form.get("relation")
    if relation not in RELATIONS:
        form.error("relation", N_("Choose how the two people are related"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _person_row(ctx.id, member_id)
        if not form.ok:
            return False
        assert relative_id is not None  # the form is ok
        # Both rows locked in id order: two people linking the same pair at once cannot make two links.
        rows = (
            await Member.select(Member.id, Member.name, Member.organisation)
            .where((Member.coop == ctx.id) & Member.id.is_in(sorted({member_id, relative_id})))
            .order_by(Member.id)
            .lock_rows("UPDATE")
            .run()
        )
        relative = next((r for r in rows if r["id"] == relative_id), None)
        if relative_id == member_id:
            form.error("relative", N_("Choose another person. A person cannot be their own relative"))
        elif relative is None or relative["organisation_id"] is not None:
            form.error("relative", N_("Choose a person from the list"))
        elif (
            await FamilyLink.exists()
            .where(
                (FamilyLink.coop == ctx.id)
                & (
                    ((FamilyLink.member == member_id) & (FamilyLink.relative == relative_id))
                    | ((FamilyLink.member == relative_id) & (FamilyLink.relative == member_id))
                )
            )
            .run()
        ):
            form.error("relative", N_("These two people are already linked"))
        if not form.ok:
            return False
        link = (
            await FamilyLink.insert(FamilyLink(coop=ctx.id, member=member_id, relative=relative_id, relation=relation))
            .returning(FamilyLink.id)
            .run()
        )
        await Activity.insert(
            Activity(coop=ctx.id, actor=ctx.viewer.id, kind="family.linked", summary=member.name[:300])
        ).run()
        await audit.record(
            "family.linked",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member_id}",
            ip=ip,
            link_id=link[0]["id"],
            relative=f"member:{relative_id}",
            relation=relation,
        )
        await recompute_in_unit(ctx.id, ctx.viewer.id)
    return True


async def get_family_link(ctx: CoopContext, member_id: int, link_id: int) -> tuple[MemberView, FamilyView]:
    """One link of this member (either side); another coop's or another member's link is the same 404."""
    ctx.require(*FAMILY_EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        link = next((f for f in await _family(ctx.id, member_id) if f.id == link_id), None)
    if link is None:
        raise NotFoundException()
    return member, link


async def remove_family_link(ctx: CoopContext, member_id: int, link_id: int, ip: str) -> None:
    ctx.require(*FAMILY_EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        removed = (
            await FamilyLink.delete()
            .where(
                (FamilyLink.coop == ctx.id)
                & (FamilyLink.id == link_id)
                & ((FamilyLink.member == member_id) | (FamilyLink.relative == member_id))
            )
            .returning(FamilyLink.member, FamilyLink.relative, FamilyLink.relation)
            .run()
        )
        if not removed:
            raise NotFoundException()
        await Activity.insert(
            Activity(coop=ctx.id, actor=ctx.viewer.id, kind="family.unlinked", summary=member.name[:300])
        ).run()
        await audit.record(
            "family.unlinked",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member_id}",
            ip=ip,
            link_id=link_id,
            member=f"member:{removed[0]['member_id']}",
            relative=f"member:{removed[0]['relative_id']}",
            relation=removed[0]["relation"],
        )
        await recompute_in_unit(ctx.id, ctx.viewer.id)


# --- the public application -------------------------------------------------------------------------------------

APPLY_STATUSES = ("active", "pending")  # coops that take applications
APPLY_LIMIT = 5  # applications per address per hour
APPLY_WINDOW = 3600


@dataclass(frozen=True)
class PublicCoop:
    id: int
    slug: str
    name: str
    status: str

    @property
    def takes_applications(self) -> bool:
        return self.status in APPLY_STATUSES


async def public_coop(slug: str) -> PublicCoop:
    """The coop named in a public address; an unknown slug is the 404 page."""
    row = await find_coop(slug)
    if row is None:
        raise NotFoundException()
    return PublicCoop(int(row["id"]), str(row["slug"]), str(row["name"]), str(row["status"]))  # type: ignore[call-overload]


def check_application(form: Form) -> bool:
    name, email, phone = form.get("name"), normal_email(form.get("email")), form.get("phone")
    if not name:
        form.error("name", N_("Enter your name"))
    elif len(name) > 200:
        form.error("name", N_("The name must be 200 characters or fewer"))
    if problem := email_problem(email):
        form.error("email", problem)
    if phone and not PHONE.match(phone):
        form.error("phone", N_("Write the phone number with digits, for example 040 123 4567"))
    if len(form.get("reason")) > 2000:
        form.error("reason", N_("Write 2 000 characters or fewer"))
    return form.ok


async def apply(coop: PublicCoop, form: Form, language: str, ip: str) -> None:
    """Write a checked application: the applicant, the event, a confirmation mail and a note to the admins.

    Sending the same application again (a double click, a reload) while it waits does nothing more.
    """
    email = normal_email(form.get("email"))
    name, phone, reason = form.get("name"), form.get("phone"), form.get("reason")
    async with coop_unit(coop.id):
        waiting = Member.exists().where(
            (Member.coop == coop.id) & (Member.email == email) & (Member.status == "applied")
        )
        if await waiting.run():
            return
        on_date = today()
        rows = (
            await Member.insert(
                Member(
                    coop=coop.id,
                    name=name,
                    email=email,
                    phone=phone,
                    member_class="applicant",
                    status="applied",
                    applied_on=on_date,
                )
            )
            .returning(Member.id)
            .run()
        )
        member_id = int(rows[0]["id"])
        await MemberEvent.insert(
            MemberEvent(coop=coop.id, member=member_id, kind="applied", on_date=on_date, note=reason)
        ).run()
        await _changed(coop.id, None, "member.applied", member_id, name, ip)
        await send_mail(email, "member_application_received", language, name=name, coop=coop.name)
        admins = (
            await CoopRole.select(CoopRole.user.email, CoopRole.user.language)
            .where((CoopRole.coop == coop.id) & (CoopRole.role == "admin") & (CoopRole.user.is_active == True))  # noqa: E712
            .order_by(CoopRole.user.email)
            .run()
        )
        for admin in {a["user_id.email"]: a for a in admins}.values():
            await send_mail(
                admin["user_id.email"],
                "member_application_new",
                admin["user_id.language"],
                name=name,
                coop=coop.name,
                link=f"/c/{coop.slug}/members/{member_id}",
            )


# --- linking an account and contact details --------------------------------------------------------------------

LINKERS = ("admin",)  # link an Osuus account to a member
CONTACT_EDITORS = ("admin",)  # change a member's name, e-mail and phone
NO_ACCOUNT = N_(
    "There is no Osuus account with this e-mail address. Ask the person to make an account first, "
    "or invite them on the page People and roles."
)


@dataclass(frozen=True)
class AccountChoice:
    user_id: int
    name: str
    email: str


async def _free_accounts(coop_id: int) -> list[AccountChoice]:
    """People with a role in this coop whose account is not linked to a member here yet."""
    linked = {
        int(r["user_id"])
        for r in await Member.select(Member.user).where((Member.coop == coop_id) & Member.user.is_not_null()).run()
    }
    rows = (
        await CoopRole.select(CoopRole.user, CoopRole.user.name, CoopRole.user.email)
        .where((CoopRole.coop == coop_id) & (CoopRole.user.is_active == True))  # noqa: E712
        .order_by(CoopRole.user.name)
        .order_by(CoopRole.user.email)
        .run()
    )
    found: dict[int, AccountChoice] = {}
    for r in rows:
        if r["user_id"] not in linked:
            found.setdefault(int(r["user_id"]), AccountChoice(int(r["user_id"]), r["user_id.name"], r["user_id.email"]))
    return list(found.values())


async def account_choices(ctx: CoopContext, member_id: int) -> tuple[MemberView, list[AccountChoice]]:
    """A person in the register and the accounts that could be linked to them (organisations are not found here)."""
    ctx.require(*LINKERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _person_row(ctx.id, member_id)
        return member, await _free_accounts(ctx.id)


async def _account_to_link(coop_id: int, form: Form, account: str, email: str) -> int | None:
    """The account chosen from the list or named by its e-mail, if it can be linked (else the error is in the form)."""
    field = "account" if account else "email"
    user_id: int | None = None
    if account:
        if int(account) in {c.user_id for c in await _free_accounts(coop_id)}:
            user_id = int(account)
        else:
            form.error("account", N_("Choose a person from the list"))
    else:
        user = await User.select(User.id, User.is_active).where(User.email == email).first().run()
        if user is None or not user["is_active"]:
            form.error("email", NO_ACCOUNT)
        else:
            user_id = int(user["id"])
    if user_id is not None and await Member.exists().where((Member.coop == coop_id) & (Member.user == user_id)).run():
        form.error(field, N_("This account is already linked to another member of the register"))
        return None
    return user_id


async def link_account(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """Link an Osuus account to a person in the register: one of the people with a role here (`account`), or any
    account by its e-mail (`email`). A person without a role here gets the member role, so that they can see their
    own pages. Raises NotPossibleNow when the member already has an account."""
    ctx.require(*LINKERS)
    account, email = form.get("account"), normal_email(form.get("email"))
    if not account and not email:
        form.error("account", N_("Choose a person from the list, or write the e-mail address of their account"))
    elif account and parse_id(account) is None:
        form.error("account", N_("Choose a person from the list"))
    elif not account and (problem := email_problem(email)):
        form.error("email", problem)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        if not member.is_person:
            raise NotFoundException()
        if member.has_account:
            raise NotPossibleNow()
        if not form.ok:
            return False
        field = "account" if account else "email"
        user_id = await _account_to_link(ctx.id, form, account, email)
        if not form.ok or user_id is None:
            return False
        has_role = await CoopRole.exists().where((CoopRole.coop == ctx.id) & (CoopRole.user == user_id)).run()
        if not has_role:
            await CoopRole.insert(CoopRole(coop=ctx.id, user=user_id, role="member")).run()
        await Member.update({Member.user: user_id}).where((Member.coop == ctx.id) & (Member.id == member_id)).run()
        await audit.record(
            "member.account_linked",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{member_id}",
            ip=ip,
            user_id=user_id,
            by=field,
            role_granted=not has_role,
        )
    return True


def _check_contact(form: Form, with_name: bool) -> tuple[str, str, str]:
    """Name (for a person, when staff edit), e-mail and phone; an empty e-mail or phone is allowed."""
    if with_name:
        return check_person(form)
    email, phone = normal_email(form.get("email")), form.get("phone")
    if email and (problem := email_problem(email)):
        form.error("email", problem)
    if phone and not PHONE.match(phone):
        form.error("phone", N_("Write the phone number with digits, for example 040 123 4567"))
    return "", email, phone


async def _save_contact(
    coop_id: int, actor_id: int, member: MemberView, name: str, email: str, phone: str, ip: str, by_self: bool
) -> dict[str, list[str]]:
    """Inside the open unit: write what changed and audit it old -> new. Nothing changed: nothing is written."""
    new = {"name": name or member.name, "email": email, "phone": phone}
    old = {"name": member.name, "email": member.email, "phone": member.phone}
    changes = {key: [old[key], new[key]] for key in new if old[key] != new[key]}
    if not changes:
        return changes
    columns = {"name": Member.name, "email": Member.email, "phone": Member.phone}
    await (
        Member.update({columns[key]: value[1] for key, value in changes.items()})
        .where((Member.coop == coop_id) & (Member.id == member.id))
        .run()
    )
    await audit.record(
        "member.contact_changed",
        actor_id=actor_id,
        coop_id=coop_id,
        target=f"member:{member.id}",
        ip=ip,
        changes=changes,
        by_self=by_self,
    )
    return changes


async def edit_contact(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """The admin changes a member's contact details (an organisation's name comes from the organisation)."""
    ctx.require(*CONTACT_EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id, lock=True)
        name, email, phone = _check_contact(form, with_name=member.is_person)
        if not form.ok:
            return False
        await _save_contact(ctx.id, ctx.viewer.id, member, name, email, phone, ip, by_self=False)
    return True


async def _my_row(ctx: CoopContext, lock: bool = False) -> MemberView | None:
    query = Member.select(*_MEMBER_COLUMNS).where((Member.coop == ctx.id) & (Member.user == ctx.viewer.id))
    if lock:
        query = query.lock_rows("UPDATE", of=(Member,))
    row = await query.first().run()
    return _member(row) if row else None


async def my_member(ctx: CoopContext) -> MemberView | None:
    """The viewer's own row in this coop's register (None: the account is not linked here)."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _my_row(ctx)


async def update_my_contact(ctx: CoopContext, form: Form, ip: str) -> bool:
    """A member changes their own e-mail and phone in the register. Not linked here: not found."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _my_row(ctx, lock=True)
        if member is None:
            raise NotFoundException()
        _name, email, phone = _check_contact(form, with_name=False)
        if not form.ok:
            return False
        await _save_contact(ctx.id, ctx.viewer.id, member, "", email, phone, ip, by_self=True)
    return True


# --- the membership certificate -----------------------------------------------------------------------------------


def can_certify(member: MemberView) -> bool:
    """A membership certificate is for someone who is a member now (member, trial or supporting member)."""
    return member.status == "active" and member.member_class in CERTIFIED_CLASSES


async def membership_for_download(ctx: CoopContext, member_id: int, ip: str = "") -> Membership:
    """The membership certificate's facts. The register's keepers get anyone's (audited: who downloaded whose),
    a member only their own; someone who is not a member now has none (404)."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        member = await _member_row(ctx.id, member_id)
        own = member.user_id == ctx.viewer.id
        if not (own or ctx.has(*VIEWERS)) or not can_certify(member):
            raise NotFoundException()
        coop = await Coop.select(Coop.business_id).where(Coop.id == ctx.id).first().run()
        if not own:
            await audit.record(
                "member.document_downloaded",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"member:{member.id}",
                ip=ip,
                document="membership",
            )
    return Membership(
        name=member.name,
        member_class=member.member_class,
        member_since=member.joined_on,
        coop_name=ctx.name,
        business_id=(coop or {}).get("business_id") or "",
        on=today(),
    )
