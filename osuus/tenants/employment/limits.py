"""The earnings guard for a whole coop at once: who is near their limit this month, and whose open offers would
take them over it, for the coop's week.

One batched, logged read (`read_limits_in_unit`): every benefit profile of the coop in one query, opened with the
same checks as `service._profiles_in_unit`, and one INSERT that writes the usual read row
("employment.benefit_profile.read", target "member:<id>") for each person whose profile was opened, with the
purpose (e.g. "dashboard") and the size of the batch. The worker's read log (`service._reads`) finds reads by
target, so a batched read shows there like any other. The month's earnings of the people with a limit are then
read for all of them together (contracts, hours, planned work and other pay: four queries, not four per person)
and computed by the same pure function as the earnings page (`earnings.month_earnings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import structlog

from osuus.platform.tables import AuditLog
from osuus.platform.tenancy import TenancyError, current_coop_id, current_unit
from osuus.tenants.employment import earnings
from osuus.tenants.employment.earnings import Month, MonthEarnings, PayRow, WagePeriod
from osuus.tenants.employment.service import (
    READ_ACTION,
    ProfileView,
    _contracts,
    open_profile,
    periods_of,
    profile_on,
)
from osuus.tenants.employment.tables import BenefitProfile, OtherPay, WorkerCoach

log = structlog.get_logger(__name__)

NEAR_SHARE = Decimal("0.8")  # the week page lists people whose month comes to 80 % of their limit or more


@dataclass(frozen=True)
class Limits:
    """Every opened profile history of a coop (newest first, per person) and the names of the people; the wage
    periods and months read for them are kept here, so that the near and the over parts read them once."""

    coop_id: int
    histories: dict[int, list[ProfileView]]
    names: dict[int, str]
    periods: dict[int, list[WagePeriod]] = field(default_factory=dict)
    months: dict[tuple[Month, dt.date], dict[int, MonthEarnings]] = field(default_factory=dict)


@dataclass(frozen=True)
class NearLimit:
    member_id: int
    name: str
    percent: int  # the month's planned earnings as per cent of the limit, rounded down
    projected_cents: int
    limit_cents: int


@dataclass(frozen=True)
class Offer:
    """Open offers of one person in one month: the first planned day and the minutes together."""

    member_id: int
    day: dt.date
    minutes: int


def _require_unit(coop_id: int, name: str) -> None:
    if current_coop_id() != coop_id:
        raise TenancyError(f"{name} needs the unit of the same coop")


_PROFILES_SQL = """SELECT p.id, p.member_id, p.valid_from, p.key_id, p.sealed, p.created_at,
  coalesce(u.name, '') AS recorded_by, coalesce(m.name, '') AS person
FROM benefit_profile p
JOIN member m ON m.coop_id = p.coop_id AND m.id = p.member_id
LEFT JOIN app_user u ON u.id = p.recorded_by
WHERE p.coop_id = {}
ORDER BY p.member_id, p.valid_from DESC, p.id DESC"""

# One read row per person, as `audit.record` writes them, in one statement.
_READS_SQL = """INSERT INTO audit_log (at, actor_id, action, coop_id, organisation_id, target, detail, ip)
SELECT now(), {}, {}, {}, NULL, 'member:' || m,
  jsonb_build_object('member_id', m, 'purpose', {}::text, 'batch', {}::int), {}
FROM unnest({}::bigint[]) AS m"""


async def read_limits_in_unit(coop_id: int, purpose: str, ip: str = "") -> Limits:
    """Every benefit profile of the coop, opened, and the read rows (one per person) in the same transaction."""
    _require_unit(coop_id, "read_limits_in_unit")
    unit = current_unit()
    rows = await BenefitProfile.raw(_PROFILES_SQL, coop_id).run()
    histories: dict[int, list[ProfileView]] = {}
    names: dict[int, str] = {}
    for r in rows:
        member_id = int(r["member_id"])
        histories.setdefault(member_id, []).append(open_profile(coop_id, member_id, r, r["recorded_by"]))
        names[member_id] = r["person"]
    if histories:
        members = sorted(histories)
        await AuditLog.raw(
            _READS_SQL, unit.user_id, READ_ACTION, coop_id, purpose, len(members), ip[:45], members
        ).run()
        log.info("audit." + READ_ACTION, actor_id=unit.user_id, coop_id=coop_id, purpose=purpose, people=len(members))
    return Limits(coop_id, histories, names)


async def _work_rows(
    coop_id: int, member_ids: list[int], month: Month
) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    try:
        from osuus.tenants.work.service import hours_for_workers_in_unit, planned_for_workers_in_unit
    except ImportError:  # like the service: without the work context nobody has hours
        return {m: [] for m in member_ids}, {m: [] for m in member_ids}
    hours = await hours_for_workers_in_unit(coop_id, member_ids, month.first_day, month.last_day)
    planned = await planned_for_workers_in_unit(coop_id, member_ids, month.first_day, month.last_day)
    return dict(hours), dict(planned)


async def _other_pay(coop_id: int, member_ids: list[int], month: Month) -> dict[int, list[PayRow]]:
    found: dict[int, list[PayRow]] = {m: [] for m in member_ids}
    rows = (
        await OtherPay.select(OtherPay.member, OtherPay.on_date, OtherPay.amount_cents, OtherPay.note)
        .where(
            (OtherPay.coop == coop_id)
            & OtherPay.member.is_in(member_ids)
            & (OtherPay.on_date >= month.first_day)
            & (OtherPay.on_date <= month.last_day)
        )
        .order_by(OtherPay.on_date)
        .order_by(OtherPay.id)
        .run()
    )
    for r in rows:
        found[int(r["member_id"])].append(PayRow(r["on_date"], int(r["amount_cents"]), r["note"]))
    return found


async def periods_in_unit(coop_id: int, member_ids: list[int]) -> dict[int, list[WagePeriod]]:
    """The wage periods of each worker (`service.periods_of` of their contracts), in one read."""
    contracts = await _contracts(coop_id, member_ids) if member_ids else []
    return {m: periods_of([c for c in contracts if c.member_id == m]) for m in member_ids}


async def months_in_unit(
    coop_id: int,
    month: Month,
    limits: Mapping[int, int | None],
    on: dt.date,
    periods: dict[int, list[WagePeriod]] | None = None,
) -> dict[int, MonthEarnings]:
    """`service._month_in_unit` for many workers at once (`limits`: member id -> limit in cents or None)."""
    _require_unit(coop_id, "months_in_unit")
    member_ids = sorted(limits)
    if not member_ids:
        return {}
    if periods is None:
        periods = await periods_in_unit(coop_id, member_ids)
    hours, planned = await _work_rows(coop_id, member_ids, month)
    other = await _other_pay(coop_id, member_ids, month)
    return {
        m: earnings.month_earnings(month, hours[m], planned[m], other[m], periods[m], limits[m], on) for m in member_ids
    }


async def _periods_of(found: Limits) -> dict[int, list[WagePeriod]]:
    if not found.periods and found.histories:
        found.periods.update(await periods_in_unit(found.coop_id, sorted(found.histories)))
    return found.periods


async def _months_of(found: Limits, month: Month, on: dt.date) -> dict[int, MonthEarnings]:
    """The month of everyone with a limit at its end (read once per month and day)."""
    if (month, on) not in found.months:
        limits = dict(_limits_of(found, month))
        found.months[(month, on)] = await months_in_unit(found.coop_id, month, limits, on, await _periods_of(found))
    return found.months[(month, on)]


def _limits_of(found: Limits, month: Month) -> dict[int, int]:
    """People whose profile in force at the month's end has a limit, and the limit."""
    out: dict[int, int] = {}
    for member_id, history in found.histories.items():
        profile = profile_on(history, month.last_day)
        if profile is not None and profile.limit_cents is not None:
            out[member_id] = profile.limit_cents
    return out


def percent_of(projected_cents: int, limit_cents: int) -> int:
    """Per cent of the limit, rounded down (79.9 % is 79 %)."""
    if limit_cents <= 0:
        return 0
    return int((Decimal(projected_cents) * 100 / Decimal(limit_cents)).to_integral_value(rounding=ROUND_FLOOR))


async def coached_by_in_unit(coop_id: int, coach_id: int) -> set[int]:
    """The workers this account is a job coach of."""
    rows = (
        await WorkerCoach.select(WorkerCoach.member)
        .where((WorkerCoach.coop == coop_id) & (WorkerCoach.coach == coach_id))
        .run()
    )
    return {int(r["member_id"]) for r in rows}


async def near_limit_in_unit(
    coop_id: int,
    on: dt.date,
    share: Decimal = NEAR_SHARE,
    found: Limits | None = None,
    purpose: str = "dashboard",
    ip: str = "",
) -> list[NearLimit]:
    """People whose planned earnings of the month of `on` (earned, waiting for approval, accepted work to come and
    other pay) are at least `share` of their limit, highest share first. Reads the profiles (logged) unless given."""
    _require_unit(coop_id, "near_limit_in_unit")
    if found is None:
        found = await read_limits_in_unit(coop_id, purpose, ip)
    elif found.coop_id != coop_id:
        raise TenancyError("near_limit_in_unit got another coop's profiles")
    month = Month.of(on)
    limits = _limits_of(found, month)
    months = await _months_of(found, month, on)
    near = [
        NearLimit(m, found.names.get(m, ""), percent_of(e.projected_cents, limits[m]), e.projected_cents, limits[m])
        for m, e in months.items()
        if Decimal(e.projected_cents) >= Decimal(limits[m]) * share
    ]
    return sorted(near, key=lambda n: (-n.percent, n.name, n.member_id))


async def over_limit_in_unit(coop_id: int, offers: Iterable[Offer], on: dt.date, found: Limits) -> set[int]:
    """The people whose open offers (per month) would take that month's planned earnings over their limit: what
    `service.would_exceed_in_unit` says for each, from the profiles already read. People without a wage on the
    offer's day, without a profile or without a limit are never over."""
    _require_unit(coop_id, "over_limit_in_unit")
    if found.coop_id != coop_id:
        raise TenancyError("over_limit_in_unit got another coop's profiles")
    wanted = [o for o in offers if o.minutes > 0 and o.member_id in found.histories]
    if not wanted:
        return set()
    periods = await _periods_of(found)
    over: set[int] = set()
    for o in wanted:
        months = await _months_of(found, Month.of(o.day), on)
        extra = earnings.extra_pay_cents(o.day, o.minutes, periods[o.member_id])
        if o.member_id in months and extra is not None and months[o.member_id].would_exceed(extra):
            over.add(o.member_id)
    return over
