"""Shared tables (the platform layer) and the two table bases every table must declare.

Every table is either `SharedTable` (platform-wide) or `TenantTable` (owned by one coop, with `coop_id`,
forced row-level security and composite references). tests/platform/test_catalogue.py fails for any other.
"""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    BigSerial,
    Boolean,
    ForeignKey,
    OnDelete,
    OnUpdate,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

COOP_STATUSES = ("draft", "pending", "active", "suspended", "closed")
COOP_ROLES = ("admin", "board", "coach", "member")
ORG_KINDS = (
    "municipality",
    "wellbeing_county",
    "employment_area",
    "parish",
    "association",
    "enterprise_agency",
    "company",
)
ORG_ROLES = ("admin", "member")
LANGUAGES = ("fi", "sv", "en")


def coop_ref(null: bool = False) -> ForeignKey:  # type: ignore[type-arg]
    """The reference to a coop: never cascades, so deleting or renumbering a coop cannot touch its rows."""
    return ForeignKey(
        references=Coop,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name="coop_id",
    )


def user_ref(null: bool = False, column: str = "user_id") -> ForeignKey:  # type: ignore[type-arg]
    return ForeignKey(
        references=User,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name=column,
    )


def org_ref(null: bool = False) -> ForeignKey:  # type: ignore[type-arg]
    return ForeignKey(
        references=Organisation,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name="organisation_id",
    )


class SharedTable(Table):
    """A platform-wide table: no coop owns its rows."""

    id = BigSerial(primary_key=True)


class Region(SharedTable, tablename="region"):
    slug = Varchar(length=60, unique=True)
    name = Varchar(length=120)
    created_at = Timestamptz(default=TimestamptzNow())


class Coop(SharedTable, tablename="coop"):
    slug = Varchar(length=60, unique=True)
    name = Varchar(length=200)
    business_id = Varchar(length=9, null=True, default=None)
    region = ForeignKey(
        references=Region,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="region_id",
    )
    status = Varchar(length=20, default="draft")
    created_at = Timestamptz(default=TimestamptzNow())


class User(SharedTable, tablename="app_user"):
    email = Varchar(length=254, unique=True)
    password_hash = Varchar(length=200, null=True, default=None, secret=True)
    name = Varchar(length=200)
    language = Varchar(length=2, default="fi")
    email_verified_at = Timestamptz(null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class CoopRole(SharedTable, tablename="coop_role"):
    """A person's role in a coop. Row-level security lets a coop see its own roles and a person see theirs."""

    coop = coop_ref()
    user = user_ref()
    role = Varchar(length=20)
    created_at = Timestamptz(default=TimestamptzNow())


class Organisation(SharedTable, tablename="organisation"):
    slug = Varchar(length=60, unique=True)
    name = Varchar(length=200)
    kind = Varchar(length=30)
    business_id = Varchar(length=9, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class OrganisationRegion(SharedTable, tablename="organisation_region"):
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.restrict, index=True, db_column_name="organisation_id"
    )
    region = ForeignKey(references=Region, on_delete=OnDelete.restrict, index=True, db_column_name="region_id")


class OrganisationRole(SharedTable, tablename="organisation_role"):
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.restrict, index=True, db_column_name="organisation_id"
    )
    user = user_ref()
    role = Varchar(length=20)
    created_at = Timestamptz(default=TimestamptzNow())


class Operator(SharedTable, tablename="platform_operator"):
    user = user_ref()
    created_at = Timestamptz(default=TimestamptzNow())


class RegionCoordinator(SharedTable, tablename="region_coordinator"):
    user = user_ref()
    region = ForeignKey(references=Region, on_delete=OnDelete.restrict, index=True, db_column_name="region_id")
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(SharedTable, tablename="invitation"):
    """An invitation to a coop role or an organisation role, found by the hash of its one-time token."""

    token_hash = Varchar(length=64, unique=True, secret=True)
    email = Varchar(length=254)
    name = Varchar(length=200, default="")
    coop = coop_ref(null=True)
    organisation = org_ref(null=True)
    role = Varchar(length=20)
    invited_by = user_ref(column="invited_by")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)


class EmailToken(SharedTable, tablename="email_token"):
    """One-time, expiring tokens for e-mail verification and password reset (only the hash is stored)."""

    user = user_ref()
    purpose = Varchar(length=10)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class ApiToken(SharedTable, tablename="api_token"):
    """A person's token for the JSON API (`Authorization: Bearer …`). Only the SHA-256 of the token is stored."""

    user = user_ref()
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class AuditLog(SharedTable, tablename="audit_log"):
    """Append-only record of who did what, when, where. The app role may insert and read, never change."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = user_ref(null=True, column="actor_id")
    action = Varchar(length=60, index=True)
    coop = coop_ref(null=True)
    organisation = org_ref(null=True)
    target = Varchar(length=200, default="")
    detail = JSONB(default={})
    ip = Varchar(length=45, default="")


class Outbox(SharedTable, tablename="outbox"):
    """Jobs written in the business transaction; sent after commit, or by the sweeper if that was missed."""

    coop = coop_ref(null=True)
    actor = Varchar(length=100)
    payload = JSONB(default={})
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    sent_at = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)


class TenantTable(Table):
    """A table owned by one coop: `coop_id` on every row, forced RLS, composite references to other tenant rows."""

    id = BigSerial(primary_key=True)
    coop = coop_ref()
