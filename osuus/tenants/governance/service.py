"""The board: seats and terms, the coop's plan for the board, and warnings about both. Queries filter by coop_id."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.dates import read_date, today
from osuus.platform.http import Form, is_digits
from osuus.platform.i18n import N_
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id
from osuus.tenants.governance.tables import SEAT_KINDS, SEAT_ROLES, BoardSeat, BoardTarget

# The register belongs to the members context. Its service has no read for "people who may sit on the board" yet,
# so the one small query below (always filtered by coop_id) reads the table directly.
from osuus.tenants.members.tables import Member

MANAGERS = ("admin", "board")  # may change seats and the plan
WARNED = ("admin", "board", "coach")  # see the warnings about terms and composition
TERM_WARNING_DAYS = 60
MAX_TARGET_SEATS = 20
# DOMAIN.md: two members with partial work ability, the job coach, the unit director and a relative.
DEFAULT_TARGET: Mapping[str, int] = {"partial_work_ability": 2, "job_coach": 1, "unit_director": 1, "relative": 1}
# A business mentor never votes, so the plan (voting seats per kind) has no number for mentors.
TARGET_KINDS = tuple(k for k in SEAT_KINDS if k != "business_mentor")
SINGLE_ROLES = ("chair", "vice_chair")  # at most one seat with this role at any one time
ROLE_ORDER = {role: i for i, role in enumerate(SEAT_ROLES)}

START_EMPTY = N_("Write the day the term starts, for example 27.3.2026")
END_EMPTY = N_("Write the day the term ends, for example 27.3.2026")
END_BEFORE_START = N_("The term must end on the day it starts or later")
MENTOR_VOTE = N_("A business mentor supports the board without a vote. Choose No.")
ROLE_TAKEN = {
    "chair": N_("The board has a chair at that time. End the old chair's term first, or choose another role."),
    "vice_chair": N_(
        "The board has a vice chair at that time. End the old vice chair's term first, or choose another role."
    ),
}


# --- plain data ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadingPosition:
    """A seat held on a given day, as the entrepreneur-status monitor needs it (board seats are leading positions)."""

    member_id: int | None
    role: str
    has_vote: bool


@dataclass(frozen=True)
class SeatView:
    id: int
    holder: str
    member_id: int | None
    role: str
    kind: str
    has_vote: bool
    term_start: dt.date
    term_end: dt.date | None

    def is_current(self, on: dt.date) -> bool:
        return self.term_start <= on and (self.term_end is None or self.term_end >= on)

    def has_ended(self, on: dt.date) -> bool:
        return self.term_end is not None and self.term_end < on


class _Seat(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def has_vote(self) -> bool: ...


@dataclass(frozen=True)
class CompositionGap:
    """Voting seats of one kind: how many the board has and how many the plan wants."""

    kind: str
    have: int
    want: int

    @property
    def missing(self) -> int:
        return max(self.want - self.have, 0)

    @property
    def extra(self) -> int:
        return max(self.have - self.want, 0)


@dataclass(frozen=True)
class TermEnding:
    seat_id: int
    holder: str
    role: str
    term_end: dt.date
    days_left: int


@dataclass(frozen=True)
class BoardWarnings:
    terms: list[TermEnding] = field(default_factory=list)
    gaps: list[CompositionGap] = field(default_factory=list)
    no_chair: bool = False

    def __bool__(self) -> bool:
        return bool(self.terms or self.gaps or self.no_chair)


@dataclass(frozen=True)
class BoardOverview:
    on: dt.date
    current: list[SeatView]
    upcoming: list[SeatView]
    past: list[SeatView]
    target: dict[str, int]
    target_is_default: bool
    warnings: BoardWarnings | None  # None: this person does not see warnings

    @property
    def voting(self) -> int:
        return sum(1 for s in self.current if s.has_vote)


@dataclass(frozen=True)
class NewSeat:
    member_id: int | None
    holder_name: str
    role: str
    kind: str
    has_vote: bool
    term_start: dt.date
    term_end: dt.date | None


class SeatAlreadyEnded(Exception):
    """The seat's term is over; it cannot be ended again."""

    def __init__(self, seat: SeatView) -> None:
        super().__init__(seat.id)
        self.seat = seat


# --- pure rules ---------------------------------------------------------------------------------------------------


def composition_warnings(seats: Iterable[_Seat], target: Mapping[str, int] | None = None) -> list[CompositionGap]:
    """Voting seats per kind against the plan (the default five-seat plan when the coop has none).

    `seats` are the current seats; only those with a vote count. Kinds come out in the order of SEAT_KINDS.
    """
    plan = dict(target) if target else dict(DEFAULT_TARGET)
    have = Counter(s.kind for s in seats if s.has_vote)
    kinds = sorted(set(plan) | set(have), key=lambda k: SEAT_KINDS.index(k) if k in SEAT_KINDS else len(SEAT_KINDS))
    gaps = [CompositionGap(k, have.get(k, 0), plan.get(k, 0)) for k in kinds]
    return [g for g in gaps if g.have != g.want]


def term_warnings(seats: Iterable[SeatView], on: dt.date, days: int = TERM_WARNING_DAYS) -> list[TermEnding]:
    """Current seats whose term ends today or within `days` days, soonest first."""
    ending = [
        TermEnding(s.id, s.holder, s.role, s.term_end, (s.term_end - on).days)
        for s in seats
        if s.is_current(on) and s.term_end is not None and (s.term_end - on).days <= days
    ]
    return sorted(ending, key=lambda t: (t.term_end, t.holder))


def board_warnings(seats: Sequence[SeatView], target: Mapping[str, int] | None, on: dt.date) -> BoardWarnings:
    current = [s for s in seats if s.is_current(on)]
    return BoardWarnings(
        terms=term_warnings(current, on),
        gaps=composition_warnings(current, target),
        no_chair=not any(s.role == "chair" for s in current),
    )


def _check_holder(form: Form, members: Sequence[tuple[int, str]]) -> tuple[int | None, str]:
    """Who holds the seat: a person from the register (member id and name), or a name written in."""
    chosen, name = form.get("member_id"), form.get("holder_name")
    names = {str(mid): mname for mid, mname in members}
    if chosen and name:
        form.error("holder_name", N_("Give only one: a person from the register or a name"))
    elif chosen:
        if chosen in names:
            return int(chosen), names[chosen]
        form.error("member_id", N_("Choose a person from the list"))
    elif not name:
        form.error("member_id", N_("Choose a person from the register, or write a name"))
    elif len(name) > 200:
        form.error("holder_name", N_("The name must be 200 characters or fewer"))
    return None, name


def check_seat_form(form: Form, members: Sequence[tuple[int, str]]) -> NewSeat | None:
    """The new seat from the form, or None with every problem next to its field."""
    member_id, name = _check_holder(form, members)
    role, kind, vote = form.get("role"), form.get("kind"), form.get("vote")
    if role not in SEAT_ROLES:
        form.error("role", N_("Choose the person's role on the board"))
    if kind not in SEAT_KINDS:
        form.error("kind", N_("Choose who the person is"))
    if vote not in ("", "yes", "no"):
        form.error("vote", N_("Choose Yes or No"))
    has_vote = (kind != "business_mentor") if vote == "" else vote == "yes"
    if kind == "business_mentor" and has_vote:
        form.error("vote", MENTOR_VOTE)
    start = read_date(form, "term_start", START_EMPTY)
    end = None
    if form.get("term_end"):
        end = read_date(form, "term_end", END_EMPTY)
        if start and end and end < start:
            form.error("term_end", END_BEFORE_START)
    if not form.ok or start is None:
        return None
    return NewSeat(member_id, name, role, kind, has_vote, start, end)


def check_target_form(form: Form) -> dict[str, int] | None:
    target: dict[str, int] = {}
    for kind in TARGET_KINDS:
        name, value = f"seats_{kind}", form.get(f"seats_{kind}")
        if not value:
            form.error(name, N_("Write a number from 0 to 20"))
        elif not is_digits(value):
            form.error(name, N_("Write the number with digits, for example 2"))
        elif int(value) > MAX_TARGET_SEATS:
            form.error(name, N_("The number must be from 0 to 20"))
        else:
            target[kind] = int(value)
    if form.ok and sum(target.values()) == 0:
        form.error(f"seats_{TARGET_KINDS[0]}", N_("The board needs at least one seat with a vote"))
    return target if form.ok else None


# --- reads --------------------------------------------------------------------------------------------------------

_COLUMNS = (
    BoardSeat.id,
    BoardSeat.member,
    BoardSeat.member.name,
    BoardSeat.holder_name,
    BoardSeat.role,
    BoardSeat.kind,
    BoardSeat.has_vote,
    BoardSeat.term_start,
    BoardSeat.term_end,
)


def _seat_view(row: dict[str, Any]) -> SeatView:
    return SeatView(
        id=int(row["id"]),
        # The register's name when the holder is in it (a name change there shows here), else the name written in.
        holder=str(row.get("member_id.name") or row["holder_name"]),
        member_id=row["member_id"],
        role=str(row["role"]),
        kind=str(row["kind"]),
        has_vote=bool(row["has_vote"]),
        term_start=row["term_start"],
        term_end=row["term_end"],
    )


def _in_kind_order(target: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(target.items(), key=lambda kv: SEAT_KINDS.index(kv[0]) if kv[0] in SEAT_KINDS else 99))


def _by_role(seat: SeatView) -> tuple[int, str]:
    return (ROLE_ORDER.get(seat.role, len(ROLE_ORDER)), seat.holder)


async def _seats(coop_id: int) -> list[SeatView]:
    rows = await BoardSeat.select(*_COLUMNS).where(BoardSeat.coop == coop_id).run()
    return [_seat_view(r) for r in rows]


async def _target(coop_id: int) -> dict[str, int]:
    rows = await BoardTarget.select(BoardTarget.kind, BoardTarget.seats).where(BoardTarget.coop == coop_id).run()
    return {r["kind"]: int(r["seats"]) for r in rows}


async def _active_members(coop_id: int) -> list[tuple[int, str]]:
    """People in the register who may hold a seat: active members, not organisations."""
    rows = (
        await Member.select(Member.id, Member.name)
        .where((Member.coop == coop_id) & (Member.status == "active") & Member.organisation.is_null())
        .order_by(Member.name)
        .run()
    )
    return [(int(r["id"]), str(r["name"])) for r in rows]


async def board_overview(ctx: CoopContext, on: dt.date | None = None) -> BoardOverview:
    on = on or today()
    async with coop_unit(ctx.id, ctx.viewer.id):
        seats = await _seats(ctx.id)
        target = await _target(ctx.id)
    return BoardOverview(
        on=on,
        current=sorted((s for s in seats if s.is_current(on)), key=_by_role),
        upcoming=sorted((s for s in seats if s.term_start > on), key=lambda s: (s.term_start, *_by_role(s))),
        past=sorted((s for s in seats if s.has_ended(on)), key=lambda s: s.term_end or on, reverse=True),
        target=_in_kind_order(target or DEFAULT_TARGET),
        target_is_default=not target,
        warnings=board_warnings(seats, target, on) if ctx.has(*WARNED) else None,
    )


async def get_seat(ctx: CoopContext, seat_id: int) -> SeatView:
    """One seat of this coop; another coop's id or a missing one is the same 404."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await BoardSeat.select(*_COLUMNS)
            .where((BoardSeat.coop == ctx.id) & (BoardSeat.id == seat_id))
            .first()
            .run()
        )
    if row is None:
        raise NotFoundException()
    return _seat_view(row)


async def member_choices(ctx: CoopContext) -> list[tuple[int, str]]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _active_members(ctx.id)


async def target_form(ctx: CoopContext) -> Form:
    """The plan as form values: the coop's own, or the default plan for a coop that has none."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        target = await _target(ctx.id) or dict(DEFAULT_TARGET)
    return Form(values={f"seats_{k}": str(target.get(k, 0)) for k in TARGET_KINDS})


@dataclass(frozen=True)
class SeatTerm:
    """A seat's whole term, held by someone in the register: the monitor checks leading positions on any day."""

    member_id: int
    role: str
    term_start: dt.date
    term_end: dt.date | None
    has_vote: bool


async def member_seat_terms_in_unit(coop_id: int) -> list[SeatTerm]:
    """Every seat (past, current, future) held by a member of the register. Runs inside the caller's open unit."""
    if current_coop_id() != coop_id:
        raise TenancyError("member_seat_terms_in_unit needs the open unit of the same coop")
    rows = (
        await BoardSeat.select(
            BoardSeat.member, BoardSeat.role, BoardSeat.term_start, BoardSeat.term_end, BoardSeat.has_vote
        )
        .where((BoardSeat.coop == coop_id) & BoardSeat.member.is_not_null())
        .order_by(BoardSeat.id)
        .run()
    )
    return [
        SeatTerm(int(r["member_id"]), str(r["role"]), r["term_start"], r["term_end"], bool(r["has_vote"])) for r in rows
    ]


async def leading_positions_in_unit(coop_id: int, on: dt.date) -> list[LeadingPosition]:
    """Seats held on `on`, for the monitor. Runs inside the caller's open unit of this coop (it opens none)."""
    if current_coop_id() != coop_id:
        raise TenancyError("leading_positions_in_unit needs the open unit of the same coop")
    rows = (
        await BoardSeat.select(BoardSeat.id, BoardSeat.member, BoardSeat.role, BoardSeat.has_vote)
        .where(
            (BoardSeat.coop == coop_id)
            & (BoardSeat.term_start <= on)
            & (BoardSeat.term_end.is_null() | (BoardSeat.term_end >= on))
        )
        .order_by(BoardSeat.id)
        .run()
    )
    return [LeadingPosition(r["member_id"], str(r["role"]), bool(r["has_vote"])) for r in rows]


@dataclass(frozen=True)
class VotingSeat:
    """A seat with a vote on the board on a given day, as the votes context needs it (board meetings vote by seat)."""

    seat_id: int
    member_id: int | None
    holder: str


async def voting_seats_in_unit(coop_id: int, on: dt.date) -> list[VotingSeat]:
    """Seats with a vote held on `on` (a business mentor's seat has none). Runs inside the caller's open unit."""
    if current_coop_id() != coop_id:
        raise TenancyError("voting_seats_in_unit needs the open unit of the same coop")
    rows = (
        await BoardSeat.select(*_COLUMNS)
        .where(
            (BoardSeat.coop == coop_id)
            & (BoardSeat.has_vote == True)  # noqa: E712
            & (BoardSeat.term_start <= on)
            & (BoardSeat.term_end.is_null() | (BoardSeat.term_end >= on))
        )
        .run()
    )
    seats = sorted((_seat_view(r) for r in rows), key=_by_role)
    return [VotingSeat(s.id, s.member_id, s.holder) for s in seats]


# --- writes -------------------------------------------------------------------------------------------------------


async def _lock_board(coop_id: int) -> None:
    """Serialise seat changes of one coop, so two people cannot both add a chair at the same moment."""
    await BoardSeat.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", f"board_seat:{coop_id}").run()


async def _seat_changed(coop_id: int, actor_id: int) -> None:
    # Imported here: the monitor reads leading_positions_in_unit from this module, so a top-level import would cycle.
    from osuus.tenants.monitor import service as monitor

    await monitor.recompute_in_unit(coop_id, actor_id)


async def add_seat(ctx: CoopContext, form: Form, ip: str) -> int | None:
    """Add a seat from the form; None (with errors in the form) when something must be fixed."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        seat = check_seat_form(form, await _active_members(ctx.id))
        if seat is None:
            return None
        await _lock_board(ctx.id)
        if seat.role in SINGLE_ROLES:
            overlapping: Any = BoardSeat.term_end.is_null() | (BoardSeat.term_end >= seat.term_start)
            if seat.term_end is not None:
                overlapping = overlapping & (BoardSeat.term_start <= seat.term_end)
            taken = (
                await BoardSeat.exists()
                .where((BoardSeat.coop == ctx.id) & (BoardSeat.role == seat.role) & overlapping)
                .run()
            )
            if taken:
                form.error("role", ROLE_TAKEN[seat.role])
                return None
        rows = (
            await BoardSeat.insert(
                BoardSeat(
                    coop=ctx.id,
                    member=seat.member_id,
                    holder_name=seat.holder_name,
                    role=seat.role,
                    kind=seat.kind,
                    has_vote=seat.has_vote,
                    term_start=seat.term_start,
                    term_end=seat.term_end,
                )
            )
            .returning(BoardSeat.id)
            .run()
        )
        seat_id = int(rows[0]["id"])
        await audit.record(
            "board.seat_added",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"board_seat:{seat_id}",
            ip=ip,
            member_id=seat.member_id,
            role=seat.role,
            kind=seat.kind,
            has_vote=seat.has_vote,
            term_start=seat.term_start.isoformat(),
            term_end=seat.term_end.isoformat() if seat.term_end else None,
        )
        await _seat_changed(ctx.id, ctx.viewer.id)
    return seat_id


async def end_seat(ctx: CoopContext, seat_id: int, form: Form, ip: str) -> bool:
    """End the seat's term on the form's day. False (errors in the form) when the day must be fixed."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        await _lock_board(ctx.id)
        row = (
            await BoardSeat.select(*_COLUMNS)
            .where((BoardSeat.coop == ctx.id) & (BoardSeat.id == seat_id))
            .first()
            .run()
        )
        if row is None:
            raise NotFoundException()
        seat = _seat_view(row)
        if seat.has_ended(today()):
            raise SeatAlreadyEnded(seat)
        end = read_date(form, "term_end", END_EMPTY)
        if end is not None and end < seat.term_start:
            form.error("term_end", END_BEFORE_START)
        if end is None or not form.ok:
            return False
        await (
            BoardSeat.update({BoardSeat.term_end: end})
            .where((BoardSeat.coop == ctx.id) & (BoardSeat.id == seat_id))
            .run()
        )
        await audit.record(
            "board.seat_ended",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"board_seat:{seat_id}",
            ip=ip,
            term_end=end.isoformat(),
            previous_term_end=seat.term_end.isoformat() if seat.term_end else None,
        )
        await _seat_changed(ctx.id, ctx.viewer.id)
    return True


async def save_target(ctx: CoopContext, form: Form, ip: str) -> bool:
    ctx.require(*MANAGERS)
    target = check_target_form(form)
    if target is None:
        return False
    async with coop_unit(ctx.id, ctx.viewer.id):
        before = await _target(ctx.id)
        # The whole plan is written at once: a coop with rows has its own plan, never half the default one.
        await BoardTarget.delete().where(BoardTarget.coop == ctx.id).run()
        await BoardTarget.insert(*(BoardTarget(coop=ctx.id, kind=k, seats=n) for k, n in target.items())).run()
        await audit.record(
            "board.target_changed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target="board_target",
            ip=ip,
            before=before or None,
            after=target,
        )
    return True
