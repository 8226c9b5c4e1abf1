"""Tenant table: the last computed entrepreneur-status of the coop, so a change can be noticed and told."""

from piccolo.columns import JSONB, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable

LEVELS = ("ok", "warning", "at_risk", "flagged")


class CoopStatus(TenantTable, tablename="coop_status"):
    level = Varchar(length=10)
    computed_at = Timestamptz(default=TimestamptzNow())
    detail = JSONB(default={})
