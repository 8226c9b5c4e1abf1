"""Tenant security for the refund rule, plan cancellation, share transfers and supporting-member fees."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T04:54:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "supporting_fee: forced RLS, UNIQUE (coop_id, id), composite reference; share_change counterpart; "
    "transfer as a payment source; refund rule and cancellation checks"
)

COOP = "nullif(current_setting('app.coop_id', true), '')::bigint"
MONTH_END = "extract(day FROM make_date(2001, year_end_month, 1) + interval '1 month - 1 day')::int"

FORWARD = [
    "ALTER TABLE supporting_fee ADD CONSTRAINT supporting_fee_coop_id_id UNIQUE (coop_id, id)",
    "ALTER TABLE supporting_fee ADD CONSTRAINT supporting_fee_member_id_same_coop FOREIGN KEY (coop_id, member_id) "
    "REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE supporting_fee ADD CONSTRAINT supporting_fee_amount_positive CHECK (amount_cents > 0)",
    "ALTER TABLE supporting_fee ADD CONSTRAINT supporting_fee_year_check CHECK (year BETWEEN 1900 AND 2100)",
    "CREATE INDEX supporting_fee_member_year ON supporting_fee (coop_id, member_id, year)",
    "ALTER TABLE supporting_fee ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE supporting_fee FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY tenant_isolation ON supporting_fee USING (coop_id = {COOP}) WITH CHECK (coop_id = {COOP})",
    # Insert-only, like the rest of the money ledger.
    "GRANT SELECT, INSERT ON supporting_fee TO osuus_runtime",
    # A transfer names the other member, in the same coop; only a transfer does.
    "ALTER TABLE share_change ADD CONSTRAINT share_change_counterpart_id_same_coop FOREIGN KEY "
    "(coop_id, counterpart_id) REFERENCES member (coop_id, id) ON DELETE RESTRICT ON UPDATE RESTRICT",
    "ALTER TABLE share_change ADD CONSTRAINT share_change_counterpart_check CHECK "
    "((reason = 'transferred') = (counterpart_id IS NOT NULL) AND counterpart_id IS DISTINCT FROM member_id)",
    "ALTER TABLE share_payment DROP CONSTRAINT share_payment_source_check",
    "ALTER TABLE share_payment ADD CONSTRAINT share_payment_source_check "
    "CHECK (source IN ('manual', 'bank', 'payroll', 'transfer'))",
    # The financial year ends on a day that every year has (no 29.2.); refunds fall due 0-60 months later.
    "ALTER TABLE share_policy ADD CONSTRAINT share_policy_refund_rule CHECK ("
    f"CASE WHEN year_end_month BETWEEN 1 AND 12 THEN year_end_day BETWEEN 1 AND {MONTH_END} ELSE false END "
    "AND refund_months BETWEEN 0 AND 60)",
    # Cancelling a plan writes its reason, day and who cancelled; nothing else of a plan changes.
    "GRANT UPDATE (cancel_reason, cancelled_on, cancelled_by) ON payment_plan TO osuus_runtime",
    "ALTER TABLE payment_plan ADD CONSTRAINT payment_plan_cancelled_check CHECK "
    "(status <> 'cancelled' OR (cancelled_on IS NOT NULL AND cancel_reason <> ''))",
]

BACKWARD = [
    "ALTER TABLE payment_plan DROP CONSTRAINT IF EXISTS payment_plan_cancelled_check",
    "REVOKE UPDATE (cancel_reason, cancelled_on, cancelled_by) ON payment_plan FROM osuus_runtime",
    "ALTER TABLE share_policy DROP CONSTRAINT IF EXISTS share_policy_refund_rule",
    "ALTER TABLE share_payment DROP CONSTRAINT IF EXISTS share_payment_source_check",
    "ALTER TABLE share_payment ADD CONSTRAINT share_payment_source_check "
    "CHECK (source IN ('manual', 'bank', 'payroll'))",
    "ALTER TABLE share_change DROP CONSTRAINT IF EXISTS share_change_counterpart_check",
    "ALTER TABLE share_change DROP CONSTRAINT IF EXISTS share_change_counterpart_id_same_coop",
    "REVOKE ALL ON supporting_fee FROM osuus_runtime",
    "DROP POLICY IF EXISTS tenant_isolation ON supporting_fee",
    "ALTER TABLE supporting_fee NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE supporting_fee DISABLE ROW LEVEL SECURITY",
    "DROP INDEX IF EXISTS supporting_fee_member_year",
    "ALTER TABLE supporting_fee DROP CONSTRAINT IF EXISTS supporting_fee_year_check",
    "ALTER TABLE supporting_fee DROP CONSTRAINT IF EXISTS supporting_fee_amount_positive",
    "ALTER TABLE supporting_fee DROP CONSTRAINT IF EXISTS supporting_fee_member_id_same_coop",
    "ALTER TABLE supporting_fee DROP CONSTRAINT IF EXISTS supporting_fee_coop_id_id",
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
