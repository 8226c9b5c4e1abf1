"""Tenant tables of employment: contracts with dated terms, benefit profiles (encrypted), coaches, other pay.

Everything here is insert-only for the app except a worker's coaches (added and removed): a contract's terms are
changed by an amendment row (`ContractTerms` with a later `valid_from`), a benefit profile by a newer dated row, and
other pay by a correcting row. So the history always says what was in force on a day and who recorded it.
"""

from piccolo.columns import BigInt, Bytea, Date, ForeignKey, Integer, OnDelete, OnUpdate, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, user_ref
from osuus.tenants.members.tables import member_ref

CONTRACT_KINDS = ("indefinite", "fixed_term")
END_REASONS = ("fixed_term_ended", "resigned", "agreement", "other")
BENEFIT_KINDS = ("none", "disability_pension", "unemployment", "other")


class EmploymentContract(TenantTable, tablename="employment_contract"):
    """An employment contract of one worker (a member register row). A fixed-term contract has an end date."""

    member = member_ref()
    kind = Varchar(length=20)
    starts_on = Date()
    ends_on = Date(null=True, default=None)
    job_title = Varchar(length=200, default="")
    created_by = user_ref(null=True, column="created_by")
    created_at = Timestamptz(default=TimestamptzNow())


class ContractEnding(TenantTable, tablename="contract_ending"):
    """The contract was ended: its last day (before a fixed term's planned end, or of a contract until further
    notice), why, who recorded it and when. At most one per contract; the contract row keeps its planned end."""

    # Composite reference (coop_id, contract_id) -> employment_contract (coop_id, id) in the security migration.
    contract = ForeignKey(
        references=EmploymentContract,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="contract_id",
    )
    last_day = Date()
    reason = Varchar(length=20)
    reason_text = Text(default="")  # what "other" means; empty for the other reasons
    ended_by = user_ref(null=True, column="ended_by")
    created_at = Timestamptz(default=TimestamptzNow())


class ContractTerms(TenantTable, tablename="contract_terms"):
    """The terms of a contract from a day on: the first row starts with the contract, amendments follow.

    The terms in force on a day are the row with the newest `valid_from` on or before the day (the newest row of
    that day when a mistake was put right the same day).
    """

    # Composite reference (coop_id, contract_id) -> employment_contract (coop_id, id) in the security migration.
    contract = ForeignKey(
        references=EmploymentContract,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="contract_id",
    )
    valid_from = Date()
    weekly_minutes = Integer(default=0)  # 0: on-call work (hours as agreed each time)
    hourly_wage_cents = BigInt()
    collective_agreement = Varchar(length=200, default="")
    # Wage subsidy (palkkatuki) granted by the employment area: per cent of pay costs and its period; none: null.
    subsidy_percent = Integer(null=True, default=None)
    subsidy_from = Date(null=True, default=None)
    subsidy_until = Date(null=True, default=None)
    note = Text(default="")  # what an amendment changes and why
    created_by = user_ref(null=True, column="created_by")
    created_at = Timestamptz(default=TimestamptzNow())


class BenefitProfile(TenantTable, tablename="benefit_profile"):
    """A worker's benefit and monthly earnings limit from a day on: special-category data, encrypted.

    `sealed` is one AES-GCM blob of {"kind": …, "limit_cents": …} (osuus/platform/crypto.py) bound to the coop and
    the member; `key_id` names the key that sealed it. Only `valid_from` is in the clear.
    """

    member = member_ref()
    valid_from = Date()
    key_id = Varchar(length=20)
    sealed = Bytea()
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())


class WorkerCoach(TenantTable, tablename="worker_coach"):
    """A job coach who supports this worker: sees the worker's benefit profile and is told about the earnings guard."""

    member = member_ref()
    coach = user_ref(column="coach_id")
    added_by = user_ref(null=True, column="added_by")
    created_at = Timestamptz(default=TimestamptzNow())


class OtherPay(TenantTable, tablename="other_pay"):
    """Pay that is not from hours (a bonus, a supplement): counts in the month of `on_date`. A negative row corrects."""

    member = member_ref()
    on_date = Date()
    amount_cents = BigInt()
    note = Varchar(length=200, default="")
    recorded_by = user_ref(null=True, column="recorded_by")
    created_at = Timestamptz(default=TimestamptzNow())
