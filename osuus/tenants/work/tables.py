"""Tenant tables of work: work orders with their lines and history, offers of work to people (assignments) with
their history, and hours.

Hours are versions: an entry is never changed once approved. A correction is a new row that names the row it
replaces (`supersedes_id`) and the first row of the chain (`chain_id`); only a row that no other row supersedes
counts. The security migration adds a trigger that refuses any change to an approved row.
"""

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    OnUpdate,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.reference.tables import Category
from osuus.platform.tables import TenantTable, user_ref
from osuus.tenants.catalogue.tables import CatalogueItem, OrderRequest
from osuus.tenants.customers.tables import customer_ref
from osuus.tenants.members.tables import member_ref

ORDER_STATUSES = ("requested", "accepted", "declined", "scheduled", "in_progress", "done", "invoiced", "cancelled")
ORDER_SOURCES = ("request", "staff", "organisation")
ORDER_EVENT_KINDS = ("created", "changed", *ORDER_STATUSES[1:])
ASSIGNMENT_ROLES = ("worker", "coach")
ASSIGNMENT_STATUSES = ("offered", "accepted", "declined", "withdrawn", "cancelled", "replaced")
ASSIGNMENT_EVENT_KINDS = (
    "offered", "accepted", "declined", "withdrawn", "cancelled", "joined", "warned", "cant_come", "replaced", "changed"
)  # fmt: skip
SUBSTITUTION_STATUSES = ("open", "waiting", "filled", "cancelled")
SUBSTITUTION_EVENT_KINDS = ("asked", "offered", "nobody", "taken", "approved", "refused", "filled", "cancelled")
WEEKDAYS = "1234567"  # ISO weekdays, Monday = 1
HOUR_STATUSES = ("running", "waiting", "approved", "returned")
HOUR_SOURCES = ("timer", "quick", "correction")


def _ref(table: type[TenantTable], column: str, null: bool = False) -> ForeignKey:  # type: ignore[type-arg]
    """A reference to a row of the same coop (the composite key is added in the security migration)."""
    return ForeignKey(
        references=table,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name=column,
    )


class WorkOrder(TenantTable, tablename="work_order"):
    """A job for a customer: from a storefront request, from the staff, or (later) from an organisation.

    The customer is a row of the customer register or, for a household that asked once, a name and contact typed
    in. The time is a day with an optional start and end (`starts_at`/`ends_at`, Helsinki time) or a free-text
    window ("aamupäivällä"). `status` moves along ORDER_STATUSES; every step is a `work_order_event` row.
    """

    title = Varchar(length=200)
    status = Varchar(length=20, default="requested")
    source = Varchar(length=20, default="staff")
    customer = customer_ref(null=True)
    customer_name = Varchar(length=200, default="")  # a customer that is not in the register
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=40, default="")
    request = _ref(OrderRequest, "request_id", null=True)
    place = Varchar(length=300, default="")
    day = Date(null=True, default=None, index=True)
    starts_at = Timestamptz(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    time_window = Varchar(length=100, default="")
    notes = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = user_ref(null=True, column="created_by")
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderLine(TenantTable, tablename="work_order_line"):
    """One item of an order. Name, unit, price (cents, without VAT), VAT class and the household tax credit are
    copied from the catalogue when the line is made: invoicing uses these, whatever the catalogue says later."""

    order = _ref(WorkOrder, "order_id")
    item = _ref(CatalogueItem, "item_id")
    name = Varchar(length=200)
    quantity = Numeric(digits=(10, 2))
    unit = Varchar(length=10)
    price_cents = Integer()
    vat_code = Varchar(length=40)
    household_credit = Boolean(default=False)
    labour_share = Integer(default=0)  # per cent of the price that is work (household tax credit)
    created_at = Timestamptz(default=TimestamptzNow())


class OrderEvent(TenantTable, tablename="work_order_event"):
    """The order's history: every status step (and change of details), when, by whom, with an optional note."""

    order = _ref(WorkOrder, "order_id")
    kind = Varchar(length=20)
    from_status = Varchar(length=20, default="")
    to_status = Varchar(length=20, default="")
    at = Timestamptz(default=TimestamptzNow())
    by = user_ref(null=True, column="by_id")
    note = Text(default="")


class Assignment(TenantTable, tablename="work_assignment"):
    """A job offered to a worker (a person of the member register) or joined by a job coach (an account).

    A worker's assignment starts `offered` and only the worker moves it to `accepted` or `declined`; the staff
    may withdraw an open offer, and accepted work ends `cancelled` when the order is cancelled. A coach's
    assignment starts `accepted` (the coach joins by themself). Coach time is logged on coach assignments and is
    never part of a worker's hours.
    """

    order = _ref(WorkOrder, "order_id")
    role = Varchar(length=10, default="worker")
    member = member_ref(null=True)
    coach = user_ref(null=True, column="coach_id")
    status = Varchar(length=20, default="offered")
    planned_day = Date()
    planned_minutes = Integer()
    note = Text(default="")  # the offer's message to the worker
    offered_by = user_ref(null=True, column="offered_by")
    created_at = Timestamptz(default=TimestamptzNow())
    answered_at = Timestamptz(null=True, default=None)
    # A substitute offer: the search it belongs to (the reference is added in the substitutes migration).
    substitution_id = BigInt(null=True, default=None)


class AssignmentEvent(TenantTable, tablename="work_assignment_event"):
    """What happened to an assignment: offered, accepted, declined, withdrawn, cancelled, joined, and `warned`
    (the earnings warning the worker saw before accepting, its text in `note`)."""

    assignment = _ref(Assignment, "assignment_id")
    kind = Varchar(length=20)
    at = Timestamptz(default=TimestamptzNow())
    by = user_ref(null=True, column="by_id")
    note = Text(default="")


class HourEntry(TenantTable, tablename="work_hours"):
    """One version of logged time on an assignment.

    `running`: the clock is on (no minutes yet; one per person). `waiting`: logged, waits for approval.
    `approved`: final, never changed again. `returned`: sent back with a note; the person corrects it.
    `member_id` (a worker's time) or `coach_id` (a coach's time) is copied from the assignment.
    """

    assignment = _ref(Assignment, "assignment_id")
    order = _ref(WorkOrder, "order_id")
    member = member_ref(null=True)
    coach = user_ref(null=True, column="coach_id")
    day = Date()
    started_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    minutes = Integer(null=True, default=None)
    source = Varchar(length=20)
    status = Varchar(length=20)
    note = Text(default="")
    supersedes_id = BigInt(null=True, default=None)  # the version this one replaces
    chain_id = BigInt(null=True, default=None)  # the first version (None on the first version itself)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = user_ref(null=True, column="created_by")
    approved_at = Timestamptz(null=True, default=None)
    approved_by = user_ref(null=True, column="approved_by")
    returned_at = Timestamptz(null=True, default=None)
    returned_by = user_ref(null=True, column="returned_by")
    return_note = Text(default="")


class Substitution(TenantTable, tablename="work_substitution"):
    """A search for a substitute: the worker of `assignment` said they cannot come.

    `open`: offers are out, the first to accept takes the job. `waiting`: someone took it and the coop wants a
    coach or the admin to approve (`taken` is their assignment). `filled`: the substitute has the job and the
    first worker's assignment is `replaced`. `cancelled`: the search was stopped (the worker can come after all,
    or the order was cancelled). The customer's order does not change. `needs_approval` is the coop's rule when
    the search started.
    """

    order = _ref(WorkOrder, "order_id")
    assignment = _ref(Assignment, "assignment_id")
    member = member_ref()
    status = Varchar(length=20, default="open")
    reason = Text(default="")
    needs_approval = Boolean(default=False)
    taken = _ref(Assignment, "taken_id", null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = user_ref(null=True, column="created_by")
    closed_at = Timestamptz(null=True, default=None)


class SubstitutionEvent(TenantTable, tablename="work_substitution_event"):
    """What happened in a search: asked, offered (to whom: `member`), nobody (no one could be offered the job),
    taken, approved, refused, filled, cancelled."""

    substitution = _ref(Substitution, "substitution_id")
    kind = Varchar(length=20)
    member = member_ref(null=True)
    at = Timestamptz(default=TimestamptzNow())
    by = user_ref(null=True, column="by_id")
    note = Text(default="")


class WorkerSkill(TenantTable, tablename="work_skill"):
    """A kind of work (a category of the shared taxonomy) the person can do: the substitute proposer offers a job
    only to people who have every category of the job's lines."""

    member = member_ref()
    category = ForeignKey(
        references=Category,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="category_id",
    )
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = user_ref(null=True, column="created_by")


class WorkerDays(TenantTable, tablename="work_days"):
    """The weekdays the person can work (`days` holds ISO weekday digits, "12345" = Monday to Friday). Without a
    row, any day."""

    member = member_ref()
    days = Varchar(length=7, default=WEEKDAYS)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = user_ref(null=True, column="updated_by")


class WorkRules(TenantTable, tablename="work_rules"):
    """The coop's rules for work: whether a coach or the admin approves a substitute before the job is theirs."""

    substitute_approval = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = user_ref(null=True, column="updated_by")
