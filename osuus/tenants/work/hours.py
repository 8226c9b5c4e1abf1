"""Hours: the clock (start and stop, server time, one running clock per person), the quick entry, approval by a
job coach or the admin, corrections that keep every version, and the person's own "My work" page.

An entry is a version. Approved versions are final (a database trigger refuses any change); a correction is a new
version that replaces the one it corrects, and only the latest version counts. A correction made by an approver
(not of their own time) is approved at once; one made by the person themself waits for approval again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from litestar.exceptions import NotFoundException, PermissionDeniedException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.dates import HELSINKI, format_date, read_date, today
from osuus.platform.http import Form
from osuus.platform.i18n import N_, get_language
from osuus.platform.mailer import send_mail
from osuus.platform.tenancy import coop_unit, lock_row
from osuus.tenants.employment.earnings import MonthEarnings
from osuus.tenants.employment.service import month_pay_in_unit
from osuus.tenants.work.service import (
    LATEST,
    LOGGABLE,
    MANAGERS,
    NOTE_MAX,
    STARTED_BY_LOGGING,
    AssignmentView,
    NotPossible,
    _assignments,
    format_clock,
    my_assignment_in_unit,
    read_clock,
    read_duration,
    split_minutes,
    step_in_unit,
)
from osuus.tenants.work.tables import HourEntry

APPROVERS = ("admin", "coach")  # approve, return and correct anyone's hours (a coach's own time: the admin)
MAX_MINUTES = 24 * 60
RECENT_DAYS = 14  # a finished job stays on "My work" this long after its day, for logging the last hours
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class EntryView:
    id: int
    assignment_id: int
    order_id: int
    title: str
    role: str  # worker | coach
    member_id: int | None
    coach_id: int | None
    person: str
    person_user_id: int | None
    day: dt.date
    start: dt.time | None  # Helsinki time
    end: dt.time | None
    started_at: dt.datetime | None
    minutes: int | None  # None while the clock runs
    source: str  # timer | quick | correction
    status: str  # running | waiting | approved | returned
    note: str
    supersedes_id: int | None
    chain_id: int | None
    created_at: dt.datetime
    created_by: str
    approved_at: dt.datetime | None
    approved_by: str
    returned_at: dt.datetime | None
    returned_by: str
    return_note: str
    latest: bool

    @property
    def first_id(self) -> int:
        return self.chain_id or self.id


_ENTRY_SQL = (
    """SELECT h.id, h.assignment_id, h.order_id, o.title, a.role, h.member_id, h.coach_id,
  coalesce(m.name, cu.name, '') AS person, coalesce(m.user_id, h.coach_id) AS person_user_id,
  h.day, h.started_at, h.ended_at, h.minutes, h.source, h.status, h.note, h.supersedes_id, h.chain_id, h.created_at,
  coalesce(cb.name, '') AS created_by, h.approved_at, coalesce(ab.name, '') AS approved_by, h.returned_at,
  coalesce(rb.name, '') AS returned_by, h.return_note, """
    + LATEST
    + """ AS latest
FROM work_hours h
JOIN work_assignment a ON a.coop_id = h.coop_id AND a.id = h.assignment_id
JOIN work_order o ON o.coop_id = h.coop_id AND o.id = h.order_id
LEFT JOIN member m ON m.coop_id = h.coop_id AND m.id = h.member_id
LEFT JOIN app_user cu ON cu.id = h.coach_id
LEFT JOIN app_user cb ON cb.id = h.created_by
LEFT JOIN app_user ab ON ab.id = h.approved_by
LEFT JOIN app_user rb ON rb.id = h.returned_by
WHERE h.coop_id = {} AND """
)
# A person's own time: as a worker (their rows of the register) or as a coach (their account). Both columns are
# indexed, so the planner can combine the two instead of reading the coop's every row.
_MY_HOURS = "(h.member_id = ANY({}) OR h.coach_id = {})"


def _local(value: dt.datetime | None) -> dt.time | None:
    return value.astimezone(HELSINKI).time() if value is not None else None


def _entry(row: dict[str, Any]) -> EntryView:
    return EntryView(
        id=int(row["id"]),
        assignment_id=int(row["assignment_id"]),
        order_id=int(row["order_id"]),
        title=row["title"],
        role=row["role"],
        member_id=row["member_id"],
        coach_id=row["coach_id"],
        person=row["person"],
        person_user_id=row["person_user_id"],
        day=row["day"],
        start=_local(row["started_at"]),
        end=_local(row["ended_at"]),
        started_at=row["started_at"],
        minutes=row["minutes"],
        source=row["source"],
        status=row["status"],
        note=row["note"],
        supersedes_id=row["supersedes_id"],
        chain_id=row["chain_id"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        approved_at=row["approved_at"],
        approved_by=row["approved_by"],
        returned_at=row["returned_at"],
        returned_by=row["returned_by"],
        return_note=row["return_note"],
        latest=bool(row["latest"]),
    )


async def _entries(coop_id: int, where: str, *args: Any, order: str = "h.day, h.id") -> list[EntryView]:
    rows = await HourEntry.raw(_ENTRY_SQL + where + " ORDER BY " + order, coop_id, *args).run()
    return [_entry(r) for r in rows]


async def entry_in_unit(coop_id: int, entry_id: int, lock: bool = False) -> EntryView:
    """One version of hours of the open unit's coop; another coop's id and a missing id are the same 404."""
    if lock:
        await lock_row(HourEntry, coop_id, entry_id)
    found = await _entries(coop_id, "h.id = {}", entry_id)
    if not found:
        raise NotFoundException()
    return found[0]


def is_own(ctx: CoopContext, entry: EntryView) -> bool:
    return entry.person_user_id == ctx.viewer.id


def can_approve(ctx: CoopContext, entry: EntryView) -> bool:
    """An approver approves others' time; a coach's time is approved by the admin."""
    if is_own(ctx, entry):
        return False
    return ctx.has("admin") if entry.role == "coach" else ctx.has(*APPROVERS)


def can_correct(ctx: CoopContext, entry: EntryView) -> bool:
    return is_own(ctx, entry) or can_approve(ctx, entry)


async def _visible_entry(ctx: CoopContext, entry_id: int, lock: bool = False) -> EntryView:
    """An entry the viewer may see: their own, or anyone's for the coop's managers. Others: the same 404."""
    found = await entry_in_unit(ctx.id, entry_id, lock)
    if not (is_own(ctx, found) or ctx.has(*MANAGERS)):
        raise NotFoundException()
    return found


# --- reading what people type ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryValues:
    day: dt.date
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    minutes: int
    note: str


def check_entry_form(form: Form, *, reason: bool = False) -> EntryValues | None:
    """Read a day and either a start and an end ("8.30"–"12.00") or how long (hours and minutes). With `reason`
    the note says why (a correction) and "remove" logs the time as 0 minutes. Every mistake goes next to its field,
    in the order of the page; None when there is one."""
    remove = reason and form.get("remove").lower() in {"yes", "on", "true"}
    day = read_date(form, "day", N_("Write the day you worked"))
    if day is not None and day > today():
        form.error("day", N_("The day you worked must be today or in the past"))
    start = end = None
    minutes: int | None = 0
    if not remove:
        start, end = read_clock(form, "start"), read_clock(form, "end")
        clock_typed = bool(form.get("start") or form.get("end"))
        length_typed = bool(form.get("hours") or form.get("minutes"))
        if clock_typed and length_typed:
            form.error("start", N_("Write the start and end, or how long you worked. Not both"))
            minutes = None
        elif clock_typed:
            minutes = _clock_minutes(form, start, end)
        elif length_typed:
            minutes = read_duration(form, "hours", "minutes")
        else:
            form.error("start", N_("Write when you started and ended, or how long you worked"))
            minutes = None
    note = form.get("note")
    if reason and not note:
        form.error("note", N_("Write why the time changes"))
    elif len(note) > NOTE_MAX:
        form.error("note", N_("Write 1 000 characters or fewer"))
    if not form.ok or day is None or minutes is None:
        return None
    started = dt.datetime.combine(day, start, tzinfo=HELSINKI) if start is not None else None
    ended = dt.datetime.combine(day, end, tzinfo=HELSINKI) if end is not None else None
    return EntryValues(day, started, ended, minutes, note)


def _clock_minutes(form: Form, start: dt.time | None, end: dt.time | None) -> int | None:
    if start is None and "start" not in form.errors:
        form.error("start", N_("Write when you started, for example 8.30"))
    if end is None and "end" not in form.errors:
        form.error("end", N_("Write when you ended, for example 12.00"))
    if start is None or end is None:
        return None
    if end <= start:
        form.error("end", N_("The end must be later than the start"))
        return None
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def entry_form(entry: EntryView) -> Form:
    """The correction form filled in with the version it corrects."""
    hours, minutes = ("", "") if entry.start is not None else split_minutes(entry.minutes)
    return Form(
        values={
            "day": format_date(entry.day),
            "start": format_clock(entry.start),
            "end": format_clock(entry.end),
            "hours": hours,
            "minutes": minutes,
        }
    )


# --- the clock -------------------------------------------------------------------------------------------------


def _check_loggable(found: AssignmentView) -> None:
    if found.status != "accepted":
        raise NotPossible(N_("You can log time only for a job you have accepted."))
    if found.order_status not in LOGGABLE:
        raise NotPossible(N_("This job is closed. Time cannot be logged for it any more."))


async def member_ids_in_unit(coop_id: int, user_id: int) -> list[int]:
    """The rows of the register linked to this account (normally one)."""
    rows = await HourEntry.raw("SELECT id FROM member WHERE coop_id = {} AND user_id = {}", coop_id, user_id).run()
    return [int(r["id"]) for r in rows]


async def _running(coop_id: int, user_id: int) -> EntryView | None:
    members = await member_ids_in_unit(coop_id, user_id)
    found = await _entries(coop_id, "h.status = 'running' AND " + _MY_HOURS, members, user_id)
    return found[0] if found else None


async def _started(coop_id: int, order_id: int, status: str, by: int) -> None:
    """Logging time on a scheduled job means the work has started."""
    if status == "scheduled":
        with contextlib.suppress(NotPossible):  # someone started it a moment ago: the order is already going on
            await step_in_unit(coop_id, order_id, "start", by, STARTED_BY_LOGGING)


async def start_clock(ctx: CoopContext, assignment_id: int, ip: str) -> EntryView:
    """Start the person's clock on their accepted job (server time). NotPossible when a clock is already running
    (one per person) or the job is closed; 404 for anyone else's assignment."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id, lock=True)
        _check_loggable(found)
        if await _running(ctx.id, ctx.viewer.id) is not None:
            raise NotPossible(N_("Your clock is already running. Stop it first."))
        now = dt.datetime.now(dt.UTC)
        try:
            rows = (
                await HourEntry.insert(
                    HourEntry(
                        coop=ctx.id, assignment=assignment_id, order=found.order_id, member=found.member_id,
                        coach=found.coach_id, day=now.astimezone(HELSINKI).date(), started_at=now, source="timer",
                        status="running", created_by=ctx.viewer.id,
                    )
                )
                .returning(HourEntry.id)
                .run()
            )  # fmt: skip
        except UniqueViolationError:  # started at the same moment elsewhere: the index keeps one
            raise NotPossible(N_("Your clock is already running. Stop it first.")) from None
        entry_id = int(rows[0]["id"])
        await _started(ctx.id, found.order_id, found.order_status, ctx.viewer.id)
        await audit.record(
            "work.clock_started",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_hours:{entry_id}",
            ip=ip,
            assignment_id=assignment_id,
        )
        return await entry_in_unit(ctx.id, entry_id)


def clock_minutes(started_at: dt.datetime, ended_at: dt.datetime) -> int:
    """Whole minutes on the clock, a started minute counted (at least 1, at most 24 hours)."""
    seconds = (ended_at - started_at).total_seconds()
    return max(1, min(MAX_MINUTES, math.ceil(seconds / 60)))


async def stop_clock(ctx: CoopContext, ip: str) -> EntryView:
    """Stop the person's running clock: the time waits for approval. NotPossible when no clock runs."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        running = await _running(ctx.id, ctx.viewer.id)
        if running is None:
            raise NotPossible(N_("Your clock is not running."))
        await entry_in_unit(ctx.id, running.id, lock=True)
        assert running.started_at is not None
        now = dt.datetime.now(dt.UTC)
        minutes = clock_minutes(running.started_at, now)
        updated = await (
            HourEntry.update({HourEntry.status: "waiting", HourEntry.ended_at: now, HourEntry.minutes: minutes})
            .where((HourEntry.coop == ctx.id) & (HourEntry.id == running.id) & (HourEntry.status == "running"))
            .returning(HourEntry.id)
            .run()
        )
        if not updated:  # stopped at the same moment elsewhere
            raise NotPossible(N_("Your clock is not running."))
        await audit.record(
            "work.clock_stopped",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_hours:{running.id}",
            ip=ip,
            minutes=minutes,
        )
        return await entry_in_unit(ctx.id, running.id)


# --- the quick entry -------------------------------------------------------------------------------------------


async def log_page(ctx: CoopContext, assignment_id: int) -> tuple[AssignmentView, Form]:
    """The quick entry for one of the person's jobs, filled in with the planned day (or today, if that is later)."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id)
        _check_loggable(found)
    return found, Form(values={"day": format_date(min(found.planned_day, today()))})


async def log_hours(ctx: CoopContext, assignment_id: int, form: Form, ip: str) -> int | None:
    """Log time on the person's accepted job; it waits for approval. None when the form has mistakes (nothing
    written); NotPossible when the job is closed; 404 for anyone else's assignment."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id, lock=True)
        _check_loggable(found)
        values = check_entry_form(form)
        if values is None:
            return None
        rows = (
            await HourEntry.insert(
                HourEntry(
                    coop=ctx.id, assignment=assignment_id, order=found.order_id, member=found.member_id,
                    coach=found.coach_id, day=values.day, started_at=values.started_at, ended_at=values.ended_at,
                    minutes=values.minutes, source="quick", status="waiting", note=values.note,
                    created_by=ctx.viewer.id,
                )
            )
            .returning(HourEntry.id)
            .run()
        )  # fmt: skip
        entry_id = int(rows[0]["id"])
        await _started(ctx.id, found.order_id, found.order_status, ctx.viewer.id)
        await audit.record(
            "work.hours_logged",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_hours:{entry_id}",
            ip=ip,
            assignment_id=assignment_id,
            day=values.day,
            minutes=values.minutes,
        )
    return entry_id


# --- approval --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalList:
    waiting: list[EntryView]
    returned: list[EntryView]


async def approval_list(ctx: CoopContext) -> ApprovalList:
    """Hours that wait for approval, and hours sent back that wait for a correction (latest versions)."""
    ctx.require(*APPROVERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _entries(ctx.id, "h.status IN ('waiting', 'returned') AND " + LATEST, order="h.day, person, h.id")
    return ApprovalList([e for e in found if e.status == "waiting"], [e for e in found if e.status == "returned"])


async def _latest_for_change(ctx: CoopContext, entry_id: int, status: tuple[str, ...]) -> EntryView:
    found = await _visible_entry(ctx, entry_id, lock=True)
    if not found.latest:
        raise NotPossible(N_("This time has been corrected. Look at the newest version."))
    if found.status not in status:
        raise NotPossible(_ENTRY_STATE.get(found.status, N_("This time cannot change now.")))
    return found


_ENTRY_STATE = {
    "running": N_("The clock is still running. Stop it first."),
    "waiting": N_("This time waits for approval."),
    "approved": N_("This time is already approved. Correct it if it is wrong."),
    "returned": N_("This time was sent back. It waits for a correction."),
}


def not_returnable(entry: EntryView) -> str:
    """Why this time cannot be approved or sent back now (a message id)."""
    if not entry.latest:
        return N_("This time has been corrected. Look at the newest version.")
    if entry.status == "waiting":
        return N_("You cannot approve your own time. Another approver does it.")
    return _ENTRY_STATE.get(entry.status, N_("This time cannot change now."))


async def approve_entry(ctx: CoopContext, entry_id: int, ip: str) -> EntryView:
    """Approve time that waits. Approved time is final and counts for wages and invoices. NotPossible for the
    approver's own time, or time that does not wait."""
    ctx.require(*APPROVERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _latest_for_change(ctx, entry_id, ("waiting",))
        _check_approver(ctx, found)
        await (
            HourEntry.update(
                {HourEntry.status: "approved", HourEntry.approved_at: dt.datetime.now(dt.UTC),
                 HourEntry.approved_by: ctx.viewer.id}
            )
            .where((HourEntry.coop == ctx.id) & (HourEntry.id == entry_id))
            .run()
        )  # fmt: skip
        await audit.record(
            "work.hours_approved",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_hours:{entry_id}",
            ip=ip,
            minutes=found.minutes,
            day=found.day,
        )
        return await entry_in_unit(ctx.id, entry_id)


def _check_approver(ctx: CoopContext, found: EntryView) -> None:
    if is_own(ctx, found):
        raise NotPossible(N_("You cannot approve your own time. Another approver does it."))
    if not can_approve(ctx, found):
        raise PermissionDeniedException()


async def return_entry(ctx: CoopContext, entry_id: int, form: Form, ip: str) -> bool:
    """Send time that waits back to the person with a note; they correct it. False when the note is missing or too
    long (nothing written)."""
    ctx.require(*APPROVERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _latest_for_change(ctx, entry_id, ("waiting",))
        _check_approver(ctx, found)
        note = form.get("return_note")
        if not note:
            form.error("return_note", N_("Write what is wrong, so that the person can fix it"))
        elif len(note) > NOTE_MAX:
            form.error("return_note", N_("Write 1 000 characters or fewer"))
        if not form.ok:
            return False
        await (
            HourEntry.update(
                {HourEntry.status: "returned", HourEntry.returned_at: dt.datetime.now(dt.UTC),
                 HourEntry.returned_by: ctx.viewer.id, HourEntry.return_note: note}
            )
            .where((HourEntry.coop == ctx.id) & (HourEntry.id == entry_id))
            .run()
        )  # fmt: skip
        await _mail_person(ctx, found, "work_hours_returned", note=note)
        await audit.record(
            "work.hours_returned",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_hours:{entry_id}",
            ip=ip,
            note=note,
        )
    return True


async def _mail_person(ctx: CoopContext, entry: EntryView, template: str, **context: Any) -> None:
    if entry.person_user_id is None:
        return
    rows = await HourEntry.raw("SELECT email, language, name FROM app_user WHERE id = {}", entry.person_user_id).run()
    if rows:
        row = rows[0]
        await send_mail(
            row["email"], template, row["language"] or get_language(), name=row["name"], coop_name=ctx.name,
            entry=entry, link=f"/c/{ctx.slug}/work/mine/hours", **context,
        )  # fmt: skip


# --- corrections -----------------------------------------------------------------------------------------------


async def correct_page(ctx: CoopContext, entry_id: int) -> tuple[EntryView, Form]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _latest_for_change(ctx, entry_id, ("waiting", "approved", "returned"))
        if not can_correct(ctx, found):
            raise PermissionDeniedException()
    return found, entry_form(found)


async def correct_entry(ctx: CoopContext, entry_id: int, form: Form, ip: str) -> int | None:
    """A new version of the time that replaces this one (which stays, unchanged). By an approver, of someone
    else's time: approved at once. By the person themself: it waits for approval. None when the form has mistakes
    (nothing written); NotPossible when a newer version exists or the clock still runs."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _latest_for_change(ctx, entry_id, ("waiting", "approved", "returned"))
        if not can_correct(ctx, found):
            raise PermissionDeniedException()
        values = check_entry_form(form, reason=True)
        if values is None:
            return None
        approved = can_approve(ctx, found)
        now = dt.datetime.now(dt.UTC)
        try:
            rows = (
                await HourEntry.insert(
                    HourEntry(
                        coop=ctx.id, assignment=found.assignment_id, order=found.order_id, member=found.member_id,
                        coach=found.coach_id, day=values.day, started_at=values.started_at,
                        ended_at=values.ended_at, minutes=values.minutes, source="correction",
                        status="approved" if approved else "waiting", note=values.note, supersedes_id=found.id,
                        chain_id=found.first_id, created_by=ctx.viewer.id, approved_at=now if approved else None,
                        approved_by=ctx.viewer.id if approved else None,
                    )
                )
                .returning(HourEntry.id)
                .run()
            )  # fmt: skip
        except UniqueViolationError:  # corrected at the same moment elsewhere: the chain never forks
            raise NotPossible(N_("This time has been corrected. Look at the newest version.")) from None
        new_id = int(rows[0]["id"])
        await audit.record(
            "work.hours_corrected",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_hours:{new_id}",
            ip=ip,
            supersedes=found.id,
            old_day=found.day,
            day=values.day,
            old_minutes=found.minutes,
            minutes=values.minutes,
            approved=approved,
            reason=values.note,
        )
    return new_id


@dataclass(frozen=True)
class EntryHistory:
    latest: EntryView
    versions: list[EntryView]  # newest first
    can_correct: bool
    can_approve: bool


async def entry_history(ctx: CoopContext, entry_id: int) -> EntryHistory:
    """Every version of one logged time, newest first; for the person and the coop's managers."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _visible_entry(ctx, entry_id)
        versions = await _entries(
            ctx.id, "(h.id = {} OR h.chain_id = {})", found.first_id, found.first_id, order="h.id DESC"
        )
    latest = next(v for v in versions if v.latest)
    open_ = latest.status in ("waiting", "approved", "returned")
    return EntryHistory(
        latest,
        versions,
        can_correct=open_ and can_correct(ctx, latest),
        can_approve=latest.status == "waiting" and can_approve(ctx, latest),
    )


# --- My work ---------------------------------------------------------------------------------------------------


def month_range(value: str = "") -> tuple[dt.date, dt.date]:
    """The first and last day of a month "2026-11" (this month for anything else)."""
    match = _MONTH.match(value.strip())
    on = today()
    year, month = (int(match.group(1)), int(match.group(2))) if match else (on.year, on.month)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = on.year, on.month
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def month_value(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class MyHours:
    first: dt.date
    last: dt.date
    entries: list[EntryView]  # latest versions, not running
    approved_minutes: int
    waiting_minutes: int
    returned: int
    previous: str  # month values for the links
    following: str


async def my_hours_in_unit(coop_id: int, user_id: int, first: dt.date, last: dt.date) -> MyHours:
    found = await _entries(
        coop_id,
        _MY_HOURS + " AND h.day BETWEEN {} AND {} AND h.status <> 'running' AND " + LATEST,
        await member_ids_in_unit(coop_id, user_id),
        user_id,
        first,
        last,
        order="h.day DESC, h.id DESC",
    )
    return MyHours(
        first=first,
        last=last,
        entries=found,
        approved_minutes=sum(e.minutes or 0 for e in found if e.status == "approved"),
        waiting_minutes=sum(e.minutes or 0 for e in found if e.status == "waiting"),
        returned=sum(1 for e in found if e.status == "returned"),
        previous=month_value(first - dt.timedelta(days=1)),
        following=month_value(last + dt.timedelta(days=1)),
    )


async def my_hours(ctx: CoopContext, month: str = "") -> MyHours:
    first, last = month_range(month)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await my_hours_in_unit(ctx.id, ctx.viewer.id, first, last)


@dataclass(frozen=True)
class MyWork:
    offers: list[AssignmentView]  # waiting for my answer
    jobs: list[AssignmentView]  # accepted, still open
    running: EntryView | None
    month: MyHours
    has_register_row: bool
    pay: MonthEarnings | None = None  # this month's pay of the person's register row (no limit: that is private)


async def my_work(ctx: CoopContext) -> MyWork:
    """The person's own page: offers to answer, accepted jobs (today's first), the running clock, hours this month."""
    first, last = month_range()
    recent = today() - dt.timedelta(days=RECENT_DAYS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        members = await member_ids_in_unit(ctx.id, ctx.viewer.id)
        # Done jobs older than RECENT_DAYS are left out in the query already (a year of them adds up).
        mine = await _assignments(
            ctx.id,
            "(a.member_id = ANY({}) OR a.coach_id = {}) AND a.status IN ('offered', 'accepted') "
            "AND o.status IN ('accepted', 'scheduled', 'in_progress', 'done') "
            "AND (o.status <> 'done' OR a.planned_day >= {})",
            members,
            ctx.viewer.id,
            recent,
        )
        running = await _running(ctx.id, ctx.viewer.id)
        month = await my_hours_in_unit(ctx.id, ctx.viewer.id, first, last)
        pay = await month_pay_in_unit(ctx.id, members[0], today()) if members else None
    offers = [a for a in mine if a.status == "offered" and a.order_status != "done"]
    jobs = [a for a in mine if a.status == "accepted" and (a.order_status != "done" or a.planned_day >= recent)]
    return MyWork(offers, jobs, running, month, bool(members), pay)
