"""Tenant security for work orders, assignments and hours: forced RLS, keys that start with coop_id, composite
references, checks, one running clock per person, and approved hours that no one can change."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T05:43:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "work_order, work_order_line, work_order_event, work_assignment, work_assignment_event, work_hours: forced RLS, "
    "UNIQUE (coop_id, id), composite references, checks, one running clock per person, approved hours are final"
)

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = (
    "work_order",
    "work_order_line",
    "work_order_event",
    "work_assignment",
    "work_assignment_event",
    "work_hours",
)
VAT_CODES = "'general', 'reduced_food', 'reduced_news', 'zero', 'exempt_social', 'reverse_charge_construction'"
# Histories are written once. Lines change only while the order is being planned (the app checks the status).
# Hours: a new version is a new row; only the status columns of a row that is not approved change.
GRANTS = {
    "work_order": "SELECT, INSERT, UPDATE",
    "work_order_line": "SELECT, INSERT, DELETE",
    "work_order_event": "SELECT, INSERT",
    "work_assignment": "SELECT, INSERT, UPDATE (status, answered_at, planned_day, planned_minutes)",
    "work_assignment_event": "SELECT, INSERT",
    "work_hours": "SELECT, INSERT, UPDATE (status, ended_at, minutes, note, approved_at, approved_by, returned_at, "
    "returned_by, return_note)",
}
REFS = (
    ("work_order", "customer_id", "customer"),
    ("work_order", "request_id", "order_request"),
    ("work_order_line", "order_id", "work_order"),
    ("work_order_line", "item_id", "catalogue_item"),
    ("work_order_event", "order_id", "work_order"),
    ("work_assignment", "order_id", "work_order"),
    ("work_assignment", "member_id", "member"),
    ("work_assignment_event", "assignment_id", "work_assignment"),
    ("work_hours", "assignment_id", "work_assignment"),
    ("work_hours", "order_id", "work_order"),
    ("work_hours", "member_id", "member"),
    ("work_hours", "supersedes_id", "work_hours"),
    ("work_hours", "chain_id", "work_hours"),
)
ORDER_STATUSES = "'requested', 'accepted', 'declined', 'scheduled', 'in_progress', 'done', 'invoiced', 'cancelled'"

FINAL_FUNCTION = """CREATE FUNCTION work_hours_approved_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'approved' THEN
    RAISE EXCEPTION 'approved hours are final: correct them with a new version (work_hours %)', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$"""

FORWARD = [
    # Piccolo foreign keys point at work_order and work_assignment (their id): primary keys stay (id).
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        f"REFERENCES {target} (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c, target in REFS
    ],
    f"ALTER TABLE work_order ADD CONSTRAINT work_order_status_check CHECK (status IN ({ORDER_STATUSES}))",
    "ALTER TABLE work_order ADD CONSTRAINT work_order_source_check "
    "CHECK (source IN ('request', 'staff', 'organisation'))",
    "ALTER TABLE work_order ADD CONSTRAINT work_order_title_check CHECK (title <> '')",
    "ALTER TABLE work_order ADD CONSTRAINT work_order_customer_check "
    "CHECK (customer_id IS NOT NULL OR customer_name <> '')",
    "ALTER TABLE work_order ADD CONSTRAINT work_order_time_check "
    "CHECK ((starts_at IS NULL) = (ends_at IS NULL) AND (starts_at IS NULL OR (ends_at > starts_at AND day IS NOT NULL)))",
    "CREATE INDEX work_order_status_day ON work_order (coop_id, status, day)",
    "ALTER TABLE work_order_line ADD CONSTRAINT work_order_line_quantity_check CHECK (quantity > 0)",
    "ALTER TABLE work_order_line ADD CONSTRAINT work_order_line_price_check CHECK (price_cents >= 0)",
    f"ALTER TABLE work_order_line ADD CONSTRAINT work_order_line_vat_code_check CHECK (vat_code IN ({VAT_CODES}))",
    "ALTER TABLE work_order_line ADD CONSTRAINT work_order_line_labour_share_check "
    "CHECK (labour_share BETWEEN 0 AND 100 AND (NOT household_credit OR labour_share >= 1))",
    "ALTER TABLE work_order_line ADD CONSTRAINT work_order_line_once UNIQUE (coop_id, order_id, item_id)",
    "ALTER TABLE work_order_event ADD CONSTRAINT work_order_event_kind_check "
    f"CHECK (kind IN ('created', 'changed', {ORDER_STATUSES}))",
    "ALTER TABLE work_assignment ADD CONSTRAINT work_assignment_role_check CHECK ("
    "(role = 'worker' AND member_id IS NOT NULL AND coach_id IS NULL) OR "
    "(role = 'coach' AND coach_id IS NOT NULL AND member_id IS NULL))",
    "ALTER TABLE work_assignment ADD CONSTRAINT work_assignment_status_check "
    "CHECK (status IN ('offered', 'accepted', 'declined', 'withdrawn', 'cancelled'))",
    "ALTER TABLE work_assignment ADD CONSTRAINT work_assignment_minutes_check "
    "CHECK (planned_minutes BETWEEN 1 AND 1440)",
    # A person has at most one open offer or accepted assignment per order.
    "CREATE UNIQUE INDEX work_assignment_live_worker ON work_assignment (coop_id, order_id, member_id) "
    "WHERE status IN ('offered', 'accepted') AND member_id IS NOT NULL",
    "CREATE UNIQUE INDEX work_assignment_live_coach ON work_assignment (coop_id, order_id, coach_id) "
    "WHERE status IN ('offered', 'accepted') AND coach_id IS NOT NULL",
    "CREATE INDEX work_assignment_worker_day ON work_assignment (coop_id, member_id, planned_day)",
    "ALTER TABLE work_assignment_event ADD CONSTRAINT work_assignment_event_kind_check CHECK (kind IN "
    "('offered', 'accepted', 'declined', 'withdrawn', 'cancelled', 'joined', 'warned'))",
    "ALTER TABLE work_hours ADD CONSTRAINT work_hours_status_check "
    "CHECK (status IN ('running', 'waiting', 'approved', 'returned'))",
    "ALTER TABLE work_hours ADD CONSTRAINT work_hours_source_check CHECK (source IN ('timer', 'quick', 'correction'))",
    "ALTER TABLE work_hours ADD CONSTRAINT work_hours_minutes_check "
    "CHECK ((status = 'running') = (minutes IS NULL) AND (minutes IS NULL OR minutes BETWEEN 0 AND 1440))",
    "ALTER TABLE work_hours ADD CONSTRAINT work_hours_who_check CHECK ((member_id IS NULL) <> (coach_id IS NULL))",
    "ALTER TABLE work_hours ADD CONSTRAINT work_hours_chain_check "
    "CHECK ((supersedes_id IS NULL) = (chain_id IS NULL))",
    "ALTER TABLE work_hours ADD CONSTRAINT work_hours_approved_check "
    "CHECK ((status = 'approved') = (approved_at IS NOT NULL))",
    # One running clock per person; a version is replaced at most once (the chain never forks).
    "CREATE UNIQUE INDEX work_hours_running_worker ON work_hours (coop_id, member_id) "
    "WHERE status = 'running' AND member_id IS NOT NULL",
    "CREATE UNIQUE INDEX work_hours_running_coach ON work_hours (coop_id, coach_id) "
    "WHERE status = 'running' AND coach_id IS NOT NULL",
    "CREATE UNIQUE INDEX work_hours_supersedes_once ON work_hours (coop_id, supersedes_id) "
    "WHERE supersedes_id IS NOT NULL",
    "CREATE INDEX work_hours_chain ON work_hours (coop_id, chain_id)",
    "CREATE INDEX work_hours_worker_day ON work_hours (coop_id, member_id, day)",
    "CREATE INDEX work_hours_status ON work_hours (coop_id, status)",
    FINAL_FUNCTION,
    "CREATE TRIGGER work_hours_approved_is_final BEFORE UPDATE OR DELETE ON work_hours "
    "FOR EACH ROW EXECUTE FUNCTION work_hours_approved_is_final()",
    *[s for t in TABLES for s in (
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {t} USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
        f"GRANT {GRANTS[t]} ON {t} TO osuus_runtime",
    )],
]  # fmt: skip

BACKWARD = [
    *[s for t in TABLES for s in (
        f"REVOKE ALL ON {t} FROM osuus_runtime",
        f"DROP POLICY IF EXISTS tenant_isolation ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    )],
    "DROP TRIGGER IF EXISTS work_hours_approved_is_final ON work_hours",
    "DROP FUNCTION IF EXISTS work_hours_approved_is_final()",
    "DROP INDEX IF EXISTS work_hours_status",
    "DROP INDEX IF EXISTS work_hours_worker_day",
    "DROP INDEX IF EXISTS work_hours_chain",
    "DROP INDEX IF EXISTS work_hours_supersedes_once",
    "DROP INDEX IF EXISTS work_hours_running_coach",
    "DROP INDEX IF EXISTS work_hours_running_worker",
    "ALTER TABLE work_hours DROP CONSTRAINT IF EXISTS work_hours_approved_check",
    "ALTER TABLE work_hours DROP CONSTRAINT IF EXISTS work_hours_chain_check",
    "ALTER TABLE work_hours DROP CONSTRAINT IF EXISTS work_hours_who_check",
    "ALTER TABLE work_hours DROP CONSTRAINT IF EXISTS work_hours_minutes_check",
    "ALTER TABLE work_hours DROP CONSTRAINT IF EXISTS work_hours_source_check",
    "ALTER TABLE work_hours DROP CONSTRAINT IF EXISTS work_hours_status_check",
    "ALTER TABLE work_assignment_event DROP CONSTRAINT IF EXISTS work_assignment_event_kind_check",
    "DROP INDEX IF EXISTS work_assignment_worker_day",
    "DROP INDEX IF EXISTS work_assignment_live_coach",
    "DROP INDEX IF EXISTS work_assignment_live_worker",
    "ALTER TABLE work_assignment DROP CONSTRAINT IF EXISTS work_assignment_minutes_check",
    "ALTER TABLE work_assignment DROP CONSTRAINT IF EXISTS work_assignment_status_check",
    "ALTER TABLE work_assignment DROP CONSTRAINT IF EXISTS work_assignment_role_check",
    "ALTER TABLE work_order_event DROP CONSTRAINT IF EXISTS work_order_event_kind_check",
    "ALTER TABLE work_order_line DROP CONSTRAINT IF EXISTS work_order_line_once",
    "ALTER TABLE work_order_line DROP CONSTRAINT IF EXISTS work_order_line_labour_share_check",
    "ALTER TABLE work_order_line DROP CONSTRAINT IF EXISTS work_order_line_vat_code_check",
    "ALTER TABLE work_order_line DROP CONSTRAINT IF EXISTS work_order_line_price_check",
    "ALTER TABLE work_order_line DROP CONSTRAINT IF EXISTS work_order_line_quantity_check",
    "DROP INDEX IF EXISTS work_order_status_day",
    "ALTER TABLE work_order DROP CONSTRAINT IF EXISTS work_order_time_check",
    "ALTER TABLE work_order DROP CONSTRAINT IF EXISTS work_order_customer_check",
    "ALTER TABLE work_order DROP CONSTRAINT IF EXISTS work_order_title_check",
    "ALTER TABLE work_order DROP CONSTRAINT IF EXISTS work_order_source_check",
    "ALTER TABLE work_order DROP CONSTRAINT IF EXISTS work_order_status_check",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_coop" for t, c, _ in reversed(REFS)],
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]  # fmt: skip


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="work", description=DESCRIPTION)

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
