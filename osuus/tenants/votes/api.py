"""JSON API for votes under /api/v1/coops/{slug}/meetings/{meeting_id}/items/{item_id}/vote: the same service
functions, checks and roles as the pages (osuus/tenants/votes/routes.py). Times are ISO 8601."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, answer, form_from_json, invalid, iso, refused, responses, yes_no
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import N_
from osuus.tenants.votes import service

VOTE = "/meetings/{meeting_id:int}/items/{item_id:int}/vote"
CONFIRM_VOTE = N_('A vote cannot be changed after it is given. Send "confirm": true to give it.')
CONFLICT = "The vote is closed, the voter has voted already, or the meeting does not allow it"


class CandidateOut(msgspec.Struct):
    id: int
    name: str


class CountOut(msgspec.Struct):
    choice: str  # yes | no, or a candidate's name
    votes: int


class BallotOut(msgspec.Struct):
    voter: str
    choice: str  # yes | no | empty | candidates
    names: list[str]  # the candidates marked
    proxy_holder: str  # who gave the vote by proxy ("" when not)
    assisted: bool
    witness: str


class ResultOut(msgspec.Struct):
    outcome: str  # passed | failed | elected | no_decision
    passed: bool | None
    counts: list[CountOut]
    empty: int
    cast: int
    counted: int  # the majority base: empty votes are not counted
    entitled: int
    quorum_met: bool
    seats: int
    elected: list[str]
    tie: str  # "" | chair | lot | fails
    chair_vote: str
    lot_seed: int | None  # the seed of the lot, to draw it again
    lot_among: list[str]
    lot_drawn: list[str]
    ballots: list[BallotOut]  # what each person voted; empty for a secret vote


class OptionOut(msgspec.Struct):
    voter: str  # the key to send as "voter" in a ballot
    name: str
    proxy: bool


class VoteOut(msgspec.Struct):
    id: int
    meeting_id: int
    item_id: int
    question: str
    method: str  # simple | two_thirds | election
    seats: int
    anonymous: bool
    status: str  # open | closed
    opened_at: str
    closed_at: str | None
    candidates: list[CandidateOut]
    cast: int
    entitled: int
    my_options: list[OptionOut]  # the votes the caller may give now (own, or as a proxy holder)
    summary: str
    result: ResultOut | None


def _result(vote: service.VoteView) -> ResultOut | None:
    r = vote.result
    if r is None:
        return None
    return ResultOut(
        outcome=r.outcome,
        passed=r.passed,
        counts=[CountOut(name, n) for name, n in r.counts],
        empty=r.empty,
        cast=r.cast,
        counted=r.counted,
        entitled=r.entitled,
        quorum_met=r.quorum_met,
        seats=r.seats,
        elected=list(r.elected),
        tie=r.tie,
        chair_vote=r.chair_vote,
        lot_seed=r.lot_seed,
        lot_among=list(r.lot_among),
        lot_drawn=list(r.lot_drawn),
        ballots=[
            BallotOut(b.voter, b.choice, list(b.names), b.proxy_holder, b.assisted, b.witness) for b in vote.ballots
        ],
    )


async def _vote_out(coop: CoopContext, meeting_id: int, item_id: int) -> VoteOut:
    found = await service.result_page(coop, meeting_id, item_id)
    vote = found.vote
    assert vote is not None  # result_page raises 404 when no vote was opened
    return VoteOut(
        id=vote.id,
        meeting_id=found.item.meeting_id,
        item_id=vote.item_id,
        question=vote.question,
        method=vote.method,
        seats=vote.seats,
        anonymous=vote.anonymous,
        status=vote.status,
        opened_at=vote.opened_at.isoformat(),
        closed_at=iso(vote.closed_at),
        candidates=[CandidateOut(c.id, c.name) for c in vote.candidates],
        cast=found.cast,
        entitled=found.entitled,
        my_options=[OptionOut(o.key, o.name, o.proxy) for o in found.options],
        summary=service.summary(vote, vote.result, found.cast, found.entitled),
        result=_result(vote),
    )


@get(VOTE, summary="A vote on an agenda item, with its result once closed", responses=responses())
async def api_vote(coop: CoopContext, meeting_id: int, item_id: int) -> VoteOut:
    return await _vote_out(coop, meeting_id, item_id)


@post(
    VOTE,
    summary="Open a vote on an agenda item (admin, board)",
    description="Body: question, method (simple, two_thirds, election), anonymous (true: a secret vote), and for an "
    "election seats (1-20) and candidates (a list of names). Returns the vote.",
    security=WRITE_SECURITY,
    responses=responses(VoteOut, 201, form=True, conflict="A vote is already open, or the meeting is closed"),
)
async def api_open_vote(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    body = dict(data)
    anonymous = body.get("anonymous")
    body["anonymous"] = yes_no(anonymous)
    names = body.get("candidates")
    if isinstance(names, list):
        body["candidates"] = "\n".join(str(n) for n in names)
    form = form_from_json(body)
    try:
        vote_id = await service.open_vote(coop, meeting_id, item_id, form, client_ip(request))
    except service.NotPossible as exc:
        return refused(exc.status, exc.message)
    return await answer(form, vote_id, lambda _: _vote_out(coop, meeting_id, item_id))


@post(
    f"{VOTE}/ballots",
    summary="Give a vote: one's own, as a proxy holder, or assisted (admin, coach)",
    description="Body: voter (a key from my_options; may be left out when there is only one), choice (yes, no, "
    "empty) or, in an election, candidates (a list of candidate ids; an empty list or choice empty is an empty "
    'vote), and "confirm": true. An assisted vote (a coach or an admin records the vote of the member named by '
    'voter) also has "assisted": true, witness_name and "member_confirmed": true. Returns the vote.',
    security=WRITE_SECURITY,
    responses=responses(VoteOut, 201, form=True, conflict=CONFLICT),
)
async def api_cast(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    body = dict(data)
    assisted = body.pop("assisted", False) is True
    candidates = body.pop("candidates", None)
    if isinstance(candidates, list):
        body.update({f"candidate_{c}": True for c in candidates})
        if not candidates and not body.get("choice"):
            body["choice"] = "empty"
    form = form_from_json(body)
    confirmed = form.values.pop("confirm", "") == "yes"
    try:
        if assisted:
            outcome: Any = await service.cast_assisted(coop, meeting_id, item_id, form, client_ip(request), confirmed)
        else:
            outcome = await service.cast_ballot(coop, meeting_id, item_id, form, client_ip(request), confirmed)
    except service.NotPossible as exc:
        return refused(exc.status, exc.message)
    if outcome.state == "invalid":
        return invalid(form)
    if outcome.state == "check":
        return refused(409, CONFIRM_VOTE)
    return Response(await _vote_out(coop, meeting_id, item_id), status_code=201)


@post(
    f"{VOTE}/close",
    summary="Close the vote: count, freeze the result and record the item's outcome (admin, board)",
    description="Body: chair_vote (yes or no; needed only when a simple-majority vote is tied). Returns the vote.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(VoteOut, 200, form=True, conflict="The vote is closed already"),
)
async def api_close(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data)
    try:
        result = await service.close_vote(coop, meeting_id, item_id, form, client_ip(request))
    except service.NotPossible as exc:
        return refused(exc.status, exc.message)
    return await answer(form, result, lambda _: _vote_out(coop, meeting_id, item_id), status=200)


API_HANDLERS: list[Any] = [api_vote, api_open_vote, api_cast, api_close]
