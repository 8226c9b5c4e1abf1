"""Indexes for the coop's week and "My work" at scale (bench/work_scale.py: 1,000 coops, 10 million hour rows):
hours by assignment and a coach's hours by day, both starting with coop_id like every other key of the work tables.
After 2026-11-23T05:43:00 (the security migration that made the other keys).

Until now those reads used Piccolo's one-column foreign key indexes (`work_hours_assignment_id`,
`work_hours_coach_id`): right on one machine, but on Citus an index that does not start with the distribution
column serves a shard poorly and a filter without it fans out. `work_hours_assignment` serves "is anything logged on
this job" (planned earnings, the earnings guard, the week's limits), `work_hours_coach_day` the coach's side of "my
hours" (`member_id = ANY(…) OR coach_id = …`, the worker's side already has `work_hours_worker_day`).

The indexes are made CONCURRENTLY (outside a transaction), so a live database keeps taking hours while they are
built (on the 10-million-row bench database: about half a minute each). The old one-column indexes stay: the
foreign keys of Piccolo's columns use them when a work order or assignment row is deleted or its key checked.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T08:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "work_hours: indexes (coop_id, assignment_id) and (coop_id, coach_id, day) for the week and My work"

FORWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS work_hours_assignment ON work_hours (coop_id, assignment_id)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS work_hours_coach_day ON work_hours (coop_id, coach_id, day) "
    "WHERE coach_id IS NOT NULL",
]

BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS work_hours_coach_day",
    "DROP INDEX CONCURRENTLY IF EXISTS work_hours_assignment",
]


async def forwards() -> MigrationManager:
    # CONCURRENTLY cannot run inside a transaction block; each statement is its own (IF NOT EXISTS: safe to rerun).
    manager = MigrationManager(migration_id=ID, app_name="work", description=DESCRIPTION, wrap_in_transaction=False)

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
