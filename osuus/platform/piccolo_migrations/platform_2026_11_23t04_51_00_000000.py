"""API tokens: grants to the runtime role and row-level security (a person sees and changes only their own tokens;
the token being checked is found by its hash, passed in app.invite_token by `public_unit(invite_token=…)`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T04:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "api tokens: grants, row-level security, checks"

USER = "nullif(current_setting('app.user_id', true), '')::bigint"
SCOPE = "coalesce(current_setting('app.scope', true), '')"
HASH = "nullif(current_setting('app.invite_token', true), '')"

FORWARD = [
    # No DELETE: a revoked token stays, so the audit trail and the list of tokens keep their history.
    "GRANT SELECT, INSERT, UPDATE (last_used_at, revoked_at) ON api_token TO osuus_runtime",
    "ALTER TABLE api_token ADD CONSTRAINT api_token_name_check CHECK (length(btrim(name)) > 0)",
    "ALTER TABLE api_token ADD CONSTRAINT api_token_expiry_check CHECK (expires_at > created_at)",
    "ALTER TABLE api_token ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE api_token FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY api_token_read ON api_token FOR SELECT USING (user_id = {USER} OR token_hash = {HASH} "
    f"OR {SCOPE} = 'operator')",
    f"CREATE POLICY api_token_insert ON api_token FOR INSERT WITH CHECK (user_id = {USER})",
    f"CREATE POLICY api_token_update ON api_token FOR UPDATE USING (user_id = {USER} OR token_hash = {HASH}) "
    f"WITH CHECK (user_id = {USER} OR token_hash = {HASH})",
]

BACKWARD = [
    "DROP POLICY IF EXISTS api_token_update ON api_token",
    "DROP POLICY IF EXISTS api_token_insert ON api_token",
    "DROP POLICY IF EXISTS api_token_read ON api_token",
    "ALTER TABLE api_token NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE api_token DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE api_token DROP CONSTRAINT IF EXISTS api_token_expiry_check",
    "ALTER TABLE api_token DROP CONSTRAINT IF EXISTS api_token_name_check",
    "REVOKE ALL ON api_token FROM osuus_runtime",
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
