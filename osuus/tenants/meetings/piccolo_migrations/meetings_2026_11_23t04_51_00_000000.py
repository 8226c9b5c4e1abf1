"""Tenant security for meetings: forced RLS, keys that start with coop_id, composite references, checks."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T04:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "meeting_rules, meeting, agenda_item, attendance: forced RLS, UNIQUE (coop_id, id), composite references"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("meeting_rules", "meeting", "agenda_item", "attendance")
# A meeting is cancelled, never deleted (its notice went out); agenda items and attendance may be removed.
GRANTS = {
    "meeting_rules": "SELECT, INSERT, UPDATE",
    "meeting": "SELECT, INSERT, UPDATE",
    "agenda_item": "SELECT, INSERT, UPDATE, DELETE",
    "attendance": "SELECT, INSERT, UPDATE, DELETE",
}
REFS = (
    ("agenda_item", "meeting_id", "meeting"),
    ("agenda_item", "member_id", "member"),
    ("attendance", "meeting_id", "meeting"),
    ("attendance", "member_id", "member"),
    ("attendance", "proxy_holder_id", "member"),
)

FORWARD = [
    # `meeting` and `agenda_item` are referenced by Piccolo foreign keys (to their id), so primary keys stay (id).
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        f"REFERENCES {dst} (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c, dst in REFS
    ],
    "ALTER TABLE meeting_rules ADD CONSTRAINT meeting_rules_once UNIQUE (coop_id)",
    "ALTER TABLE meeting_rules ADD CONSTRAINT meeting_rules_values CHECK (general_notice_min_days >= 0 "
    "AND general_notice_max_days >= general_notice_min_days AND board_notice_min_days >= 0 "
    "AND max_proxies_per_person >= 0 AND general_quorum_members >= 0)",
    "ALTER TABLE meeting ADD CONSTRAINT meeting_kind_check CHECK (kind IN ('general', 'board'))",
    "ALTER TABLE meeting ADD CONSTRAINT meeting_status_check "
    "CHECK (status IN ('draft', 'noticed', 'held', 'closed', 'cancelled'))",
    "CREATE INDEX meeting_starts ON meeting (coop_id, starts_at)",
    "ALTER TABLE agenda_item ADD CONSTRAINT agenda_item_kind_check "
    "CHECK (kind IN ('ordinary', 'election', 'member_application', 'board_decision'))",
    "ALTER TABLE agenda_item ADD CONSTRAINT agenda_item_outcome_check "
    "CHECK (outcome IN ('', 'approved', 'rejected', 'noted'))",
    "ALTER TABLE agenda_item ADD CONSTRAINT agenda_item_applicant "
    "CHECK ((kind = 'member_application') = (member_id IS NOT NULL))",
    "CREATE INDEX agenda_item_meeting ON agenda_item (coop_id, meeting_id, position)",
    "ALTER TABLE attendance ADD CONSTRAINT attendance_mode_check CHECK (mode IN ('in_person', 'remote', 'proxy'))",
    "ALTER TABLE attendance ADD CONSTRAINT attendance_proxy_holder "
    "CHECK ((mode = 'proxy') = (proxy_holder_id IS NOT NULL) AND proxy_holder_id IS DISTINCT FROM member_id)",
    "ALTER TABLE attendance ADD CONSTRAINT attendance_once UNIQUE (coop_id, meeting_id, member_id)",
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
    "ALTER TABLE attendance DROP CONSTRAINT IF EXISTS attendance_once",
    "ALTER TABLE attendance DROP CONSTRAINT IF EXISTS attendance_proxy_holder",
    "ALTER TABLE attendance DROP CONSTRAINT IF EXISTS attendance_mode_check",
    "DROP INDEX IF EXISTS agenda_item_meeting",
    "ALTER TABLE agenda_item DROP CONSTRAINT IF EXISTS agenda_item_applicant",
    "ALTER TABLE agenda_item DROP CONSTRAINT IF EXISTS agenda_item_outcome_check",
    "ALTER TABLE agenda_item DROP CONSTRAINT IF EXISTS agenda_item_kind_check",
    "DROP INDEX IF EXISTS meeting_starts",
    "ALTER TABLE meeting DROP CONSTRAINT IF EXISTS meeting_status_check",
    "ALTER TABLE meeting DROP CONSTRAINT IF EXISTS meeting_kind_check",
    "ALTER TABLE meeting_rules DROP CONSTRAINT IF EXISTS meeting_rules_values",
    "ALTER TABLE meeting_rules DROP CONSTRAINT IF EXISTS meeting_rules_once",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_coop" for t, c, _ in reversed(REFS)],
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="meetings", description=DESCRIPTION)

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
