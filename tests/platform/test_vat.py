"""VAT: the dated rates seeded by the migration, the lookup by day and region, and prices with VAT to the cent."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest

from osuus.platform import vat
from osuus.platform.reference import service as reference
from osuus.platform.tenancy import coop_unit
from tests.fixtures import World, make_region


@pytest.mark.parametrize(
    ("code", "day", "rate"),
    [
        ("general", dt.date(2013, 1, 1), "24"),
        ("general", dt.date(2024, 8, 31), "24"),
        ("general", dt.date(2024, 9, 1), "25.5"),
        ("general", dt.date(2030, 6, 15), "25.5"),
        ("reduced_food", dt.date(2025, 12, 31), "14"),
        ("reduced_food", dt.date(2026, 1, 1), "13.5"),
        ("reduced_news", dt.date(2026, 3, 1), "10"),
        ("zero", dt.date(2026, 3, 1), "0"),
        ("exempt_social", dt.date(2026, 3, 1), "0"),
        ("reverse_charge_construction", dt.date(2026, 3, 1), "0"),
    ],
)
async def test_rate_on_a_day(db: None, code: str, day: dt.date, rate: str) -> None:
    assert await vat.rate_on(None, code, day) == Decimal(rate)


async def test_the_rate_is_the_same_inside_a_coop_unit(db: None, world: World) -> None:
    async with coop_unit(world.a.id):
        assert await vat.rate_on(world.region, "general", dt.date(2024, 8, 31)) == Decimal("24")
        assert await vat.rate_on(world.region, "general", dt.date(2024, 9, 1)) == Decimal("25.5")


async def test_rates_on_gives_every_class_at_once(db: None) -> None:
    rates = await vat.rates_on(None, dt.date(2026, 1, 1))
    assert rates == {
        "general": Decimal("25.5"),
        "reduced_food": Decimal("13.5"),
        "reduced_news": Decimal("10"),
        "zero": Decimal("0"),
        "exempt_social": Decimal("0"),
        "reverse_charge_construction": Decimal("0"),
    }
    assert set(rates) == set(vat.VAT_CODES)


async def test_a_day_before_any_rate_and_an_unknown_class_are_refused(db: None) -> None:
    with pytest.raises(vat.NoVatRate):
        await vat.rate_on(None, "general", dt.date(2012, 12, 31))
    with pytest.raises(vat.NoVatRate):
        await vat.rate_on(None, "luxury", dt.date(2026, 1, 1))


@pytest.fixture
async def owner() -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    yield conn
    await conn.close()


async def test_a_regions_own_rate_wins_there_and_only_there(db: None, owner: asyncpg.Connection) -> None:
    special, other = await make_region(), await make_region()
    await owner.execute(
        "INSERT INTO vat_rate (region_id, code, basis_points, valid_from, valid_to, note) "
        "VALUES ($1, 'general', 2000, DATE '2026-01-01', DATE '2026-12-31', 'test')",
        special,
    )
    try:
        assert await vat.rate_on(special, "general", dt.date(2026, 5, 1)) == Decimal("20")
        assert await vat.rate_on(special, "general", dt.date(2027, 1, 1)) == Decimal("25.5")
        assert await vat.rate_on(special, "general", dt.date(2025, 12, 31)) == Decimal("25.5")
        assert await vat.rate_on(other, "general", dt.date(2026, 5, 1)) == Decimal("25.5")
        assert await vat.rate_on(None, "general", dt.date(2026, 5, 1)) == Decimal("25.5")
        assert (await vat.rates_on(special, dt.date(2026, 5, 1)))["reduced_food"] == Decimal("13.5")
    finally:
        await owner.execute("DELETE FROM vat_rate WHERE region_id = $1", special)


async def test_the_app_may_only_read_the_reference_tables(db: None, owner: asyncpg.Connection) -> None:
    for table in ("vat_rate", "catalogue_category"):
        assert await owner.fetchval("SELECT has_table_privilege('osuus_app', $1, 'SELECT')", table) is True
        for privilege in ("INSERT", "UPDATE", "DELETE"):
            assert await owner.fetchval("SELECT has_table_privilege('osuus_app', $1, $2)", table, privilege) is False


async def test_a_period_must_not_end_before_it_starts(db: None, owner: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await owner.execute(
            "INSERT INTO vat_rate (code, basis_points, valid_from, valid_to, note) "
            "VALUES ('general', 2550, DATE '2030-01-02', DATE '2030-01-01', '')"
        )


@pytest.mark.parametrize(
    ("net", "rate", "gross", "tax"),
    [
        (1000, "25.5", 1255, 255),
        (3990, "25.5", 5007, 1017),  # 5007.45 -> 5007
        (2, "25.5", 3, 1),  # 2.51 -> 3
        (1, "25.5", 1, 0),  # 1.255 -> 1
        (2, "24", 2, 0),  # 2.48 -> 2
        (10, "13.5", 11, 1),  # 11.35 -> 11
        (30, "13.5", 34, 4),  # 34.05 -> 34
        (100, "13.5", 114, 14),  # 113.5 -> 114 (half up)
        (500, "10", 550, 50),
        (4990, "0", 4990, 0),
        (0, "25.5", 0, 0),
    ],
)
def test_price_with_vat_is_rounded_half_up_to_the_cent(net: int, rate: str, gross: int, tax: int) -> None:
    assert vat.gross_cents(net, Decimal(rate)) == gross
    assert vat.vat_cents(net, Decimal(rate)) == tax


def test_labour_share_and_percent() -> None:
    assert vat.share_cents(5007, 100) == 5007
    assert vat.share_cents(5007, 60) == 3004  # 3004.2
    assert vat.share_cents(1255, 50) == 628  # 627.5 -> 628
    assert [str(vat.to_percent(bp)) for bp in (2550, 2400, 1350, 1000, 0)] == ["25.5", "24", "13.5", "10", "0"]


async def test_categories_are_seeded_in_three_languages(db: None) -> None:
    found = await reference.categories()
    assert [c.slug for c in found] == [
        "staffing",
        "home_services",
        "cleaning",
        "gardening",
        "construction",
        "it_support",
        "herbs_food",
        "other",
    ]
    gardening = next(c for c in found if c.slug == "gardening")
    assert (gardening.name("fi"), gardening.name("sv"), gardening.name("en")) == (
        "Pihatyöt",
        "Trädgårdsarbete",
        "Gardening",
    )
