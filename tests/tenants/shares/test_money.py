"""Pure rules of the share register: share counts and dates as typed, balances, wage deductions, refund due dates,
supporting-member fees."""

from __future__ import annotations

import datetime as dt

import pytest

from osuus.platform.money import InputError
from osuus.tenants.shares.money import (
    Balance,
    add_months,
    balance,
    deduction_amount,
    fee_status,
    financial_year_end,
    parse_count,
    parse_date,
    parse_year_end,
    plan_balance,
    refund_due_date,
    refund_status,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [("27.3.2026", dt.date(2026, 3, 27)), ("01.02.2026", dt.date(2026, 2, 1)), ("1. 2. 2026.", dt.date(2026, 2, 1))],
)
def test_dates_accepted(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the date"),
        ("2026-03-27", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ("31.2.2026", "Check the date. This day is not in the calendar, for example 31.2. is not"),
        ("1.1.26", "Write the date as d.m.yyyy, for example 27.3.2026"),
    ],
)
def test_dates_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text)
    assert info.value.message == message


def test_counts() -> None:
    assert parse_count("2", 1, 10) == 2
    assert parse_count("0", 0, 10) == 0
    for text, message in [
        ("", "Enter the number of shares"),
        ("1,5", "Write the number of shares as a whole number, for example 1"),
        ("-1", "Write the number of shares as a whole number, for example 1"),
        ("0", "The number of shares must be at least 1"),
        ("11", "The number of shares is too big. Check the number"),
    ]:
        with pytest.raises(InputError) as info:
            parse_count(text, 1, 10)
        assert info.value.message == message


def test_balance_from_changes_and_payments() -> None:
    b = balance([(2, 10000)], [("payment", 2500), ("payment", 1500)])
    assert b == Balance(shares=2, owed_cents=10000, paid_cents=4000)
    assert (b.unpaid_cents, b.overpaid_cents) == (6000, 0)


def test_balance_after_refund_on_exit_is_zero() -> None:
    b = balance([(2, 10000), (-2, -10000)], [("payment", 10000), ("refund", 10000)])
    assert (b.shares, b.owed_cents, b.paid_cents, b.unpaid_cents) == (0, 0, 0, 0)


def test_overpaid() -> None:
    b = balance([(1, 5000)], [("payment", 6000)])
    assert (b.unpaid_cents, b.overpaid_cents) == (0, 1000)


def test_plan_balance_never_negative() -> None:
    assert plan_balance(10000, 4000) == 6000
    assert plan_balance(10000, 12000) == 0


@pytest.mark.parametrize(
    ("balance_cents", "instalment", "net", "protected", "expected"),
    [
        (6000, 2500, 70000, 69000, 1000),  # the example: the protected net pay caps it at 10,00 €
        (6000, 2500, None, 69000, 2500),  # no pay figure: the instalment
        (1000, 2500, None, 0, 1000),  # capped at the balance
        (1000, 2500, 100000, 69000, 1000),  # balance smaller than both
        (6000, 2500, 69000, 69000, 0),  # exactly at the protected amount
        (6000, 2500, 50000, 69000, 0),  # already below: nothing, never negative
        (6000, 2500, 80000, 69000, 2500),  # enough pay: the whole instalment
        (0, 2500, 80000, 0, 0),  # nothing owed
    ],
)
def test_deduction_amount(balance_cents: int, instalment: int, net: int | None, protected: int, expected: int) -> None:
    assert deduction_amount(balance_cents, instalment, net, protected) == expected


# --- the refund on leaving -----------------------------------------------------------------------------------


def test_refund_falls_due_six_months_after_the_calendar_year() -> None:
    """The brief's example: left 15.3.2026, year ending 31.12., 6 months -> 30.6.2027."""
    assert refund_due_date(dt.date(2026, 3, 15)) == dt.date(2027, 6, 30)
    assert refund_due_date(dt.date(2026, 3, 15), 31, 12, 6) == dt.date(2027, 6, 30)


@pytest.mark.parametrize(
    ("left_on", "day", "month", "months", "due"),
    [
        (dt.date(2026, 3, 15), 30, 6, 6, dt.date(2026, 12, 31)),  # the year ends 30.6.2026; a month end stays one
        (dt.date(2026, 6, 30), 30, 6, 6, dt.date(2026, 12, 31)),  # leaving on the last day of the year
        (dt.date(2026, 7, 1), 30, 6, 6, dt.date(2027, 12, 31)),  # the next financial year
        (dt.date(2026, 12, 31), 31, 12, 6, dt.date(2027, 6, 30)),
        (dt.date(2027, 1, 1), 31, 12, 6, dt.date(2028, 6, 30)),
        (dt.date(2026, 3, 15), 31, 12, 0, dt.date(2026, 12, 31)),  # the rules may say: right at the year end
        (dt.date(2026, 3, 15), 31, 12, 12, dt.date(2027, 12, 31)),
        (dt.date(2026, 3, 15), 31, 3, 6, dt.date(2026, 9, 30)),
        (dt.date(2026, 9, 1), 15, 8, 6, dt.date(2028, 2, 15)),  # not a month end: the day is kept
        (dt.date(2027, 1, 1), 30, 11, 3, dt.date(2028, 2, 29)),  # a leap year's February
        (dt.date(2026, 1, 1), 30, 11, 3, dt.date(2027, 2, 28)),
    ],
)
def test_refund_due_date_with_the_rules_figures(
    left_on: dt.date, day: int, month: int, months: int, due: dt.date
) -> None:
    assert refund_due_date(left_on, day, month, months) == due


def test_financial_year_end_and_adding_months() -> None:
    assert financial_year_end(dt.date(2026, 3, 15), 30, 6) == dt.date(2026, 6, 30)
    assert financial_year_end(dt.date(2026, 8, 1), 30, 6) == dt.date(2027, 6, 30)
    assert add_months(dt.date(2026, 1, 30), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 2, 28), 1) == dt.date(2026, 3, 31)  # the last day of February is a month end
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)


def test_refund_status() -> None:
    due = dt.date(2027, 6, 30)
    assert refund_status(10000, due, dt.date(2027, 6, 29)) == "not_due"
    assert refund_status(10000, due, due) == "due"
    assert refund_status(1, due, dt.date(2030, 1, 1)) == "due"
    assert refund_status(0, due, dt.date(2026, 1, 1)) == "paid"


@pytest.mark.parametrize(
    ("text", "day_month"),
    [("31.12.", (31, 12)), ("31.12", (31, 12)), ("30.6.", (30, 6)), (" 1. 4. ", (1, 4)), ("28.2.", (28, 2))],
)
def test_year_end_accepted(text: str, day_month: tuple[int, int]) -> None:
    assert parse_year_end(text) == day_month


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the last day of the financial year, for example 31.12."),
        ("29.2.", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
        ("31.6.", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
        ("0.12.", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
        ("31.13.", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
        ("12/31", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
        ("31.12.2026", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
    ],
)
def test_year_end_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_year_end(text)
    assert refused.value.message == message


# --- the supporting-member fee -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fee", "paid", "status"),
    [
        (0, 0, "none"),
        (0, 500, "none"),
        (2000, 2000, "paid"),
        (2000, 2500, "paid"),
        (2000, 500, "part"),
        (2000, 0, "unpaid"),
    ],
)
def test_fee_status(fee: int, paid: int, status: str) -> None:
    assert fee_status(fee, paid) == status


def test_balance_keeps_refunds_separately() -> None:
    assert Balance(1, 5000, 3000, 2000).unpaid_cents == 2000
    assert Balance(1, 5000, 3000).refunded_cents == 0
