"""Tenant tables: notices and the activity feed."""

from piccolo.columns import ForeignKey, OnDelete, OnUpdate, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import Organisation, TenantTable, user_ref


class Notice(TenantTable, tablename="notice"):
    author = user_ref(column="author_id")
    title = Varchar(length=200)
    body = Text()
    # A notice may be addressed to one support-network organisation, which then sees it (RLS policy).
    organisation = ForeignKey(
        references=Organisation,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=True,
        index=True,
        db_column_name="organisation_id",
    )
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class Activity(TenantTable, tablename="activity"):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = user_ref(null=True, column="actor_id")
    kind = Varchar(length=40)
    # Composite reference (coop_id, notice_id) -> notice (coop_id, id) is added in the RLS migration.
    notice = ForeignKey(
        references=Notice,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=True,
        index=True,
        db_column_name="notice_id",
    )
    summary = Varchar(length=300, default="")
