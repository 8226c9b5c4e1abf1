"""JSON API for the board under /api/v1/coops/{slug}/board: the same service functions, checks and roles as the
pages (osuus/tenants/governance/routes.py). Dates are ISO 8601."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, answer, form_from_json, iso, refused, responses, yes_no
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import N_
from osuus.tenants.governance import service

ALREADY_ENDED = N_("This term is over already. It cannot be ended again.")


class SeatOut(msgspec.Struct):
    id: int
    holder: str
    member_id: int | None  # None: the holder is not in the register
    role: str
    kind: str
    has_vote: bool
    term_start: str
    term_end: str | None


class TermEndingOut(msgspec.Struct):
    seat_id: int
    holder: str
    role: str
    term_end: str
    days_left: int


class GapOut(msgspec.Struct):
    kind: str
    have: int  # voting seats of this kind now
    want: int  # in the plan
    missing: int
    extra: int


class WarningsOut(msgspec.Struct):
    terms: list[TermEndingOut]  # terms ending within 60 days
    gaps: list[GapOut]  # the board against the plan
    no_chair: bool


class BoardOut(msgspec.Struct):
    on: str
    current: list[SeatOut]
    upcoming: list[SeatOut]
    past: list[SeatOut]
    voting: int  # current seats with a vote
    target: dict[str, int]
    target_is_default: bool
    warnings: WarningsOut | None  # null for a member: only admin, board and coach see the warnings


class TargetOut(msgspec.Struct):
    seats: dict[str, int]  # voting seats wanted per kind
    is_default: bool  # the five-seat template: the coop has no plan of its own


def seat_out(s: service.SeatView) -> SeatOut:
    return SeatOut(s.id, s.holder, s.member_id, s.role, s.kind, s.has_vote, s.term_start.isoformat(), iso(s.term_end))


async def _seat(coop: CoopContext, seat_id: int) -> SeatOut:
    return seat_out(await service.get_seat(coop, seat_id))


def _warnings(w: service.BoardWarnings | None) -> WarningsOut | None:
    if w is None:
        return None
    return WarningsOut(
        terms=[TermEndingOut(t.seat_id, t.holder, t.role, t.term_end.isoformat(), t.days_left) for t in w.terms],
        gaps=[GapOut(g.kind, g.have, g.want, g.missing, g.extra) for g in w.gaps],
        no_chair=w.no_chair,
    )


@get("/board", summary="The board: current, upcoming and past seats, the plan, and the warnings", responses=responses())
async def api_board(coop: CoopContext) -> BoardOut:
    b = await service.board_overview(coop)
    return BoardOut(
        on=b.on.isoformat(),
        current=[seat_out(s) for s in b.current],
        upcoming=[seat_out(s) for s in b.upcoming],
        past=[seat_out(s) for s in b.past],
        voting=b.voting,
        target=dict(b.target),
        target_is_default=b.target_is_default,
        warnings=_warnings(b.warnings),
    )


@post(
    "/board/seats",
    summary="Add a seat on the board",
    description="Body: member_id (a person in the register) or holder_name (someone outside it), role (chair, "
    "vice_chair, member, deputy, managing_director), kind (partial_work_ability, job_coach, unit_director, relative, "
    "business_mentor, other), has_vote (optional: a business mentor has no vote, everyone else has), term_start and "
    "term_end (ISO dates; term_end optional). Returns the new seat.",
    security=WRITE_SECURITY,
    responses=responses(SeatOut, 201, form=True),
)
async def api_add_seat(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    body = dict(data)
    vote = body.pop("has_vote", None)
    body["vote"] = yes_no(vote)
    form = form_from_json(body, dates=("term_start", "term_end"), names={"has_vote": "vote"})
    seat_id = await service.add_seat(coop, form, client_ip(request))
    return await answer(form, seat_id, lambda new_id: _seat(coop, new_id))


@post(
    "/board/seats/{seat_id:int}/end",
    summary="End a term on the board",
    description="Body: term_end (ISO date, the last day of the term). Returns the seat.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(SeatOut, 200, form=True, conflict="The term is over already"),
)
async def api_end_seat(request: Request, coop: CoopContext, seat_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = form_from_json(data, dates=("term_end",))
    try:
        ended = await service.end_seat(coop, seat_id, form, client_ip(request))
    except service.SeatAlreadyEnded:
        return refused(409, ALREADY_ENDED)
    return await answer(form, ended, lambda _: _seat(coop, seat_id), status=200)


async def _target(coop: CoopContext) -> TargetOut:
    b = await service.board_overview(coop)
    return TargetOut(seats=dict(b.target), is_default=b.target_is_default)


@get("/board/target", summary="The plan for the board: voting seats wanted per kind", responses=responses())
async def api_target(coop: CoopContext) -> TargetOut:
    return await _target(coop)


@post(
    "/board/target",
    summary="Change the plan for the board",
    description='Body: seats, the voting seats wanted for every kind, for example {"seats": {"partial_work_ability": '
    '2, "job_coach": 1, "unit_director": 1, "relative": 1, "other": 0}}. Returns the plan.',
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(TargetOut, 200, form=True),
)
async def api_save_target(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    seats = data.get("seats")
    body = {f"seats.{kind}": n for kind, n in seats.items()} if isinstance(seats, dict) else {}
    names = {f"seats.{kind}": f"seats_{kind}" for kind in service.TARGET_KINDS}
    form = form_from_json(body, names=names)
    saved = await service.save_target(coop, form, client_ip(request))
    return await answer(form, saved, lambda _: _target(coop), status=200)


API_HANDLERS: list[Any] = [api_board, api_add_seat, api_end_seat, api_target, api_save_target]
