"""Tenant security for coop_status: forced RLS, key that starts with coop_id, one row per coop."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T02:58:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "coop_status: forced RLS, PRIMARY KEY (coop_id, id), one row per coop"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"

FORWARD = [
    "ALTER TABLE coop_status DROP CONSTRAINT coop_status_pkey",
    "ALTER TABLE coop_status ADD CONSTRAINT coop_status_pkey PRIMARY KEY (coop_id, id)",
    "ALTER TABLE coop_status ADD CONSTRAINT coop_status_one_per_coop UNIQUE (coop_id)",
    "ALTER TABLE coop_status ADD CONSTRAINT coop_status_level_check CHECK (level IN ('ok', 'warning', 'at_risk', "
    "'flagged'))",
    "ALTER TABLE coop_status ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE coop_status FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON coop_status USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    # Operators see every coop's status in one list (the operator console's risk list).
    "CREATE POLICY operator_reads ON coop_status FOR SELECT "
    "USING (coalesce(current_setting('app.scope', true), '') = 'operator')",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON coop_status TO osuus_runtime",
]

BACKWARD = [
    "REVOKE ALL ON coop_status FROM osuus_runtime",
    "DROP POLICY IF EXISTS operator_reads ON coop_status",
    "DROP POLICY IF EXISTS tenant_isolation ON coop_status",
    "ALTER TABLE coop_status NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE coop_status DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE coop_status DROP CONSTRAINT IF EXISTS coop_status_level_check",
    "ALTER TABLE coop_status DROP CONSTRAINT IF EXISTS coop_status_one_per_coop",
    "ALTER TABLE coop_status DROP CONSTRAINT coop_status_pkey",
    "ALTER TABLE coop_status ADD CONSTRAINT coop_status_pkey PRIMARY KEY (id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="monitor", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        for statement in FORWARD:
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        for statement in BACKWARD:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
