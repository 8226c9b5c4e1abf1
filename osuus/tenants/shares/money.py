"""Pure calculations of the share register: reading share counts and dates as people type them, balances,
deductions (euros: osuus.platform.money).

No database here, so every rule has an exact test (tests/tenants/shares/test_money.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from osuus.platform import dates
from osuus.platform.http import is_digits
from osuus.platform.i18n import N_
from osuus.platform.money import InputError

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_date(text: str) -> dt.date:
    """'d.m.yyyy' as people write it (osuus.platform.dates), with this module's error type."""
    try:
        return dates.parse_date(text)
    except dates.DateError as problem:
        raise InputError(problem.message) from None


def parse_count(text: str, low: int, high: int) -> int:
    """A whole number of shares between low and high."""
    value = _SPACES.sub("", text or "")
    if not value:
        raise InputError(N_("Enter the number of shares"))
    if not is_digits(value):
        raise InputError(N_("Write the number of shares as a whole number, for example 1"))
    number = int(value)
    if number < low:
        raise InputError(
            N_("The number of shares must be at least 1") if low >= 1 else N_("Enter the number of shares")
        )
    if number > high:
        raise InputError(N_("The number of shares is too big. Check the number"))
    return number


# --- balances -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """One member's shares and money: the shares are worth `owed_cents`; `paid_cents` is paid in minus refunds."""

    shares: int
    owed_cents: int
    paid_cents: int
    refunded_cents: int = 0  # paid back to the member (already taken off paid_cents; shares moved on not counted)

    @property
    def unpaid_cents(self) -> int:
        return max(0, self.owed_cents - self.paid_cents)

    @property
    def overpaid_cents(self) -> int:
        return max(0, self.paid_cents - self.owed_cents)


def balance(changes: list[tuple[int, int]], payments: list[tuple[str, int]]) -> Balance:
    """changes: (shares, value_cents) rows; payments: (kind, amount_cents) rows with kind 'payment' or 'refund'."""
    shares = sum(n for n, _ in changes)
    owed = sum(value for _, value in changes)
    paid = sum(amount if kind == "payment" else -amount for kind, amount in payments)
    return Balance(shares, owed, paid)


def plan_balance(total_cents: int, paid_to_plan_cents: int) -> int:
    """What is still to be paid under a plan (never below zero)."""
    return max(0, total_cents - paid_to_plan_cents)


# --- wage deductions ------------------------------------------------------------------------------------------


def deduction_amount(
    balance_cents: int, instalment_cents: int, net_pay_cents: int | None, protected_net_cents: int
) -> int:
    """One pay day's deduction: the instalment, never more than the balance, and (when the net pay is known)
    never so much that the net pay left falls below the protected amount. Never negative.

    Balance 60,00 €, instalment 25,00 €, net 700,00 €, protected 690,00 € -> 10,00 €.
    """
    amount = max(0, min(instalment_cents, balance_cents))
    if net_pay_cents is not None:
        amount = min(amount, max(0, net_pay_cents - protected_net_cents))
    return amount


# --- the refund on leaving -------------------------------------------------------------------------------------

DEFAULT_YEAR_END = (31, 12)  # day, month: the calendar year
DEFAULT_REFUND_MONTHS = 6
MAX_REFUND_MONTHS = 60


def _month_end(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def year_end_problem(day: int, month: int) -> str | None:
    """A financial year must end on a day that every year has: 31.12. or 30.6. are fine, 29.2. and 31.6. are not."""
    if not 1 <= month <= 12 or not 1 <= day <= _month_end(2001, month):
        return N_("Check the day. Write the last day of the financial year as d.m., for example 31.12.")
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` calendar months later. The last day of a month stays the last day (31.12. + 6 -> 30.6.);
    another day is kept, or the month's last day when the month is shorter (31.8. + 1 is not a month end)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day == _month_end(day.year, day.month):
        return dt.date(year, month, _month_end(year, month))
    return dt.date(year, month, min(day.day, _month_end(year, month)))


def financial_year_end(on: dt.date, year_end_day: int = 31, year_end_month: int = 12) -> dt.date:
    """The last day of the financial year that `on` falls in."""
    end = dt.date(on.year, year_end_month, year_end_day)
    return end if end >= on else dt.date(on.year + 1, year_end_month, year_end_day)


def refund_due_date(
    left_on: dt.date,
    year_end_day: int = DEFAULT_YEAR_END[0],
    year_end_month: int = DEFAULT_YEAR_END[1],
    refund_months: int = DEFAULT_REFUND_MONTHS,
) -> dt.date:
    """When the share money of a member who left falls due: `refund_months` after the end of the financial year
    in which the membership ended (the Cooperatives Act's rule, the rules may set other figures).

    Left 15.3.2026, year ending 31.12., 6 months -> 30.6.2027; year ending 30.6. -> 31.12.2026.
    """
    return add_months(financial_year_end(left_on, year_end_day, year_end_month), refund_months)


def refund_status(owed_cents: int, due_on: dt.date, on: dt.date) -> str:
    """'paid' when nothing is owed any more, 'due' from the due day on, else 'not_due'."""
    if owed_cents <= 0:
        return "paid"
    return "due" if on >= due_on else "not_due"


def parse_year_end(text: str) -> tuple[int, int]:
    """The last day of the financial year as 'd.m.' ('31.12.', '30.6', '31.12'): (day, month)."""
    value = _SPACES.sub("", text or "")
    if not value:
        raise InputError(N_("Enter the last day of the financial year, for example 31.12."))
    match = _DAY_MONTH.match(value)
    if match is None:
        raise InputError(N_("Check the day. Write the last day of the financial year as d.m., for example 31.12."))
    day, month = int(match.group(1)), int(match.group(2))
    problem = year_end_problem(day, month)
    if problem:
        raise InputError(problem)
    return day, month


_DAY_MONTH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")


# --- the supporting-member fee -------------------------------------------------------------------------------


def fee_status(fee_cents: int, paid_cents: int) -> str:
    """A supporting member's year: 'none' (no fee), 'paid', 'part' (partly paid) or 'unpaid'."""
    if fee_cents <= 0:
        return "none"
    if paid_cents >= fee_cents:
        return "paid"
    return "part" if paid_cents > 0 else "unpaid"
