"""Tenant security for employment: forced RLS, keys that start with coop_id, composite references, checks."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T05:43:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "employment_contract, contract_terms, benefit_profile, worker_coach, other_pay: forced RLS, UNIQUE (coop_id, id), "
    "composite references, checks"
)

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("employment_contract", "contract_terms", "benefit_profile", "worker_coach", "other_pay")
# History is never rewritten: contracts change by amendment rows, benefit profiles by newer dated rows, other pay by
# correcting rows. Only a worker's coaches are added and removed.
GRANTS = {
    "employment_contract": "SELECT, INSERT",
    "contract_terms": "SELECT, INSERT",
    "benefit_profile": "SELECT, INSERT",
    "worker_coach": "SELECT, INSERT, DELETE",
    "other_pay": "SELECT, INSERT",
}
MEMBER_REFS = (
    ("employment_contract", "member_id"),
    ("benefit_profile", "member_id"),
    ("worker_coach", "member_id"),
    ("other_pay", "member_id"),
)

FORWARD = [
    # `employment_contract` is referenced by a Piccolo foreign key (to its id), so primary keys stay (id).
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c in MEMBER_REFS
    ],
    "ALTER TABLE contract_terms ADD CONSTRAINT contract_terms_contract_id_same_coop FOREIGN KEY (coop_id, contract_id) "
    "REFERENCES employment_contract (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE employment_contract ADD CONSTRAINT employment_contract_kind_check "
    "CHECK (kind IN ('indefinite', 'fixed_term'))",
    # A fixed-term contract has an end, an indefinite one has none; the end is not before the start.
    "ALTER TABLE employment_contract ADD CONSTRAINT employment_contract_end_check "
    "CHECK ((kind = 'fixed_term') = (ends_on IS NOT NULL) AND (ends_on IS NULL OR ends_on >= starts_on))",
    "CREATE INDEX employment_contract_member ON employment_contract (coop_id, member_id, starts_on)",
    "ALTER TABLE contract_terms ADD CONSTRAINT contract_terms_amounts CHECK "
    "(weekly_minutes BETWEEN 0 AND 10080 AND hourly_wage_cents > 0)",
    "ALTER TABLE contract_terms ADD CONSTRAINT contract_terms_subsidy CHECK ("
    "(subsidy_percent IS NULL) = (subsidy_from IS NULL) "
    "AND (subsidy_percent IS NULL OR subsidy_percent BETWEEN 1 AND 100) "
    "AND (subsidy_until IS NULL OR (subsidy_from IS NOT NULL AND subsidy_until >= subsidy_from)))",
    "CREATE INDEX contract_terms_contract ON contract_terms (coop_id, contract_id, valid_from)",
    "ALTER TABLE benefit_profile ADD CONSTRAINT benefit_profile_sealed CHECK "
    "(key_id <> '' AND octet_length(sealed) > 28)",
    "CREATE INDEX benefit_profile_member ON benefit_profile (coop_id, member_id, valid_from)",
    "ALTER TABLE worker_coach ADD CONSTRAINT worker_coach_once UNIQUE (coop_id, member_id, coach_id)",
    "ALTER TABLE other_pay ADD CONSTRAINT other_pay_amount_not_zero CHECK (amount_cents <> 0)",
    "CREATE INDEX other_pay_member ON other_pay (coop_id, member_id, on_date)",
    *[s for t in TABLES for s in (
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {t} USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
        f"GRANT {GRANTS[t]} ON {t} TO osuus_runtime",
    )],
]

BACKWARD = [
    *[s for t in TABLES for s in (
        f"REVOKE ALL ON {t} FROM osuus_runtime",
        f"DROP POLICY IF EXISTS tenant_isolation ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    )],
    "DROP INDEX IF EXISTS other_pay_member",
    "ALTER TABLE other_pay DROP CONSTRAINT IF EXISTS other_pay_amount_not_zero",
    "ALTER TABLE worker_coach DROP CONSTRAINT IF EXISTS worker_coach_once",
    "DROP INDEX IF EXISTS benefit_profile_member",
    "ALTER TABLE benefit_profile DROP CONSTRAINT IF EXISTS benefit_profile_sealed",
    "DROP INDEX IF EXISTS contract_terms_contract",
    "ALTER TABLE contract_terms DROP CONSTRAINT IF EXISTS contract_terms_subsidy",
    "ALTER TABLE contract_terms DROP CONSTRAINT IF EXISTS contract_terms_amounts",
    "DROP INDEX IF EXISTS employment_contract_member",
    "ALTER TABLE employment_contract DROP CONSTRAINT IF EXISTS employment_contract_end_check",
    "ALTER TABLE employment_contract DROP CONSTRAINT IF EXISTS employment_contract_kind_check",
    "ALTER TABLE contract_terms DROP CONSTRAINT IF EXISTS contract_terms_contract_id_same_coop",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_coop" for t, c in reversed(MEMBER_REFS)],
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
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
