"""The coop's week: one dashboard page for the admin, the board and job coaches.

The jobs of one ISO week day by day (Monday to Sunday) with the people on each job and the offers nobody has
answered yet, the shop's new requests, the hours that wait for approval, and (for the admin and job coaches) the
earnings guard: how many people have open offers in the next 7 days that would take them over their earnings
limit, and who is at 80 % of their limit or more this month.

Everything is read in one coop unit with a fixed, small number of indexed queries (none per job or per person).
The earnings part reads the coop's benefit profiles once through the employment context
(`limits.read_limits_in_unit`, purpose "dashboard": one read row per person whose profile was opened, in one
INSERT), then the months of the people with a limit together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from osuus.platform.context import CoopContext
from osuus.platform.dates import HELSINKI, today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue import storefront
from osuus.tenants.employment import limits
from osuus.tenants.employment.limits import NearLimit, Offer
from osuus.tenants.work import hours
from osuus.tenants.work.service import LATEST, MANAGERS, OFFERABLE, parse_week
from osuus.tenants.work.tables import WorkOrder

VIEWERS = MANAGERS  # admin, board, coach
GUARD_VIEWERS = ("admin", "coach")  # see how many people open offers would take over their limit
SHOWN = ("requested", "accepted", "scheduled", "in_progress", "done", "invoiced")  # not declined or cancelled
GUARD_DAYS = 7


@dataclass(frozen=True)
class PersonOnJob:
    name: str
    role: str  # worker | coach
    status: str  # offered | accepted


@dataclass(frozen=True)
class JobView:
    id: int
    title: str
    status: str
    customer: str
    place: str
    start: dt.time | None
    end: dt.time | None
    time_window: str
    people: tuple[PersonOnJob, ...]

    @property
    def open_offers(self) -> int:
        return sum(1 for p in self.people if p.status == "offered")


@dataclass(frozen=True)
class DayView:
    day: dt.date
    jobs: tuple[JobView, ...]


@dataclass(frozen=True)
class WeekPage:
    week: str  # 2026-W48
    number: int
    monday: dt.date
    sunday: dt.date
    previous: str | None  # the week before, None at the end of the calendar
    next: str | None
    current: bool  # this is the week of today
    days: tuple[DayView, ...]
    new_requests: int | None  # None: this person does not handle the shop's requests
    waiting_hours: int
    can_approve: bool
    over_limit: int | None  # None: this person does not see the earnings part
    near_limit: tuple[NearLimit, ...] | None = None  # None: this person does not see the earnings part

    @property
    def job_count(self) -> int:
        return sum(len(d.jobs) for d in self.days)


def _local(value: dt.datetime | None) -> dt.time | None:
    return value.astimezone(HELSINKI).time() if value is not None else None


def week_value(monday: dt.date) -> str:
    year, number, _ = monday.isocalendar()
    return f"{year}-W{number:02d}"


def _step(monday: dt.date, weeks: int) -> str | None:
    try:
        return week_value(monday + dt.timedelta(weeks=weeks))
    except OverflowError:
        return None


def read_week(value: str, on: dt.date | None = None) -> dt.date | None:
    """The Monday of the week in the address: empty is this week; None when the value is not a week."""
    if not value.strip():
        on = on or today()
        return on - dt.timedelta(days=on.weekday())
    return parse_week(value)


_JOBS_SQL = """SELECT o.id, o.title, o.status, coalesce(c.name, o.customer_name) AS customer, o.place, o.day,
  o.starts_at, o.ends_at, o.time_window
FROM work_order o
LEFT JOIN customer c ON c.coop_id = o.coop_id AND c.id = o.customer_id
WHERE o.coop_id = {} AND o.status = ANY({}) AND o.day BETWEEN {} AND {}
ORDER BY o.day, o.starts_at NULLS LAST, o.id"""

_PEOPLE_SQL = """SELECT a.order_id, a.role, a.status, coalesce(m.name, u.name, '') AS person
FROM work_assignment a
LEFT JOIN member m ON m.coop_id = a.coop_id AND m.id = a.member_id
LEFT JOIN app_user u ON u.id = a.coach_id
WHERE a.coop_id = {} AND a.order_id = ANY({}) AND a.status IN ('offered', 'accepted')
ORDER BY a.order_id, a.role DESC, person, a.id"""

_WAITING_SQL = "SELECT count(*) AS n FROM work_hours h WHERE h.coop_id = {} AND h.status = 'waiting' AND " + LATEST

_REQUESTS_SQL = "SELECT count(*) AS n FROM order_request WHERE coop_id = {} AND status = 'new'"

# Open offers of the next days, per person and month (the guard works a month at a time).
_OFFERS_SQL = """SELECT a.member_id, min(a.planned_day) AS day, sum(a.planned_minutes) AS minutes
FROM work_order o
JOIN work_assignment a ON a.coop_id = o.coop_id AND a.order_id = o.id
WHERE o.coop_id = {} AND o.status = ANY({}) AND o.day BETWEEN {} AND {}
  AND a.role = 'worker' AND a.status = 'offered' AND a.member_id IS NOT NULL
GROUP BY a.member_id, date_trunc('month', a.planned_day)
ORDER BY a.member_id, day"""


async def _guard_in_unit(ctx: CoopContext, on: dt.date) -> tuple[int, tuple[NearLimit, ...]]:
    """How many people have open offers in the next GUARD_DAYS days that would take them over their limit, and who
    is at NEAR_SHARE of their limit this month (a job coach who is not the admin: only their own workers)."""
    found = await limits.read_limits_in_unit(ctx.id, "dashboard")
    if not found.histories:
        return 0, ()  # nobody has a benefit profile: nothing can be over or near a limit
    rows = await WorkOrder.raw(_OFFERS_SQL, ctx.id, list(OFFERABLE), on, on + dt.timedelta(days=GUARD_DAYS - 1)).run()
    offers = [Offer(int(r["member_id"]), r["day"], int(r["minutes"])) for r in rows]
    over = await limits.over_limit_in_unit(ctx.id, offers, on, found)
    near = await limits.near_limit_in_unit(ctx.id, on, found=found)
    if not ctx.has("admin"):
        mine = await limits.coached_by_in_unit(ctx.id, ctx.viewer.id)
        near = [n for n in near if n.member_id in mine]
    return len(over), tuple(near)


async def week_page(ctx: CoopContext, week: str = "") -> WeekPage | None:
    """The week's page; None when `week` is not a week ("2026-W48"). Members get 403 before anything is read."""
    ctx.require(*VIEWERS)
    monday = read_week(week)
    if monday is None:
        return None
    sunday = monday + dt.timedelta(days=6)
    handles_requests = ctx.has(*storefront.HANDLERS)
    sees_guard = ctx.has(*GUARD_VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        jobs = await WorkOrder.raw(_JOBS_SQL, ctx.id, list(SHOWN), monday, sunday).run()
        people: dict[int, list[PersonOnJob]] = {int(j["id"]): [] for j in jobs}
        if people:
            for r in await WorkOrder.raw(_PEOPLE_SQL, ctx.id, list(people)).run():
                people[int(r["order_id"])].append(PersonOnJob(r["person"], r["role"], r["status"]))
        waiting = int((await WorkOrder.raw(_WAITING_SQL, ctx.id).run())[0]["n"])
        requests = None
        if handles_requests:
            requests = int((await WorkOrder.raw(_REQUESTS_SQL, ctx.id).run())[0]["n"])
        over, near = await _guard_in_unit(ctx, today()) if sees_guard else (None, None)
    by_day: dict[dt.date, list[JobView]] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for j in jobs:
        by_day[j["day"]].append(
            JobView(
                id=int(j["id"]),
                title=j["title"],
                status=j["status"],
                customer=j["customer"] or "",
                place=j["place"],
                start=_local(j["starts_at"]),
                end=_local(j["ends_at"]),
                time_window=j["time_window"],
                people=tuple(people[int(j["id"])]),
            )
        )
    this_monday = today() - dt.timedelta(days=today().weekday())
    return WeekPage(
        week=week_value(monday),
        number=monday.isocalendar()[1],
        monday=monday,
        sunday=sunday,
        previous=_step(monday, -1),
        next=_step(monday, 1),
        current=monday == this_monday,
        days=tuple(DayView(day, tuple(found)) for day, found in by_day.items()),
        new_requests=requests,
        waiting_hours=waiting,
        can_approve=ctx.has(*hours.APPROVERS),
        over_limit=over,
        near_limit=near,
    )
