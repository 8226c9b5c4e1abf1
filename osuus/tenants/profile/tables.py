"""Tenant table: one profile row per coop."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, user_ref


class CoopProfile(TenantTable, tablename="coop_profile"):
    description = Text(default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    address = Varchar(length=300, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = user_ref(null=True, column="updated_by")
