"""Checks, grants and the seed data of the shared reference tables: VAT rates with their validity, categories."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T05:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "vat_rate, catalogue_category: checks, read-only grants, Finnish VAT rates (dated) and the categories"

CODES = (
    "general",
    "reduced_food",
    "reduced_news",
    "zero",
    "exempt_social",
    "reverse_charge_construction",
)
# (code, basis points, valid from, valid to (last day) or None, note). For every region (region_id empty).
RATES = (
    ("general", 2400, "2013-01-01", "2024-08-31", "AVL 84 §"),
    ("general", 2550, "2024-09-01", None, "AVL 84 §"),
    ("reduced_food", 1400, "2013-01-01", "2025-12-31", "AVL 85 §"),
    ("reduced_food", 1350, "2026-01-01", None, "AVL 85 §"),
    ("reduced_news", 1000, "2013-01-01", None, "AVL 85 a §"),
    ("zero", 0, "2013-01-01", None, ""),
    ("exempt_social", 0, "2013-01-01", None, "AVL 37 §"),
    ("reverse_charge_construction", 0, "2011-04-01", None, "AVL 8 c §"),
)
CATEGORIES = (
    ("staffing", "Henkilöstövuokraus", "Personaluthyrning", "Staffing", 10),
    ("home_services", "Kotipalvelut", "Hemtjänster", "Home services", 20),
    ("cleaning", "Siivous", "Städning", "Cleaning", 30),
    ("gardening", "Pihatyöt", "Trädgårdsarbete", "Gardening", 40),
    ("construction", "Rakentaminen ja remontit", "Byggande och renovering", "Construction and renovation", 50),
    ("it_support", "IT-tuki", "IT-stöd", "IT support", 60),
    ("herbs_food", "Yrtit ja ruoka", "Örter och mat", "Herbs and food", 70),
    ("other", "Muut", "Övrigt", "Other", 90),
)


def _text(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


FORWARD = [
    "ALTER TABLE vat_rate ADD CONSTRAINT vat_rate_code_check CHECK (code IN ("
    + ", ".join(_text(c) for c in CODES)
    + "))",
    "ALTER TABLE vat_rate ADD CONSTRAINT vat_rate_basis_points_check CHECK (basis_points BETWEEN 0 AND 10000)",
    "ALTER TABLE vat_rate ADD CONSTRAINT vat_rate_period_check CHECK (valid_to IS NULL OR valid_to >= valid_from)",
    # One row per region (or every region), class and first day; the lookup takes the row whose period covers it.
    "CREATE UNIQUE INDEX vat_rate_once ON vat_rate (coalesce(region_id, 0), code, valid_from)",
    "ALTER TABLE catalogue_category ADD CONSTRAINT catalogue_category_slug_check CHECK (slug ~ '^[a-z_]{1,40}$')",
    # Rates are data that operators will keep (a later issue); the app itself only reads them.
    "GRANT SELECT ON vat_rate TO osuus_runtime",
    "GRANT SELECT ON catalogue_category TO osuus_runtime",
    *[
        "INSERT INTO vat_rate (region_id, code, basis_points, valid_from, valid_to, note) VALUES "
        f"(NULL, {_text(code)}, {bp}, DATE {_text(start)}, "
        f"{'NULL' if end is None else 'DATE ' + _text(end)}, {_text(note)})"
        for code, bp, start, end, note in RATES
    ],
    *[
        "INSERT INTO catalogue_category (slug, name_fi, name_sv, name_en, position) VALUES "
        f"({_text(slug)}, {_text(fi)}, {_text(sv)}, {_text(en)}, {position})"
        for slug, fi, sv, en, position in CATEGORIES
    ],
]

BACKWARD = [
    "DELETE FROM catalogue_category WHERE slug IN (" + ", ".join(_text(c[0]) for c in CATEGORIES) + ")",
    "DELETE FROM vat_rate WHERE region_id IS NULL",
    "REVOKE ALL ON catalogue_category FROM osuus_runtime",
    "REVOKE ALL ON vat_rate FROM osuus_runtime",
    "ALTER TABLE catalogue_category DROP CONSTRAINT IF EXISTS catalogue_category_slug_check",
    "DROP INDEX IF EXISTS vat_rate_once",
    "ALTER TABLE vat_rate DROP CONSTRAINT IF EXISTS vat_rate_period_check",
    "ALTER TABLE vat_rate DROP CONSTRAINT IF EXISTS vat_rate_basis_points_check",
    "ALTER TABLE vat_rate DROP CONSTRAINT IF EXISTS vat_rate_code_check",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="reference", description=DESCRIPTION)

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
