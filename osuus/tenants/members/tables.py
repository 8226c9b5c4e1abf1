"""Tenant tables of the member register."""

from piccolo.columns import Date, ForeignKey, OnDelete, OnUpdate, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, org_ref, user_ref

MEMBER_CLASSES = ("applicant", "trial", "member", "supporting", "employee")
MEMBER_STATUSES = ("applied", "active", "left", "rejected")
EVENT_KINDS = (
    "applied",
    "admitted",
    "rejected",
    "trial_started",
    "trial_ended",
    "class_changed",
    "resigned",
    "expelled",
    "deceased",
)
RELATIONS = ("spouse", "partner", "parent", "child", "sibling", "grandparent", "grandchild", "other")


def member_ref(column: str = "member_id", null: bool = False) -> ForeignKey:  # type: ignore[type-arg]
    """A reference to a member of the same coop (the composite key is added in the RLS migration)."""
    return ForeignKey(
        references=Member,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name=column,
    )


class Member(TenantTable, tablename="member"):
    """A person (with or without an account) or a supporting organisation in the coop's register."""

    user = user_ref(null=True)
    organisation = org_ref(null=True)
    name = Varchar(length=200)
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    member_class = Varchar(length=20)
    status = Varchar(length=20, default="active")
    applied_on = Date(null=True, default=None)
    joined_on = Date(null=True, default=None)
    left_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class MemberEvent(TenantTable, tablename="member_event"):
    """The status history: what happened, on which day, and who decided."""

    member = member_ref()
    kind = Varchar(length=20)
    on_date = Date()
    decided_by = Varchar(length=200, default="")
    recorded_by = user_ref(null=True, column="recorded_by")
    note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class FamilyLink(TenantTable, tablename="family_link"):
    """Two members who are family; read by the entrepreneur-status monitor (votes held together)."""

    member = member_ref()
    relative = member_ref(column="relative_id")
    relation = Varchar(length=20)
    created_at = Timestamptz(default=TimestamptzNow())
