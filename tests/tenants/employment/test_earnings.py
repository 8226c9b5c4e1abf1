"""The pure earnings rules: pay per row with exact cents, the wage in force on a day, a month against the limit."""

from __future__ import annotations

import datetime as dt

import pytest

from osuus.tenants.employment.earnings import (
    Month,
    PayRow,
    TermsRow,
    WagePeriod,
    hours_text,
    month_earnings,
    row_pay_cents,
    statement_totals,
    wage_on,
    wage_periods,
)
from tests.tenants.employment.conftest import Hours, Planned

D = dt.date


@pytest.mark.parametrize(
    ("minutes", "wage", "cents"),
    [
        (450, 1235, 9263),  # 7 h 30 min at 12,35 € = 92,625 € -> 92,63 €
        (60, 1235, 1235),
        (1, 1235, 21),  # 0,2058… € -> 0,21 €
        (30, 1001, 501),  # 5,005 € -> 5,01 € (half up, not to even)
        (30, 1003, 502),  # 5,015 € -> 5,02 €
        (90, 1150, 1725),
        (0, 1235, 0),
        (20 * 60, 1280, 25600),
    ],
)
def test_row_pay_is_rounded_half_up_per_row(minutes: int, wage: int, cents: int) -> None:
    assert row_pay_cents(minutes, wage) == cents


def test_rows_are_rounded_one_by_one_and_then_added() -> None:
    month = Month(2026, 3)
    hours = [Hours(D(2026, 3, d), 30, True, 1) for d in (2, 3, 4)]
    periods = [WagePeriod(D(2026, 1, 1), None, 1001)]
    result = month_earnings(month, hours, [], [], periods, None, D(2026, 3, 31))
    # Each 5,005 € row rounds to 5,01 €: 15,03 € (not 15,015 € rounded once to 15,02 €).
    assert [r.pay_cents for r in result.rows] == [501, 501, 501]
    assert result.earned_cents == 1503


def test_wage_periods_follow_amendments_and_the_contract_end() -> None:
    terms = [TermsRow(1, D(2026, 1, 1), 1200), TermsRow(2, D(2026, 5, 1), 1280), TermsRow(3, D(2026, 5, 1), 1300)]
    periods = wage_periods(D(2026, 1, 1), D(2026, 12, 31), terms)
    # Two rows of the same day: the newer (higher id) one holds.
    assert periods == [
        WagePeriod(D(2026, 1, 1), D(2026, 4, 30), 1200),
        WagePeriod(D(2026, 5, 1), D(2026, 12, 31), 1300),
    ]
    assert wage_on(D(2025, 12, 31), periods) is None
    assert wage_on(D(2026, 1, 1), periods) == 1200
    assert wage_on(D(2026, 4, 30), periods) == 1200
    assert wage_on(D(2026, 5, 1), periods) == 1300
    assert wage_on(D(2026, 12, 31), periods) == 1300
    assert wage_on(D(2027, 1, 1), periods) is None


def test_open_ended_contract_and_a_second_contract() -> None:
    first = wage_periods(D(2025, 1, 1), D(2025, 6, 30), [TermsRow(1, D(2025, 1, 1), 1100)])
    second = wage_periods(D(2025, 8, 1), None, [TermsRow(2, D(2025, 8, 1), 1200), TermsRow(3, D(2026, 2, 1), 1250)])
    periods = first + second
    assert wage_on(D(2025, 7, 15), periods) is None  # between the contracts
    assert wage_on(D(2025, 8, 1), periods) == 1200
    assert wage_on(D(2030, 1, 1), periods) == 1250


def test_month_counts_approved_pending_planned_and_other_pay() -> None:
    month = Month(2026, 11)
    periods = [WagePeriod(D(2026, 1, 1), None, 1235)]
    hours = [
        Hours(D(2026, 11, 2), 450, True, 10),  # 92,63
        Hours(D(2026, 11, 3), 240, False, 11),  # 49,40 waiting for approval
        Hours(D(2026, 10, 31), 600, True, 12),  # another month: not counted
    ]
    planned = [
        Planned(D(2026, 11, 20), 240, 20),  # 49,40 planned
        Planned(D(2026, 11, 3), 240, 11),  # logged already: not counted twice
        Planned(D(2026, 11, 5), 240, 21),  # before today: not planned any more
        Planned(D(2026, 12, 1), 240, 22),  # next month
    ]
    other = [PayRow(D(2026, 11, 1), 4000, "Lisä"), PayRow(D(2026, 12, 1), 999, "Ei tämä")]
    result = month_earnings(month, hours, planned, other, periods, 90000, D(2026, 11, 10))
    assert result.earned_cents == 9263
    assert result.pending_cents == 4940
    assert result.planned_cents == 4940
    assert result.other_cents == 4000
    assert result.so_far_cents == 13263
    assert result.projected_cents == 23143
    assert result.left_cents == 90000 - 23143
    assert result.status == "under"
    assert [(r.day, r.kind) for r in result.rows] == [
        (D(2026, 11, 1), "other"),
        (D(2026, 11, 2), "hours"),
        (D(2026, 11, 3), "pending"),
        (D(2026, 11, 20), "planned"),
    ]


@pytest.mark.parametrize(
    ("limit", "status", "left", "over"),
    [(None, "no_limit", None, 0), (20000, "under", 10737, 0), (10000, "near", 737, 0), (9263, "at", 0, 0),
     (9262, "over", -1, 1)],
)  # fmt: skip
def test_status_against_the_limit(limit: int | None, status: str, left: int | None, over: int) -> None:
    periods = [WagePeriod(D(2026, 1, 1), None, 1235)]
    result = month_earnings(Month(2026, 3), [Hours(D(2026, 3, 2), 450, True, 1)], [], [], periods, limit, D(2026, 3, 9))
    assert result.status == status
    assert result.left_cents == left
    assert result.over_cents == over


def test_would_exceed_only_above_the_limit() -> None:
    periods = [WagePeriod(D(2026, 1, 1), None, 1235)]
    result = month_earnings(Month(2026, 3), [Hours(D(2026, 3, 2), 450, True, 1)], [], [], periods, 20000, D(2026, 3, 9))
    assert result.would_exceed(20000 - 9263) is False  # exactly at the limit
    assert result.would_exceed(20000 - 9263 + 1) is True
    no_limit = month_earnings(Month(2026, 3), [], [], [], periods, None, D(2026, 3, 9))
    assert no_limit.would_exceed(10**9) is False


def test_hours_without_a_contract_pay_nothing_and_are_counted() -> None:
    periods = [WagePeriod(D(2026, 3, 10), None, 1235)]
    hours = [Hours(D(2026, 3, 2), 120, True, 1), Hours(D(2026, 3, 12), 60, True, 2)]
    result = month_earnings(Month(2026, 3), hours, [], [], periods, None, D(2026, 3, 31))
    assert [(r.hourly_wage_cents, r.pay_cents) for r in result.rows] == [(None, 0), (1235, 1235)]
    assert result.minutes_without_wage == 120


def test_statement_totals_use_approved_hours_and_other_pay_only() -> None:
    periods = [WagePeriod(D(2026, 1, 1), None, 1235)]
    hours = [
        Hours(D(2026, 3, 2), 450, True, 1),
        Hours(D(2026, 3, 2), 60, True, 2),  # the same day: one day worked
        Hours(D(2026, 3, 3), 240, False, 3),  # not approved
    ]
    result = month_earnings(Month(2026, 3), hours, [], [PayRow(D(2026, 3, 5), 2500)], periods, None, D(2026, 3, 31))
    totals = statement_totals(result.rows)
    assert (totals.days_worked, totals.minutes, totals.gross_cents) == (1, 510, 9263 + 1235 + 2500)
    assert hours_text(510) == "8,50"
    assert hours_text(450) == "7,50"
    assert hours_text(1) == "0,02"


def test_month_parsing_and_steps() -> None:
    default = Month(2026, 11)
    assert Month.parse("2026-03", default) == Month(2026, 3)
    assert Month.parse("2026-3", default) == Month(2026, 3)
    for bad in ("", "2026-13", "2026-00", "1999-01", "x", "2026-03-01", None):
        assert Month.parse(bad, default) == default
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2026, 2).last_day == D(2026, 2, 28)
    assert Month(2028, 2).last_day == D(2028, 2, 29)
    assert str(Month(2026, 3)) == "2026-03"
