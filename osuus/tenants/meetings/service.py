"""Meetings: general meetings and board meetings, their notice, agenda, attendance, decisions and minutes.

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop, not the filter. The votes
context (osuus/tenants/votes) builds votes on agenda items; it calls `record_outcome_in_unit` when a vote closes,
and this module reads its results lazily (`_results_in_unit`), so meetings work without it.

Who may do what: admin and board run meetings (MANAGERS); board meetings are seen by admin, board and coach and by
a member who holds a board seat; general meetings and their minutes by everyone with a role in the coop, except
drafts, which only admin, board and coach see.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.dates import HELSINKI, DateError, format_date, now, parse_date, today
from osuus.platform.http import Form, is_digits, parse_id
from osuus.platform.i18n import N_, get_language, gettext
from osuus.platform.mailer import send_mail
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id, db
from osuus.tenants.governance.service import leading_positions_in_unit
from osuus.tenants.meetings.tables import (
    ATTENDANCE_MODES,
    ITEM_KINDS,
    MEETING_KINDS,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingRules,
)
from osuus.tenants.members import service as members

# The register belongs to the members context. Its service has no in-unit reader for "who may attend" or "open
# applications" yet, so the few small queries below (always filtered by coop_id) read the table directly.
from osuus.tenants.members.tables import Member

MANAGERS = ("admin", "board")  # create meetings, agenda, notice, attendance, decisions, minutes, rules
BOARD_VIEWERS = ("admin", "board", "coach")  # see board meetings and drafts
# Who is called to a general meeting and may attend it: active members of these classes.
ATTENDING_CLASSES = ("trial", "member", "supporting")
FROZEN = ("closed", "cancelled")
DECIDE_OUTCOMES = ("approved", "rejected", "noted")
APPLICATION_OUTCOMES = ("approved", "rejected")
ADMIT_CLASSES = ("trial", "member")
ADDABLE_KINDS = ITEM_KINDS  # every kind may be added by hand
TITLE_MAX = 200
ITEM_TITLE_MAX = 300
TEXT_MAX = 5000
PLACE_MAX = 300
NAME_MAX = 200
RULE_MAX_DAYS = 365

# The usual first items of a general meeting; they help the secretary write the minutes in plain language.
STANDARD_GENERAL_ITEMS = (
    (N_("Opening the meeting"), N_("The chair of the board opens the meeting.")),
    (
        N_("Choosing the chair and the secretary"),
        N_("The meeting chooses a person to lead the meeting and a person to write the minutes."),
    ),
    (
        N_("Choosing two people to check the minutes"),
        N_("The meeting chooses two people. They check the minutes and count the votes."),
    ),
    (
        N_("Is the meeting lawful and can it decide?"),
        N_("The meeting checks that the notice was sent in time and that enough members are here."),
    ),
    (N_("Approving the agenda"), N_("The meeting approves the list of matters it handles.")),
)


# The § numbers of decided matters are in the minutes and the member register; they never change.
NUMBERS_STAY = N_("The meeting has decisions. The numbers of the decided matters cannot change any more.")


class MeetingFrozen(Exception):
    """The meeting is closed (minutes approved) or cancelled: nothing in it changes any more."""


class NotPossible(Exception):
    """A state problem: the action does not apply to the meeting or item as it is now. `message` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutcomeRefused(Exception):
    """`record_outcome_in_unit` could not record the outcome; `message` (translated) says why. Nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the coop's meeting rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The coop's meeting rules, or the defaults of the Cooperatives Act when the coop has none."""

    general_notice_min_days: int = 7
    general_notice_max_days: int = 60
    board_notice_min_days: int = 2
    max_proxies_per_person: int = 1
    general_quorum_members: int = 0  # 0: every lawfully convened general meeting has a quorum
    is_default: bool = True

    def notice_days(self, kind: str) -> tuple[int, int | None]:
        """At least and at most how many days before the meeting the notice is sent (None: no upper limit)."""
        if kind == "board":
            return self.board_notice_min_days, None
        return self.general_notice_min_days, self.general_notice_max_days

    @staticmethod
    def board_quorum(voting_seats: int) -> int:
        """A board has a quorum when more than half of its voting seats are present."""
        return voting_seats // 2 + 1

    def general_quorum(self) -> int:
        return self.general_quorum_members


RULE_FIELDS = (
    "general_notice_min_days",
    "general_notice_max_days",
    "board_notice_min_days",
    "max_proxies_per_person",
    "general_quorum_members",
)


async def rules_in_unit(coop_id: int) -> Rules:
    """The coop's meeting rules, inside the caller's open unit of this coop (the votes context reads them too)."""
    _same_coop(coop_id, "rules_in_unit")
    row = (
        await MeetingRules.select(*(getattr(MeetingRules, f) for f in RULE_FIELDS))
        .where(MeetingRules.coop == coop_id)
        .first()
        .run()
    )
    if row is None:
        return Rules()
    return Rules(**{f: int(row[f]) for f in RULE_FIELDS}, is_default=False)


async def get_rules(ctx: CoopContext) -> Rules:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await rules_in_unit(ctx.id)


def rules_form(rules: Rules) -> Form:
    return Form(values={f: str(getattr(rules, f)) for f in RULE_FIELDS})


def check_rules_form(form: Form) -> dict[str, int] | None:
    values: dict[str, int] = {}
    for name in RULE_FIELDS:
        text = form.get(name)
        if not text:
            form.error(name, N_("Write a number, for example 7"))
        elif not is_digits(text):
            form.error(name, N_("Write the number with digits, for example 7"))
        elif int(text) > RULE_MAX_DAYS:
            form.error(name, N_("The number must be from 0 to 365"))
        else:
            values[name] = int(text)
    low, high = values.get("general_notice_min_days"), values.get("general_notice_max_days")
    if low is not None and high is not None and high < low:
        form.error(
            "general_notice_max_days",
            N_(
                "The number for the earliest notice must be the same as the number for the latest notice or bigger. "
                "Check the two numbers."
            ),
        )
    return values if form.ok else None


async def save_rules(ctx: CoopContext, form: Form, ip: str) -> bool:
    ctx.require(*MANAGERS)
    values = check_rules_form(form)
    if values is None:
        return False
    async with coop_unit(ctx.id, ctx.viewer.id):
        before = await rules_in_unit(ctx.id)
        changes: dict[Any, Any] = {getattr(MeetingRules, k): v for k, v in values.items()}
        changes[MeetingRules.updated_by] = ctx.viewer.id
        changes[MeetingRules.updated_at] = now()
        if before.is_default:
            row = MeetingRules(coop=ctx.id, updated_by=ctx.viewer.id)
            for name, value in values.items():
                setattr(row, name, value)
            await MeetingRules.insert(row).run()
        else:
            await MeetingRules.update(changes).where(MeetingRules.coop == ctx.id).run()
        await audit.record(
            "meetings.rules_changed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target="meeting_rules",
            ip=ip,
            before=None if before.is_default else {f: getattr(before, f) for f in RULE_FIELDS},
            after=values,
        )
    return True


# --- plain data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingView:
    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    place: str
    remote_info: str
    status: str
    notice_sent_at: dt.datetime | None
    agenda_changed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    chair_name: str
    secretary_name: str
    checker1_name: str
    checker2_name: str
    minutes_approved_at: dt.datetime | None

    @property
    def local(self) -> dt.datetime:
        return self.starts_at.astimezone(HELSINKI)

    @property
    def day(self) -> dt.date:
        return self.local.date()

    @property
    def time_text(self) -> str:
        """The clock time as people in Finland write it: 18.00, 9.30."""
        return f"{self.local.hour}.{self.local.minute:02d}"

    @property
    def is_board(self) -> bool:
        return self.kind == "board"

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN

    @property
    def agenda_changed_after_notice(self) -> bool:
        return self.notice_sent_at is not None and self.agenda_changed_at is not None

    def is_upcoming(self, on: dt.date) -> bool:
        return self.day >= on


@dataclass(frozen=True)
class ItemView:
    id: int
    position: int
    title: str
    description: str
    kind: str
    member_id: int | None
    member_name: str
    outcome: str
    decision: str
    decided_at: dt.datetime | None

    @property
    def decided(self) -> bool:
        return bool(self.outcome)


@dataclass(frozen=True)
class AttendanceView:
    id: int
    member_id: int
    member_name: str
    mode: str
    proxy_holder_id: int | None
    proxy_holder_name: str


@dataclass(frozen=True)
class Counts:
    in_person: int
    remote: int
    proxy: int

    @property
    def present(self) -> int:
        return self.in_person + self.remote

    @property
    def total(self) -> int:
        return self.in_person + self.remote + self.proxy


@dataclass(frozen=True)
class MeetingPage:
    meeting: MeetingView
    items: list[ItemView]
    attendance: list[AttendanceView]
    results: dict[int, Any]  # item id -> the votes context's ItemResult (.summary, .passed)
    rules: Rules
    quorum_needed: int  # how many present or represented members make a quorum (0: any number)
    votes_enabled: bool

    @property
    def counts(self) -> Counts:
        return _counts(self.attendance)

    @property
    def has_quorum(self) -> bool:
        return self.counts.total >= self.quorum_needed

    def item(self, item_id: int) -> ItemView | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class MeetingList:
    upcoming: list[MeetingView]
    past: list[MeetingView]


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    title: str
    starts_at: dt.datetime
    place: str
    remote_info: str


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str


@dataclass(frozen=True)
class NoticePlan:
    """What sending the notice would do now: who gets it, who has no address, and what stops it (translated)."""

    meeting: MeetingView
    recipients: list[Recipient]
    without_address: list[str]
    problem: str
    already_sent: bool

    @property
    def can_send(self) -> bool:
        return not self.problem and not self.already_sent


@dataclass(frozen=True)
class OpenVoteLink:
    title: str
    url: str


@dataclass(frozen=True)
class AttendedMeeting:
    meeting: MeetingView
    mode: str
    proxy_holder_name: str


@dataclass(frozen=True)
class MyMeetings:
    member_id: int | None
    member_name: str
    upcoming: list[tuple[MeetingView, list[ItemView]]]
    attended: list[AttendedMeeting]
    minutes: list[MeetingView]
    open_votes: list[Any]  # objects with .title and .url from the votes context


def _same_coop(coop_id: int, name: str) -> None:
    if current_coop_id() != coop_id:
        raise TenancyError(f"{name} needs the open unit of the same coop")


def _counts(rows: Sequence[AttendanceView]) -> Counts:
    return Counts(
        sum(1 for a in rows if a.mode == "in_person"),
        sum(1 for a in rows if a.mode == "remote"),
        sum(1 for a in rows if a.mode == "proxy"),
    )


def votes_available() -> bool:
    """Whether the votes context is installed (its pages exist); links to vote pages are shown only then."""
    return importlib.util.find_spec("osuus.tenants.votes") is not None


# --- reads -------------------------------------------------------------------------------------------------------

_MEETING_COLUMNS = (
    Meeting.id,
    Meeting.kind,
    Meeting.title,
    Meeting.starts_at,
    Meeting.place,
    Meeting.remote_info,
    Meeting.status,
    Meeting.notice_sent_at,
    Meeting.agenda_changed_at,
    Meeting.cancelled_at,
    Meeting.chair_name,
    Meeting.secretary_name,
    Meeting.checker1_name,
    Meeting.checker2_name,
    Meeting.minutes_approved_at,
)


def _meeting_view(row: dict[str, Any]) -> MeetingView:
    return MeetingView(
        id=int(row["id"]),
        kind=row["kind"],
        title=row["title"],
        starts_at=row["starts_at"],
        place=row["place"],
        remote_info=row["remote_info"],
        status=row["status"],
        notice_sent_at=row["notice_sent_at"],
        agenda_changed_at=row["agenda_changed_at"],
        cancelled_at=row["cancelled_at"],
        chair_name=row["chair_name"],
        secretary_name=row["secretary_name"],
        checker1_name=row["checker1_name"],
        checker2_name=row["checker2_name"],
        minutes_approved_at=row["minutes_approved_at"],
    )


def _item_view(row: dict[str, Any]) -> ItemView:
    return ItemView(
        id=int(row["id"]),
        position=int(row["position"]),
        title=row["title"],
        description=row["description"],
        kind=row["kind"],
        member_id=row["member_id"],
        member_name=row.get("member_id.name") or "",
        outcome=row["outcome"],
        decision=row["decision"],
        decided_at=row["decided_at"],
    )


_ITEM_COLUMNS = (
    AgendaItem.id,
    AgendaItem.position,
    AgendaItem.title,
    AgendaItem.description,
    AgendaItem.kind,
    AgendaItem.member,
    AgendaItem.member.name,
    AgendaItem.outcome,
    AgendaItem.decision,
    AgendaItem.decided_at,
)


async def _my_member_id(ctx: CoopContext) -> int | None:
    row = await Member.select(Member.id).where((Member.coop == ctx.id) & (Member.user == ctx.viewer.id)).first().run()
    return int(row["id"]) if row else None


async def _seat_member_ids(coop_id: int, on: dt.date) -> set[int]:
    return {p.member_id for p in await leading_positions_in_unit(coop_id, on) if p.member_id is not None}


async def _sees_board(ctx: CoopContext) -> bool:
    """Admin, board and coach see board meetings; so does a member who holds a board seat today."""
    if ctx.has(*BOARD_VIEWERS):
        return True
    member_id = await _my_member_id(ctx)
    return member_id is not None and member_id in await _seat_member_ids(ctx.id, today())


def _visible_to(ctx: CoopContext, meeting: MeetingView, sees_board: bool) -> bool:
    if meeting.status == "draft" and not ctx.has(*BOARD_VIEWERS):
        return False
    return not meeting.is_board or sees_board


async def _meeting_row(coop_id: int, meeting_id: int, lock: bool = False) -> MeetingView:
    """One meeting of the open unit's coop; another coop's id and a missing id are the same 404."""
    query = Meeting.select(*_MEETING_COLUMNS).where((Meeting.coop == coop_id) & (Meeting.id == meeting_id))
    if lock:
        query = query.lock_rows("UPDATE", of=(Meeting,))
    row = await query.first().run()
    if row is None:
        raise NotFoundException()
    return _meeting_view(row)


async def _visible_meeting(ctx: CoopContext, meeting_id: int, lock: bool = False) -> MeetingView:
    """A meeting this person may see; one they may not see is the same 404 as a missing one."""
    meeting = await _meeting_row(ctx.id, meeting_id, lock=lock)
    sees_board = await _sees_board(ctx) if meeting.is_board else False
    if not _visible_to(ctx, meeting, sees_board):
        raise NotFoundException()
    return meeting


async def _items(coop_id: int, meeting_id: int) -> list[ItemView]:
    rows = (
        await AgendaItem.select(*_ITEM_COLUMNS)
        .where((AgendaItem.coop == coop_id) & (AgendaItem.meeting == meeting_id))
        .order_by(AgendaItem.position)
        .order_by(AgendaItem.id)
        .run()
    )
    return [_item_view(r) for r in rows]


async def _item_row(coop_id: int, meeting_id: int, item_id: int, lock: bool = False) -> ItemView:
    query = AgendaItem.select(*_ITEM_COLUMNS).where(
        (AgendaItem.coop == coop_id) & (AgendaItem.meeting == meeting_id) & (AgendaItem.id == item_id)
    )
    if lock:
        query = query.lock_rows("UPDATE", of=(AgendaItem,))
    row = await query.first().run()
    if row is None:
        raise NotFoundException()
    return _item_view(row)


async def _attendance(coop_id: int, meeting_id: int) -> list[AttendanceView]:
    rows = (
        await Attendance.select(
            Attendance.id,
            Attendance.member,
            Attendance.member.name,
            Attendance.mode,
            Attendance.proxy_holder,
            Attendance.proxy_holder.name,
        )
        .where((Attendance.coop == coop_id) & (Attendance.meeting == meeting_id))
        .order_by(Attendance.member.name)
        .order_by(Attendance.id)
        .run()
    )
    return [
        AttendanceView(
            id=int(r["id"]),
            member_id=int(r["member_id"]),
            member_name=r["member_id.name"],
            mode=r["mode"],
            proxy_holder_id=r["proxy_holder_id"],
            proxy_holder_name=r["proxy_holder_id.name"] or "",
        )
        for r in rows
    ]


def _votes_function(name: str) -> Any:
    """A function of the votes context, imported when needed (that context imports this one), or None while the
    votes context, or the function, is not installed: meetings then work without votes."""
    try:
        module = importlib.import_module("osuus.tenants.votes.service")
    except ImportError:
        return None
    return getattr(module, name, None)


async def _results_in_unit(coop_id: int, meeting_id: int) -> dict[int, Any]:
    """The votes context's results per item (its `.summary` line and `.passed`); none while it is not installed."""
    results_in_unit = _votes_function("results_in_unit")
    if results_in_unit is None:
        return {}
    return dict(await results_in_unit(coop_id, meeting_id))


async def _voting_seats(coop_id: int, on: dt.date) -> int:
    return sum(1 for p in await leading_positions_in_unit(coop_id, on) if p.has_vote)


async def _page_in_unit(ctx: CoopContext, meeting: MeetingView) -> MeetingPage:
    rules = await rules_in_unit(ctx.id)
    if meeting.is_board:
        quorum = Rules.board_quorum(await _voting_seats(ctx.id, meeting.day))
    else:
        quorum = rules.general_quorum()
    return MeetingPage(
        meeting=meeting,
        items=await _items(ctx.id, meeting.id),
        attendance=await _attendance(ctx.id, meeting.id),
        results=await _results_in_unit(ctx.id, meeting.id),
        rules=rules,
        quorum_needed=quorum,
        votes_enabled=votes_available(),
    )


async def meetings(ctx: CoopContext) -> MeetingList:
    """The coop's meetings this person may see: upcoming (soonest first) and past (newest first)."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = await Meeting.select(*_MEETING_COLUMNS).where(Meeting.coop == ctx.id).order_by(Meeting.starts_at).run()
        views = [_meeting_view(r) for r in rows]
        sees_board = await _sees_board(ctx) if any(m.is_board for m in views) else False
    visible = [m for m in views if _visible_to(ctx, m, sees_board)]
    on = today()
    return MeetingList(
        upcoming=[m for m in visible if m.is_upcoming(on)],
        past=sorted((m for m in visible if not m.is_upcoming(on)), key=lambda m: m.starts_at, reverse=True),
    )


async def meeting_page(ctx: CoopContext, meeting_id: int) -> MeetingPage:
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id)
        return await _page_in_unit(ctx, meeting)


async def get_meeting(ctx: CoopContext, meeting_id: int) -> MeetingView:
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _visible_meeting(ctx, meeting_id)


async def get_item(ctx: CoopContext, meeting_id: int, item_id: int) -> tuple[MeetingView, ItemView]:
    """A meeting's item for a manager's page (the role is checked first: 403 before 404)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id)
        return meeting, await _item_row(ctx.id, meeting_id, item_id)


# --- creating a meeting ------------------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?$")


def parse_time(text: str) -> dt.time | str:
    """A clock time as people write it: 18, 18.00, 18:00, 9.30. Or the message id of the problem."""
    value = (text or "").strip().replace(" ", "")
    if not value:
        return N_("Write the time, for example 18.00")
    match = _TIME.match(value)
    if match is None:
        return N_("Write the time as hours.minutes, for example 18.00")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return N_("Check the time. The hours are 0 to 23 and the minutes 0 to 59")
    return dt.time(hour, minute)


def _check_text(form: Form, name: str, limit: int, required: str | None = None) -> str:
    value = form.get(name)
    if required and not value:
        form.error(name, required)
    elif len(value) > limit:
        form.error(name, _too_long(limit))
    return value


def _too_long(limit: int) -> str:
    return {
        NAME_MAX: N_("Write 200 characters or fewer"),
        ITEM_TITLE_MAX: N_("Write 300 characters or fewer"),
        TEXT_MAX: N_("Write 5 000 characters or fewer"),
    }.get(limit, N_("The text is too long. Write less."))


def check_meeting_form(form: Form) -> NewMeeting | None:
    kind = form.get("kind")
    if kind not in MEETING_KINDS:
        form.error("kind", N_("Choose the kind of meeting"))
    title = _check_text(form, "title", TITLE_MAX, N_("Write a name for the meeting"))
    day: dt.date | None = None
    try:
        day = parse_date(form.get("date"))
    except DateError as problem:
        form.error("date", problem.message)
    clock = parse_time(form.get("time"))
    if isinstance(clock, str):
        form.error("time", clock)
    place = _check_text(form, "place", PLACE_MAX)
    remote_info = _check_text(form, "remote_info", TEXT_MAX)
    if not place and not remote_info and "place" not in form.errors:
        form.error("place", N_("Write where the meeting is, or how to join it remotely"))
    if not form.ok or day is None or isinstance(clock, str):
        return None
    starts_at = dt.datetime.combine(day, clock, tzinfo=HELSINKI)
    return NewMeeting(kind, title, starts_at, place, remote_info)


async def _audit(ctx: CoopContext, action: str, meeting_id: int, ip: str, **detail: Any) -> None:
    """The audit row of a manager's change to a meeting, in the open unit."""
    await audit.record(action, actor_id=ctx.viewer.id, coop_id=ctx.id, target=f"meeting:{meeting_id}", ip=ip, **detail)


async def create_meeting(ctx: CoopContext, form: Form, ip: str) -> int | None:
    """A new meeting as a draft; a general meeting starts with the usual first items on its agenda."""
    ctx.require(*MANAGERS)
    new = check_meeting_form(form)
    if new is None:
        return None
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = (
            await Meeting.insert(
                Meeting(
                    coop=ctx.id,
                    kind=new.kind,
                    title=new.title,
                    starts_at=new.starts_at,
                    place=new.place,
                    remote_info=new.remote_info,
                    status="draft",
                    created_by=ctx.viewer.id,
                )
            )
            .returning(Meeting.id)
            .run()
        )
        meeting_id = int(rows[0]["id"])
        if new.kind == "general":
            await AgendaItem.insert(
                *(
                    AgendaItem(
                        coop=ctx.id,
                        meeting=meeting_id,
                        position=n,
                        title=gettext(title),
                        description=gettext(description),
                        kind="ordinary",
                    )
                    for n, (title, description) in enumerate(STANDARD_GENERAL_ITEMS, start=1)
                )
            ).run()
        await _audit(
            ctx,
            "meeting.created",
            meeting_id,
            ip,
            kind=new.kind,
            starts_at=new.starts_at.isoformat(),
        )
    return meeting_id


def new_meeting_form(kind: str = "general") -> Form:
    kind = kind if kind in MEETING_KINDS else "general"
    title = gettext("General meeting") if kind == "general" else gettext("Board meeting")
    return Form(values={"kind": kind, "title": title, "time": "18.00"})


def edit_meeting_form(meeting: MeetingView) -> Form:
    return Form(
        values={
            "kind": meeting.kind,
            "title": meeting.title,
            "date": format_date(meeting.day),
            "time": meeting.time_text,
            "place": meeting.place,
            "remote_info": meeting.remote_info,
        }
    )


async def edit_meeting(ctx: CoopContext, meeting_id: int, form: Form, ip: str) -> bool:
    """Change the name, time and place. The kind stays (the notice and the agenda were made for it)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        form.values["kind"] = meeting.kind
        new = check_meeting_form(form)
        if new is None:
            return False
        changes: dict[Any, Any] = {
            Meeting.title: new.title,
            Meeting.starts_at: new.starts_at,
            Meeting.place: new.place,
            Meeting.remote_info: new.remote_info,
        }
        if meeting.notice_sent_at is not None:
            changes[Meeting.agenda_changed_at] = now()
        await Meeting.update(changes).where((Meeting.coop == ctx.id) & (Meeting.id == meeting_id)).run()
        await _audit(
            ctx,
            "meeting.changed",
            meeting_id,
            ip,
            before={"title": meeting.title, "starts_at": meeting.starts_at.isoformat(), "place": meeting.place},
            after={"title": new.title, "starts_at": new.starts_at.isoformat(), "place": new.place},
        )
    return True


# --- the agenda --------------------------------------------------------------------------------------------------


async def _open_for_changes(ctx: CoopContext, meeting_id: int) -> MeetingView:
    """The meeting, locked, for a manager's change; a closed or cancelled meeting refuses every change."""
    meeting = await _visible_meeting(ctx, meeting_id, lock=True)
    if meeting.frozen:
        raise MeetingFrozen()
    return meeting


async def _agenda_changed(coop_id: int, meeting: MeetingView) -> None:
    """After the notice, a change of the agenda is allowed; the meeting page then warns about it."""
    if meeting.notice_sent_at is not None:
        await (
            Meeting.update({Meeting.agenda_changed_at: now()})
            .where((Meeting.coop == coop_id) & (Meeting.id == meeting.id))
            .run()
        )


async def _renumber(coop_id: int, meeting_id: int, order: Sequence[int] | None = None) -> None:
    """Positions 1..n in the given order of ids (or the present order), so § numbers have no gaps."""
    if order is None:
        order = [i.id for i in await _items(coop_id, meeting_id)]
    for position, item_id in enumerate(order, start=1):
        await (
            AgendaItem.update({AgendaItem.position: position})
            .where((AgendaItem.coop == coop_id) & (AgendaItem.id == item_id) & (AgendaItem.position != position))
            .run()
        )


async def applicant_choices(ctx: CoopContext) -> list[tuple[int, str]]:
    """Open applications (people who applied and wait for a decision), for an item about an application."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _applicants(ctx.id)


async def _applicants(coop_id: int) -> list[tuple[int, str]]:
    rows = (
        await Member.select(Member.id, Member.name)
        .where((Member.coop == coop_id) & (Member.status == "applied"))
        .order_by(Member.applied_on)
        .order_by(Member.id)
        .run()
    )
    return [(int(r["id"]), str(r["name"])) for r in rows]


@dataclass(frozen=True)
class ItemInput:
    title: str
    description: str
    kind: str
    member_id: int | None


def check_item_form(form: Form, applicants: Sequence[tuple[int, str]], with_kind: bool = True) -> ItemInput | None:
    kind = form.get("kind") if with_kind else ""
    member_id: int | None = None
    if with_kind:
        if kind not in ADDABLE_KINDS:
            form.error("kind", N_("Choose what kind of matter this is"))
        elif kind == "member_application":
            names = {str(mid): mid for mid, _ in applicants}
            chosen = names.get(form.get("member_id"))
            if chosen is None:
                form.error("member_id", N_("Choose the applicant from the list"))
            member_id = chosen
    title = _check_text(form, "title", ITEM_TITLE_MAX)
    if not title and kind != "member_application":
        form.error("title", N_("Write a title for the matter"))
    description = _check_text(form, "description", TEXT_MAX)
    if not form.ok:
        return None
    if not title and member_id is not None:
        name = dict(applicants)[member_id]
        title = gettext("Application to join: %(name)s", name=name)[:ITEM_TITLE_MAX]
    return ItemInput(title, description, kind, member_id)


async def add_item(ctx: CoopContext, meeting_id: int, form: Form, ip: str) -> int | None:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        data = check_item_form(form, await _applicants(ctx.id))
        if data is None:
            return None
        if data.member_id is not None and await _application_on_agenda(ctx.id, meeting_id, data.member_id):
            form.error("member_id", N_("This application is already on the agenda of this meeting"))
            return None
        item_id = await _insert_item(ctx.id, meeting_id, data)
        await _agenda_changed(ctx.id, meeting)
        await _audit(
            ctx,
            "meeting.item_added",
            meeting_id,
            ip,
            item_id=item_id,
            kind=data.kind,
            member_id=data.member_id,
        )
    return item_id


async def _application_on_agenda(coop_id: int, meeting_id: int, member_id: int) -> bool:
    return bool(
        await AgendaItem.exists()
        .where(
            (AgendaItem.coop == coop_id)
            & (AgendaItem.meeting == meeting_id)
            & (AgendaItem.kind == "member_application")
            & (AgendaItem.member == member_id)
        )
        .run()
    )


async def _insert_item(coop_id: int, meeting_id: int, data: ItemInput) -> int:
    last = await AgendaItem.raw(
        "SELECT coalesce(max(position), 0) AS last FROM agenda_item WHERE coop_id = {} AND meeting_id = {}",
        coop_id,
        meeting_id,
    ).run()
    rows = (
        await AgendaItem.insert(
            AgendaItem(
                coop=coop_id,
                meeting=meeting_id,
                position=int(last[0]["last"]) + 1,
                title=data.title,
                description=data.description,
                kind=data.kind,
                member=data.member_id,
            )
        )
        .returning(AgendaItem.id)
        .run()
    )
    return int(rows[0]["id"])


def item_form(item: ItemView) -> Form:
    return Form(values={"title": item.title, "description": item.description})


async def edit_item(ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str) -> bool:
    """Change an item's title and description (its kind and applicant stay)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        item = await _item_row(ctx.id, meeting_id, item_id, lock=True)
        data = check_item_form(form, [], with_kind=False)
        if data is None:
            return False
        await (
            AgendaItem.update({AgendaItem.title: data.title, AgendaItem.description: data.description})
            .where((AgendaItem.coop == ctx.id) & (AgendaItem.id == item_id))
            .run()
        )
        await _agenda_changed(ctx.id, meeting)
        await _audit(
            ctx,
            "meeting.item_changed",
            meeting_id,
            ip,
            item_id=item_id,
            before=item.title,
            after=data.title,
        )
    return True


async def remove_item(ctx: CoopContext, meeting_id: int, item_id: int, ip: str) -> None:
    """Remove an undecided item. An item with a decision, or with a vote, stays (NotPossible)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        item = await _item_row(ctx.id, meeting_id, item_id, lock=True)
        if item.decided:
            raise NotPossible(gettext("This matter has a decision. You cannot remove it."))
        if any(i.decided and i.position > item.position for i in await _items(ctx.id, meeting_id)):
            raise NotPossible(NUMBERS_STAY)
        # A vote on the item (votes context) references it; the database refuses, and the savepoint keeps the
        # unit usable so the refusal can be answered.
        transaction = db().current_transaction.get()
        assert transaction is not None
        savepoint = await transaction.savepoint()
        try:
            await AgendaItem.delete().where((AgendaItem.coop == ctx.id) & (AgendaItem.id == item_id)).run()
        except asyncpg.exceptions.IntegrityConstraintViolationError:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise NotPossible(gettext("This matter has a vote. You cannot remove it.")) from None
        await savepoint.release()  # type: ignore[no-untyped-call]
        await _renumber(ctx.id, meeting_id)
        await _agenda_changed(ctx.id, meeting)
        await _audit(
            ctx,
            "meeting.item_removed",
            meeting_id,
            ip,
            item_id=item_id,
            title=item.title,
        )


async def move_item(ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str) -> bool:
    """Put an item at a new place (1..n) on the agenda; the others keep their order."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        await _item_row(ctx.id, meeting_id, item_id, lock=True)
        items = await _items(ctx.id, meeting_id)
        if any(i.decided for i in items):
            raise NotPossible(NUMBERS_STAY)
        text = form.get("position")
        if not is_digits(text) or not 1 <= int(text) <= len(items):
            form.error("position", N_("Choose the new place from the list"))
            return False
        order = [i.id for i in items if i.id != item_id]
        old = next(i.position for i in items if i.id == item_id)
        order.insert(int(text) - 1, item_id)
        await _renumber(ctx.id, meeting_id, order)
        await _agenda_changed(ctx.id, meeting)
        await _audit(
            ctx,
            "meeting.item_moved",
            meeting_id,
            ip,
            item_id=item_id,
            before=old,
            after=int(text),
        )
    return True


async def applicants_to_add(ctx: CoopContext, meeting_id: int) -> tuple[MeetingView, list[tuple[int, str]]]:
    """Open applications that are not yet on this board meeting's agenda."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id)
        return meeting, await _applicants_not_on_agenda(ctx.id, meeting_id)


async def _applicants_not_on_agenda(coop_id: int, meeting_id: int) -> list[tuple[int, str]]:
    on_agenda = {i.member_id for i in await _items(coop_id, meeting_id) if i.kind == "member_application"}
    return [(mid, name) for mid, name in await _applicants(coop_id) if mid not in on_agenda]


async def add_applicants(ctx: CoopContext, meeting_id: int, ip: str) -> int:
    """One item per open application not yet on the agenda; how many were added."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        if not meeting.is_board:
            raise NotPossible(gettext("Applications are added this way to board meetings only."))
        waiting = await _applicants_not_on_agenda(ctx.id, meeting_id)
        for member_id, name in waiting:
            title = gettext("Application to join: %(name)s", name=name)[:ITEM_TITLE_MAX]
            await _insert_item(ctx.id, meeting_id, ItemInput(title, "", "member_application", member_id))
        if waiting:
            await _agenda_changed(ctx.id, meeting)
            await _audit(
                ctx,
                "meeting.applicants_added",
                meeting_id,
                ip,
                member_ids=[mid for mid, _ in waiting],
            )
    return len(waiting)


# --- attendance --------------------------------------------------------------------------------------------------


async def _attendees(coop_id: int, meeting: MeetingView) -> list[tuple[int, str]]:
    """Who may be recorded at the meeting: active members (general), or board seat holders in the register."""
    if meeting.is_board:
        ids = await _seat_member_ids(coop_id, meeting.day)
        if not ids:
            return []
        query = Member.select(Member.id, Member.name).where((Member.coop == coop_id) & Member.id.is_in(list(ids)))
    else:
        query = Member.select(Member.id, Member.name).where(
            (Member.coop == coop_id) & (Member.status == "active") & Member.member_class.is_in(list(ATTENDING_CLASSES))
        )
    rows = await query.order_by(Member.name).order_by(Member.id).run()
    return [(int(r["id"]), str(r["name"])) for r in rows]


@dataclass(frozen=True)
class AttendancePage:
    meeting: MeetingView
    attendance: list[AttendanceView]
    choices: list[tuple[int, str]]  # people not yet recorded
    holders: list[tuple[int, str]]  # people present who may hold a proxy
    rules: Rules

    @property
    def counts(self) -> Counts:
        return _counts(self.attendance)


async def attendance_page(ctx: CoopContext, meeting_id: int) -> AttendancePage:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id)
        rows = await _attendance(ctx.id, meeting_id)
        recorded = {a.member_id for a in rows}
        everyone = await _attendees(ctx.id, meeting)
        rules = await rules_in_unit(ctx.id)
    present = [(a.member_id, a.member_name) for a in rows if a.mode in ("in_person", "remote")]
    return AttendancePage(meeting, rows, [c for c in everyone if c[0] not in recorded], present, rules)


async def record_attendance(ctx: CoopContext, meeting_id: int, form: Form, ip: str) -> int | None:
    """Record one person: in person, remotely, or represented by a proxy holder who is present.

    Refused with a message next to the field: a person already on the list (a person cannot be both present and
    represented), a holder who is not present, a holder over the coop's proxy limit, a proxy at a board meeting.
    """
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        rows = await _attendance(ctx.id, meeting_id)
        everyone = dict(await _attendees(ctx.id, meeting))
        rules = await rules_in_unit(ctx.id)
        by_member = {a.member_id: a for a in rows}
        chosen = form.get("member_id")
        member_id = parse_id(chosen)
        if member_id not in everyone:
            member_id = None
        if member_id is None:
            form.error("member_id", N_("Choose the person from the list"))
        elif member_id in by_member:
            form.error(
                "member_id",
                gettext(
                    "%(name)s is already on the list. A person is either at the meeting or represented, not both. "
                    "Remove the old row first if you want to change it.",
                    name=everyone[member_id],
                ),
            )
        mode = form.get("mode")
        if mode not in ATTENDANCE_MODES:
            form.error("mode", N_("Choose how the person takes part"))
        holder_id: int | None = None
        if mode == "proxy":
            if meeting.is_board:
                form.error("mode", N_("A board member takes part in person or remotely. A proxy is not possible."))
            elif rules.max_proxies_per_person == 0:
                form.error("mode", N_("The rules of the cooperative do not allow proxies."))
            else:
                holder_id = _check_holder(form, by_member, everyone, member_id, rules)
        if not form.ok or member_id is None:
            return None
        inserted = (
            await Attendance.insert(
                Attendance(
                    coop=ctx.id,
                    meeting=meeting_id,
                    member=member_id,
                    mode=mode,
                    proxy_holder=holder_id,
                    recorded_by=ctx.viewer.id,
                )
            )
            .returning(Attendance.id)
            .run()
        )
        attendance_id = int(inserted[0]["id"])
        await _audit(
            ctx,
            "meeting.attendance_recorded",
            meeting_id,
            ip,
            member_id=member_id,
            mode=mode,
            proxy_holder_id=holder_id,
        )
    return attendance_id


def _check_holder(
    form: Form,
    by_member: dict[int, AttendanceView],
    everyone: dict[int, str],
    member_id: int | None,
    rules: Rules,
) -> int | None:
    text = form.get("proxy_holder_id")
    holder_id = parse_id(text)
    if holder_id is None or holder_id not in everyone:
        form.error("proxy_holder_id", N_("Choose the person who holds the proxy"))
        return None
    if holder_id == member_id:
        form.error("proxy_holder_id", N_("A person cannot hold their own proxy. Choose another person."))
        return None
    holder = by_member.get(holder_id)
    name = everyone[holder_id]
    if holder is None or holder.mode == "proxy":
        form.error(
            "proxy_holder_id",
            gettext("%(name)s is not marked present. Mark %(name)s present first.", name=name),
        )
        return None
    held = sum(1 for a in by_member.values() if a.proxy_holder_id == holder_id)
    if held >= rules.max_proxies_per_person:
        form.error(
            "proxy_holder_id",
            gettext(
                "%(name)s already represents %(held)s other members. The rules allow %(limit)s per person. "
                "Choose another person.",
                name=name,
                held=held,
                limit=rules.max_proxies_per_person,
            )
            if held != 1
            else gettext(
                "%(name)s already represents another member. The rules allow %(limit)s per person. "
                "Choose another person.",
                name=name,
                limit=rules.max_proxies_per_person,
            ),
        )
        return None
    return holder_id


async def get_attendance(ctx: CoopContext, meeting_id: int, attendance_id: int) -> tuple[MeetingView, AttendanceView]:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id)
        found = next((a for a in await _attendance(ctx.id, meeting_id) if a.id == attendance_id), None)
    if found is None:
        raise NotFoundException()
    return meeting, found


async def remove_attendance(ctx: CoopContext, meeting_id: int, attendance_id: int, ip: str) -> None:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        await _open_for_changes(ctx, meeting_id)
        rows = await _attendance(ctx.id, meeting_id)
        found = next((a for a in rows if a.id == attendance_id), None)
        if found is None:
            raise NotFoundException()
        represented = [a.member_name for a in rows if a.proxy_holder_id == found.member_id]
        if represented:
            raise NotPossible(
                gettext(
                    "%(name)s holds a proxy for %(others)s. Remove their rows first.",
                    name=found.member_name,
                    others=", ".join(represented),
                )
            )
        await Attendance.delete().where((Attendance.coop == ctx.id) & (Attendance.id == attendance_id)).run()
        await _audit(
            ctx,
            "meeting.attendance_removed",
            meeting_id,
            ip,
            member_id=found.member_id,
            mode=found.mode,
        )


# --- the notice --------------------------------------------------------------------------------------------------


def notice_problem(kind: str, meeting_day: dt.date, on: dt.date, rules: Rules) -> str:
    """Why the notice cannot be sent on `on` (translated), or "" when it can."""
    least, most = rules.notice_days(kind)
    days = (meeting_day - on).days
    if days < least:
        earliest = on + dt.timedelta(days=least)
        return gettext(
            "The meeting is too soon. The notice must be sent at least %(days)s days before the meeting. "
            "Move the meeting to %(date)s or later.",
            days=least,
            date=format_date(earliest),
        )
    if most is not None and days > most:
        return gettext(
            "The meeting is too far away. The notice can be sent at most %(days)s days before the meeting. "
            "You can send the notice from %(date)s.",
            days=most,
            date=format_date(meeting_day - dt.timedelta(days=most)),
        )
    return ""


async def _recipients(coop_id: int, meeting: MeetingView) -> tuple[list[Recipient], list[str]]:
    """Who is called: active members (general) or board seat holders (board); and who has no e-mail address."""
    ids = [mid for mid, _ in await _attendees(coop_id, meeting)]
    if not ids:
        return [], []
    rows = (
        await Member.select(Member.id, Member.name, Member.email, Member.user.email, Member.user.language)
        .where((Member.coop == coop_id) & Member.id.is_in(ids))
        .order_by(Member.name)
        .order_by(Member.id)
        .run()
    )
    recipients, without = [], []
    fallback = get_language()
    for r in rows:
        address = r["email"] or r["user_id.email"] or ""
        if address:
            recipients.append(Recipient(r["name"], address, r["user_id.language"] or fallback))
        else:
            without.append(str(r["name"]))
    return recipients, without


async def notice_plan(ctx: CoopContext, meeting_id: int) -> NoticePlan:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id)
        return await _notice_plan(ctx.id, meeting)


async def _notice_plan(coop_id: int, meeting: MeetingView) -> NoticePlan:
    recipients, without = await _recipients(coop_id, meeting)
    problem = ""
    if meeting.status == "cancelled":
        problem = gettext("The meeting is cancelled.")
    elif meeting.frozen or meeting.status == "held":
        problem = gettext("The meeting has already been held.")
    elif not await _items(coop_id, meeting.id):
        problem = gettext("The agenda is empty. Add at least one matter to the agenda first.")
    else:
        problem = notice_problem(meeting.kind, meeting.day, today(), await rules_in_unit(coop_id))
    return NoticePlan(meeting, recipients, without, problem, meeting.notice_sent_at is not None)


def _mail_context(coop: CoopContext, meeting: MeetingView, items: Sequence[ItemView]) -> dict[str, Any]:
    return {
        "coop": coop.name,
        "kind": meeting.kind,
        "title": meeting.title,
        "day": meeting.day,
        "time": meeting.time_text,
        "place": meeting.place,
        "remote_info": meeting.remote_info,
        "items": [(i.position, i.title) for i in items],
        "link": f"/c/{coop.slug}/meetings/mine",
    }


async def send_notice(ctx: CoopContext, meeting_id: int, ip: str) -> NoticePlan:
    """Send the notice by e-mail (one job per person, in their language) and mark the meeting noticed.

    Refused (nothing written, the plan's `problem` says why) when the meeting is sooner than the notice period or
    further away than the rules allow; refused when the notice was already sent (`already_sent`).
    """
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _visible_meeting(ctx, meeting_id, lock=True)
        plan = await _notice_plan(ctx.id, meeting)
        if not plan.can_send:
            return plan
        items = await _items(ctx.id, meeting_id)
        context = _mail_context(ctx, meeting, items)
        for r in plan.recipients:
            await send_mail(r.email, "meeting_notice", r.language, name=r.name, **context)
        sent_at = now()
        await (
            Meeting.update(
                {Meeting.status: "noticed", Meeting.notice_sent_at: sent_at, Meeting.agenda_changed_at: None}
            )
            .where((Meeting.coop == ctx.id) & (Meeting.id == meeting_id))
            .run()
        )
        await _audit(
            ctx,
            "meeting.noticed",
            meeting_id,
            ip,
            recipients=len(plan.recipients),
            without_address=len(plan.without_address),
        )
    return plan


async def cancel_meeting(ctx: CoopContext, meeting_id: int, ip: str) -> int:
    """Cancel a meeting that has no decisions. If the notice went out, everyone called gets a cancellation.

    Returns how many cancellations were sent."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        items = await _items(ctx.id, meeting_id)
        if meeting.status == "held" or any(i.decided for i in items):
            raise NotPossible(gettext("The meeting has decisions. You cannot cancel it."))
        sent = 0
        if meeting.notice_sent_at is not None:
            recipients, _ = await _recipients(ctx.id, meeting)
            context = _mail_context(ctx, meeting, items)
            for r in recipients:
                await send_mail(r.email, "meeting_cancelled", r.language, name=r.name, **context)
            sent = len(recipients)
        await (
            Meeting.update({Meeting.status: "cancelled", Meeting.cancelled_at: now()})
            .where((Meeting.coop == ctx.id) & (Meeting.id == meeting_id))
            .run()
        )
        await _audit(
            ctx,
            "meeting.cancelled",
            meeting_id,
            ip,
            cancellations=sent,
        )
    return sent


# --- decisions ---------------------------------------------------------------------------------------------------


def decided_by_text(meeting: MeetingView, item: ItemView) -> str:
    """How the register names the decision: "Hallituksen kokous 27.11.2026, § 4" (in the current language)."""
    if meeting.is_board:
        text = gettext("Board meeting %(date)s, § %(number)s", date=format_date(meeting.day), number=item.position)
    else:
        text = gettext("General meeting %(date)s, § %(number)s", date=format_date(meeting.day), number=item.position)
    return text[:200]


def default_decision(item: ItemView, outcome: str, member_class: str) -> str:
    if item.kind == "member_application":
        if outcome == "approved":
            if member_class == "trial":
                return gettext("%(name)s was admitted as a trial member.", name=item.member_name)
            return gettext("%(name)s was admitted as a member.", name=item.member_name)
        return gettext("The application of %(name)s was rejected.", name=item.member_name)
    return ""


async def _decide_applicant_in_unit(
    coop_id: int,
    coop_name: str,
    viewer_id: int,
    meeting: MeetingView,
    item: ItemView,
    outcome: str,
    member_class: str,
    ip: str,
) -> str:
    """Admit or reject the applicant of an item through the member register; the problem (translated) or ""."""
    if item.member_id is None:  # the table's check makes this impossible; kept for the type checker
        return gettext("The applicant is missing.")
    action = "admit" if outcome == "approved" else "reject"
    values = {"on_date": format_date(meeting.day), "decided_by": decided_by_text(meeting, item)}
    if action == "admit":
        values["member_class"] = member_class
    asked = Form(values=values)
    result = await members.decide_in_unit(
        coop_id, coop_name, viewer_id, item.member_id, action, asked, ip, confirmed=True
    )
    if result.state == "not_possible":
        return gettext(
            "%(name)s is no longer waiting for a decision. Check the member register.", name=item.member_name
        )
    if result.state == "done":
        return ""
    if "on_date" in asked.errors:
        return gettext(
            "The meeting is on an earlier day than the last event of %(name)s in the member register. "
            "Check the date of the meeting.",
            name=item.member_name,
        )
    return gettext(
        "The member register did not accept the decision: %(problem)s",
        problem=" ".join(gettext(m) for m in asked.errors.values()),
    )


async def _apply_outcome_in_unit(
    coop_id: int,
    coop_name: str,
    viewer_id: int,
    meeting: MeetingView,
    item: ItemView,
    outcome: str,
    decision: str,
    member_class: str,
    ip: str,
) -> str:
    """Write an item's outcome inside the open unit. For an application, admit or reject the applicant first (in
    the same unit); returns the problem (translated) when the register refuses, and then nothing was written."""
    if meeting.frozen:
        return gettext("The meeting is closed. Nothing can be changed.")
    if item.kind == "member_application" and item.decided and outcome != item.outcome:
        return gettext("The decision about the applicant is already recorded. You can change only the text.")
    if item.kind == "member_application" and not item.decided:
        problem = await _decide_applicant_in_unit(
            coop_id, coop_name, viewer_id, meeting, item, outcome, member_class, ip
        )
        if problem:
            return problem
    decision = decision or default_decision(item, outcome, member_class)
    await (
        AgendaItem.update({AgendaItem.outcome: outcome, AgendaItem.decision: decision, AgendaItem.decided_at: now()})
        .where((AgendaItem.coop == coop_id) & (AgendaItem.id == item.id))
        .run()
    )
    if meeting.status in ("draft", "noticed"):
        await (
            Meeting.update({Meeting.status: "held"}).where((Meeting.coop == coop_id) & (Meeting.id == meeting.id)).run()
        )
    await audit.record(
        "meeting.item_decided",
        actor_id=viewer_id,
        coop_id=coop_id,
        target=f"meeting:{meeting.id}",
        ip=ip,
        item_id=item.id,
        outcome=outcome,
        previous=item.outcome,
        member_id=item.member_id,
    )
    return ""


def decide_form(item: ItemView) -> Form:
    return Form(values={"outcome": item.outcome, "decision": item.decision, "member_class": "member"})


async def decide_item(ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str) -> bool:
    """Record the outcome and the decision text of an item. For an application, approving admits the applicant
    (as trial member or member, chosen on the form) and rejecting rejects them, in the same transaction."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        item = await _item_row(ctx.id, meeting_id, item_id, lock=True)
        application = item.kind == "member_application"
        outcome = form.get("outcome")
        if outcome not in (APPLICATION_OUTCOMES if application else DECIDE_OUTCOMES):
            form.error("outcome", N_("Choose what the meeting decided"))
        member_class = form.get("member_class") or "member"
        if application and outcome == "approved" and not item.decided and member_class not in ADMIT_CLASSES:
            form.error("member_class", N_("Choose a trial member or a member"))
        decision = _check_text(form, "decision", TEXT_MAX)
        if not form.ok:
            return False
        problem = await _apply_outcome_in_unit(
            ctx.id, ctx.name, ctx.viewer.id, meeting, item, outcome, decision, member_class, ip
        )
        if problem:
            form.error("outcome", problem)
            return False
    return True


async def record_outcome_in_unit(
    coop_id: int,
    coop_name: str,
    viewer_id: int,
    item_id: int,
    passed: bool,
    decision_text: str,
    ip: str,
    member_class: str = "member",
) -> None:
    """For the votes context, when a vote on an item closes: approved when `passed`, rejected otherwise.

    Runs inside the caller's open unit of this coop; the caller has checked the roles. For an application the
    applicant is admitted (as `member_class`) or rejected in the same unit. Raises OutcomeRefused (nothing written
    here) when the meeting is closed, or the register refuses."""
    _same_coop(coop_id, "record_outcome_in_unit")
    row = (
        await AgendaItem.select(AgendaItem.meeting)
        .where((AgendaItem.coop == coop_id) & (AgendaItem.id == item_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFoundException()
    meeting = await _meeting_row(coop_id, int(row["meeting_id"]), lock=True)
    item = await _item_row(coop_id, meeting.id, item_id, lock=True)
    member_class = member_class if member_class in ADMIT_CLASSES else "member"
    outcome = "approved" if passed else "rejected"
    problem = await _apply_outcome_in_unit(
        coop_id, coop_name, viewer_id, meeting, item, outcome, decision_text[:TEXT_MAX], member_class, ip
    )
    if problem:
        raise OutcomeRefused(problem)


# --- minutes -----------------------------------------------------------------------------------------------------

ROLE_FIELDS = ("chair_name", "secretary_name", "checker1_name", "checker2_name")


def roles_form(meeting: MeetingView) -> Form:
    return Form(values={f: getattr(meeting, f) for f in ROLE_FIELDS})


async def save_roles(ctx: CoopContext, meeting_id: int, form: Form, ip: str) -> bool:
    """Who led the meeting, who wrote the minutes and who checks them (names as written in the minutes)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        values = {f: _check_text(form, f, NAME_MAX) for f in ROLE_FIELDS}
        if not form.ok:
            return False
        await (
            Meeting.update({getattr(Meeting, f): v for f, v in values.items()})
            .where((Meeting.coop == ctx.id) & (Meeting.id == meeting_id))
            .run()
        )
        await _audit(
            ctx,
            "meeting.roles_changed",
            meeting.id,
            ip,
            names=values,
        )
    return True


async def approve_minutes(ctx: CoopContext, meeting_id: int, ip: str) -> None:
    """Approve the minutes: the meeting is closed and its record no longer changes."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        meeting = await _open_for_changes(ctx, meeting_id)
        if not meeting.chair_name or not meeting.secretary_name:
            raise NotPossible(
                gettext("Write first who led the meeting and who wrote the minutes. Then approve the minutes.")
            )
        if meeting.starts_at > now():
            raise NotPossible(gettext("The meeting has not started yet. Approve the minutes after the meeting."))
        await (
            Meeting.update({Meeting.status: "closed", Meeting.minutes_approved_at: now()})
            .where((Meeting.coop == ctx.id) & (Meeting.id == meeting_id))
            .run()
        )
        await _audit(ctx, "meeting.minutes_approved", meeting_id, ip)


# --- my meetings -------------------------------------------------------------------------------------------------


async def _open_votes(coop_id: int, member_id: int) -> list[Any]:
    open_votes = _votes_function("open_votes_for_member_in_unit")
    if open_votes is None:
        return []
    return list(await open_votes(coop_id, member_id))


async def my_meetings(ctx: CoopContext) -> MyMeetings:
    """The signed-in person's meetings: coming ones with their agenda, ones they attended, minutes, open votes."""
    on = today()
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await Member.select(Member.id, Member.name)
            .where((Member.coop == ctx.id) & (Member.user == ctx.viewer.id))
            .first()
            .run()
        )
        member_id = int(row["id"]) if row else None
        on_board = member_id is not None and member_id in await _seat_member_ids(ctx.id, on)
        rows = (
            await Meeting.select(*_MEETING_COLUMNS)
            .where((Meeting.coop == ctx.id) & Meeting.status.is_in(["noticed", "held", "closed"]))
            .order_by(Meeting.starts_at)
            .run()
        )
        mine = [m for m in (_meeting_view(r) for r in rows) if not m.is_board or on_board]
        upcoming = [(m, await _items(ctx.id, m.id)) for m in mine if m.is_upcoming(on) and m.status == "noticed"]
        attended: list[AttendedMeeting] = []
        open_votes: list[Any] = []
        if member_id is not None:
            records = (
                await Attendance.select(Attendance.meeting, Attendance.mode, Attendance.proxy_holder.name)
                .where((Attendance.coop == ctx.id) & (Attendance.member == member_id))
                .run()
            )
            by_meeting = {int(r["meeting_id"]): r for r in records}
            # A meeting the person attended stays in their list even after their board term ended.
            all_rows = {int(r["id"]): _meeting_view(r) for r in rows}
            for meeting_id, r in by_meeting.items():
                if meeting_id in all_rows:
                    attended.append(AttendedMeeting(all_rows[meeting_id], r["mode"], r["proxy_holder_id.name"] or ""))
            attended.sort(key=lambda a: a.meeting.starts_at, reverse=True)
            open_votes = await _open_votes(ctx.id, member_id)
    attended_ids = {a.meeting.id for a in attended}
    minutes = sorted(
        (m for m in mine if m.minutes_approved_at is not None or m.id in attended_ids),
        key=lambda m: m.starts_at,
        reverse=True,
    )[:10]
    return MyMeetings(member_id, row["name"] if row else "", upcoming, attended, minutes, open_votes)


@dataclass(frozen=True)
class Minutes:
    page: MeetingPage
    in_person: list[AttendanceView] = field(default_factory=list)
    remote: list[AttendanceView] = field(default_factory=list)
    proxy: list[AttendanceView] = field(default_factory=list)

    @property
    def meeting(self) -> MeetingView:
        return self.page.meeting


async def minutes(ctx: CoopContext, meeting_id: int) -> Minutes:
    page = await meeting_page(ctx, meeting_id)
    rows = page.attendance
    return Minutes(
        page,
        [a for a in rows if a.mode == "in_person"],
        [a for a in rows if a.mode == "remote"],
        [a for a in rows if a.mode == "proxy"],
    )
