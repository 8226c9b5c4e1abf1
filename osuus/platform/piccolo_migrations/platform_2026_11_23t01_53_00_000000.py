"""Row-level security, grants and constraints for the shared tables (raw SQL; runs after the tables exist).

Session settings the policies read (all set with SET LOCAL by osuus.platform.tenancy):
app.coop_id, app.org_id, app.user_id, app.scope ('operator' or 'relay'), app.invite_token.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T01:53:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "shared tables: grants to the runtime role, RLS on rows that name a coop, checks"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
ORG = "nullif(current_setting('app.org_id', true), '')::bigint"
USER = "nullif(current_setting('app.user_id', true), '')::bigint"
SCOPE = "coalesce(current_setting('app.scope', true), '')"
TOKEN = "nullif(current_setting('app.invite_token', true), '')"

FORWARD = [
    # What the app (runtime role) may do with each shared table; nothing else. No DELETE on registries.
    "GRANT SELECT, INSERT, UPDATE (slug, name) ON region TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE (slug, name, business_id, region_id, status) ON coop TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE (email, password_hash, name, language, email_verified_at, is_active) "
    "ON app_user TO osuus_runtime",
    "GRANT SELECT, INSERT, DELETE, UPDATE (role) ON coop_role TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE (slug, name, kind, business_id) ON organisation TO osuus_runtime",
    "GRANT SELECT, INSERT, DELETE ON organisation_region TO osuus_runtime",
    "GRANT SELECT, INSERT, DELETE, UPDATE (role) ON organisation_role TO osuus_runtime",
    "GRANT SELECT ON platform_operator TO osuus_runtime",
    "GRANT SELECT, INSERT, DELETE ON region_coordinator TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE (accepted_at) ON invitation TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE (used_at) ON email_token TO osuus_runtime",
    "GRANT SELECT, INSERT ON audit_log TO osuus_runtime",
    "GRANT SELECT, INSERT, UPDATE (sent_at, done_at, payload) ON outbox TO osuus_runtime",
    # Domain checks.
    "ALTER TABLE coop ADD CONSTRAINT coop_status_check "
    "CHECK (status IN ('draft', 'pending', 'active', 'suspended', 'closed'))",
    "ALTER TABLE coop_role ADD CONSTRAINT coop_role_role_check CHECK (role IN ('admin', 'board', 'coach', 'member'))",
    "ALTER TABLE coop_role ADD CONSTRAINT coop_role_unique UNIQUE (coop_id, user_id, role)",
    "ALTER TABLE organisation ADD CONSTRAINT organisation_kind_check CHECK (kind IN ('municipality', "
    "'wellbeing_county', 'employment_area', 'parish', 'association', 'enterprise_agency', 'company'))",
    "ALTER TABLE organisation_role ADD CONSTRAINT organisation_role_unique UNIQUE (organisation_id, user_id, role)",
    "ALTER TABLE organisation_region ADD CONSTRAINT organisation_region_unique UNIQUE (organisation_id, region_id)",
    "ALTER TABLE platform_operator ADD CONSTRAINT platform_operator_unique UNIQUE (user_id)",
    "ALTER TABLE region_coordinator ADD CONSTRAINT region_coordinator_unique UNIQUE (user_id, region_id)",
    "ALTER TABLE invitation ADD CONSTRAINT invitation_target_check "
    "CHECK ((coop_id IS NULL) <> (organisation_id IS NULL))",
    "ALTER TABLE email_token ADD CONSTRAINT email_token_purpose_check CHECK (purpose IN ('verify', 'reset'))",
    "CREATE UNIQUE INDEX app_user_email_lower ON app_user (lower(email))",
    "CREATE INDEX outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL",
    # coop_role: a coop sees its own roles, a person sees their own across coops, operators see all.
    "ALTER TABLE coop_role ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE coop_role FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY coop_role_read ON coop_role FOR SELECT USING (coop_id = {COOP} OR user_id = {USER} "
    f"OR {SCOPE} = 'operator')",
    f"CREATE POLICY coop_role_write ON coop_role FOR ALL USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    # invitation: by coop or organisation context, by the token being accepted, or by an operator.
    "ALTER TABLE invitation ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE invitation FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY invitation_read ON invitation FOR SELECT USING (coop_id = {COOP} OR organisation_id = {ORG} "
    f"OR token_hash = {TOKEN} OR {SCOPE} = 'operator')",
    f"CREATE POLICY invitation_write ON invitation FOR ALL USING (coop_id = {COOP} OR organisation_id = {ORG} "
    f"OR {SCOPE} = 'operator') WITH CHECK (coop_id = {COOP} OR organisation_id = {ORG} OR {SCOPE} = 'operator')",
    # audit_log: insert-only for the app; rows of a coop are read in that coop, all rows by operators.
    "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE audit_log FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY audit_log_insert ON audit_log FOR INSERT WITH CHECK (coop_id IS NULL OR coop_id = {COOP} "
    f"OR {SCOPE} = 'operator')",
    f"CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (coop_id = {COOP} OR {SCOPE} = 'operator')",
    # outbox: written in the business transaction; the relay (scope 'relay') reads and marks every row.
    "ALTER TABLE outbox ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE outbox FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY outbox_insert ON outbox FOR INSERT WITH CHECK (coop_id IS NULL OR coop_id = {COOP} "
    f"OR {SCOPE} = 'operator')",
    f"CREATE POLICY outbox_read ON outbox FOR SELECT USING ({SCOPE} = 'relay' OR coop_id = {COOP} "
    f"OR (coop_id IS NULL AND {COOP} IS NULL) OR {SCOPE} = 'operator')",
    f"CREATE POLICY outbox_relay ON outbox FOR UPDATE USING ({SCOPE} = 'relay') WITH CHECK ({SCOPE} = 'relay')",
]

BACKWARD = [
    "DROP POLICY IF EXISTS outbox_relay ON outbox",
    "DROP POLICY IF EXISTS outbox_read ON outbox",
    "DROP POLICY IF EXISTS outbox_insert ON outbox",
    "ALTER TABLE outbox NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE outbox DISABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS audit_log_read ON audit_log",
    "DROP POLICY IF EXISTS audit_log_insert ON audit_log",
    "ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS invitation_write ON invitation",
    "DROP POLICY IF EXISTS invitation_read ON invitation",
    "ALTER TABLE invitation NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE invitation DISABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS coop_role_write ON coop_role",
    "DROP POLICY IF EXISTS coop_role_read ON coop_role",
    "ALTER TABLE coop_role NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE coop_role DISABLE ROW LEVEL SECURITY",
    "DROP INDEX IF EXISTS outbox_unsent",
    "DROP INDEX IF EXISTS app_user_email_lower",
    "ALTER TABLE email_token DROP CONSTRAINT IF EXISTS email_token_purpose_check",
    "ALTER TABLE invitation DROP CONSTRAINT IF EXISTS invitation_target_check",
    "ALTER TABLE region_coordinator DROP CONSTRAINT IF EXISTS region_coordinator_unique",
    "ALTER TABLE platform_operator DROP CONSTRAINT IF EXISTS platform_operator_unique",
    "ALTER TABLE organisation_region DROP CONSTRAINT IF EXISTS organisation_region_unique",
    "ALTER TABLE organisation_role DROP CONSTRAINT IF EXISTS organisation_role_unique",
    "ALTER TABLE organisation DROP CONSTRAINT IF EXISTS organisation_kind_check",
    "ALTER TABLE coop_role DROP CONSTRAINT IF EXISTS coop_role_unique",
    "ALTER TABLE coop_role DROP CONSTRAINT IF EXISTS coop_role_role_check",
    "ALTER TABLE coop DROP CONSTRAINT IF EXISTS coop_status_check",
    "REVOKE ALL ON region, coop, app_user, coop_role, organisation, organisation_region, organisation_role, "
    "platform_operator, region_coordinator, invitation, email_token, audit_log, outbox FROM osuus_runtime",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="platform", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        for statement in FORWARD:  # one statement per call: prepared statements take one command
            await engine.run_ddl(statement)

    async def run_backwards() -> None:
        engine = engine_finder()
        for statement in BACKWARD:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
