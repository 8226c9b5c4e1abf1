"""VAT: the classes an item can have, the dated rate of a class on a day, and prices with VAT to the cent.

Rates are never constants in code: they are rows of `vat_rate` (osuus/platform/reference) with validity dates, per
region or for every region. A rate is a `Decimal` per cent ("25.5" is 25.5 %); amounts are integer cents, rounded
half up (ROUND_HALF_UP) to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from osuus.platform.i18n import N_
from osuus.platform.reference import service as reference

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class VatClass:
    """A VAT class. `kind`: "rate" (VAT at the class's rate), "zero" (0 %), "exempt" (no VAT: outside VAT, the
    invoice names the law), "reverse_charge" (the buyer pays the VAT; the invoice says so and shows no VAT)."""

    code: str
    label: str  # message id
    kind: str
    explanation: str  # message id: when the class applies, in plain words


VAT_CLASSES = (
    VatClass("general", N_("General VAT rate"), "rate", N_("Most work and goods.")),
    VatClass(
        "reduced_food",
        N_("Lower VAT rate for food"),
        "rate",
        N_("Food, restaurant and catering services, books, sports and culture."),
    ),
    VatClass("reduced_news", N_("VAT rate for newspapers"), "rate", N_("Newspapers and magazines.")),
    VatClass("zero", N_("Zero VAT rate"), "zero", N_("Sales that have no VAT to pay, for example some sales abroad.")),
    VatClass(
        "exempt_social",
        N_("No VAT: social welfare service"),
        "exempt",
        N_("Only when the conditions of section 37 of the VAT Act are met."),
    ),
    VatClass(
        "reverse_charge_construction",
        N_("Reverse charge: construction work"),
        "reverse_charge",
        N_("Construction work sold to a construction company. The buyer pays the VAT."),
    ),
)
VAT_CODES = tuple(c.code for c in VAT_CLASSES)
_BY_CODE = {c.code: c for c in VAT_CLASSES}


class NoVatRate(LookupError):
    """No VAT rate row covers this class on this day (a gap in the reference data, or an unknown class)."""


def vat_class(code: str) -> VatClass:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise NoVatRate(f"unknown VAT class {code!r}") from None


def to_percent(basis_points: int) -> Decimal:
    """2550 -> Decimal('25.5'), 1000 -> Decimal('10') (exact division keeps no extra zeros, no exponent)."""
    return Decimal(basis_points) / HUNDRED


async def rate_on(region_id: int | None, code: str, day: dt.date) -> Decimal:
    """The VAT rate in per cent of class `code` on `day` in the region (None: the rate for every region).

    The region's own row wins over the row for every region. Raises NoVatRate when no row covers the day.
    """
    vat_class(code)
    row = (await reference.rate_rows_on(region_id, day)).get(code)
    if row is None:
        raise NoVatRate(f"no VAT rate for {code!r} on {day.isoformat()} (region {region_id})")
    return to_percent(row.basis_points)


async def rates_on(region_id: int | None, day: dt.date) -> dict[str, Decimal]:
    """Every class's rate on `day` (one query): for lists that show many prices."""
    rows = await reference.rate_rows_on(region_id, day)
    return {code: to_percent(row.basis_points) for code, row in rows.items()}


def _cents(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gross_cents(net_cents: int, rate: Decimal) -> int:
    """The price with VAT, in cents, rounded half up: gross_cents(3990, Decimal("25.5")) == 5007."""
    return _cents(Decimal(net_cents) * (HUNDRED + rate) / HUNDRED)


def vat_cents(net_cents: int, rate: Decimal) -> int:
    """The VAT of a price without VAT: the rounded gross minus the net (so net + VAT is always the gross)."""
    return gross_cents(net_cents, rate) - net_cents


def share_cents(cents: int, percent: int) -> int:
    """A whole-per-cent share of an amount, rounded half up (the labour share of a price for the tax credit)."""
    return _cents(Decimal(cents) * Decimal(percent) / HUNDRED)
