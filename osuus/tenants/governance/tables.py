"""Tenant tables of self-governance: board seats and the target composition of the board."""

from piccolo.columns import Boolean, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable
from osuus.tenants.members.tables import member_ref

SEAT_ROLES = ("chair", "vice_chair", "member", "deputy", "managing_director")
SEAT_KINDS = ("partial_work_ability", "job_coach", "unit_director", "relative", "business_mentor", "other")


class BoardSeat(TenantTable, tablename="board_seat"):
    """A seat held for a term. A seat may be held by someone outside the register (member_id empty)."""

    member = member_ref(null=True)
    holder_name = Varchar(length=200)
    role = Varchar(length=20)
    kind = Varchar(length=30)
    has_vote = Boolean(default=True)
    term_start = Date()
    term_end = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class BoardTarget(TenantTable, tablename="board_target"):
    """How many voting seats of each kind the coop wants (default: the five-seat template of DOMAIN.md)."""

    kind = Varchar(length=30)
    seats = Integer(default=0)
