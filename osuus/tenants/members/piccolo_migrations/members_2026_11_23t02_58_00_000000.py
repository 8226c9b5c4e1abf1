"""Tenant security for the member register: forced RLS, keys that start with coop_id, composite references."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T02:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "member, member_event, family_link: forced RLS, UNIQUE (coop_id, id), composite references"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("member", "member_event", "family_link")

FORWARD = [
    # `member` is referenced by Piccolo foreign keys (to its id), so its primary key stays (id); the composite
    # references below make a row of one coop unable to point at another coop's member.
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    "ALTER TABLE member_event ADD CONSTRAINT member_event_member_same_coop FOREIGN KEY (coop_id, member_id) "
    "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE family_link ADD CONSTRAINT family_link_member_same_coop FOREIGN KEY (coop_id, member_id) "
    "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE family_link ADD CONSTRAINT family_link_relative_same_coop FOREIGN KEY (coop_id, relative_id) "
    "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE member ADD CONSTRAINT member_class_check "
    "CHECK (member_class IN ('applicant', 'trial', 'member', 'supporting', 'employee'))",
    "ALTER TABLE member ADD CONSTRAINT member_status_check CHECK (status IN ('applied', 'active', 'left', 'rejected'))",
    "ALTER TABLE member ADD CONSTRAINT member_person_or_org CHECK (NOT (user_id IS NOT NULL AND organisation_id IS NOT NULL))",
    "ALTER TABLE family_link ADD CONSTRAINT family_link_not_self CHECK (member_id <> relative_id)",
    "ALTER TABLE family_link ADD CONSTRAINT family_link_once UNIQUE (coop_id, member_id, relative_id)",
    "CREATE UNIQUE INDEX member_user_once ON member (coop_id, user_id) WHERE user_id IS NOT NULL",
    "CREATE INDEX member_event_member ON member_event (coop_id, member_id, on_date)",
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
    "DROP INDEX IF EXISTS member_event_member",
    "DROP INDEX IF EXISTS member_user_once",
    "ALTER TABLE family_link DROP CONSTRAINT IF EXISTS family_link_once",
    "ALTER TABLE family_link DROP CONSTRAINT IF EXISTS family_link_not_self",
    "ALTER TABLE member DROP CONSTRAINT IF EXISTS member_person_or_org",
    "ALTER TABLE member DROP CONSTRAINT IF EXISTS member_status_check",
    "ALTER TABLE member DROP CONSTRAINT IF EXISTS member_class_check",
    "ALTER TABLE family_link DROP CONSTRAINT IF EXISTS family_link_relative_same_coop",
    "ALTER TABLE family_link DROP CONSTRAINT IF EXISTS family_link_member_same_coop",
    "ALTER TABLE member_event DROP CONSTRAINT IF EXISTS member_event_member_same_coop",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="members", description=DESCRIPTION)

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
