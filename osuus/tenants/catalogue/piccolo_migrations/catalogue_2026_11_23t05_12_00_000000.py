"""Tenant security for the catalogue and the storefront's requests: forced RLS, keys that start with coop_id,
composite references, checks."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T05:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "catalogue_item, order_request, order_request_line: forced RLS, UNIQUE (coop_id, id), composite references, "
    "checks"
)

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("catalogue_item", "order_request", "order_request_line")
VAT_CODES = "'general', 'reduced_food', 'reduced_news', 'zero', 'exempt_social', 'reverse_charge_construction'"
# Items are never deleted (requests and orders point at them): they are made inactive. A request's lines are
# written once; of a request only its handling changes.
GRANTS = {
    "catalogue_item": "SELECT, INSERT, UPDATE",
    "order_request": "SELECT, INSERT, UPDATE (status, handled_at, handled_by, customer_id)",
    "order_request_line": "SELECT, INSERT",
}
REFS = (
    ("order_request", "customer_id", "customer"),
    ("order_request_line", "request_id", "order_request"),
    ("order_request_line", "item_id", "catalogue_item"),
)

FORWARD = [
    # catalogue_item and order_request are referenced by Piccolo foreign keys (to their id): primary keys stay (id).
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        f"REFERENCES {target} (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c, target in REFS
    ],
    "ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_kind_check CHECK (kind IN ('service', 'product'))",
    "ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_unit_check "
    "CHECK (unit IN ('hour', 'visit', 'piece', 'kg', 'm2', 'day'))",
    f"ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_vat_code_check CHECK (vat_code IN ({VAT_CODES}))",
    "ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_name_check CHECK (name_fi <> '')",
    "ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_price_check CHECK (price_cents >= 0)",
    "ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_labour_share_check "
    "CHECK (labour_share BETWEEN 0 AND 100)",
    # The household tax credit is for work: only a service, and only with a labour share.
    "ALTER TABLE catalogue_item ADD CONSTRAINT catalogue_item_household_credit_check "
    "CHECK (NOT household_credit OR (kind = 'service' AND labour_share BETWEEN 1 AND 100))",
    "CREATE INDEX catalogue_item_shop ON catalogue_item (coop_id, active, public)",
    "ALTER TABLE order_request ADD CONSTRAINT order_request_status_check CHECK (status IN ('new', 'handled', 'spam'))",
    "ALTER TABLE order_request ADD CONSTRAINT order_request_kind_check CHECK (kind IN ('household', 'business'))",
    "ALTER TABLE order_request ADD CONSTRAINT order_request_language_check CHECK (language IN ('fi', 'sv', 'en'))",
    "ALTER TABLE order_request ADD CONSTRAINT order_request_wish_check "
    "CHECK (wished_to IS NULL OR wished_from IS NULL OR wished_to >= wished_from)",
    "ALTER TABLE order_request ADD CONSTRAINT order_request_business_id_check "
    "CHECK (business_id = '' OR business_id ~ '^[0-9]{7}-[0-9]$')",
    "CREATE INDEX order_request_status ON order_request (coop_id, status, created_at)",
    "CREATE INDEX order_request_fingerprint ON order_request (coop_id, fingerprint)",
    "ALTER TABLE order_request_line ADD CONSTRAINT order_request_line_quantity_check CHECK (quantity > 0)",
    "ALTER TABLE order_request_line ADD CONSTRAINT order_request_line_once UNIQUE (coop_id, request_id, item_id)",
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
    "ALTER TABLE order_request_line DROP CONSTRAINT IF EXISTS order_request_line_once",
    "ALTER TABLE order_request_line DROP CONSTRAINT IF EXISTS order_request_line_quantity_check",
    "DROP INDEX IF EXISTS order_request_fingerprint",
    "DROP INDEX IF EXISTS order_request_status",
    "ALTER TABLE order_request DROP CONSTRAINT IF EXISTS order_request_business_id_check",
    "ALTER TABLE order_request DROP CONSTRAINT IF EXISTS order_request_wish_check",
    "ALTER TABLE order_request DROP CONSTRAINT IF EXISTS order_request_language_check",
    "ALTER TABLE order_request DROP CONSTRAINT IF EXISTS order_request_kind_check",
    "ALTER TABLE order_request DROP CONSTRAINT IF EXISTS order_request_status_check",
    "DROP INDEX IF EXISTS catalogue_item_shop",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_household_credit_check",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_labour_share_check",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_price_check",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_name_check",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_vat_code_check",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_unit_check",
    "ALTER TABLE catalogue_item DROP CONSTRAINT IF EXISTS catalogue_item_kind_check",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_coop" for t, c, _ in reversed(REFS)],
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catalogue", description=DESCRIPTION)

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
