"""Tenant tables of the share register: the board's dated share fee, payment plans, payments and share changes.

Money is integer cents (BigInt). Holdings are not stored as a total: a member's shares are the sum of their
`ShareChange` rows (subscribed +n, refunded −n, transferred ±n), each with its value in cents (the share price of
its day × n; negative when shares leave), so the register can always say how it got to today's figures and what
the member's shares are worth, even after the board changes the price.
"""

from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, OnUpdate, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, user_ref
from osuus.tenants.members.tables import member_ref

PLAN_KINDS = ("lump_sum", "instalments", "wage_deduction")
PLAN_STATUSES = ("active", "paid", "cancelled")
PAYMENT_KINDS = ("payment", "refund")
# "transfer": paid share money that moved with shares from one member to another (a refund on one side, a payment
# on the other; the coop's cash does not change).
PAYMENT_SOURCES = ("manual", "bank", "payroll", "transfer")
CHANGE_REASONS = ("subscribed", "refunded", "transferred")


class SharePolicy(TenantTable, tablename="share_policy"):
    """The share fee as the board decided it. The policy in force on a day is the newest with valid_from <= day."""

    valid_from = Date()
    share_price_cents = BigInt()
    shares_required = Integer(default=1)
    supporting_fee_cents = BigInt(default=0)
    # The refund rule (Cooperatives Act: after the financial year in which membership ended, unless the rules say
    # otherwise): the financial year ends on year_end_day.year_end_month; refunds fall due refund_months later.
    year_end_day = Integer(default=31)
    year_end_month = Integer(default=12)
    refund_months = Integer(default=6)
    decided_by = Varchar(length=200)
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())


class PaymentPlan(TenantTable, tablename="payment_plan"):
    """How one member pays what they owe: at once, in instalments, or deducted from wages (one active plan each)."""

    member = member_ref()
    kind = Varchar(length=20)
    total_cents = BigInt()
    instalment_cents = BigInt(default=0)
    # Wage deduction only: the net pay left to the worker is never below this.
    protected_net_cents = BigInt(default=0)
    starts_on = Date()
    status = Varchar(length=20, default="active")
    created_by = user_ref(null=True, column="created_by")
    created_at = Timestamptz(default=TimestamptzNow())
    # Set when the board or admin cancels the plan (the payments made under it stay).
    cancel_reason = Text(default="")
    cancelled_on = Date(null=True, default=None)
    cancelled_by = user_ref(null=True, column="cancelled_by")


class SharePayment(TenantTable, tablename="share_payment"):
    """Money in (payment) or out (refund). The amount is always positive; the kind says the direction."""

    member = member_ref()
    # Composite reference (coop_id, plan_id) -> payment_plan (coop_id, id) is added in the RLS migration.
    plan = ForeignKey(
        references=PaymentPlan,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=True,
        index=True,
        db_column_name="plan_id",
    )
    amount_cents = BigInt()
    kind = Varchar(length=10)
    paid_on = Date()
    source = Varchar(length=10)
    reference = Varchar(length=200, default="")
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())


class ShareChange(TenantTable, tablename="share_change"):
    """A change in the shares a member holds and its value: what the member owes for them (negative when returned)."""

    member = member_ref()
    shares = Integer()
    value_cents = BigInt()
    on_date = Date()
    reason = Varchar(length=20)
    # A transfer: the other member, and who approved it (the board).
    counterpart = member_ref(column="counterpart_id", null=True)
    decided_by = Varchar(length=200, default="")
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())


class SupportingFee(TenantTable, tablename="supporting_fee"):
    """A supporting member's payment of the yearly supporting-member fee (several parts for one year are fine)."""

    member = member_ref()
    year = Integer()
    amount_cents = BigInt()
    paid_on = Date()
    note = Varchar(length=200, default="")
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())
