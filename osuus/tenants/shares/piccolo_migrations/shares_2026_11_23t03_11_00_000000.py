"""Tenant security for the share register: forced RLS, keys that start with coop_id, composite references."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T03:11:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "share_policy, payment_plan, share_payment, share_change: forced RLS, UNIQUE (coop_id, id), composite references"

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
TABLES = ("share_policy", "payment_plan", "share_payment", "share_change")
# The money ledger is insert-only for the app: a mistake is put right with a new row, never by changing history.
# Only a plan's status changes (active -> paid or cancelled).
GRANTS = {
    "share_policy": "SELECT, INSERT",
    "payment_plan": "SELECT, INSERT, UPDATE (status)",
    "share_payment": "SELECT, INSERT",
    "share_change": "SELECT, INSERT",
}
MEMBER_REFS = (
    ("payment_plan", "member_id"),
    ("share_payment", "member_id"),
    ("share_change", "member_id"),
)

FORWARD = [
    # `payment_plan` is referenced by a Piccolo foreign key (to its id), so primary keys stay (id).
    *[f"ALTER TABLE {t} ADD CONSTRAINT {t}_coop_id_id UNIQUE (coop_id, id)" for t in TABLES],
    *[
        f"ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_same_coop FOREIGN KEY (coop_id, {c}) "
        "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT"
        for t, c in MEMBER_REFS
    ],
    "ALTER TABLE share_payment ADD CONSTRAINT share_payment_plan_id_same_coop FOREIGN KEY (coop_id, plan_id) "
    "REFERENCES payment_plan (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE share_policy ADD CONSTRAINT share_policy_once_a_day UNIQUE (coop_id, valid_from)",
    "ALTER TABLE share_policy ADD CONSTRAINT share_policy_amounts CHECK "
    "(share_price_cents > 0 AND shares_required >= 1 AND supporting_fee_cents >= 0)",
    "ALTER TABLE payment_plan ADD CONSTRAINT payment_plan_kind_check "
    "CHECK (kind IN ('lump_sum', 'instalments', 'wage_deduction'))",
    "ALTER TABLE payment_plan ADD CONSTRAINT payment_plan_status_check CHECK (status IN ('active', 'paid', 'cancelled'))",
    "ALTER TABLE payment_plan ADD CONSTRAINT payment_plan_amounts CHECK "
    "(total_cents > 0 AND instalment_cents >= 0 AND protected_net_cents >= 0)",
    "CREATE UNIQUE INDEX payment_plan_one_active ON payment_plan (coop_id, member_id) WHERE status = 'active'",
    "ALTER TABLE share_payment ADD CONSTRAINT share_payment_amount_positive CHECK (amount_cents > 0)",
    "ALTER TABLE share_payment ADD CONSTRAINT share_payment_kind_check CHECK (kind IN ('payment', 'refund'))",
    "ALTER TABLE share_payment ADD CONSTRAINT share_payment_source_check CHECK (source IN ('manual', 'bank', 'payroll'))",
    "CREATE INDEX share_payment_member ON share_payment (coop_id, member_id, paid_on)",
    "ALTER TABLE share_change ADD CONSTRAINT share_change_shares_not_zero "
    "CHECK (shares <> 0 AND sign(value_cents) IN (0, sign(shares)))",
    "ALTER TABLE share_change ADD CONSTRAINT share_change_reason_check "
    "CHECK (reason IN ('subscribed', 'refunded', 'transferred'))",
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
    "ALTER TABLE share_change DROP CONSTRAINT IF EXISTS share_change_reason_check",
    "ALTER TABLE share_change DROP CONSTRAINT IF EXISTS share_change_shares_not_zero",
    "DROP INDEX IF EXISTS share_payment_member",
    "ALTER TABLE share_payment DROP CONSTRAINT IF EXISTS share_payment_source_check",
    "ALTER TABLE share_payment DROP CONSTRAINT IF EXISTS share_payment_kind_check",
    "ALTER TABLE share_payment DROP CONSTRAINT IF EXISTS share_payment_amount_positive",
    "DROP INDEX IF EXISTS payment_plan_one_active",
    "ALTER TABLE payment_plan DROP CONSTRAINT IF EXISTS payment_plan_amounts",
    "ALTER TABLE payment_plan DROP CONSTRAINT IF EXISTS payment_plan_status_check",
    "ALTER TABLE payment_plan DROP CONSTRAINT IF EXISTS payment_plan_kind_check",
    "ALTER TABLE share_policy DROP CONSTRAINT IF EXISTS share_policy_amounts",
    "ALTER TABLE share_policy DROP CONSTRAINT IF EXISTS share_policy_once_a_day",
    "ALTER TABLE share_payment DROP CONSTRAINT IF EXISTS share_payment_plan_id_same_coop",
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_{c}_same_coop" for t, c in reversed(MEMBER_REFS)],
    *[f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {t}_coop_id_id" for t in reversed(TABLES)],
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="shares", description=DESCRIPTION)

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
