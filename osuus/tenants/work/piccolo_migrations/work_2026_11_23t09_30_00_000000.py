"""Tenant security for substitutes, skills, work days and the coop's work rules: forced RLS, keys that start with
coop_id, composite references, checks; the assignment statuses and event kinds that substitutes add; at most one
open search per assignment."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "work_substitution, work_substitution_event, work_skill, work_days, work_rules: forced RLS, UNIQUE (coop_id, id), "
    "composite references, checks; work_assignment.substitution_id; 'replaced' assignments"
)

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("work_substitution", "work_substitution_event", "work_skill", "work_days", "work_rules")
GRANTS = {
    "work_substitution": "SELECT, INSERT, UPDATE (status, taken_id, closed_at)",
    "work_substitution_event": "SELECT, INSERT",
    "work_skill": "SELECT, INSERT, DELETE",
    "work_days": "SELECT, INSERT, UPDATE (days, updated_at, updated_by)",
    "work_rules": "SELECT, INSERT, UPDATE (substitute_approval, updated_at, updated_by)",
}
REFS = (
    ("work_substitution", "order_id", "work_order"),
    ("work_substitution", "assignment_id", "work_assignment"),
    ("work_substitution", "member_id", "member"),
    ("work_substitution", "taken_id", "work_assignment"),
    ("work_substitution_event", "substitution_id", "work_substitution"),
    ("work_substitution_event", "member_id", "member"),
    ("work_skill", "member_id", "member"),
    ("work_days", "member_id", "member"),
    ("work_assignment", "substitution_id", "work_substitution"),
)
ASSIGNMENT_STATUSES = "'offered', 'accepted', 'declined', 'withdrawn', 'cancelled', 'replaced'"
OLD_ASSIGNMENT_STATUSES = "'offered', 'accepted', 'declined', 'withdrawn', 'cancelled'"
EVENT_KINDS = "'offered', 'accepted', 'declined', 'withdrawn', 'cancelled', 'joined', 'warned', 'cant_come', 'replaced', 'changed'"
OLD_EVENT_KINDS = "'offered', 'accepted', 'declined', 'withdrawn', 'cancelled', 'joined', 'warned', 'changed'"

FORWARD = [
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        f"REFERENCES {target} (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c, target in REFS
    ],
    "ALTER TABLE work_assignment DROP CONSTRAINT IF EXISTS work_assignment_status_check",
    f"ALTER TABLE work_assignment ADD CONSTRAINT work_assignment_status_check CHECK (status IN ({ASSIGNMENT_STATUSES}))",
    "ALTER TABLE work_assignment ADD CONSTRAINT work_assignment_substitute_check "
    "CHECK (substitution_id IS NULL OR role = 'worker')",
    "CREATE INDEX work_assignment_substitution ON work_assignment (coop_id, substitution_id) "
    "WHERE substitution_id IS NOT NULL",
    "ALTER TABLE work_assignment_event DROP CONSTRAINT IF EXISTS work_assignment_event_kind_check",
    f"ALTER TABLE work_assignment_event ADD CONSTRAINT work_assignment_event_kind_check CHECK (kind IN ({EVENT_KINDS}))",
    "ALTER TABLE work_substitution ADD CONSTRAINT work_substitution_status_check "
    "CHECK (status IN ('open', 'waiting', 'filled', 'cancelled'))",
    "ALTER TABLE work_substitution ADD CONSTRAINT work_substitution_taken_check "
    "CHECK ((status IN ('waiting', 'filled')) = (taken_id IS NOT NULL))",
    "ALTER TABLE work_substitution ADD CONSTRAINT work_substitution_closed_check "
    "CHECK ((status IN ('filled', 'cancelled')) = (closed_at IS NOT NULL))",
    # One search at a time for an assignment.
    "CREATE UNIQUE INDEX work_substitution_live ON work_substitution (coop_id, assignment_id) "
    "WHERE status IN ('open', 'waiting')",
    "CREATE INDEX work_substitution_status ON work_substitution (coop_id, status)",
    "ALTER TABLE work_substitution_event ADD CONSTRAINT work_substitution_event_kind_check CHECK (kind IN "
    "('asked', 'offered', 'nobody', 'taken', 'approved', 'refused', 'filled', 'cancelled'))",
    "ALTER TABLE work_skill ADD CONSTRAINT work_skill_once UNIQUE (coop_id, member_id, category_id)",
    "ALTER TABLE work_days ADD CONSTRAINT work_days_once UNIQUE (coop_id, member_id)",
    "ALTER TABLE work_days ADD CONSTRAINT work_days_days_check CHECK (days ~ '^1?2?3?4?5?6?7?$' AND days <> '')",
    "ALTER TABLE work_rules ADD CONSTRAINT work_rules_once UNIQUE (coop_id)",
    *[s for t in TABLES for s in (
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {t} USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
        f"GRANT {GRANTS[t]} ON {t} TO osuus_runtime",
    )],
]  # fmt: skip

BACKWARD = [
    *[s for t in reversed(TABLES) for s in (
        f"REVOKE ALL ON {t} FROM osuus_runtime",
        f"DROP POLICY IF EXISTS tenant_isolation ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    )],
    "ALTER TABLE work_rules DROP CONSTRAINT IF EXISTS work_rules_once",
    "ALTER TABLE work_days DROP CONSTRAINT IF EXISTS work_days_days_check",
    "ALTER TABLE work_days DROP CONSTRAINT IF EXISTS work_days_once",
    "ALTER TABLE work_skill DROP CONSTRAINT IF EXISTS work_skill_once",
    "ALTER TABLE work_substitution_event DROP CONSTRAINT IF EXISTS work_substitution_event_kind_check",
    "DROP INDEX IF EXISTS work_substitution_status",
    "DROP INDEX IF EXISTS work_substitution_live",
    "ALTER TABLE work_substitution DROP CONSTRAINT IF EXISTS work_substitution_closed_check",
    "ALTER TABLE work_substitution DROP CONSTRAINT IF EXISTS work_substitution_taken_check",
    "ALTER TABLE work_substitution DROP CONSTRAINT IF EXISTS work_substitution_status_check",
    "ALTER TABLE work_assignment_event DROP CONSTRAINT IF EXISTS work_assignment_event_kind_check",
    f"ALTER TABLE work_assignment_event ADD CONSTRAINT work_assignment_event_kind_check CHECK (kind IN ({OLD_EVENT_KINDS}))",
    "DROP INDEX IF EXISTS work_assignment_substitution",
    "ALTER TABLE work_assignment DROP CONSTRAINT IF EXISTS work_assignment_substitute_check",
    "ALTER TABLE work_assignment DROP CONSTRAINT IF EXISTS work_assignment_status_check",
    f"ALTER TABLE work_assignment ADD CONSTRAINT work_assignment_status_check CHECK (status IN ({OLD_ASSIGNMENT_STATUSES}))",
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
