"""Votes on agenda items: opening, casting (own, by proxy, assisted), closing with a frozen result, and reading it.

Who may vote (decided here, the same rule as the entrepreneur-status monitor's count of votes):

- **General meeting**: every member with a vote on the day of the meeting – class `member` or `supporting`
  (a supporting member is a member of the cooperative and has one vote like everyone else), status `active`,
  joined on or before that day and not left (monitor.rules.has_vote). Applicants, trial members and employees who
  are not members have no vote. When the meeting has any attendance recorded, only members present (in person or
  remotely) or represented (by proxy) are entitled. A member represented by proxy votes through the proxy holder,
  and a holder can use at most `max_proxies_per_person` proxies (the coop's meeting rules; the first ones recorded).
- **Board meeting**: the board seats with a vote on the day of the meeting (a business mentor has none). A seat
  votes through the account of the register member who holds it, or assisted.

Quorum: a general meeting needs `general_quorum_members` ballots (0: none needed); a board meeting needs ballots
from more than half of its voting seats. Ties: the chair's casting vote (given when closing), the lot in elections.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.dates import HELSINKI, today
from osuus.platform.http import Form, is_digits
from osuus.platform.i18n import N_, gettext
from osuus.platform.tables import Coop
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id
from osuus.tenants.governance.service import leading_positions_in_unit, voting_seats_in_unit
from osuus.tenants.meetings.service import OutcomeRefused, record_outcome_in_unit, rules_in_unit

# Meetings and the register belong to their own contexts; their services have no in-unit readers for what a vote
# needs (an agenda item with its meeting, the attendance, people with a vote), so the small queries below read
# their tables directly, always filtered by coop_id.
from osuus.tenants.meetings.tables import AgendaItem, Attendance
from osuus.tenants.members.tables import Member
from osuus.tenants.monitor.rules import Person, has_vote
from osuus.tenants.votes import rules
from osuus.tenants.votes.tables import Ballot, Candidate, Vote, VoteCast, VoteTally

MANAGERS = ("admin", "board")  # open and close votes
BOARD_VIEWERS = ("admin", "board", "coach")  # see board meetings and drafts (as in the meetings context)
ASSISTANTS = ("admin", "coach")  # record a member's vote with them (assisted voting)
MAX_CANDIDATES = 50
QUESTION_MAX = 1000
NAME_MAX = 200
CLOSED_MEETING_STATUSES = ("closed", "cancelled")
METHOD_NAMES = {
    rules.SIMPLE: N_("Simple majority"),
    rules.TWO_THIRDS: N_("Two-thirds majority"),
    rules.ELECTION: N_("Election"),
}


class NotPossible(Exception):
    """The action cannot be done now (the vote is closed, the voter has voted, …); `message` says why."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


VOTE_CLOSED = N_("This vote has closed. No more votes can be given. You can see the result.")
ALREADY_VOTED = N_("This vote has already been given. A person can vote only once, and a vote cannot be changed.")


# --- plain data ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    meeting_id: int
    meeting_title: str
    meeting_kind: str  # general | board
    meeting_status: str
    meeting_day: dt.date
    item_id: int
    position: int
    title: str
    kind: str
    member_id: int | None
    outcome: str

    @property
    def board(self) -> bool:
        return self.meeting_kind == "board"


@dataclass(frozen=True)
class CandidateView:
    id: int
    name: str


@dataclass(frozen=True)
class BallotLine:
    """One voter's ballot in an open (not anonymous) vote, as frozen when the vote closed."""

    voter: str
    choice: str  # yes | no | empty | candidates
    names: tuple[str, ...] = ()  # the candidates marked
    proxy_holder: str = ""
    assisted: bool = False
    witness: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "voter": self.voter,
            "choice": self.choice,
            "names": list(self.names),
            "proxy_holder": self.proxy_holder,
            "assisted": self.assisted,
            "witness": self.witness,
        }


@dataclass(frozen=True)
class VoteView:
    id: int
    item_id: int
    question: str
    method: str
    seats: int
    anonymous: bool
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    candidates: tuple[CandidateView, ...]
    result: rules.Result | None = None
    ballots: tuple[BallotLine, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def election(self) -> bool:
        return self.method == rules.ELECTION

    @property
    def method_name(self) -> str:
        return METHOD_NAMES.get(self.method, self.method)


@dataclass(frozen=True)
class Voter:
    """Someone entitled to vote: a member (key "m12") or a voting board seat (key "s5")."""

    key: str
    name: str
    member_id: int | None
    seat_id: int | None
    user_id: int | None


@dataclass(frozen=True)
class Electorate:
    voters: tuple[Voter, ...]
    quorum: rules.Quorum
    max_proxies: int
    represented: frozenset[str] = frozenset()  # voters represented by a proxy holder
    proxies: dict[int, tuple[str, ...]] = field(default_factory=dict)  # holder member id -> voters (within limit)

    def get(self, key: str) -> Voter | None:
        return next((v for v in self.voters if v.key == key), None)

    def holder_of(self, key: str) -> int | None:
        return next((holder for holder, keys in self.proxies.items() if key in keys), None)


@dataclass(frozen=True)
class VoteOption:
    """A vote this person may give now: their own, or one they hold a proxy for."""

    key: str
    name: str
    proxy: bool


@dataclass(frozen=True)
class VotePage:
    item: ItemView
    vote: VoteView | None
    options: tuple[VoteOption, ...] = ()
    cast: int = 0
    entitled: int = 0
    given: frozenset[str] = frozenset()  # own and proxy votes of this person already given (voter keys)
    reason: str = ""  # why this person has nothing to vote on (message id), when options is empty


@dataclass(frozen=True)
class Choice:
    """A checked choice: yes/no/empty, or the candidates marked in an election (empty tuple: an empty ballot)."""

    choice: str
    candidates: tuple[CandidateView, ...] = ()

    def form_values(self) -> dict[str, str]:
        values = {"choice": self.choice}
        values.update({f"candidate_{c.id}": "yes" for c in self.candidates})
        return values


@dataclass(frozen=True)
class CastOutcome:
    """What became of a ballot form: `invalid` (errors in the form), `check` (waits for confirmation), `cast`."""

    state: str
    page: VotePage
    voter: Voter | None = None
    choice: Choice | None = None
    proxy: bool = False


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    status: str  # open | closed
    summary: str  # one translated plain-language line, e.g. "Yes 5, No 2, empty 1. The proposal passed."
    passed: bool | None


@dataclass(frozen=True)
class OpenVote:
    meeting_id: int
    item_id: int
    title: str
    url: str


# --- reading the item, the vote and the people who may vote ---------------------------------------------------


def _day(value: dt.datetime) -> dt.date:
    return value.astimezone(HELSINKI).date()


async def _item(coop_id: int, meeting_id: int, item_id: int) -> ItemView:
    """An agenda item of a meeting of this coop; a missing one, or another coop's, is the same 404."""
    row = (
        await AgendaItem.select(
            AgendaItem.id,
            AgendaItem.position,
            AgendaItem.title,
            AgendaItem.kind,
            AgendaItem.member,
            AgendaItem.outcome,
            AgendaItem.meeting,
            AgendaItem.meeting.title,
            AgendaItem.meeting.kind,
            AgendaItem.meeting.status,
            AgendaItem.meeting.starts_at,
        )
        .where((AgendaItem.coop == coop_id) & (AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFoundException()
    return ItemView(
        meeting_id=int(row["meeting_id"]),
        meeting_title=str(row["meeting_id.title"]),
        meeting_kind=str(row["meeting_id.kind"]),
        meeting_status=str(row["meeting_id.status"]),
        meeting_day=_day(row["meeting_id.starts_at"]),
        item_id=int(row["id"]),
        position=int(row["position"]),
        title=str(row["title"]),
        kind=str(row["kind"]),
        member_id=row["member_id"],
        outcome=str(row["outcome"]),
    )


async def _visible_item(ctx: CoopContext, meeting_id: int, item_id: int) -> ItemView:
    """An item this person may see, by the meetings context's rule: drafts only for admin, board and coach; board
    meetings also for a member who holds a board seat. One they may not see is the same 404 as a missing one."""
    item = await _item(ctx.id, meeting_id, item_id)
    if ctx.has(*BOARD_VIEWERS):
        return item
    if item.meeting_status == "draft":
        raise NotFoundException()
    if item.board:
        mine = set(await _my_member_ids(ctx.id, ctx.viewer.id))
        holders = {p.member_id for p in await leading_positions_in_unit(ctx.id, today())}
        holders |= {s.member_id for s in await voting_seats_in_unit(ctx.id, item.meeting_day)}
        if not mine & holders:
            raise NotFoundException()
    return item


_VOTE_COLUMNS = (
    Vote.id,
    Vote.item,
    Vote.question,
    Vote.method,
    Vote.seats,
    Vote.anonymous,
    Vote.status,
    Vote.opened_at,
    Vote.closed_at,
    Vote.result,
)


def _ballot_line(data: dict[str, Any]) -> BallotLine:
    return BallotLine(
        voter=str(data.get("voter", "")),
        choice=str(data.get("choice", "")),
        names=tuple(str(n) for n in data.get("names", ())),
        proxy_holder=str(data.get("proxy_holder", "")),
        assisted=bool(data.get("assisted", False)),
        witness=str(data.get("witness", "")),
    )


async def _vote(coop_id: int, item_id: int, lock: bool = False) -> VoteView | None:
    query = Vote.select(*_VOTE_COLUMNS).where((Vote.coop == coop_id) & (Vote.item == item_id)).output(load_json=True)
    if lock:
        query = query.lock_rows("UPDATE", of=(Vote,))
    row = await query.first().run()
    if row is None:
        return None
    candidates = (
        await Candidate.select(Candidate.id, Candidate.name)
        .where((Candidate.coop == coop_id) & (Candidate.vote == row["id"]))
        .order_by(Candidate.position)
        .run()
    )
    stored = row["result"] or {}
    return VoteView(
        id=int(row["id"]),
        item_id=int(row["item_id"]),
        question=str(row["question"]),
        method=str(row["method"]),
        seats=int(row["seats"]),
        anonymous=bool(row["anonymous"]),
        status=str(row["status"]),
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        candidates=tuple(CandidateView(int(c["id"]), str(c["name"])) for c in candidates),
        result=rules.Result.from_json(stored) if stored.get("method") else None,
        ballots=tuple(_ballot_line(b) for b in stored.get("ballots", ())),
    )


async def _member_rows(coop_id: int) -> list[dict[str, Any]]:
    return (
        await Member.select(
            Member.id, Member.name, Member.user, Member.member_class, Member.status, Member.joined_on, Member.left_on
        )
        .where(Member.coop == coop_id)
        .order_by(Member.name)
        .run()
    )


async def _electorate(coop_id: int, item: ItemView) -> Electorate:
    """Who may vote on the item's meeting, on the day of the meeting (see the module's docstring)."""
    meeting_rules = await rules_in_unit(coop_id)
    max_proxies, general_quorum = meeting_rules.max_proxies_per_person, meeting_rules.general_quorum_members
    members = await _member_rows(coop_id)
    user_of = {int(m["id"]): m["user_id"] for m in members}
    if item.board:
        seats = await voting_seats_in_unit(coop_id, item.meeting_day)
        voters = tuple(
            Voter(f"s{s.seat_id}", s.holder, s.member_id, s.seat_id, user_of.get(s.member_id) if s.member_id else None)
            for s in seats
        )
        return Electorate(voters, rules.Quorum(more_than_half=True), max_proxies)
    with_vote = [
        m
        for m in members
        if has_vote(Person(m["id"], m["member_class"], m["status"], m["joined_on"], m["left_on"]), item.meeting_day)
    ]
    attendance = (
        await Attendance.select(Attendance.id, Attendance.member, Attendance.mode, Attendance.proxy_holder)
        .where((Attendance.coop == coop_id) & (Attendance.meeting == item.meeting_id))
        .order_by(Attendance.id)
        .run()
    )
    if attendance:
        present = {a["member_id"] for a in attendance}
        with_vote = [m for m in with_vote if m["id"] in present]
    voters = tuple(Voter(f"m{m['id']}", str(m["name"]), int(m["id"]), None, m["user_id"]) for m in with_vote)
    entitled = {v.key for v in voters}
    represented: set[str] = set()
    proxies: dict[int, tuple[str, ...]] = {}
    for a in attendance:
        key = f"m{a['member_id']}"
        if a["mode"] != "proxy" or key not in entitled:
            continue
        represented.add(key)
        held = proxies.get(int(a["proxy_holder_id"]), ())
        if len(held) < max_proxies:  # proxies beyond the coop's limit cannot be used
            proxies[int(a["proxy_holder_id"])] = (*held, key)
    return Electorate(voters, rules.Quorum(at_least=general_quorum), max_proxies, frozenset(represented), proxies)


async def _cast_keys(coop_id: int, vote_id: int) -> set[str]:
    rows = (
        await VoteCast.select(VoteCast.member, VoteCast.seat)
        .where((VoteCast.coop == coop_id) & (VoteCast.vote == vote_id))
        .run()
    )
    return {f"s{r['seat_id']}" if r["seat_id"] else f"m{r['member_id']}" for r in rows}


async def _my_member_ids(coop_id: int, user_id: int) -> list[int]:
    rows = await Member.select(Member.id).where((Member.coop == coop_id) & (Member.user == user_id)).run()
    return [int(r["id"]) for r in rows]


def _options(electorate: Electorate, user_id: int, my_members: Sequence[int], cast: set[str]) -> list[VoteOption]:
    """The votes this person may give now: their own (unless a proxy holder gives it), then the proxies they hold."""
    own = [
        VoteOption(v.key, v.name, False)
        for v in electorate.voters
        if v.user_id == user_id and v.key not in electorate.represented and v.key not in cast
    ]
    held = [key for member_id in my_members for key in electorate.proxies.get(member_id, ())]
    proxies = [
        VoteOption(key, voter.name, True)
        for key in held
        if key not in cast and (voter := electorate.get(key)) is not None
    ]
    return own + proxies


def _reason(electorate: Electorate, user_id: int, my_members: Sequence[int], cast: set[str]) -> str:
    mine = [v for v in electorate.voters if v.user_id == user_id]
    if any(v.key in cast for v in mine) or any(k in cast for m in my_members for k in electorate.proxies.get(m, ())):
        return N_("Your vote has been given. Thank you.")
    if any(v.key in electorate.represented for v in mine):
        return N_("A proxy holder represents you at this meeting. They give your vote.")
    return N_("You do not have a vote in this vote.")


async def _page(coop_id: int, user_id: int, item: ItemView, vote: VoteView | None) -> VotePage:
    if vote is None:
        return VotePage(item, None)
    electorate = await _electorate(coop_id, item)
    cast = await _cast_keys(coop_id, vote.id)
    my_members = await _my_member_ids(coop_id, user_id)
    options = _options(electorate, user_id, my_members, cast) if vote.is_open else []
    mine = {v.key for v in electorate.voters if v.user_id == user_id} | {
        k for m in my_members for k in electorate.proxies.get(m, ())
    }
    return VotePage(
        item,
        vote,
        tuple(options),
        cast=len(cast),
        entitled=len(electorate.voters),
        given=frozenset(mine & cast),
        reason="" if options else _reason(electorate, user_id, my_members, cast),
    )


async def vote_page(ctx: CoopContext, meeting_id: int, item_id: int) -> VotePage:
    """The item, its vote (if one was opened) and what this person may vote on now."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        item = await _visible_item(ctx, meeting_id, item_id)
        return await _page(ctx.id, ctx.viewer.id, item, await _vote(ctx.id, item_id))


async def get_item(ctx: CoopContext, meeting_id: int, item_id: int) -> ItemView:
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _visible_item(ctx, meeting_id, item_id)


# --- opening a vote -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewVote:
    question: str
    method: str
    seats: int
    anonymous: bool
    candidates: tuple[str, ...]


def open_form_defaults(item: ItemView) -> Form:
    election = item.kind == "election"
    return Form(
        values={
            "question": item.title,
            "method": rules.ELECTION if election else rules.SIMPLE,
            "anonymous": "yes" if election else "no",
            "seats": "1",
        }
    )


def check_open_form(form: Form) -> NewVote | None:
    question = form.get("question")
    if not question:
        form.error("question", N_("Write the question that people vote on"))
    elif len(question) > QUESTION_MAX:
        form.error("question", N_("The question must be 1000 characters or fewer"))
    method = form.get("method")
    if method not in rules.METHODS:
        form.error("method", N_("Choose how the vote is decided"))
    anonymous = form.get("anonymous")
    if anonymous not in ("yes", "no"):
        form.error("anonymous", N_("Choose whether the vote is secret"))
    seats, names = 1, tuple[str, ...]()
    if method == rules.ELECTION:
        value = form.get("seats")
        if not is_digits(value) or not 1 <= int(value) <= rules.MAX_SEATS:
            form.error("seats", N_("Write the number of people to elect, from 1 to 20"))
        else:
            seats = int(value)
        names = tuple(n.strip() for n in form.get("candidates").splitlines() if n.strip())
        if not names:
            form.error("candidates", N_("Write the names of the candidates, one name on each line"))
        elif len(names) > MAX_CANDIDATES:
            form.error("candidates", N_("Write at most 50 candidates"))
        elif any(len(n) > NAME_MAX for n in names):
            form.error("candidates", N_("A name must be 200 characters or fewer"))
        elif len({n.casefold() for n in names}) != len(names):
            form.error("candidates", N_("Write each candidate only once"))
    if not form.ok:
        return None
    return NewVote(question, method, seats, anonymous == "yes", names)


def _check_can_open(item: ItemView) -> None:
    if item.meeting_status in CLOSED_MEETING_STATUSES:
        raise NotPossible(N_("This meeting is closed or cancelled. A vote cannot be opened."))
    if item.outcome:
        raise NotPossible(N_("This item has been decided. A vote cannot be opened."))


async def open_form_item(ctx: CoopContext, meeting_id: int, item_id: int) -> tuple[ItemView, bool]:
    """The item for the open-a-vote form, and whether a vote was already opened on it."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        item = await _visible_item(ctx, meeting_id, item_id)
        exists = await Vote.exists().where((Vote.coop == ctx.id) & (Vote.item == item_id)).run()
    if not exists:
        _check_can_open(item)
    return item, exists


async def _lock_item(coop_id: int, item_id: int) -> None:
    """Serialise opening votes on one item, so two people cannot both open one at the same moment."""
    await Vote.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", f"vote_item:{coop_id}:{item_id}").run()


async def open_vote(ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str) -> int | None:
    """Open a vote on the item; None (errors in the form) when something must be fixed."""
    ctx.require(*MANAGERS)
    new = check_open_form(form)
    async with coop_unit(ctx.id, ctx.viewer.id):
        item = await _visible_item(ctx, meeting_id, item_id)
        await _lock_item(ctx.id, item_id)
        if await Vote.exists().where((Vote.coop == ctx.id) & (Vote.item == item_id)).run():
            raise NotPossible(N_("A vote on this item has already been opened."))
        _check_can_open(item)
        if new is None:
            return None
        rows = (
            await Vote.insert(
                Vote(
                    coop=ctx.id,
                    item=item_id,
                    question=new.question,
                    method=new.method,
                    seats=new.seats,
                    anonymous=new.anonymous,
                    status="open",
                    opened_by=ctx.viewer.id,
                    result={},
                )
            )
            .returning(Vote.id)
            .run()
        )
        vote_id = int(rows[0]["id"])
        candidate_ids: list[int] = []
        for position, name in enumerate(new.candidates, start=1):
            made = (
                await Candidate.insert(Candidate(coop=ctx.id, vote=vote_id, position=position, name=name))
                .returning(Candidate.id)
                .run()
            )
            candidate_ids.append(int(made[0]["id"]))
        if new.anonymous:
            counters = [VoteTally(coop=ctx.id, vote=vote_id, choice="empty", candidate=None)]
            if new.method == rules.ELECTION:
                counters += [
                    VoteTally(coop=ctx.id, vote=vote_id, choice="candidate", candidate=c) for c in candidate_ids
                ]
            else:
                counters += [VoteTally(coop=ctx.id, vote=vote_id, choice=c, candidate=None) for c in ("yes", "no")]
            await VoteTally.insert(*counters).run()
        await audit.record(
            "vote.opened",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"vote:{vote_id}",
            ip=ip,
            meeting_id=meeting_id,
            item_id=item_id,
            method=new.method,
            seats=new.seats,
            anonymous=new.anonymous,
            candidates=list(new.candidates),
        )
    return vote_id


# --- casting a ballot -----------------------------------------------------------------------------------------


def check_choice(form: Form, vote: VoteView) -> Choice | None:
    """The choice in the form: yes/no/empty, or candidates (at most `seats`) or an empty election ballot."""
    choice = form.get("choice")
    if not vote.election:
        if choice not in rules.CHOICES:
            form.error("choice", N_("Choose Yes, No or Empty vote"))
            return None
        return Choice(choice)
    if form.get("candidate") == rules.EMPTY:  # the "empty vote" radio button of a one-seat election
        choice = rules.EMPTY
    marked = tuple(
        c for c in vote.candidates if form.get(f"candidate_{c.id}") == "yes" or form.get("candidate") == str(c.id)
    )
    field_name = "candidate" if vote.seats == 1 else f"candidate_{vote.candidates[0].id}"
    if choice == rules.EMPTY and marked:
        form.error(field_name, N_("You chose a candidate and an empty vote. Choose only one of them."))
    elif choice == rules.EMPTY:
        return Choice(rules.EMPTY)
    elif not marked:
        form.error(field_name, N_("Choose a candidate, or give an empty vote"))
    elif len(marked) > vote.seats:
        form.error(field_name, N_("Choose at most as many candidates as there are people to elect"))
    if not form.ok:
        return None
    return Choice("candidates", marked)


async def _write_cast(
    coop_id: int,
    vote: VoteView,
    voter: Voter,
    choice: Choice,
    cast_by: int,
    assisted_by: int | None = None,
    witness: str = "",
    proxy_holder: int | None = None,
) -> int:
    rows = (
        await VoteCast.insert(
            VoteCast(
                coop=coop_id,
                vote=vote.id,
                member=voter.member_id if voter.seat_id is None else None,
                seat=voter.seat_id,
                cast_by=cast_by,
                assisted_by=assisted_by,
                witness_name=witness,
                proxy_holder=proxy_holder,
            )
        )
        .returning(VoteCast.id)
        .run()
    )
    cast_id = int(rows[0]["id"])
    if vote.anonymous:
        # Every counter row of the vote is rewritten (plus 0 or 1), so nothing tells which one this ballot raised.
        if vote.election:
            ids = [c.id for c in choice.candidates]
            await VoteTally.raw(
                "UPDATE vote_tally SET total = total + CASE WHEN candidate_id = ANY({}::bigint[]) "
                "OR (choice = 'empty' AND {}) THEN 1 ELSE 0 END WHERE coop_id = {} AND vote_id = {}",
                ids,
                not ids,
                coop_id,
                vote.id,
            ).run()
        else:
            await VoteTally.raw(
                "UPDATE vote_tally SET total = total + CASE WHEN choice = {} THEN 1 ELSE 0 END "
                "WHERE coop_id = {} AND vote_id = {}",
                choice.choice,
                coop_id,
                vote.id,
            ).run()
    elif choice.candidates:
        await Ballot.insert(
            *(
                Ballot(coop=coop_id, vote=vote.id, cast=cast_id, choice="candidate", candidate=c.id)
                for c in choice.candidates
            )
        ).run()
    else:
        await Ballot.insert(
            Ballot(coop=coop_id, vote=vote.id, cast=cast_id, choice=choice.choice, candidate=None)
        ).run()
    return cast_id


async def _open_vote_for_ballot(ctx: CoopContext, meeting_id: int, item_id: int) -> tuple[ItemView, VoteView]:
    """The item and its open vote, locked until the unit ends (casts and the close of one vote run one at a time)."""
    item = await _visible_item(ctx, meeting_id, item_id)
    vote = await _vote(ctx.id, item_id, lock=True)
    if vote is None:
        raise NotFoundException()
    if not vote.is_open:
        raise NotPossible(VOTE_CLOSED)
    return item, vote


async def cast_ballot(
    ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str, confirmed: bool = False
) -> CastOutcome:
    """This person's own vote, or one they give as a proxy holder. Written only when `confirmed`."""
    try:
        async with coop_unit(ctx.id, ctx.viewer.id):
            item, vote = await _open_vote_for_ballot(ctx, meeting_id, item_id)
            page = await _page(ctx.id, ctx.viewer.id, item, vote)
            options = {o.key: o for o in page.options}
            key = form.get("voter") or (page.options[0].key if len(page.options) == 1 else "")
            if key in page.given or (not page.options and page.given):
                raise NotPossible(ALREADY_VOTED)
            if not page.options:
                raise NotPossible(page.reason, 403)
            if key not in options:
                form.error("voter", N_("Choose whose vote you give"))
            choice = check_choice(form, vote)
            if not form.ok or choice is None:
                return CastOutcome("invalid", page)
            option = options[key]
            electorate = await _electorate(ctx.id, item)
            voter = electorate.get(key)
            if voter is None:  # the options come from the same electorate
                raise NotFoundException()
            if not confirmed:
                return CastOutcome("check", page, voter, choice, option.proxy)
            holder = electorate.holder_of(key) if option.proxy else None
            await _write_cast(ctx.id, vote, voter, choice, ctx.viewer.id, proxy_holder=holder)
            await audit.record(
                "vote.cast",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"vote:{vote.id}",
                ip=ip,
                voter=key,
                proxy_holder=holder,
                # The choice of a secret vote is never written next to the voter, not even in the audit log.
                choice=None if vote.anonymous else choice.form_values(),
            )
            return CastOutcome("cast", page, voter, choice, option.proxy)
    except asyncpg.UniqueViolationError:
        raise NotPossible(ALREADY_VOTED) from None


# --- assisted voting ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssistPage:
    item: ItemView
    vote: VoteView
    voters: tuple[Voter, ...]  # whose vote may be recorded now: entitled, not voted, not represented by proxy


async def _assist_page(ctx: CoopContext, meeting_id: int, item_id: int) -> tuple[AssistPage, set[str]]:
    """The assisted-voting page, and the voters who have voted already."""
    item, vote = await _open_vote_for_ballot(ctx, meeting_id, item_id)
    electorate = await _electorate(ctx.id, item)
    cast = await _cast_keys(ctx.id, vote.id)
    voters = tuple(v for v in electorate.voters if v.key not in cast and v.key not in electorate.represented)
    return AssistPage(item, vote, voters), cast


async def assist_page(ctx: CoopContext, meeting_id: int, item_id: int) -> AssistPage:
    ctx.require(*ASSISTANTS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return (await _assist_page(ctx, meeting_id, item_id))[0]


@dataclass(frozen=True)
class AssistOutcome:
    state: str  # invalid | check | cast
    page: AssistPage
    voter: Voter | None = None
    choice: Choice | None = None
    witness: str = ""


async def cast_assisted(
    ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str, confirmed: bool = False
) -> AssistOutcome:
    """A coach or admin records the vote of a named voter who has confirmed the choice, with a witness."""
    ctx.require(*ASSISTANTS)
    try:
        async with coop_unit(ctx.id, ctx.viewer.id):
            page, cast = await _assist_page(ctx, meeting_id, item_id)
            key = form.get("voter")
            if key in cast:
                raise NotPossible(ALREADY_VOTED)
            voter = next((v for v in page.voters if v.key == key), None)
            if voter is None:
                form.error("voter", N_("Choose whose vote you record"))
            choice = check_choice(form, page.vote)
            witness = form.get("witness_name")
            if not witness:
                form.error("witness_name", N_("Write the name of the witness"))
            elif len(witness) > NAME_MAX:
                form.error("witness_name", N_("The name must be 200 characters or fewer"))
            if form.get("member_confirmed") != "yes":
                form.error("member_confirmed", N_("Tick the box when the person has confirmed the choice"))
            if not form.ok or voter is None or choice is None:
                return AssistOutcome("invalid", page)
            if not confirmed:
                return AssistOutcome("check", page, voter, choice, witness)
            await _write_cast(ctx.id, page.vote, voter, choice, ctx.viewer.id, ctx.viewer.id, witness)
            await audit.record(
                "vote.cast_assisted",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"vote:{page.vote.id}",
                ip=ip,
                voter=voter.key,
                voter_name=voter.name,
                witness_name=witness,
                recorded_by=ctx.viewer.id,
                member_confirmed=True,
                choice=None if page.vote.anonymous else choice.form_values(),
            )
            return AssistOutcome("cast", page, voter, choice, witness)
    except asyncpg.UniqueViolationError:
        raise NotPossible(ALREADY_VOTED) from None


# --- closing a vote -------------------------------------------------------------------------------------------


async def _counts(coop_id: int, vote: VoteView) -> rules.Counts:
    cast = await VoteCast.count().where((VoteCast.coop == coop_id) & (VoteCast.vote == vote.id)).run()
    names = {c.id: c.name for c in vote.candidates}
    marks: dict[str, int] = {}
    empty = 0
    if vote.anonymous:
        rows = (
            await VoteTally.select(VoteTally.choice, VoteTally.candidate, VoteTally.total)
            .where((VoteTally.coop == coop_id) & (VoteTally.vote == vote.id))
            .run()
        )
        pairs = [(str(r["choice"]), r["candidate_id"], int(r["total"])) for r in rows]
    else:
        rows = await Ballot.raw(
            "SELECT choice, candidate_id, count(*) AS n FROM ballot WHERE coop_id = {} AND vote_id = {} "
            "GROUP BY choice, candidate_id",
            coop_id,
            vote.id,
        ).run()
        pairs = [(str(r["choice"]), r["candidate_id"], int(r["n"])) for r in rows]
    for choice, candidate_id, n in pairs:
        if choice == rules.EMPTY:
            empty += n
        elif candidate_id is not None:
            marks[names[int(candidate_id)]] = marks.get(names[int(candidate_id)], 0) + n
        else:
            marks[choice] = marks.get(choice, 0) + n
    return rules.Counts(marks, empty, int(cast))


async def _ballot_lines(coop_id: int, vote: VoteView) -> list[BallotLine]:
    """Who voted what in an open vote, with the names as they are now (frozen into the result at the close)."""
    casts = (
        await VoteCast.select(
            VoteCast.id,
            VoteCast.member.name,
            VoteCast.seat.holder_name,
            VoteCast.seat.member.name,  # type: ignore[union-attr]  # Piccolo types a second join loosely
            VoteCast.proxy_holder.name,
            VoteCast.assisted_by,
            VoteCast.witness_name,
        )
        .where((VoteCast.coop == coop_id) & (VoteCast.vote == vote.id))
        .order_by(VoteCast.id)
        .run()
    )
    ballots = (
        await Ballot.select(Ballot.cast, Ballot.choice, Ballot.candidate)
        .where((Ballot.coop == coop_id) & (Ballot.vote == vote.id))
        .order_by(Ballot.id)
        .run()
    )
    names = {c.id: c.name for c in vote.candidates}
    lines = []
    for c in casts:
        mine = [b for b in ballots if b["cast_id"] == c["id"]]
        marked = tuple(names[int(b["candidate_id"])] for b in mine if b["candidate_id"] is not None)
        voter = c["member_id.name"] or c["seat_id.member_id.name"] or c["seat_id.holder_name"] or ""
        lines.append(
            BallotLine(
                voter=str(voter),
                choice="candidates" if marked else (str(mine[0]["choice"]) if mine else rules.EMPTY),
                names=marked,
                proxy_holder=str(c["proxy_holder_id.name"] or ""),
                assisted=c["assisted_by"] is not None,
                witness=str(c["witness_name"]),
            )
        )
    return sorted(lines, key=lambda line: line.voter.casefold())


async def close_page(ctx: CoopContext, meeting_id: int, item_id: int) -> VotePage:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        item, vote = await _open_vote_for_ballot(ctx, meeting_id, item_id)
        return await _page(ctx.id, ctx.viewer.id, item, vote)


async def close_vote(ctx: CoopContext, meeting_id: int, item_id: int, form: Form, ip: str) -> rules.Result | None:
    """Count the votes, freeze the result and record the item's outcome in the meeting, in one unit.

    None (an error in the form) when the votes are tied and the chair's vote is needed but not given.
    """
    ctx.require(*MANAGERS)
    chair_vote = form.get("chair_vote")
    if chair_vote not in ("", rules.YES, rules.NO):
        form.error("chair_vote", N_("Choose Yes or No"))
        return None
    async with coop_unit(ctx.id, ctx.viewer.id):
        item, vote = await _open_vote_for_ballot(ctx, meeting_id, item_id)
        electorate = await _electorate(ctx.id, item)
        counts = await _counts(ctx.id, vote)
        try:
            result = rules.decide(
                vote.method,
                counts,
                entitled=len(electorate.voters),
                quorum=electorate.quorum,
                seats=vote.seats,
                candidates=[c.name for c in vote.candidates],
                chair_vote=chair_vote or None,
                # A fresh secret seed; it is stored with the result (and audited) only when a lot was drawn.
                seed=secrets.randbits(62),
            )
        except rules.CastingVoteNeeded:
            form.error("chair_vote", N_("The votes are tied. Choose the chair's vote: it decides."))
            return None
        stored = result.to_json()
        if not vote.anonymous:
            # Who voted what is frozen with the counts, so later changes in the register do not change the record.
            stored["ballots"] = [line.to_json() for line in await _ballot_lines(ctx.id, vote)]
        await (
            Vote.update(
                {
                    Vote.status: "closed",
                    Vote.closed_at: dt.datetime.now(dt.UTC),
                    Vote.closed_by: ctx.viewer.id,
                    Vote.result: stored,
                    Vote.lot_seed: result.lot_seed,
                }
            )
            .where((Vote.coop == ctx.id) & (Vote.id == vote.id) & (Vote.status == "open"))
            .run()
        )
        await audit.record(
            "vote.closed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"vote:{vote.id}",
            ip=ip,
            meeting_id=meeting_id,
            item_id=item_id,
            outcome=result.outcome,
            counts=[list(c) for c in result.counts],
            cast=result.cast,
            empty=result.empty,
            entitled=result.entitled,
            elected=list(result.elected),
            tie=result.tie,
            chair_vote=result.chair_vote,
            lot_seed=result.lot_seed,
            lot_among=list(result.lot_among),
            lot_drawn=list(result.lot_drawn),
        )
        if result.passed is not None:
            try:
                await record_outcome_in_unit(
                    ctx.id, ctx.name, ctx.viewer.id, item_id, result.passed, summary(vote, result), ip
                )
            except OutcomeRefused as exc:  # the unit rolls back: the vote stays open and nothing is written
                raise NotPossible(exc.message) from None
    return result


# --- results ------------------------------------------------------------------------------------------------------


def _names(names: Sequence[str]) -> str:
    return ", ".join(names)


def summary(vote: VoteView, result: rules.Result | None, cast: int = 0, entitled: int = 0) -> str:
    """One plain-language line about a vote, in the language of the request."""
    if result is None:
        return gettext(N_("Voting is open. %(cast)s of %(entitled)s have voted."), cast=cast, entitled=entitled)
    if result.outcome == rules.NO_DECISION:
        return gettext(
            N_("Too few people voted (%(cast)s of %(entitled)s). No decision was made."),
            cast=result.cast,
            entitled=result.entitled,
        )
    if vote.election or result.method == rules.ELECTION:
        votes = _names([f"{name} {n}" for name, n in result.counts])
        line = gettext(N_("Votes: %(votes)s, empty %(empty)s."), votes=votes, empty=result.empty)
        if result.elected:
            line += " " + gettext(N_("Elected: %(names)s."), names=_names(result.elected))
        else:
            line += " " + gettext(N_("Nobody was elected."))
        if result.tie == rules.TIE_LOT:
            line += " " + gettext(
                N_("The votes were tied, so a lot was drawn between %(names)s."), names=_names(result.lot_among)
            )
        return line
    line = gettext(
        N_("Yes %(yes)s, No %(no)s, empty %(empty)s."),
        yes=result.count(rules.YES),
        no=result.count(rules.NO),
        empty=result.empty,
    )
    if result.tie == rules.TIE_CHAIR:
        line += " " + gettext(N_("The votes were tied, so the chair's vote decided."))
    elif result.tie == rules.TIE_LOT:
        line += " " + gettext(N_("The votes were tied, so a lot decided."))
    elif result.tie == rules.TIE_FAILS:
        line += " " + gettext(N_("The votes were tied."))
    passed = result.outcome == rules.PASSED
    line += " " + gettext(N_("The proposal passed.") if passed else N_("The proposal did not pass."))
    return line


async def result_page(ctx: CoopContext, meeting_id: int, item_id: int) -> VotePage:
    async with coop_unit(ctx.id, ctx.viewer.id):
        item = await _visible_item(ctx, meeting_id, item_id)
        vote = await _vote(ctx.id, item_id)
        if vote is None:
            raise NotFoundException()
        return await _page(ctx.id, ctx.viewer.id, item, vote)


def _check_unit(coop_id: int, name: str) -> None:
    if current_coop_id() != coop_id:
        raise TenancyError(f"{name} needs the open unit of the same coop")


async def results_in_unit(coop_id: int, meeting_id: int) -> dict[int, ItemResult]:
    """The votes of a meeting's items, by item id. Runs inside the caller's open unit of this coop."""
    _check_unit(coop_id, "results_in_unit")
    rows = (
        await Vote.select(Vote.item, Vote.item.meeting)
        .where((Vote.coop == coop_id) & (Vote.item.meeting == meeting_id))
        .order_by(Vote.id)
        .run()
    )
    results: dict[int, ItemResult] = {}
    for row in rows:
        item_id = int(row["item_id"])
        item = await _item(coop_id, meeting_id, item_id)
        vote = await _vote(coop_id, item_id)
        if vote is None:
            continue
        if vote.is_open:
            electorate = await _electorate(coop_id, item)
            cast = len(await _cast_keys(coop_id, vote.id))
            line = summary(vote, None, cast, len(electorate.voters))
            results[item_id] = ItemResult(item_id, "open", line, None)
        else:
            passed = vote.result.passed if vote.result else None
            results[item_id] = ItemResult(item_id, "closed", summary(vote, vote.result), passed)
    return results


async def item_has_vote_in_unit(coop_id: int, item_id: int) -> bool:
    """Whether a vote was opened on the item (then the item cannot be removed). Runs inside the caller's unit."""
    _check_unit(coop_id, "item_has_vote_in_unit")
    return bool(await Vote.exists().where((Vote.coop == coop_id) & (Vote.item == item_id)).run())


async def open_votes_for_member_in_unit(coop_id: int, member_id: int) -> list[OpenVote]:
    """Votes open now in which this member may vote (own vote, or a proxy they hold) and has not yet voted."""
    _check_unit(coop_id, "open_votes_for_member_in_unit")
    rows = (
        await Vote.select(Vote.item, Vote.item.meeting)
        .where((Vote.coop == coop_id) & (Vote.status == "open"))
        .order_by(Vote.id)
        .run()
    )
    if not rows:
        return []
    coop = await Coop.select(Coop.slug).where(Coop.id == coop_id).first().run()
    slug = str(coop["slug"]) if coop else ""
    found: list[OpenVote] = []
    for row in rows:
        item = await _item(coop_id, int(row["item_id.meeting_id"]), int(row["item_id"]))
        vote = await _vote(coop_id, item.item_id)
        if vote is None:
            continue
        electorate = await _electorate(coop_id, item)
        cast = await _cast_keys(coop_id, vote.id)
        own = [
            v.key
            for v in electorate.voters
            if v.member_id == member_id and v.key not in electorate.represented and v.key not in cast
        ]
        held = [k for k in electorate.proxies.get(member_id, ()) if k not in cast]
        if own or held:
            url = f"/c/{slug}/meetings/{item.meeting_id}/items/{item.item_id}/vote"
            found.append(OpenVote(item.meeting_id, item.item_id, item.title, url))
    return found
