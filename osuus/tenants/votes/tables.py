"""Tenant tables of votes: a vote on an agenda item, its candidates, who voted, and what was voted.

Who voted and what they chose are kept apart:

- `VoteCast` says that a voter (a member at a general meeting, a voting board seat at a board meeting) has voted,
  who pressed the button, who helped and who witnessed, and whose proxy was used. One row per voter and vote:
  the database refuses a second one (UNIQUE in the security migration).
- An open vote keeps each choice as `Ballot` rows linked to the cast (one row; an election: one row per
  candidate marked, or one empty row), so the results page can show who voted what.
- An anonymous vote keeps no ballot rows at all, only `VoteTally` counters. Every ballot updates every counter
  row of the vote in one statement (adding 0 or 1), so all rows carry the same transaction id and nothing in the
  database tells which counter a voter's ballot raised. A choice can never be linked to a person.
"""

from piccolo.columns import (
    JSONB,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    OnUpdate,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, user_ref
from osuus.tenants.governance.tables import BoardSeat
from osuus.tenants.meetings.tables import AgendaItem
from osuus.tenants.members.tables import member_ref

VOTE_STATUSES = ("open", "closed")
BALLOT_CHOICES = ("yes", "no", "empty", "candidate")


def _ref(table: type[TenantTable], column: str, null: bool = False) -> ForeignKey:  # type: ignore[type-arg]
    """A reference inside one coop (the composite key (coop_id, x_id) is added in the security migration)."""
    return ForeignKey(
        references=table,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name=column,
    )


class Vote(TenantTable, tablename="vote"):
    """A vote on one agenda item (at most one per item). `result` is written once, when the vote closes."""

    item = _ref(AgendaItem, "item_id")
    question = Text()
    method = Varchar(length=12)
    seats = Integer(default=1)
    anonymous = Boolean(default=False)
    status = Varchar(length=10, default="open")
    opened_at = Timestamptz(default=TimestamptzNow())
    opened_by = user_ref(column="opened_by")
    closed_at = Timestamptz(null=True, default=None)
    closed_by = user_ref(null=True, column="closed_by")
    result = JSONB(default={})
    lot_seed = BigInt(null=True, default=None)


class Candidate(TenantTable, tablename="vote_candidate"):
    """A person standing in an election; `member_id` when they are in the register."""

    vote = _ref(Vote, "vote_id")
    position = Integer()
    name = Varchar(length=200)
    member = member_ref(null=True)


class VoteCast(TenantTable, tablename="vote_cast"):
    """A voter has voted. Exactly one of member_id (general meeting) and seat_id (board meeting) is set."""

    vote = _ref(Vote, "vote_id")
    member = member_ref(null=True)
    seat = _ref(BoardSeat, "seat_id", null=True)
    cast_by = user_ref(column="cast_by")
    # Assisted voting: the person who recorded the vote for the member, and the witness's name.
    assisted_by = user_ref(null=True, column="assisted_by")
    witness_name = Varchar(length=200, default="")
    # Proxy voting: the member who holds the proxy and used it (member_id is the member represented).
    proxy_holder = member_ref(column="proxy_holder_id", null=True)
    cast_at = Timestamptz(default=TimestamptzNow())


class Ballot(TenantTable, tablename="ballot"):
    """What a voter chose in an open (not anonymous) vote."""

    vote = _ref(Vote, "vote_id")
    cast = _ref(VoteCast, "cast_id")
    choice = Varchar(length=10)
    candidate = _ref(Candidate, "candidate_id", null=True)


class VoteTally(TenantTable, tablename="vote_tally"):
    """The counts of an anonymous vote: one row per choice (yes, no, empty) or per candidate (and one empty row)."""

    vote = _ref(Vote, "vote_id")
    choice = Varchar(length=10)
    candidate = _ref(Candidate, "candidate_id", null=True)
    total = Integer(default=0)
