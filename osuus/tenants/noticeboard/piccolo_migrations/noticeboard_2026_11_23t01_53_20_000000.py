"""Tenant security for notice and activity: forced RLS, composite keys and reference, organisation reads."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:53:20:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "notice, activity: forced RLS, PRIMARY KEY (coop_id, id), composite activity->notice, org read policy"
)

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
ORG = "nullif(current_setting('app.org_id', true), '')::bigint"

FORWARD = [
    # Citus-ready keys: the primary key starts with coop_id. Piccolo still treats `id` as the key in the ORM;
    # the single-column reference it made goes, and the composite one below replaces it.
    "ALTER TABLE activity DROP CONSTRAINT activity_notice_id_fkey",
    "ALTER TABLE notice DROP CONSTRAINT notice_pkey",
    "ALTER TABLE notice ADD CONSTRAINT notice_pkey PRIMARY KEY (coop_id, id)",
    "ALTER TABLE activity DROP CONSTRAINT activity_pkey",
    "ALTER TABLE activity ADD CONSTRAINT activity_pkey PRIMARY KEY (coop_id, id)",
    "ALTER TABLE activity ADD CONSTRAINT activity_notice_same_coop FOREIGN KEY (coop_id, notice_id) "
    "REFERENCES notice (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE notice ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE notice FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON notice USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    # An organisation reads the notices addressed to it, across coops; it can never write them.
    f"CREATE POLICY organisation_reads ON notice FOR SELECT USING (organisation_id = {ORG})",
    "ALTER TABLE activity ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE activity FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON activity USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    "CREATE INDEX notice_coop_created ON notice (coop_id, created_at DESC)",
    "CREATE INDEX activity_coop_at ON activity (coop_id, at DESC)",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON notice TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON activity TO osuus_runtime",
]
BACKWARD = [
    "REVOKE ALL ON notice, activity FROM osuus_runtime",
    "DROP INDEX IF EXISTS activity_coop_at",
    "DROP INDEX IF EXISTS notice_coop_created",
    "DROP POLICY IF EXISTS tenant_isolation ON activity",
    "ALTER TABLE activity NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE activity DISABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS organisation_reads ON notice",
    "DROP POLICY IF EXISTS tenant_isolation ON notice",
    "ALTER TABLE notice NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE notice DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE activity DROP CONSTRAINT IF EXISTS activity_notice_same_coop",
    "ALTER TABLE activity DROP CONSTRAINT activity_pkey",
    "ALTER TABLE activity ADD CONSTRAINT activity_pkey PRIMARY KEY (id)",
    "ALTER TABLE notice DROP CONSTRAINT notice_pkey",
    "ALTER TABLE notice ADD CONSTRAINT notice_pkey PRIMARY KEY (id)",
    "ALTER TABLE activity ADD CONSTRAINT activity_notice_id_fkey FOREIGN KEY (notice_id) REFERENCES notice (id) "
    "ON DELETE RESTRICT ON UPDATE RESTRICT",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="noticeboard", description=DESCRIPTION)

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
