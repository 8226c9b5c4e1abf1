"""Tenant security for contract_ending: forced RLS, UNIQUE (coop_id, id), the composite reference, one per contract."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T08:24:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "contract_ending: forced RLS, UNIQUE (coop_id, id), composite reference, one ending per contract, checks"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"

FORWARD = [
    "ALTER TABLE contract_ending ADD CONSTRAINT contract_ending_coop_id_id UNIQUE (coop_id, id)",
    "ALTER TABLE contract_ending ADD CONSTRAINT contract_ending_contract_id_same_coop FOREIGN KEY (coop_id, contract_id) "
    "REFERENCES employment_contract (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    # A contract ends once; the ending is history (insert-only for the app).
    "ALTER TABLE contract_ending ADD CONSTRAINT contract_ending_once UNIQUE (coop_id, contract_id)",
    "ALTER TABLE contract_ending ADD CONSTRAINT contract_ending_reason_check "
    "CHECK (reason IN ('fixed_term_ended', 'resigned', 'agreement', 'other') "
    "AND (reason <> 'other' OR reason_text <> ''))",
    "ALTER TABLE contract_ending ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE contract_ending FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON contract_ending USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    "GRANT SELECT, INSERT ON contract_ending TO osuus_runtime",
]

BACKWARD = [
    "REVOKE ALL ON contract_ending FROM osuus_runtime",
    "DROP POLICY IF EXISTS tenant_isolation ON contract_ending",
    "ALTER TABLE contract_ending NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE contract_ending DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE contract_ending DROP CONSTRAINT IF EXISTS contract_ending_reason_check",
    "ALTER TABLE contract_ending DROP CONSTRAINT IF EXISTS contract_ending_once",
    "ALTER TABLE contract_ending DROP CONSTRAINT IF EXISTS contract_ending_contract_id_same_coop",
    "ALTER TABLE contract_ending DROP CONSTRAINT IF EXISTS contract_ending_coop_id_id",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="employment", description=DESCRIPTION)

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
