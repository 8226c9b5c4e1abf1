"""Euro amounts in forms (osuus.platform.money): what people type, written back into fields and CSV cells."""

from __future__ import annotations

import pytest

from osuus.platform.http import Form
from osuus.platform.money import InputError, format_euros, parse_euros, read_euros


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("25", 2500),
        ("25,50", 2550),
        ("25,5", 2550),
        ("25.50", 2550),
        ("1 000,00", 100000),
        ("1\u00a0234,50\u00a0€", 123450),
        ("0,01", 1),
        (" 7 ", 700),
        ("25,", 2500),
        ("1000000", 100_000_000),
    ],
)
def test_euros_accepted(text: str, cents: int) -> None:
    assert parse_euros(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the amount in euros"),
        ("-5", "Write the amount without a minus sign"),
        ("abc", "Write the amount in euros, for example 25,50"),
        ("25,505", "Write at most two numbers after the comma, for example 25,50"),
        ("1.000,00", "Write the amount in euros, for example 25,50"),
        ("0", "The amount must be more than 0 euros"),
        ("0,00", "The amount must be more than 0 euros"),
        ("1000000,01", "The amount must be 1 000 000 euros or less"),
        ("5e3", "Write the amount in euros, for example 25,50"),
    ],
)
def test_euros_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_euros(text)
    assert info.value.message == message


def test_zero_euros_where_allowed() -> None:
    assert parse_euros("0", allow_zero=True) == 0


@pytest.mark.parametrize(("cents", "text"), [(0, "0,00"), (5, "0,05"), (123450, "1234,50"), (-2550, "-25,50")])
def test_format_euros(cents: int, text: str) -> None:
    assert format_euros(cents) == text


def test_read_euros_puts_the_message_next_to_the_field() -> None:
    form = Form(values={"price": "25,50", "fee": "abc", "free": "0", "empty": ""})
    assert read_euros(form, "price") == 2550
    assert read_euros(form, "fee") is None
    assert read_euros(form, "free") is None
    assert read_euros(form, "free", allow_zero=True) == 0
    assert read_euros(form, "empty") is None
    assert form.errors == {
        "fee": "Write the amount in euros, for example 25,50",
        "free": "The amount must be more than 0 euros",
        "empty": "Enter the amount in euros",
    }


@pytest.mark.parametrize(
    ("text", "cents"),
    [("25,50", 2550), ("-25,50", -2550), ("\u221212", -1200), ("- 1 000,00 €", -100000), ("0,01", 1)],
)
def test_signed_euros(text: str, cents: int) -> None:
    form = Form(values={"amount": text})
    assert read_euros(form, "amount", signed=True) == cents
    assert form.ok


def test_minus_sign_only_where_signed() -> None:
    form = Form(values={"unsigned": "-5", "twice": "--5", "zero": "-0", "alone": "-"})
    assert read_euros(form, "unsigned") is None
    assert read_euros(form, "twice", signed=True) is None
    assert read_euros(form, "zero", signed=True) is None
    assert read_euros(form, "alone", signed=True) is None
    assert form.errors == {
        "unsigned": "Write the amount without a minus sign",
        "twice": "Write the amount without a minus sign",
        "zero": "The amount must be more than 0 euros",
        "alone": "Enter the amount in euros",
    }
