"""Tenant tables of meetings: the coop's meeting rules, meetings, their agenda items and who attended.

Votes and ballots on agenda items live in the votes context (osuus/tenants/votes), which references `AgendaItem`.
"""

from piccolo.columns import ForeignKey, Integer, OnDelete, OnUpdate, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, user_ref
from osuus.tenants.members.tables import member_ref

MEETING_KINDS = ("general", "board")
MEETING_STATUSES = ("draft", "noticed", "held", "closed", "cancelled")
ITEM_KINDS = ("ordinary", "election", "member_application", "board_decision")
ITEM_OUTCOMES = ("", "approved", "rejected", "noted")
ATTENDANCE_MODES = ("in_person", "remote", "proxy")


class MeetingRules(TenantTable, tablename="meeting_rules"):
    """The coop's own meeting rules (one row per coop). When there is no row, the defaults below apply.

    Defaults follow the Cooperatives Act (1488/2001): a general meeting is called no earlier than two months and no
    later than one week before it; a proxy represents one member only unless the rules say otherwise.
    """

    general_notice_min_days = Integer(default=7)
    general_notice_max_days = Integer(default=60)
    board_notice_min_days = Integer(default=2)
    max_proxies_per_person = Integer(default=1)
    # 0 = any lawfully convened general meeting has a quorum.
    general_quorum_members = Integer(default=0)
    updated_by = user_ref(null=True, column="updated_by")
    updated_at = Timestamptz(default=TimestamptzNow())


class Meeting(TenantTable, tablename="meeting"):
    """A general meeting or a board meeting."""

    kind = Varchar(length=10)
    title = Varchar(length=200)
    starts_at = Timestamptz()
    place = Varchar(length=300, default="")
    remote_info = Text(default="")
    status = Varchar(length=10, default="draft")
    notice_sent_at = Timestamptz(null=True, default=None)
    # When the agenda last changed after the notice was sent (shown as a warning).
    agenda_changed_at = Timestamptz(null=True, default=None)
    cancelled_at = Timestamptz(null=True, default=None)
    chair_name = Varchar(length=200, default="")
    secretary_name = Varchar(length=200, default="")
    checker1_name = Varchar(length=200, default="")
    checker2_name = Varchar(length=200, default="")
    minutes_approved_at = Timestamptz(null=True, default=None)
    created_by = user_ref(null=True, column="created_by")
    created_at = Timestamptz(default=TimestamptzNow())


def meeting_ref() -> ForeignKey:  # type: ignore[type-arg]
    """A reference to a meeting of the same coop (the composite key is added in the RLS migration)."""
    return ForeignKey(
        references=Meeting,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="meeting_id",
    )


class AgendaItem(TenantTable, tablename="agenda_item"):
    """One item (§) of a meeting's agenda, with its outcome once decided."""

    meeting = meeting_ref()
    position = Integer()
    title = Varchar(length=300)
    description = Text(default="")
    kind = Varchar(length=20, default="ordinary")
    # The applicant, for a member_application item; empty otherwise.
    member = member_ref(null=True)
    outcome = Varchar(length=10, default="")
    decision = Text(default="")
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Attendance(TenantTable, tablename="attendance"):
    """A member at a meeting: in person, remotely, or represented by another member (proxy_holder)."""

    meeting = meeting_ref()
    member = member_ref()
    mode = Varchar(length=10)
    proxy_holder = member_ref(column="proxy_holder_id", null=True)
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())
