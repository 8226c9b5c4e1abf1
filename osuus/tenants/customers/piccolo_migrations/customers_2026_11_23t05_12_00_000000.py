"""Tenant security for the customer register: forced RLS, UNIQUE (coop_id, id), checks."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T05:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "customer: forced RLS, UNIQUE (coop_id, id), kind and format checks"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"

FORWARD = [
    # Other contexts (storefront requests, orders, invoices) point at customers with (coop_id, customer_id).
    "ALTER TABLE customer ADD CONSTRAINT customer_coop_id_id UNIQUE (coop_id, id)",
    "ALTER TABLE customer ADD CONSTRAINT customer_kind_check CHECK (kind IN ('household', 'company', 'public'))",
    "ALTER TABLE customer ADD CONSTRAINT customer_name_check CHECK (name <> '')",
    "ALTER TABLE customer ADD CONSTRAINT customer_language_check CHECK (language IN ('fi', 'sv', 'en'))",
    "ALTER TABLE customer ADD CONSTRAINT customer_country_check CHECK (country ~ '^[A-Z]{2}$')",
    "ALTER TABLE customer ADD CONSTRAINT customer_business_id_check "
    "CHECK (business_id = '' OR business_id ~ '^[0-9]{7}-[0-9]$')",
    # A household has no business ID, no organisation and no e-invoice address of a business.
    "ALTER TABLE customer ADD CONSTRAINT customer_household_check CHECK (kind <> 'household' OR "
    "(business_id = '' AND organisation_id IS NULL AND einvoice_address = '' AND einvoice_operator = ''))",
    "CREATE INDEX customer_name ON customer (coop_id, lower(name))",
    "ALTER TABLE customer ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE customer FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON customer USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    # No DELETE: orders and invoices will point at customers.
    "GRANT SELECT, INSERT, UPDATE ON customer TO osuus_runtime",
]

BACKWARD = [
    "REVOKE ALL ON customer FROM osuus_runtime",
    "DROP POLICY IF EXISTS tenant_isolation ON customer",
    "ALTER TABLE customer NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE customer DISABLE ROW LEVEL SECURITY",
    "DROP INDEX IF EXISTS customer_name",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_household_check",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_business_id_check",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_country_check",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_language_check",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_name_check",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_kind_check",
    "ALTER TABLE customer DROP CONSTRAINT IF EXISTS customer_coop_id_id",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="customers", description=DESCRIPTION)

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
