"""Reading the shared reference data: VAT rate rows and the category taxonomy.

These tables are shared and read-only for the app, so the functions work inside any open unit of work (a coop's, a
public one) and open a public unit of their own when none is open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from osuus.platform.i18n import get_language
from osuus.platform.reference.tables import Category, VatRate
from osuus.platform.tenancy import in_unit, public_unit


@asynccontextmanager
async def _reading() -> AsyncIterator[None]:
    """The open unit when there is one, else a public unit of its own."""
    if in_unit():
        yield
        return
    async with public_unit():
        yield


@dataclass(frozen=True)
class RateRow:
    region_id: int | None
    code: str
    basis_points: int
    valid_from: dt.date
    valid_to: dt.date | None
    note: str


def _covers(day: dt.date) -> Any:
    return (VatRate.valid_from <= day) & (VatRate.valid_to.is_null() | (VatRate.valid_to >= day))


def _region(region_id: int | None) -> Any:
    if region_id is None:
        return VatRate.region.is_null()
    return VatRate.region.is_null() | (VatRate.region == region_id)


def _row(r: dict[str, Any]) -> RateRow:
    return RateRow(
        region_id=r["region_id"],
        code=r["code"],
        basis_points=r["basis_points"],
        valid_from=r["valid_from"],
        valid_to=r["valid_to"],
        note=r["note"],
    )


def _best(rows: list[RateRow], region_id: int | None) -> dict[str, RateRow]:
    """Per class: the region's own row before the row for every region, then the latest start."""
    best: dict[str, RateRow] = {}
    for row in rows:
        old = best.get(row.code)
        key = (row.region_id is not None and row.region_id == region_id, row.valid_from)
        if old is None or key > (old.region_id is not None and old.region_id == region_id, old.valid_from):
            best[row.code] = row
    return best


async def rate_rows_on(region_id: int | None, day: dt.date) -> dict[str, RateRow]:
    """The row that applies to each VAT class on `day` in the region (None: the rows for every region)."""
    async with _reading():
        rows = await VatRate.select().where(_covers(day) & _region(region_id)).run()
    return _best([_row(r) for r in rows], region_id)


async def rate_history(region_id: int | None = None) -> list[RateRow]:
    """Every row for every region and, if given, the region's own rows: for pages that explain the rates."""
    async with _reading():
        rows = (
            await VatRate.select().where(_region(region_id)).order_by(VatRate.code).order_by(VatRate.valid_from).run()
        )
    return [_row(r) for r in rows]


@dataclass(frozen=True)
class CategoryView:
    id: int
    slug: str
    name_fi: str
    name_sv: str
    name_en: str
    position: int

    def name(self, language: str | None = None) -> str:
        return str(getattr(self, f"name_{language or get_language()}", self.name_fi))


async def categories() -> list[CategoryView]:
    """The category taxonomy in its display order."""
    async with _reading():
        rows = await Category.select().order_by(Category.position).order_by(Category.slug).run()
    return [CategoryView(**r) for r in rows]
