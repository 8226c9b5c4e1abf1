"""Assignment events of the kind `changed` (e.g. the order moved to another day and the planned work with it).

The check lists every kind of osuus/tenants/work/tables.py ASSIGNMENT_EVENT_KINDS (written out here: a migration
never imports app code), so it holds whether or not an earlier migration already allowed the substitutes' kinds."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T08:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "work_assignment_event: the kind 'changed' (planned work follows the order to its new day)"

OLD_KINDS = "'offered', 'accepted', 'declined', 'withdrawn', 'cancelled', 'joined', 'warned'"
NEW_KINDS = OLD_KINDS + ", 'cant_come', 'replaced', 'changed'"
CONSTRAINT = "work_assignment_event_kind_check"

FORWARD = [
    f"ALTER TABLE work_assignment_event DROP CONSTRAINT IF EXISTS {CONSTRAINT}",
    f"ALTER TABLE work_assignment_event ADD CONSTRAINT {CONSTRAINT} CHECK (kind IN ({NEW_KINDS}))",
]
# Backwards refuses while newer kinds of events exist (the old check would not hold): history is not deleted for it.
BACKWARD = [
    f"ALTER TABLE work_assignment_event DROP CONSTRAINT {CONSTRAINT}",
    f"ALTER TABLE work_assignment_event ADD CONSTRAINT {CONSTRAINT} CHECK (kind IN ({OLD_KINDS}))",
]


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
