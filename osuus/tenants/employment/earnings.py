"""Pure calculations of earnings: the wage in force on a day, pay per row, a month against the earnings limit.

No database here, so every rule has an exact test (tests/tenants/employment/test_earnings.py). Money is integer
cents; a row's pay is minutes × hourly wage / 60 in Decimal, rounded half up to a cent once per row (7 h 30 min at
12,35 € is 92,625 € → 92,63 €). Totals are sums of rounded rows, so a statement's rows add up to its total.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

NEAR_SHARE = Decimal("0.9")  # "near the limit" from 90 % of it on
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


# --- months -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str | None, default: Month) -> Month:
        """'2026-11' from an address; anything else (or a year outside 2000–2100) is the default."""
        match = _MONTH.match((text or "").strip())
        if match is None:
            return default
        year, month = int(match.group(1)), int(match.group(2))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return default
        return cls(year, month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def contains(self, day: dt.date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


# --- wages --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WagePeriod:
    """An hourly wage from a day to a day (None: open-ended), from one contract's terms."""

    starts_on: dt.date
    ends_on: dt.date | None
    hourly_wage_cents: int

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class TermsRow:
    """One terms row of a contract, as the periods are built from it."""

    id: int
    valid_from: dt.date
    hourly_wage_cents: int


def wage_periods(starts_on: dt.date, ends_on: dt.date | None, terms: Iterable[TermsRow]) -> list[WagePeriod]:
    """The periods of one contract: each terms row holds from its day until the next row's day (or the contract's
    end). Two rows of the same day: the newer one (higher id) holds; rows after the end are ignored."""
    by_day: dict[dt.date, TermsRow] = {}
    for row in sorted(terms, key=lambda r: (r.valid_from, r.id)):
        by_day[max(row.valid_from, starts_on)] = row
    days = sorted(by_day)
    periods = []
    for index, day in enumerate(days):
        if ends_on is not None and day > ends_on:
            break
        until = days[index + 1] - dt.timedelta(days=1) if index + 1 < len(days) else None
        if ends_on is not None and (until is None or until > ends_on):
            until = ends_on
        periods.append(WagePeriod(day, until, by_day[day].hourly_wage_cents))
    return periods


def wage_on(day: dt.date, periods: Sequence[WagePeriod]) -> int | None:
    """The hourly wage in force on the day, or None when no contract covers it (the latest start wins)."""
    found = [p for p in periods if p.covers(day)]
    return max(found, key=lambda p: p.starts_on).hourly_wage_cents if found else None


def row_pay_cents(minutes: int, hourly_wage_cents: int) -> int:
    """minutes × wage / 60, rounded half up to a cent."""
    exact = Decimal(minutes) * Decimal(hourly_wage_cents) / Decimal(60)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- a month ------------------------------------------------------------------------------------------------------


class HoursLike(Protocol):
    @property
    def day(self) -> dt.date: ...
    @property
    def minutes(self) -> int: ...
    @property
    def approved(self) -> bool: ...
    @property
    def assignment_id(self) -> int: ...


class PlannedLike(Protocol):
    @property
    def day(self) -> dt.date: ...
    @property
    def minutes(self) -> int: ...
    @property
    def assignment_id(self) -> int: ...


@dataclass(frozen=True)
class PayRow:
    day: dt.date
    amount_cents: int
    note: str = ""


ROW_KINDS = ("hours", "pending", "planned", "other")


@dataclass(frozen=True)
class EarningRow:
    day: dt.date
    kind: str  # hours (approved) | pending (logged, not yet approved) | planned (accepted, to come) | other
    minutes: int
    hourly_wage_cents: int | None  # None: no contract covers the day (the pay is then 0)
    pay_cents: int
    note: str = ""


@dataclass(frozen=True)
class MonthEarnings:
    month: Month
    rows: tuple[EarningRow, ...]
    limit_cents: int | None

    def _sum(self, kind: str) -> int:
        return sum(r.pay_cents for r in self.rows if r.kind == kind)

    @property
    def earned_cents(self) -> int:
        """Approved hours."""
        return self._sum("hours")

    @property
    def other_cents(self) -> int:
        return self._sum("other")

    @property
    def pending_cents(self) -> int:
        return self._sum("pending")

    @property
    def planned_cents(self) -> int:
        return self._sum("planned")

    @property
    def so_far_cents(self) -> int:
        """Earned so far: approved hours and other pay."""
        return self.earned_cents + self.other_cents

    @property
    def projected_cents(self) -> int:
        """What the month comes to with hours waiting for approval and accepted work still to come."""
        return self.so_far_cents + self.pending_cents + self.planned_cents

    @property
    def left_cents(self) -> int | None:
        """What can still be earned this month without going over the limit (negative: over it)."""
        return None if self.limit_cents is None else self.limit_cents - self.projected_cents

    @property
    def over_cents(self) -> int:
        left = self.left_cents
        return -left if left is not None and left < 0 else 0

    @property
    def status(self) -> str:
        """no_limit | under | near (90 % of the limit or more) | at (exactly the limit) | over."""
        if self.limit_cents is None:
            return "no_limit"
        projected = self.projected_cents
        if projected > self.limit_cents:
            return "over"
        if projected == self.limit_cents:
            return "at"
        if Decimal(projected) >= Decimal(self.limit_cents) * NEAR_SHARE:
            return "near"
        return "under"

    @property
    def minutes_without_wage(self) -> int:
        return sum(r.minutes for r in self.rows if r.hourly_wage_cents is None and r.kind != "other")

    def minutes_of(self, *kinds: str) -> int:
        return sum(r.minutes for r in self.rows if r.kind in kinds)

    def would_exceed(self, extra_cents: int) -> bool:
        """Whether extra pay would take the month over the limit (reaching it exactly is not over)."""
        return self.limit_cents is not None and self.projected_cents + extra_cents > self.limit_cents


def month_earnings(
    month: Month,
    hours: Iterable[HoursLike],
    planned: Iterable[PlannedLike],
    other: Iterable[PayRow],
    periods: Sequence[WagePeriod],
    limit_cents: int | None,
    today: dt.date,
) -> MonthEarnings:
    """One month of a worker: approved hours, hours waiting for approval, other pay, and accepted work still to come
    (today or later, and not yet logged for that job and day), each row paid at the wage in force on its day."""
    rows: list[EarningRow] = []
    logged: set[tuple[int, dt.date]] = set()
    for h in hours:
        if not month.contains(h.day) or h.minutes <= 0:
            continue
        logged.add((h.assignment_id, h.day))
        wage = wage_on(h.day, periods)
        pay = row_pay_cents(h.minutes, wage) if wage is not None else 0
        rows.append(EarningRow(h.day, "hours" if h.approved else "pending", h.minutes, wage, pay))
    for p in planned:
        if not month.contains(p.day) or p.day < today or p.minutes <= 0 or (p.assignment_id, p.day) in logged:
            continue
        wage = wage_on(p.day, periods)
        pay = row_pay_cents(p.minutes, wage) if wage is not None else 0
        rows.append(EarningRow(p.day, "planned", p.minutes, wage, pay))
    for o in other:
        if month.contains(o.day):
            rows.append(EarningRow(o.day, "other", 0, None, o.amount_cents, o.note))
    rows.sort(key=lambda r: (r.day, ROW_KINDS.index(r.kind)))
    return MonthEarnings(month, tuple(rows), limit_cents)


def extra_pay_cents(day: dt.date, minutes: int, periods: Sequence[WagePeriod]) -> int | None:
    """What `minutes` of work on `day` would pay; None when no contract covers the day."""
    wage = wage_on(day, periods)
    return None if wage is None else row_pay_cents(minutes, wage)


# --- the monthly statement ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementTotals:
    days_worked: int
    minutes: int
    gross_cents: int


def statement_totals(rows: Sequence[EarningRow]) -> StatementTotals:
    """Approved hours and other pay only: days with approved hours, their minutes, and all the pay."""
    counted = [r for r in rows if r.kind in ("hours", "other")]
    days = {r.day for r in counted if r.kind == "hours" and r.minutes > 0}
    return StatementTotals(
        days_worked=len(days),
        minutes=sum(r.minutes for r in counted if r.kind == "hours"),
        gross_cents=sum(r.pay_cents for r in counted),
    )


def hours_text(minutes: int) -> str:
    """Minutes as hours with a decimal comma, as a statement shows them: 450 -> '7,50'."""
    exact = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{exact}".replace(".", ",")
