"""How a vote is counted: one pure function per step, no database, no clock, no hidden randomness.

`tally()` takes the ballots one by one (the tests and open votes); `decide()` takes counts (anonymous votes keep
only counts, see service.py). Both return a frozen `Result`, which the service stores as JSON when the vote closes.
The decisions made here, in the order they apply:

1. **Quorum.** Everyone who casts a ballot takes part, an empty ballot included. `Quorum(at_least=n)` needs at least
   n ballots (a general meeting's `general_quorum_members`; 0 means any lawfully called meeting decides);
   `Quorum(more_than_half=True)` needs more ballots than half of those entitled to vote (a board: more than half of
   the voting seats). Without a quorum the result is `no_decision`, whatever the counts.
2. **Empty ballots are not counted** (Finnish meeting practice): they count towards the quorum, never towards the
   majority. The majority base is `counted = cast - empty`.
3. **Simple majority** (`simple`): passed when yes > no. When nobody voted yes or no (every ballot empty), the
   proposal did not get a majority: failed, and no tie is resolved. A tie (yes == no > 0) is resolved by the tie
   rule: `chair` (default; the Cooperatives Act: the chair's vote decides) – the chair's casting vote must be given,
   else `CastingVoteNeeded` is raised so that the person closing the vote is asked for it; `lot` – drawn with the
   seed; `fails` – a tie is not a majority.
4. **Two-thirds majority** (`two_thirds`): passed when yes ≥ 2/3 of the counted ballots (3·yes ≥ 2·counted, exact
   integers), and counted > 0. No tie can arise.
5. **Election** (`election`, N seats): each ballot marks at most N different candidates; a ballot with no marks is
   empty. Candidates are ranked by votes; only candidates with at least one vote can be elected, so seats may stay
   empty. When candidates with the same number of votes compete for the last seats, a **lot** decides (the law:
   in elections the lot): the tied names are sorted, and `random.Random(seed).sample()` draws the winners. The seed
   is kept in the result, so anyone can draw again and get the same names. The outcome is `elected` when at least
   one person was elected, otherwise `failed`.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SIMPLE, TWO_THIRDS, ELECTION = "simple", "two_thirds", "election"
METHODS = (SIMPLE, TWO_THIRDS, ELECTION)
YES, NO, EMPTY = "yes", "no", "empty"
CHOICES = (YES, NO, EMPTY)
TIE_CHAIR, TIE_LOT, TIE_FAILS = "chair", "lot", "fails"
TIE_RULES = (TIE_CHAIR, TIE_LOT, TIE_FAILS)
PASSED, FAILED, ELECTED, NO_DECISION = "passed", "failed", "elected", "no_decision"
MAX_SEATS = 20


class CastingVoteNeeded(ValueError):
    """The yes and no votes are tied and the chair's vote decides, but it was not given."""


@dataclass(frozen=True)
class Quorum:
    """How many must take part (cast a ballot, empty or not) for the vote to decide anything."""

    at_least: int = 0
    more_than_half: bool = False  # more than half of those entitled to vote

    def met(self, taking_part: int, entitled: int) -> bool:
        if taking_part < self.at_least:
            return False
        return not self.more_than_half or 2 * taking_part > entitled


@dataclass(frozen=True)
class Result:
    """A counted vote. `counts` keeps the order of the choices: yes, no, or the candidates as they were listed."""

    method: str
    entitled: int
    cast: int  # ballots cast, empty ones included (they count towards the quorum)
    empty: int
    counts: tuple[tuple[str, int], ...]
    quorum: Quorum
    quorum_met: bool
    outcome: str  # passed | failed | elected | no_decision
    seats: int = 1
    elected: tuple[str, ...] = ()
    tie: str = ""  # how a tie was resolved: "" (no tie) | chair | lot | fails
    chair_vote: str = ""  # the chair's casting vote, when it decided
    lot_seed: int | None = None  # the seed of the lot, when a lot was drawn
    lot_among: tuple[str, ...] = ()  # who took part in the lot (sorted)
    lot_drawn: tuple[str, ...] = ()  # whom the lot chose (yes/no for a decision, names for an election)

    @property
    def counted(self) -> int:
        """The majority base: ballots cast minus empty ones."""
        return self.cast - self.empty

    @property
    def passed(self) -> bool | None:
        """True when the proposal passed or someone was elected, False when not, None without a decision."""
        if self.outcome == NO_DECISION:
            return None
        return self.outcome in (PASSED, ELECTED)

    def count(self, choice: str) -> int:
        return dict(self.counts).get(choice, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "entitled": self.entitled,
            "cast": self.cast,
            "empty": self.empty,
            "counts": [[name, n] for name, n in self.counts],
            "quorum": {"at_least": self.quorum.at_least, "more_than_half": self.quorum.more_than_half},
            "quorum_met": self.quorum_met,
            "outcome": self.outcome,
            "seats": self.seats,
            "elected": list(self.elected),
            "tie": self.tie,
            "chair_vote": self.chair_vote,
            "lot_seed": self.lot_seed,
            "lot_among": list(self.lot_among),
            "lot_drawn": list(self.lot_drawn),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        quorum = data.get("quorum") or {}
        seed = data.get("lot_seed")
        return cls(
            method=str(data["method"]),
            entitled=int(data["entitled"]),
            cast=int(data["cast"]),
            empty=int(data["empty"]),
            counts=tuple((str(name), int(n)) for name, n in data["counts"]),
            quorum=Quorum(int(quorum.get("at_least", 0)), bool(quorum.get("more_than_half", False))),
            quorum_met=bool(data["quorum_met"]),
            outcome=str(data["outcome"]),
            seats=int(data.get("seats", 1)),
            elected=tuple(str(n) for n in data.get("elected", ())),
            tie=str(data.get("tie", "")),
            chair_vote=str(data.get("chair_vote", "")),
            lot_seed=None if seed is None else int(seed),
            lot_among=tuple(str(n) for n in data.get("lot_among", ())),
            lot_drawn=tuple(str(n) for n in data.get("lot_drawn", ())),
        )


@dataclass(frozen=True)
class Counts:
    """What was cast: per choice (yes/no, or per candidate), the empty ballots and all ballots."""

    marks: Mapping[str, int] = field(default_factory=dict)
    empty: int = 0
    cast: int = 0


def count_ballots(
    method: str, ballots: Sequence[str | Sequence[str]], candidates: Sequence[str] = (), seats: int = 1
) -> Counts:
    """Count ballots one by one. Yes/no ballots are "yes", "no" or "empty"; election ballots are lists of names."""
    marks: Counter[str] = Counter()
    empty = 0
    for ballot in ballots:
        if method == ELECTION:
            if isinstance(ballot, str):
                raise ValueError("an election ballot is a list of names")
            names = list(ballot)
            if len(set(names)) != len(names) or len(names) > seats or any(n not in candidates for n in names):
                raise ValueError(f"not a valid ballot: {names!r}")
            if not names:
                empty += 1
            marks.update(names)
        else:
            if ballot not in CHOICES:
                raise ValueError(f"not a valid ballot: {ballot!r}")
            if ballot == EMPTY:
                empty += 1
            else:
                marks[str(ballot)] += 1
    return Counts(dict(marks), empty, len(ballots))


def _check(method: str, seats: int, tie: str, entitled: int, counts: Counts) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if tie not in TIE_RULES:
        raise ValueError(f"unknown tie rule {tie!r}")
    if not 1 <= seats <= MAX_SEATS:
        raise ValueError("seats must be from 1 to 20")
    if entitled < 0 or counts.cast < 0 or counts.empty < 0 or counts.empty > counts.cast:
        raise ValueError("counts must be whole numbers with empty <= cast")
    if any(n < 0 for n in counts.marks.values()):
        raise ValueError("counts must not be negative")


def decide(
    method: str,
    counts: Counts,
    *,
    entitled: int,
    quorum: Quorum = Quorum(),
    seats: int = 1,
    candidates: Sequence[str] = (),
    tie: str | None = None,
    chair_vote: str | None = None,
    seed: int | None = None,
) -> Result:
    """The result of a vote from its counts (see the module's docstring for the rules)."""
    tie = tie or (TIE_LOT if method == ELECTION else TIE_CHAIR)
    seats = seats if method == ELECTION else 1
    _check(method, seats, tie, entitled, counts)
    quorum_met = quorum.met(counts.cast, entitled)
    base: dict[str, Any] = {
        "method": method,
        "entitled": entitled,
        "cast": counts.cast,
        "empty": counts.empty,
        "quorum": quorum,
        "quorum_met": quorum_met,
        "seats": seats,
    }
    if method == ELECTION:
        names = list(candidates) + sorted(set(counts.marks) - set(candidates))
        ordered = tuple((name, counts.marks.get(name, 0)) for name in names)
        if not quorum_met:
            return Result(counts=ordered, outcome=NO_DECISION, **base)
        return _election(ordered, seats, seed, base)
    ordered = ((YES, counts.marks.get(YES, 0)), (NO, counts.marks.get(NO, 0)))
    if not quorum_met:
        return Result(counts=ordered, outcome=NO_DECISION, **base)
    return _yes_no(method, ordered, tie, chair_vote, seed, base)


def _lot(seed: int | None) -> random.Random:
    """The source of a lot: a PRNG seeded by the caller, so that the draw can be repeated and checked.

    The seed itself comes from `secrets` (service.py) and is stored with the result; the PRNG only has to be
    reproducible, not unpredictable.
    """
    if seed is None:
        raise ValueError("a lot needs a seed")
    return random.Random(seed)  # noqa: S311 - reproducible draw from a secret, recorded seed


def _yes_no(
    method: str,
    ordered: tuple[tuple[str, int], ...],
    tie: str,
    chair_vote: str | None,
    seed: int | None,
    base: dict[str, Any],
) -> Result:
    yes, no = ordered[0][1], ordered[1][1]
    if method == TWO_THIRDS:
        passed = yes + no > 0 and 3 * yes >= 2 * (yes + no)
        return Result(counts=ordered, outcome=PASSED if passed else FAILED, **base)
    if yes != no or yes == 0:
        return Result(counts=ordered, outcome=PASSED if yes > no else FAILED, **base)
    if tie == TIE_CHAIR:
        if chair_vote not in (YES, NO):
            raise CastingVoteNeeded("the votes are tied: the chair's vote decides")
        extra: dict[str, Any] = {"chair_vote": chair_vote}
        outcome = PASSED if chair_vote == YES else FAILED
    elif tie == TIE_LOT:
        drawn = _lot(seed).choice([YES, NO])
        outcome = PASSED if drawn == YES else FAILED
        extra = {"lot_seed": seed, "lot_among": (NO, YES), "lot_drawn": (drawn,)}
    else:
        outcome, extra = FAILED, {}
    return Result(counts=ordered, outcome=outcome, tie=tie, **extra, **base)


def _election(ordered: tuple[tuple[str, int], ...], seats: int, seed: int | None, base: dict[str, Any]) -> Result:
    with_votes = sorted(((name, n) for name, n in ordered if n > 0), key=lambda c: -c[1])
    if len(with_votes) <= seats:
        elected = tuple(name for name, _ in with_votes)
        return Result(counts=ordered, outcome=ELECTED if elected else FAILED, elected=elected, **base)
    last = with_votes[seats - 1][1]  # the votes of the last seat
    sure = [name for name, n in with_votes if n > last]
    tied = sorted(name for name, n in with_votes if n == last)
    free = seats - len(sure)
    if len(tied) <= free:
        return Result(counts=ordered, outcome=ELECTED, elected=tuple(sure + tied), **base)
    drawn = _lot(seed).sample(tied, free)
    return Result(
        counts=ordered,
        outcome=ELECTED,
        elected=tuple(sure + drawn),
        tie=TIE_LOT,
        lot_seed=seed,
        lot_among=tuple(tied),
        lot_drawn=tuple(drawn),
        **base,
    )


def tally(
    method: str,
    ballots: Sequence[str | Sequence[str]],
    *,
    entitled: int,
    quorum: Quorum = Quorum(),
    seats: int = 1,
    candidates: Sequence[str] = (),
    tie: str | None = None,
    chair_vote: str | None = None,
    seed: int | None = None,
) -> Result:
    """Count the ballots and decide: `decide(method, count_ballots(...), ...)`."""
    return decide(
        method,
        count_ballots(method, ballots, candidates, seats),
        entitled=entitled,
        quorum=quorum,
        seats=seats,
        candidates=candidates,
        tie=tie,
        chair_vote=chair_vote,
        seed=seed,
    )
