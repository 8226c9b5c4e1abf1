"""Tenant security for board seats and targets: forced RLS, keys that start with coop_id, composite reference."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T02:58:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "board_seat, board_target: forced RLS, UNIQUE (coop_id, id), composite board_seat -> member"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("board_seat", "board_target")

FORWARD = [
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    "ALTER TABLE board_seat ADD CONSTRAINT board_seat_member_same_coop FOREIGN KEY (coop_id, member_id) "
    "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE board_seat ADD CONSTRAINT board_seat_role_check "
    "CHECK (role IN ('chair', 'vice_chair', 'member', 'deputy', 'managing_director'))",
    "ALTER TABLE board_seat ADD CONSTRAINT board_seat_kind_check CHECK (kind IN ('partial_work_ability', "
    "'job_coach', 'unit_director', 'relative', 'business_mentor', 'other'))",
    "ALTER TABLE board_seat ADD CONSTRAINT board_seat_term CHECK (term_end IS NULL OR term_end >= term_start)",
    "ALTER TABLE board_target ADD CONSTRAINT board_target_once UNIQUE (coop_id, kind)",
    "ALTER TABLE board_target ADD CONSTRAINT board_target_seats CHECK (seats >= 0 AND seats <= 20)",
    *[s for t in TABLES for s in (
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {t} USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO osuus_runtime",
    )],
]

BACKWARD = [
    *[s for t in TABLES for s in (
        f"REVOKE ALL ON {t} FROM osuus_runtime",
        f"DROP POLICY IF EXISTS tenant_isolation ON {t}",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
    )],
    "ALTER TABLE board_target DROP CONSTRAINT IF EXISTS board_target_seats",
    "ALTER TABLE board_target DROP CONSTRAINT IF EXISTS board_target_once",
    "ALTER TABLE board_seat DROP CONSTRAINT IF EXISTS board_seat_term",
    "ALTER TABLE board_seat DROP CONSTRAINT IF EXISTS board_seat_kind_check",
    "ALTER TABLE board_seat DROP CONSTRAINT IF EXISTS board_seat_role_check",
    "ALTER TABLE board_seat DROP CONSTRAINT IF EXISTS board_seat_member_same_coop",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="governance", description=DESCRIPTION)

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
