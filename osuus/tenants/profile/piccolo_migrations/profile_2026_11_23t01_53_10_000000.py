"""Tenant security for coop_profile: forced RLS, composite key, one row per coop, grants."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:53:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "coop_profile: forced row-level security, PRIMARY KEY (coop_id, id), one profile per coop"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"

FORWARD = [
    "ALTER TABLE coop_profile DROP CONSTRAINT coop_profile_pkey",  # Citus-ready: the key starts with coop_id
    "ALTER TABLE coop_profile ADD CONSTRAINT coop_profile_pkey PRIMARY KEY (coop_id, id)",
    "ALTER TABLE coop_profile ADD CONSTRAINT coop_profile_one_per_coop UNIQUE (coop_id)",
    "ALTER TABLE coop_profile ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE coop_profile FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON coop_profile USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON coop_profile TO osuus_runtime",
]
BACKWARD = [
    "REVOKE ALL ON coop_profile FROM osuus_runtime",
    "DROP POLICY IF EXISTS tenant_isolation ON coop_profile",
    "ALTER TABLE coop_profile NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE coop_profile DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE coop_profile DROP CONSTRAINT IF EXISTS coop_profile_one_per_coop",
    "ALTER TABLE coop_profile DROP CONSTRAINT coop_profile_pkey",
    "ALTER TABLE coop_profile ADD CONSTRAINT coop_profile_pkey PRIMARY KEY (id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="profile", description=DESCRIPTION)

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
