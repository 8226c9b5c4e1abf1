"""Work orders, offers of work to people (assignments), and what other contexts read of them.

An order moves requested → accepted/declined → scheduled → in_progress → done → invoiced, or cancelled; every step
is a dated `work_order_event` with who did it. A wrong step is refused (`NotPossible`) and nothing is written.
Work is offered to people of the member register; only the person themself accepts or declines (members decide
their own amount of work). A job coach can join a job; coach time is logged on the coach's own assignment.

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop. Other contexts call the
`*_in_unit` functions inside their own open unit (employment and payroll: `hours_for_worker_in_unit`,
`planned_for_worker_in_unit`; invoicing: `order_in_unit`, `approved_minutes_in_unit`, `mark_invoiced_in_unit`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException

from osuus.platform import audit, dates
from osuus.platform.accounts.service import email_problem, normal_email
from osuus.platform.context import CoopContext
from osuus.platform.dates import HELSINKI, format_date, read_date, today
from osuus.platform.http import Form, parse_id
from osuus.platform.i18n import N_, get_language
from osuus.platform.mailer import send_mail
from osuus.platform.numbers import read_quantity
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id, lock_row
from osuus.tenants.catalogue import storefront
from osuus.tenants.catalogue.service import ItemView, items_in_unit
from osuus.tenants.customers.service import CustomerView, customers_in_unit
from osuus.tenants.work.tables import (
    ORDER_STATUSES,
    Assignment,
    AssignmentEvent,
    OrderEvent,
    OrderLine,
    Substitution,
    WorkOrder,
)

MANAGERS = ("admin", "board", "coach")  # see and run orders, offer work
INVOICERS = ("admin", "board")  # mark an order invoiced (invoicing will do it by itself later)
COACHES = ("coach",)  # join a job
EDITABLE = ("requested", "accepted", "scheduled")  # the order's details and lines can change
OFFERABLE = ("accepted", "scheduled", "in_progress")  # work can be offered and joined
LOGGABLE = ("accepted", "scheduled", "in_progress", "done")  # hours can be logged
LIVE = ("offered", "accepted")
CLOSED = ("declined", "invoiced", "cancelled")  # nothing more happens to the order
YES = frozenset({"yes", "on", "true"})
TITLE_MAX, PLACE_MAX, WINDOW_MAX, NOTES_MAX, NOTE_MAX = 200, 300, 100, 4000, 1000
PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CLOCK = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
EMPLOYMENT = "osuus.tenants.employment.service"
STARTED_BY_LOGGING = N_("Started when time was logged.")
ORDER_CANCELLED = N_("The order was cancelled.")
# The event says the earnings warning was shown, not what it said: its amounts and the limit are benefit data,
# which only the employment context keeps (sealed, every read logged).
WARNED = N_("The earnings warning was shown before the person took the job.")
# Substitutes (osuus.tenants.work.substitutes): why an offer was taken back or a substitute's job cancelled.
SOMEONE_TOOK = N_("Someone else took the job first.")
SEARCH_STOPPED = N_("The substitute is not needed any more.")
NOT_APPROVED = N_("The coach did not approve the change.")
SYSTEM_NOTES = frozenset(
    {STARTED_BY_LOGGING, ORDER_CANCELLED, WARNED, SOMEONE_TOOK, SEARCH_STOPPED, NOT_APPROVED}
)  # notes written by Osuus (translated when shown)
NOT_EDITABLE = N_("The work has already started, so the order cannot change any more.")


class NotPossible(Exception):
    """This step does not fit the state of the order, offer or hours now. `message` is a message id; nothing was
    written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- small readers of what people type ------------------------------------------------------------------------


def read_clock(form: Form, name: str, empty: str | None = None) -> dt.time | None:
    """A time of day as people in Finland write it: 8.30, 8:30, 08.30 or 8. None (with the message next to the
    field) when it cannot be read; None without a message when it is empty and `empty` is not given."""
    text = _SPACES.sub("", form.get(name))
    if not text:
        if empty:
            form.error(name, empty)
        return None
    match = _CLOCK.match(text)
    hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        form.error(name, N_("Write the time as hours and minutes, for example 8.30"))
        return None
    return dt.time(hour, minute)


def format_clock(value: dt.time | None) -> str:
    """How a form writes a time back: 8.30 (what read_clock reads)."""
    return f"{value.hour}.{value.minute:02d}" if value is not None else ""


def read_duration(form: Form, hours_field: str, minutes_field: str) -> int | None:
    """Hours and minutes in two fields (either may be empty; minutes may be over 59). None: both empty, or a
    message is next to a field. The total must be 1 minute to 24 hours."""
    texts = {name: _SPACES.sub("", form.get(name)) for name in (hours_field, minutes_field)}
    if not any(texts.values()):
        return None
    total = 0
    for name, factor, message in (
        (hours_field, 60, N_("Write the hours as a whole number, for example 2")),
        (minutes_field, 1, N_("Write the minutes as a whole number, for example 30")),
    ):
        text = texts[name]
        if not text:
            continue
        if not text.isascii() or not text.isdigit() or len(text) > 5:
            form.error(name, message)
            return None
        total += int(text) * factor
    if total == 0:
        form.error(hours_field if texts[hours_field] else minutes_field, N_("The time must be more than 0 minutes"))
        return None
    if total > 24 * 60:
        form.error(hours_field if texts[hours_field] else minutes_field, N_("The time must be 24 hours or less"))
        return None
    return total


def split_minutes(minutes: int | None) -> tuple[str, str]:
    """Minutes as the two fields of a form: 150 -> ("2", "30")."""
    if not minutes:
        return "", ""
    hours, rest = divmod(minutes, 60)
    return (str(hours) if hours else "", str(rest) if rest else "")


def _local(value: dt.datetime | None) -> dt.time | None:
    return value.astimezone(HELSINKI).time() if value is not None else None


def _at(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=HELSINKI)


def _require_unit(coop_id: int, name: str) -> None:
    if current_coop_id() != coop_id:
        raise TenancyError(f"{name} needs the open unit of the same coop")


# --- what the pages get ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    id: int
    item_id: int
    name: str
    quantity: Decimal
    unit: str
    price_cents: int  # without VAT, copied from the catalogue when the line was made
    vat_code: str
    household_credit: bool
    labour_share: int

    @property
    def total_cents(self) -> int:
        """Quantity × price without VAT, rounded half up to the cent."""
        return int((self.quantity * self.price_cents).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class OrderView:
    id: int
    title: str
    status: str
    source: str
    customer_id: int | None
    customer: str  # the register's name, or the name typed in
    contact_email: str
    contact_phone: str
    request_id: int | None
    place: str
    day: dt.date | None
    start: dt.time | None  # Helsinki time
    end: dt.time | None
    time_window: str
    notes: str
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    lines: tuple[LineView, ...] = ()

    @property
    def window_minutes(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)


@dataclass(frozen=True)
class EventView:
    kind: str
    from_status: str
    to_status: str
    at: dt.datetime
    by: str
    note: str

    @property
    def system_note(self) -> bool:
        """The note is a message of Osuus (a message id), not words a person wrote."""
        return self.note in SYSTEM_NOTES


@dataclass(frozen=True)
class AssignmentView:
    id: int
    order_id: int
    role: str  # worker | coach
    member_id: int | None
    coach_id: int | None
    person: str  # the worker's name in the register, or the coach's name
    person_user_id: int | None
    status: str
    planned_day: dt.date
    planned_minutes: int
    note: str
    offered_by: str
    created_at: dt.datetime
    answered_at: dt.datetime | None
    # the job, as the worker sees it
    title: str
    order_status: str
    customer: str
    place: str
    day: dt.date | None
    start: dt.time | None
    end: dt.time | None
    time_window: str
    notes: str
    substitution_id: int | None = None  # a substitute's offer: the search it belongs to
    substitution_status: str = ""  # that search's status (open | waiting | filled | cancelled)
    wanted_search_id: int | None = None  # the person said they cannot come: the search for a substitute

    @property
    def substitute_wanted(self) -> bool:
        return self.wanted_search_id is not None

    @property
    def can_give_up(self) -> bool:
        """The worker can still say "I can't come" (a substitute is then looked for)."""
        return (
            self.role == "worker"
            and self.status == "accepted"
            and not self.substitute_wanted
            and not self.waits_for_approval
            and self.order_status in OFFERABLE
            and self.planned_day >= today()
        )

    @property
    def waits_for_approval(self) -> bool:
        """A substitute took this job and a coach or the admin has not approved it yet."""
        return self.status == "accepted" and self.substitution_status == "waiting"

    @property
    def can_log(self) -> bool:
        return self.status == "accepted" and self.order_status in LOGGABLE


@dataclass(frozen=True)
class Step:
    """A step of an order's status: its address word, the status it leads to, from where, and who may take it."""

    name: str
    to: str
    from_: tuple[str, ...]
    roles: tuple[str, ...]
    button: str  # message ids
    question: str
    explanation: str
    warning: bool = False


STEPS = (
    Step(
        "accept", "accepted", ("requested",), MANAGERS, N_("Accept the order"), N_("Accept this order?"),
        N_("The cooperative takes the job. Then you can offer the work to people."),
    ),
    Step(
        "decline", "declined", ("requested",), MANAGERS, N_("Decline the order"), N_("Decline this order?"),
        N_("The cooperative does not take the job. You cannot undo this."), warning=True,
    ),
    Step(
        "schedule", "scheduled", ("accepted",), MANAGERS, N_("Mark as scheduled"), N_("Is the time of the job fixed?"),
        N_("The day of the job is agreed with the customer."),
    ),
    Step(
        "start", "in_progress", ("scheduled",), MANAGERS, N_("Mark as started"), N_("Has the work started?"),
        N_("The work is going on now. When someone starts the clock, this happens by itself."),
    ),
    Step(
        "done", "done", ("in_progress",), MANAGERS, N_("Mark as done"), N_("Is the job done?"),
        N_("The work is finished. People can still log their hours for it."),
    ),
    Step(
        "invoiced", "invoiced", ("done",), INVOICERS, N_("Mark as invoiced"), N_("Has the customer been invoiced?"),
        N_("The invoice for this job has been sent. Nobody can log hours for it any more."),
    ),
    Step(
        "cancel", "cancelled", ("requested", "accepted", "scheduled"), MANAGERS, N_("Cancel the order"),
        N_("Cancel this order?"),
        N_("The job will not be done. Open offers are taken back and people who took the job are told it is off. "
           "You cannot undo this."),
        warning=True,
    ),
)  # fmt: skip
STEP_BY_NAME = {s.name: s for s in STEPS}


def step(name: str) -> Step:
    found = STEP_BY_NAME.get(name)
    if found is None:
        raise NotFoundException()
    return found


def steps_for(ctx: CoopContext, order: OrderView) -> list[Step]:
    """The steps this person can take with the order now."""
    return [s for s in STEPS if order.status in s.from_ and ctx.has(*s.roles)]


@dataclass(frozen=True)
class OrderPage:
    order: OrderView
    events: list[EventView]
    assignments: list[AssignmentView]
    assignment_events: dict[int, list[AssignmentEventView]]  # assignment id -> its history, oldest first
    steps: list[Step]
    approved_minutes: int
    waiting_minutes: int
    can_edit: bool
    can_offer: bool
    can_join: bool


@dataclass(frozen=True)
class WeekChoice:
    value: str  # 2026-W48
    monday: dt.date
    sunday: dt.date
    number: int


@dataclass(frozen=True)
class OrderList:
    orders: list[OrderView]
    status: str
    week: str
    counts: dict[str, int]
    weeks: list[WeekChoice]


# --- reading orders --------------------------------------------------------------------------------------------

_ORDER_SQL = """SELECT o.id, o.title, o.status, o.source, o.customer_id, coalesce(c.name, o.customer_name) AS customer,
  o.contact_email, o.contact_phone, o.request_id, o.place, o.day, o.starts_at, o.ends_at, o.time_window, o.notes,
  o.created_at, coalesce(u.name, '') AS created_by, o.updated_at
FROM work_order o
LEFT JOIN customer c ON c.coop_id = o.coop_id AND c.id = o.customer_id
LEFT JOIN app_user u ON u.id = o.created_by
WHERE o.coop_id = {}"""


def _order(row: dict[str, Any], lines: tuple[LineView, ...] = ()) -> OrderView:
    return OrderView(
        id=int(row["id"]),
        title=row["title"],
        status=row["status"],
        source=row["source"],
        customer_id=row["customer_id"],
        customer=row["customer"] or "",
        contact_email=row["contact_email"],
        contact_phone=row["contact_phone"],
        request_id=row["request_id"],
        place=row["place"],
        day=row["day"],
        start=_local(row["starts_at"]),
        end=_local(row["ends_at"]),
        time_window=row["time_window"],
        notes=row["notes"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        updated_at=row["updated_at"],
        lines=lines,
    )


async def _lines(coop_id: int, order_id: int) -> tuple[LineView, ...]:
    rows = (
        await OrderLine.select(
            OrderLine.id,
            OrderLine.item,
            OrderLine.name,
            OrderLine.quantity,
            OrderLine.unit,
            OrderLine.price_cents,
            OrderLine.vat_code,
            OrderLine.household_credit,
            OrderLine.labour_share,
        )
        .where((OrderLine.coop == coop_id) & (OrderLine.order == order_id))
        .order_by(OrderLine.id)
        .run()
    )
    return tuple(
        LineView(
            int(r["id"]), int(r["item_id"]), r["name"], r["quantity"], r["unit"], r["price_cents"], r["vat_code"],
            r["household_credit"], r["labour_share"],
        )
        for r in rows
    )  # fmt: skip


async def order_in_unit(coop_id: int, order_id: int, lock: bool = False) -> OrderView:
    """One order of the open unit's coop with its lines; another coop's id and a missing id are the same 404.
    `lock`: the order row is locked until the unit ends (a step or an offer waits for another)."""
    _require_unit(coop_id, "order_in_unit")
    sql = _ORDER_SQL + " AND o.id = {}" + (" FOR UPDATE OF o" if lock else "")
    rows = await WorkOrder.raw(sql, coop_id, order_id).run()
    if not rows:
        raise NotFoundException()
    return _order(rows[0], await _lines(coop_id, order_id))


async def _events(coop_id: int, order_id: int) -> list[EventView]:
    rows = (
        await OrderEvent.select(
            OrderEvent.kind, OrderEvent.from_status, OrderEvent.to_status, OrderEvent.at, OrderEvent.by.name,
            OrderEvent.note,
        )
        .where((OrderEvent.coop == coop_id) & (OrderEvent.order == order_id))
        .order_by(OrderEvent.at, ascending=False)
        .order_by(OrderEvent.id, ascending=False)
        .run()
    )  # fmt: skip
    return [
        EventView(r["kind"], r["from_status"], r["to_status"], r["at"], r["by_id.name"] or "", r["note"]) for r in rows
    ]


def week_choices(on: dt.date | None = None) -> list[WeekChoice]:
    """Four weeks back and eight ahead of the week of `on` (today)."""
    on = on or today()
    monday = on - dt.timedelta(days=on.weekday())
    choices = []
    for n in range(-4, 9):
        start = monday + dt.timedelta(weeks=n)
        year, number, _ = start.isocalendar()
        choices.append(WeekChoice(f"{year}-W{number:02d}", start, start + dt.timedelta(days=6), number))
    return choices


def parse_week(value: str) -> dt.date | None:
    """The Monday of an ISO week "2026-W48"; None for anything else."""
    match = _WEEK.match(value.strip())
    if match is None:
        return None
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


async def order_list(ctx: CoopContext, status: str = "open", week: str = "") -> OrderList:
    """The coop's orders, filtered by status ("open": not declined, invoiced or cancelled, the default; "all") and
    by the week of the job's day (an unknown status is "open"; an unknown week is every week)."""
    ctx.require(*MANAGERS)
    status = status if status in (*ORDER_STATUSES, "all") else "open"
    monday = parse_week(week)
    week = week.strip() if monday else ""
    sql, args = _ORDER_SQL, list[Any]([ctx.id])
    if status == "open":
        sql += " AND o.status NOT IN ('declined', 'invoiced', 'cancelled')"  # CLOSED
    elif status != "all":
        sql += " AND o.status = {}"
        args.append(status)
    if monday is not None:
        sql += " AND o.day BETWEEN {} AND {}"
        args += [monday, monday + dt.timedelta(days=6)]
    sql += " ORDER BY o.day NULLS LAST, o.starts_at NULLS LAST, o.id"
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = await WorkOrder.raw(sql, *args).run()
        counted = await WorkOrder.raw(
            "SELECT status, count(*) AS n FROM work_order WHERE coop_id = {} GROUP BY status", ctx.id
        ).run()
    counts = dict.fromkeys(ORDER_STATUSES, 0) | {r["status"]: int(r["n"]) for r in counted}
    counts["open"] = sum(n for key, n in counts.items() if key not in CLOSED)
    counts["all"] = sum(counts[key] for key in ORDER_STATUSES)
    weeks = week_choices()
    if monday is not None and week not in {w.value for w in weeks}:
        number = monday.isocalendar()[1]
        weeks.append(WeekChoice(week, monday, monday + dt.timedelta(days=6), number))
    return OrderList([_order(r) for r in rows], status, week, counts, weeks)


async def _hour_totals(coop_id: int, order_id: int) -> tuple[int, int]:
    """Approved and waiting minutes of the order (latest versions, workers and coaches)."""
    rows = await WorkOrder.raw(
        "SELECT h.status, coalesce(sum(h.minutes), 0) AS minutes FROM work_hours h "
        "WHERE h.coop_id = {} AND h.order_id = {} AND h.status IN ('approved', 'waiting') AND " + LATEST + " "
        "GROUP BY h.status",
        coop_id,
        order_id,
    ).run()
    by_status = {r["status"]: int(r["minutes"]) for r in rows}
    return by_status.get("approved", 0), by_status.get("waiting", 0)


async def order_page(ctx: CoopContext, order_id: int) -> OrderPage:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        order = await order_in_unit(ctx.id, order_id)
        events = await _events(ctx.id, order_id)
        assignments = await _assignments(ctx.id, "a.order_id = {}", order_id)
        history = await assignment_events_in_unit(ctx.id, [a.id for a in assignments])
        approved, waiting = await _hour_totals(ctx.id, order_id)
    live_coach = any(a.role == "coach" and a.coach_id == ctx.viewer.id and a.status in LIVE for a in assignments)
    return OrderPage(
        order=order,
        events=events,
        assignments=assignments,
        assignment_events=history,
        steps=steps_for(ctx, order),
        approved_minutes=approved,
        waiting_minutes=waiting,
        can_edit=order.status in EDITABLE,
        can_offer=order.status in OFFERABLE,
        can_join=ctx.has(*COACHES) and order.status in OFFERABLE and not live_coach,
    )


async def get_order(ctx: CoopContext, order_id: int) -> OrderView:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await order_in_unit(ctx.id, order_id)


# --- the order form (new and change) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderChoices:
    customers: list[CustomerView]
    items: list[ItemView]  # active items, and any item the order or request already has


@dataclass(frozen=True)
class WantedLine:
    item: ItemView
    quantity: Decimal


@dataclass(frozen=True)
class OrderValues:
    title: str
    customer_id: int | None
    customer_name: str
    contact_email: str
    contact_phone: str
    place: str
    day: dt.date | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    time_window: str
    notes: str
    lines: tuple[WantedLine, ...]

    def columns(self) -> dict[Any, Any]:
        return {
            WorkOrder.title: self.title,
            WorkOrder.customer: self.customer_id,
            WorkOrder.customer_name: self.customer_name,
            WorkOrder.contact_email: self.contact_email,
            WorkOrder.contact_phone: self.contact_phone,
            WorkOrder.place: self.place,
            WorkOrder.day: self.day,
            WorkOrder.starts_at: self.starts_at,
            WorkOrder.ends_at: self.ends_at,
            WorkOrder.time_window: self.time_window,
            WorkOrder.notes: self.notes,
        }


async def _choices_in_unit(ctx: CoopContext, keep: set[int] | frozenset[int] = frozenset()) -> OrderChoices:
    items = [i for i in await items_in_unit(ctx.id, ctx.region_id) if i.active or i.id in keep]
    return OrderChoices(await customers_in_unit(ctx.id), items)


async def order_choices(ctx: CoopContext, order_id: int | None = None, request_id: int | None = None) -> OrderChoices:
    """What the order form chooses from: the customer register and the catalogue's items for sale (and the items
    the order or the request already has, even when they are off sale now)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        keep: set[int] = set()
        if order_id is not None:
            keep |= {line.item_id for line in (await order_in_unit(ctx.id, order_id)).lines}
        if request_id is not None:
            keep |= {line.item_id for line in (await storefront.request_in_unit(ctx.id, request_id)).lines}
        return await _choices_in_unit(ctx, keep)


def _place_of(street: str, postcode: str, city: str) -> str:
    town = " ".join(p for p in (postcode, city) if p)
    return ", ".join(p for p in (street, town) if p)


def request_form(found: storefront.RequestView) -> Form:
    """The order form filled in from a storefront request."""
    values = {
        "request": str(found.id),
        "title": ", ".join(line.name for line in found.lines)[:TITLE_MAX] or found.who[:TITLE_MAX],
        "customer": str(found.customer_id) if found.customer_id else "",
        "customer_name": "" if found.customer_id else found.who[:200],
        "contact_email": found.email,
        "contact_phone": found.phone,
        "place": _place_of(found.street, found.postcode, found.city)[:PLACE_MAX],
        "day": format_date(found.wished_from) if found.wished_from else "",
        "time_window": (
            f"{format_date(found.wished_from)}–{format_date(found.wished_to)}"
            if found.wished_from and found.wished_to and found.wished_to != found.wished_from
            else ""
        ),
        "notes": found.message[:NOTES_MAX],
    }
    for line in found.lines:
        values[f"amount_{line.item_id}"] = _quantity_text(line.quantity)
    return Form(values=values)


def _quantity_text(quantity: Decimal) -> str:
    text = f"{quantity.normalize():f}"
    return text.replace(".", ",")


def order_form(order: OrderView) -> Form:
    """The change form filled in with the order as it is."""
    values = {
        "title": order.title,
        "customer": str(order.customer_id) if order.customer_id else "",
        "customer_name": "" if order.customer_id else order.customer,
        "contact_email": order.contact_email,
        "contact_phone": order.contact_phone,
        "place": order.place,
        "day": format_date(order.day) if order.day else "",
        "start": format_clock(order.start),
        "end": format_clock(order.end),
        "time_window": order.time_window,
        "notes": order.notes,
    }
    for line in order.lines:
        values[f"amount_{line.item_id}"] = _quantity_text(line.quantity)
    return Form(values=values)


async def new_order_form(ctx: CoopContext, request_id: int | None) -> tuple[Form, storefront.RequestView | None]:
    """An empty order form, or one filled in from a storefront request (404 for another coop's request)."""
    ctx.require(*MANAGERS)
    if request_id is None:
        return Form(), None
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await storefront.request_in_unit(ctx.id, request_id)
    return request_form(found), found


def _check_customer(form: Form, customers: list[CustomerView]) -> tuple[int | None, str]:
    chosen, typed = form.get("customer"), form.get("customer_name")
    customer_id = parse_id(chosen) if chosen else None
    if chosen and (customer_id is None or customer_id not in {c.id for c in customers}):
        form.error("customer", N_("Choose a customer from the list"))
        return None, typed
    if customer_id is not None and typed:
        form.error("customer_name", N_("Choose a customer from the list or write a name. Not both"))
    elif customer_id is None and not typed:
        form.error("customer", N_("Choose a customer from the list, or write the customer's name"))
    elif len(typed) > 200:
        form.error("customer_name", N_("The name must be 200 characters or fewer"))
    return customer_id, typed


def _check_contact(form: Form) -> tuple[str, str]:
    email = normal_email(form.get("contact_email"))
    if email and (problem := email_problem(email)):
        form.error("contact_email", problem)
    phone = form.get("contact_phone")
    if phone and not PHONE.match(phone):
        form.error("contact_phone", N_("Write the phone number with digits, for example 040 123 4567"))
    return email, phone


def _check_time(form: Form) -> tuple[dt.date | None, dt.datetime | None, dt.datetime | None]:
    day = read_date(form, "day") if _SPACES.sub("", form.get("day")) else None
    start = read_clock(form, "start")
    end = read_clock(form, "end")
    if (start is None) != (end is None) and "start" not in form.errors and "end" not in form.errors:
        if start is None:
            form.error("start", N_("Write when the job starts, or leave both times empty"))
        else:
            form.error("end", N_("Write when the job ends, or leave both times empty"))
        return day, None, None
    if start is None or end is None:
        return day, None, None
    if end <= start:
        form.error("end", N_("The end must be later than the start"))
        return day, None, None
    if day is None:
        if "day" not in form.errors:
            form.error("day", N_("Write the day of the job when you give the times"))
        return None, None, None
    return day, _at(day, start), _at(day, end)


def _check_lines(form: Form, items: list[ItemView]) -> tuple[WantedLine, ...]:
    known = {f"amount_{item.id}" for item in items}
    if any(name.startswith("amount_") and name not in known for name in form.values):
        form.error("items", N_("Choose the items from the catalogue"))
    lines = []
    for item in items:
        quantity = read_quantity(form, f"amount_{item.id}")
        if quantity is not None:
            lines.append(WantedLine(item, quantity))
    return tuple(lines)


def _check_text(form: Form, name: str, limit: int, message: str) -> str:
    value = form.get(name)
    if len(value) > limit:
        form.error(name, message)
    return value


def check_order_form(form: Form, choices: OrderChoices) -> OrderValues | None:
    """Read the order form; the messages go next to the fields (in the order of the page), nothing is saved when
    there is one."""
    title = form.get("title")
    if not title:
        form.error("title", N_("Write a short name for the job, for example Garden work at Kuusitie 3"))
    elif len(title) > TITLE_MAX:
        form.error("title", N_("The name must be 200 characters or fewer"))
    customer_id, customer_name = _check_customer(form, choices.customers)
    email, phone = _check_contact(form)
    place = _check_text(form, "place", PLACE_MAX, N_("The place must be 300 characters or fewer"))
    day, starts_at, ends_at = _check_time(form)
    window = _check_text(form, "time_window", WINDOW_MAX, N_("Write 100 characters or fewer"))
    lines = _check_lines(form, choices.items)
    notes = _check_text(form, "notes", NOTES_MAX, N_("Write 4 000 characters or fewer"))
    if not form.ok:
        return None
    return OrderValues(
        title, customer_id, "" if customer_id else customer_name, email, phone, place, day, starts_at, ends_at,
        window, notes, lines,
    )  # fmt: skip


def _line_row(coop_id: int, order_id: int, wanted: WantedLine, kept: LineView | None) -> OrderLine:
    """A line with the item's price as it is today, or as it was copied when the line was first made."""
    item = wanted.item
    if kept is not None:
        return OrderLine(
            coop=coop_id, order=order_id, item=item.id, name=kept.name, quantity=wanted.quantity, unit=kept.unit,
            price_cents=kept.price_cents, vat_code=kept.vat_code, household_credit=kept.household_credit,
            labour_share=kept.labour_share,
        )  # fmt: skip
    return OrderLine(
        coop=coop_id, order=order_id, item=item.id, name=item.names["fi"], quantity=wanted.quantity, unit=item.unit,
        price_cents=item.price_cents, vat_code=item.vat_code, household_credit=item.household_credit,
        labour_share=item.labour_share if item.household_credit else 0,
    )  # fmt: skip


async def _event(
    coop_id: int, order_id: int, kind: str, by: int | None, old: str = "", new: str = "", note: str = ""
) -> None:
    await OrderEvent.insert(
        OrderEvent(coop=coop_id, order=order_id, kind=kind, from_status=old, to_status=new, by=by, note=note)
    ).run()


def request_id_of(form: Form) -> int | None:
    text = form.get("request")
    return parse_id(text) if text else None


async def _mark_request_handled(coop_id: int, request_id: int, user_id: int) -> None:
    """The storefront owns order requests (ADR 0008): its in-unit function marks this one handled, in the same
    transaction as the order made of it."""
    await storefront.set_request_status_in_unit(coop_id, request_id, "handled", user_id)


async def add_order(ctx: CoopContext, form: Form, ip: str) -> int | None:
    """A new order (status requested) from the staff form, or from a storefront request when the form names one:
    then the request is marked handled. None when the form has mistakes (nothing written); NotPossible when the
    request already has an order."""
    ctx.require(*MANAGERS)
    request_id = request_id_of(form)
    if form.get("request") and request_id is None:
        raise NotFoundException()
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await storefront.request_in_unit(ctx.id, request_id) if request_id is not None else None
        keep = {line.item_id for line in found.lines} if found else set()
        values = check_order_form(form, await _choices_in_unit(ctx, keep))
        if values is None:
            return None
        if request_id is not None:
            made = await WorkOrder.exists().where((WorkOrder.coop == ctx.id) & (WorkOrder.request == request_id)).run()
            if made:
                raise NotPossible(N_("An order has already been made from this request."))
        fields = {column._meta.name: value for column, value in values.columns().items()}
        row = WorkOrder(
            coop=ctx.id,
            status="requested",
            source="request" if request_id is not None else "staff",
            request=request_id,
            created_by=ctx.viewer.id,
            **fields,
        )
        order_id = int((await WorkOrder.insert(row).returning(WorkOrder.id).run())[0]["id"])
        if values.lines:
            await OrderLine.insert(*(_line_row(ctx.id, order_id, w, None) for w in values.lines)).run()
        await _event(ctx.id, order_id, "created", ctx.viewer.id, "", "requested")
        if request_id is not None:
            await _mark_request_handled(ctx.id, request_id, ctx.viewer.id)
        await audit.record(
            "work.order_added",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_order:{order_id}",
            ip=ip,
            title=values.title,
            request_id=request_id,
            lines=len(values.lines),
        )
    return order_id


async def edit_order(ctx: CoopContext, order_id: int, form: Form, ip: str) -> bool:
    """Save the changed details and lines of an order that is still being planned. A line that stays keeps the
    price copied when it was made; a new line gets today's price. False when the form has mistakes (nothing
    written); NotPossible once the work has started."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        old = await order_in_unit(ctx.id, order_id, lock=True)
        if old.status not in EDITABLE:
            raise NotPossible(NOT_EDITABLE)
        values = check_order_form(form, await _choices_in_unit(ctx, {line.item_id for line in old.lines}))
        if values is None:
            return False
        await (
            WorkOrder.update({**values.columns(), WorkOrder.updated_at: dates.now()})
            .where((WorkOrder.coop == ctx.id) & (WorkOrder.id == order_id))
            .run()
        )
        kept = {line.item_id: line for line in old.lines}
        await OrderLine.delete().where((OrderLine.coop == ctx.id) & (OrderLine.order == order_id)).run()
        if values.lines:
            await OrderLine.insert(*(_line_row(ctx.id, order_id, w, kept.get(w.item.id)) for w in values.lines)).run()
        await _event(ctx.id, order_id, "changed", ctx.viewer.id, old.status, old.status)
        moved: list[int] = []
        if old.day is not None and values.day is not None and values.day != old.day:
            moved = await _move_planned_days(ctx, order_id, old.day, values)
        await audit.record(
            "work.order_changed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_order:{order_id}",
            ip=ip,
            title=values.title,
            old_day=old.day,
            day=values.day,
            lines=len(values.lines),
            moved_assignments=moved,
        )
    return True


async def _move_planned_days(ctx: CoopContext, order_id: int, old_day: dt.date, values: OrderValues) -> list[int]:
    """The order moved to another day: open offers and accepted work planned for the old day move with it, each
    with a `changed` event (its note says from which day to which); the people who accepted are e-mailed. Work
    planned for another day stays, and hours already logged are never moved (they record when the work was done)."""
    rows = (
        await Assignment.select(
            Assignment.id, Assignment.status, Assignment.role, Assignment.member, Assignment.coach,
            Assignment.planned_minutes,
        )
        .where(
            (Assignment.coop == ctx.id) & (Assignment.order == order_id) & Assignment.status.is_in(list(LIVE))
            & (Assignment.planned_day == old_day)
        )
        .order_by(Assignment.id)
        .run()
    )  # fmt: skip
    day = values.day
    assert day is not None
    note = f"{format_date(old_day)} → {format_date(day)}"
    for r in rows:
        await (
            Assignment.update({Assignment.planned_day: day})
            .where((Assignment.coop == ctx.id) & (Assignment.id == r["id"]))
            .run()
        )
        await AssignmentEvent.insert(
            AssignmentEvent(coop=ctx.id, assignment=r["id"], kind="changed", by=ctx.viewer.id, note=note)
        ).run()
        if r["status"] != "accepted":
            continue
        mail = {"title": values.title, "place": values.place, "old_day": old_day, "day": day}
        if r["member_id"] is not None:
            await _mail_worker(ctx, r["member_id"], "work_day_moved", minutes=r["planned_minutes"], **mail)
        elif r["coach_id"] is not None:
            coach = await Assignment.raw(
                "SELECT email, name, language FROM app_user WHERE id = {}", r["coach_id"]
            ).run()
            if coach:
                await send_mail(
                    coach[0]["email"], "work_day_moved", coach[0]["language"] or get_language(), name=coach[0]["name"],
                    coop_name=ctx.name, link=f"/c/{ctx.slug}/work/mine", minutes=r["planned_minutes"], **mail,
                )  # fmt: skip
    return [int(r["id"]) for r in rows]


# --- steps of the order's status -------------------------------------------------------------------------------


async def _has_hours(coop_id: int, order_id: int) -> bool:
    rows = await WorkOrder.raw(
        "SELECT 1 FROM work_hours h WHERE h.coop_id = {} AND h.order_id = {} "
        "AND (h.minutes IS NULL OR h.minutes > 0) AND " + LATEST + " LIMIT 1",
        coop_id,
        order_id,
    ).run()
    return bool(rows)


async def _end_assignments(coop_id: int, order_id: int, by: int | None) -> None:
    """The order is off: open offers are withdrawn and accepted work is cancelled, each with its event."""
    rows = (
        await Assignment.select(Assignment.id, Assignment.status)
        .where((Assignment.coop == coop_id) & (Assignment.order == order_id) & Assignment.status.is_in(list(LIVE)))
        .run()
    )
    for r in rows:
        new = "withdrawn" if r["status"] == "offered" else "cancelled"
        await set_status_in_unit(coop_id, r["id"], new, by, ORDER_CANCELLED)


async def step_in_unit(coop_id: int, order_id: int, name: str, by: int | None, note: str = "") -> OrderView:
    """Take a step of the order's status inside the open unit (roles are the caller's business). NotPossible,
    with nothing written, when the step does not fit the order now."""
    _require_unit(coop_id, "step_in_unit")
    found = step(name)
    order = await order_in_unit(coop_id, order_id, lock=True)
    if order.status not in found.from_:
        raise NotPossible(wrong_step(order.status))
    if found.to == "scheduled" and order.day is None:
        raise NotPossible(N_("The order has no day yet. Change the order and write the day first."))
    if found.to == "cancelled" and await _has_hours(coop_id, order_id):
        raise NotPossible(N_("Hours are already logged for this job, so it cannot be cancelled. Mark it done."))
    await (
        WorkOrder.update({WorkOrder.status: found.to, WorkOrder.updated_at: dates.now()})
        .where((WorkOrder.coop == coop_id) & (WorkOrder.id == order_id))
        .run()
    )
    await _event(coop_id, order_id, found.to, by, order.status, found.to, note)
    if found.to == "cancelled":
        await _end_assignments(coop_id, order_id, by)
        await substitutes.order_ended_in_unit(coop_id, order_id, by)
    return await order_in_unit(coop_id, order_id)


_WRONG_STEP = {
    "requested": N_("The order waits for someone to accept or decline it."),
    "accepted": N_("The order is accepted. The next step is to fix the time."),
    "declined": N_("The order was declined. Nothing more can be done with it."),
    "scheduled": N_("The time of the job is fixed. The next step is to start the work."),
    "in_progress": N_("The work is going on. The next step is to mark it done."),
    "done": N_("The job is done. The next step is the invoice."),
    "invoiced": N_("The job is invoiced. Nothing more can be done with it."),
    "cancelled": N_("The order was cancelled. Nothing more can be done with it."),
}


def wrong_step(status: str) -> str:
    """What the order waits for now, for a step that does not fit (a message id)."""
    return _WRONG_STEP.get(status, N_("This step does not fit the order now."))


def check_step_note(form: Form) -> str:
    return _check_text(form, "note", NOTE_MAX, N_("Write 1 000 characters or fewer"))


async def take_step(ctx: CoopContext, order_id: int, name: str, form: Form, ip: str) -> OrderView | None:
    """A status step from the order page. None when the note is too long (nothing written); NotPossible when the
    step does not fit the order now; 403 for a role the step is not for."""
    found = step(name)
    ctx.require(*found.roles)
    note = check_step_note(form)
    async with coop_unit(ctx.id, ctx.viewer.id):
        await order_in_unit(ctx.id, order_id)  # another coop's order is 404 before anything else
        if not form.ok:
            return None
        order = await step_in_unit(ctx.id, order_id, name, ctx.viewer.id, note)
        await audit.record(
            f"work.order_{found.to}",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_order:{order_id}",
            ip=ip,
            note=note,
        )
    return order


async def mark_invoiced_in_unit(coop_id: int, order_id: int, by: int | None, note: str = "") -> OrderView:
    """For invoicing: the order was invoiced (done → invoiced), inside the caller's open unit. NotPossible when the
    order is not done."""
    return await step_in_unit(coop_id, order_id, "invoiced", by, note)


# --- assignments -----------------------------------------------------------------------------------------------

_ASSIGNMENT_SQL = """SELECT a.id, a.order_id, a.role, a.member_id, a.coach_id,
  coalesce(m.name, cu.name, '') AS person, coalesce(m.user_id, a.coach_id) AS person_user_id,
  a.status, a.planned_day, a.planned_minutes, a.note, coalesce(ou.name, '') AS offered_by, a.created_at,
  a.answered_at, o.title, o.status AS order_status, coalesce(c.name, o.customer_name) AS customer, o.place, o.day,
  o.starts_at, o.ends_at, o.time_window, o.notes, a.substitution_id,
  coalesce(ss.status, '') AS substitution_status,
  (SELECT ws.id FROM work_substitution ws WHERE ws.coop_id = a.coop_id AND ws.assignment_id = a.id
   AND ws.status IN ('open', 'waiting')) AS wanted_search_id
FROM work_assignment a
LEFT JOIN work_substitution ss ON ss.coop_id = a.coop_id AND ss.id = a.substitution_id
JOIN work_order o ON o.coop_id = a.coop_id AND o.id = a.order_id
LEFT JOIN member m ON m.coop_id = a.coop_id AND m.id = a.member_id
LEFT JOIN app_user cu ON cu.id = a.coach_id
LEFT JOIN app_user ou ON ou.id = a.offered_by
LEFT JOIN customer c ON c.coop_id = o.coop_id AND c.id = o.customer_id
WHERE a.coop_id = {} AND """


def _assignment(row: dict[str, Any]) -> AssignmentView:
    return AssignmentView(
        id=int(row["id"]),
        order_id=int(row["order_id"]),
        role=row["role"],
        member_id=row["member_id"],
        coach_id=row["coach_id"],
        person=row["person"],
        person_user_id=row["person_user_id"],
        status=row["status"],
        planned_day=row["planned_day"],
        planned_minutes=int(row["planned_minutes"]),
        note=row["note"],
        offered_by=row["offered_by"],
        created_at=row["created_at"],
        answered_at=row["answered_at"],
        title=row["title"],
        order_status=row["order_status"],
        customer=row["customer"] or "",
        place=row["place"],
        day=row["day"],
        start=_local(row["starts_at"]),
        end=_local(row["ends_at"]),
        time_window=row["time_window"],
        notes=row["notes"],
        substitution_id=row["substitution_id"],
        substitution_status=row["substitution_status"],
        wanted_search_id=row["wanted_search_id"],
    )


async def _assignments(
    coop_id: int, where: str, *args: Any, order: str = "a.planned_day, a.id"
) -> list[AssignmentView]:
    rows = await Assignment.raw(_ASSIGNMENT_SQL + where + " ORDER BY " + order, coop_id, *args).run()
    return [_assignment(r) for r in rows]


async def assignment_in_unit(coop_id: int, assignment_id: int, lock: bool = False) -> AssignmentView:
    """One assignment of the open unit's coop; another coop's id and a missing id are the same 404."""
    _require_unit(coop_id, "assignment_in_unit")
    if lock:
        await lock_row(Assignment, coop_id, assignment_id)
    found = await _assignments(coop_id, "a.id = {}", assignment_id)
    if not found:
        raise NotFoundException()
    return found[0]


async def my_assignment_in_unit(coop_id: int, user_id: int, assignment_id: int, lock: bool = False) -> AssignmentView:
    """An assignment of this person (the worker whose account it is, or the coach who joined). Anyone else's —
    another worker's, or another coop's — is the same 404: nobody answers or logs for someone else."""
    found = await assignment_in_unit(coop_id, assignment_id, lock)
    if found.person_user_id != user_id:
        raise NotFoundException()
    return found


@dataclass(frozen=True)
class WorkerChoice:
    member_id: int
    name: str
    member_class: str
    offered: bool  # already has an open offer or the job


@dataclass(frozen=True)
class OfferPage:
    order: OrderView
    workers: list[WorkerChoice]
    without_account: int  # active people of the register who cannot answer offers (no account)


async def _worker_choices(coop_id: int, order_id: int) -> tuple[list[WorkerChoice], int]:
    rows = await Assignment.raw(
        "SELECT m.id, m.name, m.member_class, m.user_id, EXISTS (SELECT 1 FROM work_assignment a "
        "WHERE a.coop_id = m.coop_id AND a.order_id = {} AND a.member_id = m.id "
        "AND a.status IN ('offered', 'accepted')) AS offered "
        "FROM member m WHERE m.coop_id = {} AND m.status = 'active' AND m.organisation_id IS NULL "
        "ORDER BY m.name, m.id",
        order_id,
        coop_id,
    ).run()
    choices = [WorkerChoice(int(r["id"]), r["name"], r["member_class"], r["offered"]) for r in rows if r["user_id"]]
    return choices, sum(1 for r in rows if not r["user_id"])


def offer_form(order: OrderView) -> Form:
    """The offer form filled in from the order's day and time."""
    hours, minutes = split_minutes(order.window_minutes)
    return Form(
        values={
            "planned_day": format_date(order.day) if order.day else "",
            "planned_hours": hours,
            "planned_minutes": minutes,
        }
    )


async def offer_page(ctx: CoopContext, order_id: int) -> OfferPage:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        order = await order_in_unit(ctx.id, order_id)
        workers, without = await _worker_choices(ctx.id, order_id)
    return OfferPage(order, workers, without)


def _check_plan(form: Form) -> tuple[dt.date | None, int | None]:
    day = read_date(form, "planned_day", N_("Write the day of the work"))
    if day is not None and day < today():
        form.error("planned_day", N_("The day must be today or later"))
    minutes = read_duration(form, "planned_hours", "planned_minutes")
    if minutes is None and "planned_hours" not in form.errors and "planned_minutes" not in form.errors:
        form.error("planned_hours", N_("Write how long the work takes, for example 3 hours"))
    return day, minutes


def _check_offer(form: Form, workers: list[WorkerChoice]) -> tuple[list[WorkerChoice], dt.date | None, int | None, str]:
    choosable = {f"worker_{w.member_id}": w for w in workers if not w.offered}
    ticked = [name for name, value in form.values.items() if name.startswith("worker_") and value.lower() in YES]
    chosen = [choosable[name] for name in ticked if name in choosable]
    if len(chosen) != len(ticked):
        form.error("workers", N_("Choose people from the list"))
    elif not chosen:
        form.error("workers", N_("Choose at least one person"))
    day, minutes = _check_plan(form)
    note = _check_text(form, "note", NOTE_MAX, N_("Write 1 000 characters or fewer"))
    return chosen, day, minutes, note


async def offer_work(ctx: CoopContext, order_id: int, form: Form, ip: str) -> list[int] | None:
    """Offer the job to the chosen people: an `offered` assignment each, and an e-mail each. None when the form has
    mistakes (nothing written); NotPossible when the order is not open for work."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        order = await order_in_unit(ctx.id, order_id, lock=True)
        workers, _ = await _worker_choices(ctx.id, order_id)
        chosen, day, minutes, note = _check_offer(form, workers)
        if not form.ok or day is None or minutes is None:
            return None
        if order.status not in OFFERABLE:
            raise NotPossible(not_open(order.status))
        ids = []
        for worker in chosen:
            ids.append(await offer_in_unit(ctx.id, order_id, worker.member_id, day, minutes, ctx.viewer.id, note))
            await _mail_worker(ctx, worker.member_id, "work_offer", order=order, day=day, minutes=minutes, note=note)
        await audit.record(
            "work.offered",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_order:{order_id}",
            ip=ip,
            assignments=ids,
            members=[w.member_id for w in chosen],
            planned_day=day,
            planned_minutes=minutes,
        )
    return ids


async def offer_in_unit(
    coop_id: int,
    order_id: int,
    member_id: int,
    day: dt.date,
    minutes: int,
    by: int | None,
    note: str = "",
    substitution_id: int | None = None,
) -> int:
    """One `offered` assignment with its `offered` event (the caller checks and mails); returns its id."""
    rows = (
        await Assignment.insert(
            Assignment(
                coop=coop_id, order=order_id, role="worker", member=member_id, status="offered", planned_day=day,
                planned_minutes=minutes, note=note, offered_by=by, substitution_id=substitution_id,
            )
        )
        .returning(Assignment.id)
        .run()
    )  # fmt: skip
    assignment_id = int(rows[0]["id"])
    await AssignmentEvent.insert(
        AssignmentEvent(coop=coop_id, assignment=assignment_id, kind="offered", by=by, note=note)
    ).run()
    return assignment_id


async def set_status_in_unit(coop_id: int, assignment_id: int, status: str, by: int | None, note: str = "") -> None:
    """Move an assignment to `status` (answered now) with the event of the same kind."""
    await (
        Assignment.update({Assignment.status: status, Assignment.answered_at: dates.now()})
        .where((Assignment.coop == coop_id) & (Assignment.id == assignment_id))
        .run()
    )
    await AssignmentEvent.insert(
        AssignmentEvent(coop=coop_id, assignment=assignment_id, kind=status, by=by, note=note)
    ).run()


def not_open(status: str) -> str:
    """Why work cannot be offered or joined for an order in this status (a message id)."""
    return _NOT_OPEN.get(status, N_("Work cannot be offered for this order now."))


_NOT_OPEN = {
    "requested": N_("Accept the order first. Then you can offer the work."),
    "declined": N_("The order was declined. Nothing more can be done with it."),
    "done": N_("The job is done. Work cannot be offered any more."),
    "invoiced": N_("The job is invoiced. Nothing more can be done with it."),
    "cancelled": N_("The order was cancelled. Nothing more can be done with it."),
}


async def _mail_worker(ctx: CoopContext, member_id: int, template: str, **context: Any) -> None:
    """An e-mail to the worker's account in their language (queued in the open unit)."""
    rows = await Assignment.raw(
        "SELECT u.email, u.language, m.name FROM member m JOIN app_user u ON u.id = m.user_id "
        "WHERE m.coop_id = {} AND m.id = {}",
        ctx.id,
        member_id,
    ).run()
    if rows:
        row = rows[0]
        await send_mail(
            row["email"], template, row["language"] or get_language(), name=row["name"], coop_name=ctx.name,
            link=f"/c/{ctx.slug}/work/mine", **context,
        )  # fmt: skip


async def get_assignment(ctx: CoopContext, assignment_id: int) -> AssignmentView:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await assignment_in_unit(ctx.id, assignment_id)


def can_withdraw(ctx: CoopContext, assignment: AssignmentView) -> bool:
    """An open offer can be taken back by the staff; a coach can leave a job they joined (before logging time)."""
    if assignment.role == "worker":
        return assignment.status == "offered" and ctx.has(*MANAGERS)
    return assignment.status == "accepted" and (assignment.coach_id == ctx.viewer.id or ctx.has("admin", "board"))


async def withdraw(ctx: CoopContext, assignment_id: int, ip: str) -> AssignmentView:
    """Take back an open offer, or take a coach off a job. NotPossible when the worker has already answered (only
    the worker can give up work they accepted) or when the coach has logged time."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await assignment_in_unit(ctx.id, assignment_id, lock=True)
        if not can_withdraw(ctx, found):
            if found.role == "coach" and found.status == "accepted":
                raise PermissionDeniedException()
            raise NotPossible(not_withdrawable(found))
        if found.role == "coach":
            has = await Assignment.raw(
                "SELECT 1 FROM work_hours WHERE coop_id = {} AND assignment_id = {} LIMIT 1", ctx.id, assignment_id
            ).run()
            if has:
                raise NotPossible(N_("Time is already logged on this job, so the coach stays on it."))
        new = "withdrawn" if found.role == "worker" else "cancelled"
        await set_status_in_unit(ctx.id, assignment_id, new, ctx.viewer.id)
        await audit.record(
            f"work.assignment_{new}",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_assignment:{assignment_id}",
            ip=ip,
            order_id=found.order_id,
        )
        return await assignment_in_unit(ctx.id, assignment_id)


def not_withdrawable(found: AssignmentView) -> str:
    """Why this assignment cannot be taken back (a message id)."""
    if found.role == "worker" and found.status == "accepted":
        return N_("The person has accepted this job. Only they can give it up.")
    if found.role == "coach" and found.status == "accepted":
        return N_("Only the coach themself or the admin can take a coach off a job.")
    return N_("This offer is already answered or taken back.")


def join_form(order: OrderView) -> Form:
    form = offer_form(order)
    if not form.get("planned_day"):
        form.values["planned_day"] = format_date(today())
    return form


async def join_job(ctx: CoopContext, order_id: int, form: Form, ip: str) -> int | None:
    """The coach joins the job: an accepted coach assignment with the planned day and time. None when the form has
    mistakes; NotPossible when the order is not open or the coach is already on it."""
    ctx.require(*COACHES)
    async with coop_unit(ctx.id, ctx.viewer.id):
        order = await order_in_unit(ctx.id, order_id, lock=True)
        day, minutes = _check_plan(form)
        if not form.ok or day is None or minutes is None:
            return None
        if order.status not in OFFERABLE:
            raise NotPossible(not_open(order.status))
        already = (
            await Assignment.exists()
            .where(
                (Assignment.coop == ctx.id)
                & (Assignment.order == order_id)
                & (Assignment.coach == ctx.viewer.id)
                & Assignment.status.is_in(list(LIVE))
            )
            .run()
        )
        if already:
            raise NotPossible(N_("You are already on this job."))
        rows = (
            await Assignment.insert(
                Assignment(
                    coop=ctx.id, order=order_id, role="coach", coach=ctx.viewer.id, status="accepted",
                    planned_day=day, planned_minutes=minutes, offered_by=ctx.viewer.id, answered_at=dates.now(),
                )
            )
            .returning(Assignment.id)
            .run()
        )  # fmt: skip
        assignment_id = int(rows[0]["id"])
        await AssignmentEvent.insert(
            AssignmentEvent(coop=ctx.id, assignment=assignment_id, kind="joined", by=ctx.viewer.id)
        ).run()
        await audit.record(
            "work.coach_joined",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_order:{order_id}",
            ip=ip,
            assignment_id=assignment_id,
            planned_day=day,
            planned_minutes=minutes,
        )
    return assignment_id


# --- the worker answers ----------------------------------------------------------------------------------------

WarningHook = Callable[[int, int, dt.date, int], Awaitable[str | None]]


def _employment(name: str) -> Any:
    """A function of the employment context when it is there (it is built beside this one); None otherwise."""
    try:
        module = importlib.import_module(EMPLOYMENT)
    except ImportError:
        return None
    return getattr(module, name, None)


async def _acceptance_warning(coop_id: int, assignment: AssignmentView) -> str | None:
    """The earnings guard's plain-language warning for taking this work (None: no warning)."""
    hook: WarningHook | None = _employment("acceptance_warning_in_unit")
    if hook is None or assignment.member_id is None:
        return None
    return await hook(coop_id, assignment.member_id, assignment.planned_day, assignment.planned_minutes)


@dataclass(frozen=True)
class Answer:
    assignment: AssignmentView
    warning: str | None = None  # the earnings guard's warning, shown before accepting


async def answer_page(ctx: CoopContext, assignment_id: int, accepting: bool) -> Answer:
    """The confirm page of an offer, for the person it was made to; with the earnings warning when accepting."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id)
        _check_open(found)
        warning = await _acceptance_warning(ctx.id, found) if accepting else None
    return Answer(found, warning)


def _check_open(found: AssignmentView) -> None:
    if found.substitution_id is not None and found.status == "withdrawn":
        stopped = found.substitution_status == "cancelled"
        raise NotPossible(SEARCH_STOPPED if stopped else SOMEONE_TOOK)
    if found.status != "offered":
        raise NotPossible(_ANSWERED.get(found.status, N_("This offer is already answered.")))
    if found.order_status not in OFFERABLE:
        raise NotPossible(N_("This job is not open any more."))


_ANSWERED = {
    "accepted": N_("You have already accepted this job."),
    "declined": N_("You have already said no to this job."),
    "withdrawn": N_("The cooperative took this offer back."),
    "cancelled": N_("This job was cancelled."),
}


@dataclass(frozen=True)
class AcceptOutcome:
    state: str  # accepted | warn (a warning to see first; nothing written)
    assignment: AssignmentView
    warning: str | None = None


async def accept_assignment(ctx: CoopContext, assignment_id: int, form: Form, ip: str) -> AcceptOutcome:
    """The worker (only they) accepts the offer. When the earnings guard warns and the form does not say the
    warning was seen (`warning_seen=yes`), nothing is written and the outcome is "warn". Accepted with a warning:
    an AssignmentEvent `warned` records that it was shown (not its amounts), and the employment context is told
    (`warning_accepted_in_unit`: the coach's e-mail). 404 for anyone else's offer; NotPossible when the offer is no
    longer open."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        search_id = await (
            Assignment.select(Assignment.substitution_id)
            .where((Assignment.coop == ctx.id) & (Assignment.id == assignment_id))
            .output(as_list=True)
            .run()
        )
        if search_id and search_id[0] is not None:
            # Lock order: the search before the offer. The first to accept changes the search's other offers, so
            # everyone else must wait on the search, not hold their own offer while waiting.
            await lock_row(Substitution, ctx.id, search_id[0])
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id, lock=True)
        _check_open(found)
        warning = await _acceptance_warning(ctx.id, found)
        if warning and form.get("warning_seen").lower() not in YES:
            return AcceptOutcome("warn", found, warning)
        search = None
        if found.substitution_id is not None:  # the first to accept takes the job
            search = await substitutes.check_take_in_unit(ctx.id, found.substitution_id)
        if warning:
            await AssignmentEvent.insert(
                AssignmentEvent(coop=ctx.id, assignment=assignment_id, kind="warned", by=ctx.viewer.id, note=WARNED)
            ).run()
        await set_status_in_unit(ctx.id, assignment_id, "accepted", ctx.viewer.id)
        if warning and (told := _employment("warning_accepted_in_unit")) is not None:
            await told(ctx.id, found.member_id, assignment_id, warning)
        if search is not None and found.member_id is not None:
            await substitutes.taken_in_unit(ctx, search, assignment_id, found.member_id)
        await audit.record(
            "work.offer_accepted",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_assignment:{assignment_id}",
            ip=ip,
            order_id=found.order_id,
            warned=bool(warning),
        )
        return AcceptOutcome("accepted", await assignment_in_unit(ctx.id, assignment_id), warning)


async def decline_assignment(ctx: CoopContext, assignment_id: int, ip: str) -> AssignmentView:
    """The worker (only they) says no to the offer. 404 for anyone else's; NotPossible when it is not open."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id, lock=True)
        if found.status != "offered":
            raise NotPossible(_ANSWERED.get(found.status, N_("This offer is already answered.")))
        await set_status_in_unit(ctx.id, assignment_id, "declined", ctx.viewer.id)
        await audit.record(
            "work.offer_declined",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"work_assignment:{assignment_id}",
            ip=ip,
            order_id=found.order_id,
        )
        return await assignment_in_unit(ctx.id, assignment_id)


@dataclass(frozen=True)
class AssignmentEventView:
    kind: str
    at: dt.datetime
    by: str
    note: str

    @property
    def system_note(self) -> bool:
        return self.note in SYSTEM_NOTES


async def assignment_events_in_unit(coop_id: int, assignment_ids: list[int]) -> dict[int, list[AssignmentEventView]]:
    """The history of these assignments of the open unit's coop, oldest first, by assignment."""
    found: dict[int, list[AssignmentEventView]] = {a: [] for a in assignment_ids}
    if not assignment_ids:
        return found
    rows = (
        await AssignmentEvent.select(
            AssignmentEvent.assignment, AssignmentEvent.kind, AssignmentEvent.at, AssignmentEvent.by.name,
            AssignmentEvent.note,
        )
        .where((AssignmentEvent.coop == coop_id) & AssignmentEvent.assignment.is_in(assignment_ids))
        .order_by(AssignmentEvent.at)
        .order_by(AssignmentEvent.id)
        .run()
    )  # fmt: skip
    for r in rows:
        found[int(r["assignment_id"])].append(AssignmentEventView(r["kind"], r["at"], r["by_id.name"] or "", r["note"]))
    return found


# --- for other contexts (employment, payroll, invoicing) -------------------------------------------------------

# A version of hours counts when no later version replaces it.
LATEST = "NOT EXISTS (SELECT 1 FROM work_hours n WHERE n.coop_id = h.coop_id AND n.supersedes_id = h.id)"


@dataclass(frozen=True)
class HoursRow:
    day: dt.date
    minutes: int
    approved: bool
    assignment_id: int


@dataclass(frozen=True)
class PlannedRow:
    day: dt.date
    minutes: int
    assignment_id: int


async def hours_for_worker_in_unit(coop_id: int, member_id: int, start: dt.date, end: dt.date) -> list[HoursRow]:
    """A worker's logged hours with the day from `start` to `end` (both included), inside the caller's open unit:
    the latest version of each entry only (a correction replaces what it corrects), without a running clock and
    without entries corrected to 0 minutes. Coach time is never here. By day, then in the order they were logged."""
    _require_unit(coop_id, "hours_for_worker_in_unit")
    return (await hours_for_workers_in_unit(coop_id, [member_id], start, end))[member_id]


async def planned_for_worker_in_unit(coop_id: int, member_id: int, start: dt.date, end: dt.date) -> list[PlannedRow]:
    """A worker's accepted work not yet worked, by planned day from `start` to `end` (both included), inside the
    caller's open unit: accepted assignments of orders that are still open (accepted, scheduled, in progress)
    with no hours logged on them yet (a running clock counts as logged). Past days are included when nothing was
    logged: the caller chooses the range."""
    _require_unit(coop_id, "planned_for_worker_in_unit")
    return (await planned_for_workers_in_unit(coop_id, [member_id], start, end))[member_id]


async def hours_for_workers_in_unit(
    coop_id: int, member_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, list[HoursRow]]:
    """What `hours_for_worker_in_unit` gives for each of the workers, in one query (workers without rows: [])."""
    _require_unit(coop_id, "hours_for_workers_in_unit")
    found: dict[int, list[HoursRow]] = {m: [] for m in member_ids}
    if not member_ids:
        return found
    rows = await WorkOrder.raw(
        "SELECT h.member_id, h.day, h.minutes, h.status, h.assignment_id FROM work_hours h "
        "WHERE h.coop_id = {} AND h.member_id = ANY({}) AND h.day BETWEEN {} AND {} "
        "AND h.status <> 'running' AND h.minutes > 0 AND " + LATEST + " ORDER BY h.member_id, h.day, h.id",
        coop_id,
        member_ids,
        start,
        end,
    ).run()
    for r in rows:
        found[int(r["member_id"])].append(
            HoursRow(r["day"], int(r["minutes"]), r["status"] == "approved", int(r["assignment_id"]))
        )
    return found


async def planned_for_workers_in_unit(
    coop_id: int, member_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, list[PlannedRow]]:
    """What `planned_for_worker_in_unit` gives for each of the workers, in one query (workers without rows: [])."""
    _require_unit(coop_id, "planned_for_workers_in_unit")
    found: dict[int, list[PlannedRow]] = {m: [] for m in member_ids}
    if not member_ids:
        return found
    rows = await WorkOrder.raw(
        "SELECT a.member_id, a.id, a.planned_day, a.planned_minutes FROM work_assignment a "
        "JOIN work_order o ON o.coop_id = a.coop_id AND o.id = a.order_id "
        "WHERE a.coop_id = {} AND a.member_id = ANY({}) AND a.role = 'worker' AND a.status = 'accepted' "
        "AND a.planned_day BETWEEN {} AND {} AND o.status IN ('accepted', 'scheduled', 'in_progress') "
        "AND NOT EXISTS (SELECT 1 FROM work_hours h WHERE h.coop_id = a.coop_id AND h.assignment_id = a.id "
        "AND (h.minutes IS NULL OR h.minutes > 0) AND " + LATEST + ") "
        "ORDER BY a.member_id, a.planned_day, a.id",
        coop_id,
        member_ids,
        start,
        end,
    ).run()
    for r in rows:
        found[int(r["member_id"])].append(PlannedRow(r["planned_day"], int(r["planned_minutes"]), int(r["id"])))
    return found


async def approved_minutes_in_unit(coop_id: int, order_id: int) -> dict[int, int]:
    """For invoicing: approved minutes of an order per assignment (latest versions; workers and coaches)."""
    _require_unit(coop_id, "approved_minutes_in_unit")
    rows = await WorkOrder.raw(
        "SELECT h.assignment_id, sum(h.minutes) AS minutes FROM work_hours h WHERE h.coop_id = {} AND h.order_id = {} "
        "AND h.status = 'approved' AND " + LATEST + " GROUP BY h.assignment_id ORDER BY h.assignment_id",
        coop_id,
        order_id,
    ).run()
    return {int(r["assignment_id"]): int(r["minutes"]) for r in rows}


from osuus.tenants.work import substitutes  # noqa: E402  (substitutes builds on this module)
