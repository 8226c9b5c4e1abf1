"""Who may count as an entrepreneur (Unemployment Security Act 1290/2002 ch. 1 § 6): one pure function, exact maths.

The law: a person working in a company is an *entrepreneur* (and loses the employee's unemployment security) if,
in a leading position, they hold at least 15 % of the votes alone or at least 30 % together with family, or if
they hold at least 50 % together with family in any role. With 7 or more members with equal votes each holds less
than 15 %, which is why a supported employment cooperative keeps at least 7 members with a vote.

`evaluate()` reads plain frozen dataclasses (no database, no clock unless `today` is left out) and returns an
`Evaluation`. The decisions it makes, in the order they apply:

1. **A vote.** One member, one vote (Cooperatives Act: equal votes). A person or organisation has a vote when its
   register row is `active`, its class is `member` or `supporting` (a supporting organisation votes too), it has
   joined (`joined_on` empty or on/before today) and has not left (`left_on` empty or after today). Applicants,
   trial members and employees who are not members have no vote; nor has anyone who left or was rejected.
2. **Family.** Members linked directly by a family link, in either direction. Links are not followed further
   (a sibling's spouse is not family), and only relatives who have a vote add votes.
3. **Leading position.** A seat on the board or as managing director that is current today (`term_start` on/before
   today, `term_end` empty or on/after today) with role `chair`, `vice_chair`, `member` or `managing_director`.
   Deputies (`deputy`) are not in a leading position. A board seat without a vote (`has_vote` false: the business
   mentor who supports the board) is not a leading position either, except the managing director's, which leads
   the business whether or not it votes on the board. Seats held by people outside the register are ignored:
   they have no vote to count.
4. **Shares.** With N votes: alone 1/N, with family (1 + voting relatives)/N, as `Fraction`s, compared exactly:
   3/10 is 30 % and is flagged ("at least").
5. **Flags** (each with a reason code and the figures for the explanation and the fix):
   - `leading_alone`: leading position and alone ≥ 15 %;
   - `leading_family`: leading position and with family ≥ 30 %;
   - `family_majority`: any role and with family ≥ 50 %.
   The fix is computed: `more_voters` is the smallest number of new members with a vote (from outside the
   family) that brings the share below the limit; for the two leading-position rules, leaving the leading
   position also ends the flag (`leaving_board_fixes`).
6. **Close to a limit.** A rule that is not broken now but would be if one other member with a vote left
   (the share then is votes/(N − 1)). Its `more_voters` is how many new members keep the share below the limit
   even after one leaves. Only possible when someone outside the family has a vote.
7. **Level of the coop.** `flagged` if anyone is flagged; otherwise `warning` with fewer than 7 votes, `at_risk`
   with exactly 7 (one resignation away from the limit), `ok` with 8 or more. No votes at all is `warning`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import floor

VOTING_CLASSES = ("member", "supporting")
LEADING_ROLES = ("chair", "vice_chair", "member", "managing_director")
SAFE_VOTERS = 7

ALONE_LIMIT = Fraction(15, 100)
FAMILY_LIMIT = Fraction(30, 100)
MAJORITY_LIMIT = Fraction(50, 100)

LEADING_ALONE = "leading_alone"
LEADING_FAMILY = "leading_family"
FAMILY_MAJORITY = "family_majority"
CODES = (LEADING_ALONE, LEADING_FAMILY, FAMILY_MAJORITY)

OK, WARNING, AT_RISK, FLAGGED = "ok", "warning", "at_risk", "flagged"
LEVELS = (OK, WARNING, AT_RISK, FLAGGED)  # the order of tables.LEVELS: least serious first


@dataclass(frozen=True)
class Person:
    """A row of the member register (a person or a supporting organisation)."""

    id: int
    member_class: str
    status: str
    joined_on: dt.date | None = None
    left_on: dt.date | None = None


@dataclass(frozen=True)
class Family:
    """Two members who are family (the direction of the link does not matter)."""

    member_id: int
    relative_id: int


@dataclass(frozen=True)
class Seat:
    """A board seat or the managing director's post; `member_id` is empty for a holder outside the register."""

    member_id: int | None
    role: str
    term_start: dt.date
    term_end: dt.date | None = None
    has_vote: bool = True


@dataclass(frozen=True)
class Finding:
    """One rule for one member: the votes it counts, out of how many, the limit and the computed fix."""

    code: str
    votes: int
    voters: int
    limit: Fraction
    more_voters: int
    leaving_board_fixes: bool

    @property
    def share(self) -> Fraction:
        return Fraction(self.votes, self.voters)


@dataclass(frozen=True)
class MemberResult:
    member_id: int
    leading: bool
    roles: tuple[str, ...]  # the member's current leading roles
    relatives: tuple[int, ...]  # directly linked relatives who have a vote
    voters: int
    flags: tuple[Finding, ...] = ()
    close: tuple[Finding, ...] = ()  # rules that break if one other member with a vote leaves

    @property
    def votes_with_family(self) -> int:
        return 1 + len(self.relatives)

    @property
    def share_alone(self) -> Fraction:
        return Fraction(1, self.voters)

    @property
    def share_with_family(self) -> Fraction:
        return Fraction(self.votes_with_family, self.voters)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def notable(self) -> bool:
        return bool(self.flags or self.close)


@dataclass(frozen=True)
class Evaluation:
    level: str
    voters: int
    leading: int  # members with a vote who are in a leading position
    members: tuple[MemberResult, ...]  # every member with a vote, by id

    @property
    def flagged_ids(self) -> frozenset[int]:
        return frozenset(m.member_id for m in self.members if m.flagged)

    @property
    def notable(self) -> tuple[MemberResult, ...]:
        return tuple(m for m in self.members if m.notable)

    @property
    def more_voters_needed(self) -> int:
        """New members with a vote needed to reach the safe number of 7."""
        return max(0, SAFE_VOTERS - self.voters)

    @property
    def share_each(self) -> Fraction | None:
        return Fraction(1, self.voters) if self.voters else None

    @property
    def share_if_one_leaves(self) -> Fraction | None:
        return Fraction(1, self.voters - 1) if self.voters > 1 else None


def has_vote(person: Person, today: dt.date) -> bool:
    return (
        person.status == "active"
        and person.member_class in VOTING_CLASSES
        and (person.joined_on is None or person.joined_on <= today)
        and (person.left_on is None or person.left_on > today)
    )


def is_leading(seat: Seat, today: dt.date) -> bool:
    current = seat.term_start <= today and (seat.term_end is None or seat.term_end >= today)
    counts = seat.has_vote or seat.role == "managing_director"
    return seat.member_id is not None and current and counts and seat.role in LEADING_ROLES


def voters_to_fall_below(votes: int, voters: int, limit: Fraction) -> int:
    """How many more votes (from outside the family) make votes/(voters + k) < limit; 0 if it already is."""
    needed_total = floor(Fraction(votes) / limit) + 1  # smallest total T with votes/T < limit
    return max(0, needed_total - voters)


def _rules(leading: bool) -> tuple[tuple[str, Fraction, bool], ...]:
    """The rules that apply to a member: (code, limit, counts family)."""
    rules: list[tuple[str, Fraction, bool]] = []
    if leading:
        rules += [(LEADING_ALONE, ALONE_LIMIT, False), (LEADING_FAMILY, FAMILY_LIMIT, True)]
    rules.append((FAMILY_MAJORITY, MAJORITY_LIMIT, True))
    return tuple(rules)


def evaluate(
    voters: Iterable[Person],
    family_links: Iterable[Family],
    leading: Iterable[Seat],
    today: dt.date | None = None,
) -> Evaluation:
    """Evaluate the register. `voters` may hold the whole register: only those with a vote (rule 1) count."""
    today = today or dt.date.today()
    voting = sorted({p.id for p in voters if has_vote(p, today)})
    n = len(voting)
    relatives = _relatives(voting, family_links)
    roles = _leading_roles(voting, leading, today)

    results: list[MemberResult] = []
    for member_id in voting:
        own_roles = roles.get(member_id, ())
        is_lead = bool(own_roles)
        family_votes = 1 + len(relatives[member_id])
        flags: list[Finding] = []
        close: list[Finding] = []
        for code, limit, with_family in _rules(is_lead):
            votes = family_votes if with_family else 1
            if Fraction(votes, n) >= limit:
                flags.append(
                    Finding(code, votes, n, limit, voters_to_fall_below(votes, n, limit), code != FAMILY_MAJORITY)
                )
            elif n - 1 >= votes and Fraction(votes, n - 1) >= limit:
                # One other member with a vote leaving would break this rule.
                more = voters_to_fall_below(votes, n - 1, limit)
                close.append(Finding(code, votes, n - 1, limit, more, code != FAMILY_MAJORITY))
        results.append(
            MemberResult(
                member_id=member_id,
                leading=is_lead,
                roles=own_roles,
                relatives=tuple(sorted(relatives[member_id])),
                voters=n,
                flags=tuple(flags),
                close=tuple(close),
            )
        )

    return Evaluation(
        level=_level(results, n), voters=n, leading=sum(1 for r in results if r.leading), members=tuple(results)
    )


def _relatives(voting: list[int], family_links: Iterable[Family]) -> dict[int, set[int]]:
    """Each voter's directly linked relatives who have a vote (links count in both directions)."""
    voting_set = set(voting)
    relatives: dict[int, set[int]] = {member_id: set() for member_id in voting}
    for link in family_links:
        a, b = link.member_id, link.relative_id
        if a != b and a in voting_set and b in voting_set:
            relatives[a].add(b)
            relatives[b].add(a)
    return relatives


def _leading_roles(voting: list[int], seats: Iterable[Seat], today: dt.date) -> dict[int, tuple[str, ...]]:
    """Each voter's current leading roles, in the order of LEADING_ROLES."""
    roles: dict[int, set[str]] = {}
    voting_set = set(voting)
    for seat in seats:
        if seat.member_id is not None and seat.member_id in voting_set and is_leading(seat, today):
            roles.setdefault(seat.member_id, set()).add(seat.role)
    return {member_id: tuple(sorted(held, key=LEADING_ROLES.index)) for member_id, held in roles.items()}


def _level(results: list[MemberResult], voters: int) -> str:
    if any(r.flags for r in results):
        return FLAGGED
    if voters < SAFE_VOTERS:
        return WARNING
    return AT_RISK if voters == SAFE_VOTERS else OK
