"""Piccolo's engine and app registry. The role (app or owner) is chosen once per process by OSUUS_DB_ROLE."""

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from osuus.platform.settings import get_settings

_settings = get_settings()
_role = os.environ.get("OSUUS_DB_ROLE", "app")
_dsn = _settings.database_owner_url if _role == "owner" else _settings.database_url
if not _dsn:
    raise RuntimeError("DATABASE_URL is not set: start through `osuus`, which starts embedded PostgreSQL")

# Every query is prepared once per connection (asyncpg's statement cache) and, with generic plans, also planned
# once: our queries are tenant-scoped through composite indexes that start with coop_id, so the plan does not
# depend on the values, and planning the page queries (many joins) cost more than running them
# (bench/README.md: 2,3 ms → 0,15 ms for the "My work" query).
DB = PostgresEngine(
    config={"dsn": _dsn, "server_settings": {"plan_cache_mode": "force_generic_plan"}},
    extensions=(),
    log_queries=False,
)

APP_REGISTRY = AppRegistry(
    apps=[
        "osuus.platform.piccolo_app",
        "osuus.platform.reference.piccolo_app",
        "osuus.tenants.profile.piccolo_app",
        "osuus.tenants.noticeboard.piccolo_app",
        "osuus.tenants.members.piccolo_app",
        "osuus.tenants.governance.piccolo_app",
        "osuus.tenants.monitor.piccolo_app",
        "osuus.tenants.shares.piccolo_app",
        "osuus.tenants.meetings.piccolo_app",
        "osuus.tenants.votes.piccolo_app",
        "osuus.tenants.customers.piccolo_app",
        "osuus.tenants.catalogue.piccolo_app",
        "osuus.tenants.work.piccolo_app",
        "osuus.tenants.employment.piccolo_app",
    ]
)
