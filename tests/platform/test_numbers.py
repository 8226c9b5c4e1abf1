"""Amounts of things as typed into forms (osuus.platform.numbers), and the moment now (osuus.platform.dates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from osuus.platform import dates
from osuus.platform.http import Form
from osuus.platform.numbers import read_quantity


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("2", Decimal("2")),
        ("1,5", Decimal("1.5")),
        ("0.25", Decimal("0.25")),
        (" 1 000 ", Decimal("1000")),
        ("10000", Decimal("10000")),
        ("0,01", Decimal("0.01")),
    ],
)
def test_quantity_accepted(text: str, quantity: Decimal) -> None:
    form = Form(values={"amount_1": text})
    assert read_quantity(form, "amount_1") == quantity
    assert form.ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Write the amount as a number, for example 2 or 1,5"),
        ("1,505", "Write the amount as a number, for example 2 or 1,5"),
        ("-2", "Write the amount as a number, for example 2 or 1,5"),
        ("1e3", "Write the amount as a number, for example 2 or 1,5"),
        ("\u00b2", "Write the amount as a number, for example 2 or 1,5"),
        ("0", "The amount must be more than 0"),
        ("0,00", "The amount must be more than 0"),
        ("10000,01", "The amount is too big. Write 10 000 or less"),
        ("9" * 30, "The amount is too big. Write 10 000 or less"),
    ],
)
def test_quantity_refused(text: str, message: str) -> None:
    form = Form(values={"amount_1": text})
    assert read_quantity(form, "amount_1") is None
    assert form.errors == {"amount_1": message}


def test_empty_quantity_is_nothing_wanted() -> None:
    form = Form(values={"amount_1": " "})
    assert read_quantity(form, "amount_1") is None
    assert read_quantity(form, "amount_2") is None
    assert form.ok


def test_now_is_utc_and_aware() -> None:
    before = dt.datetime.now(dt.UTC)
    moment = dates.now()
    assert moment.tzinfo is dt.UTC
    assert before <= moment <= dt.datetime.now(dt.UTC)
