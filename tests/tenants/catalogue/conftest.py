"""Fixtures for the catalogue and the storefront: items and requests made straight in the database, snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from osuus.platform.reference.tables import Category
from osuus.platform.tenancy import coop_unit, public_unit, relay_unit
from osuus.tenants.catalogue.tables import CatalogueItem, OrderRequest, OrderRequestLine
from tests.fixtures import (
    SignIn,
    browsers_by_email,
    unique,
)

TABLES = ("catalogue_item", "order_request", "order_request_line", "customer", "audit_log")


async def category_id(slug: str) -> int:
    async with public_unit():
        row = await Category.select(Category.id).where(Category.slug == slug).first().run()
    assert row is not None
    return int(row["id"])


async def make_item(
    coop_id: int,
    name: str | None = None,
    *,
    kind: str = "service",
    category: str = "gardening",
    unit: str = "hour",
    price_cents: int = 4000,
    vat_code: str = "general",
    household_credit: bool = False,
    labour_share: int = 0,
    active: bool = True,
    public: bool = True,
    name_sv: str = "",
    name_en: str = "",
    description: str = "Kuvaus.",
    photo: str = "",
) -> int:
    cat = await category_id(category)
    async with coop_unit(coop_id):
        rows = (
            await CatalogueItem.insert(
                CatalogueItem(
                    coop=coop_id,
                    kind=kind,
                    name_fi=name or unique("Tuote"),
                    name_sv=name_sv,
                    name_en=name_en,
                    description_fi=description,
                    category=cat,
                    unit=unit,
                    price_cents=price_cents,
                    vat_code=vat_code,
                    household_credit=household_credit,
                    labour_share=labour_share,
                    active=active,
                    public=public,
                    photo=photo,
                )
            )
            .returning(CatalogueItem.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_request(
    coop_id: int,
    name: str | None = None,
    *,
    item_id: int | None = None,
    quantity: str = "2",
    kind: str = "household",
    email: str = "",
    status: str = "new",
    company: str = "",
    business_id: str = "",
    message: str = "Tarvitsen apua.",
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await OrderRequest.insert(
                OrderRequest(
                    coop=coop_id,
                    status=status,
                    kind=kind,
                    name=name or unique("Pyytäjä"),
                    company=company,
                    business_id=business_id,
                    email=email or f"{unique('pyytaja')}@example.fi",
                    phone="040 111 2222",
                    street="Kuusitie 3",
                    postcode="33470",
                    city="Ylöjärvi",
                    wished_from=dt.date(2030, 5, 1),
                    message=message,
                    language="fi",
                )
            )
            .returning(OrderRequest.id)
            .run()
        )
        request_id = int(rows[0]["id"])
        if item_id is not None:
            await OrderRequestLine.insert(
                OrderRequestLine(
                    coop=coop_id,
                    request=request_id,
                    item=item_id,
                    quantity=Decimal(quantity),
                    name="Rivi",
                    unit="hour",
                    price_cents=4000,
                    vat_code="general",
                )
            ).run()
    return request_id


async def raw(sql: str, *args: object) -> list[dict[str, Any]]:
    return await CatalogueItem.raw(sql, *args).run()


async def snapshot(coop_id: int, tables: tuple[str, ...] = TABLES) -> dict[str, Any]:
    """Everything of one coop that a catalogue, storefront or customer request could change."""
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in tables:
            rows[table] = await raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id)
        # Ids and addressees only: the worker replaces a sent mail's body, at any moment.
        rows["outbox"] = await raw(
            "SELECT id, payload->>'to' AS to FROM outbox WHERE coop_id = {} ORDER BY id", coop_id
        )
    return rows


async def item_row(coop_id: int, item_id: int) -> dict[str, Any]:
    async with coop_unit(coop_id):
        row = await CatalogueItem.select().where(CatalogueItem.id == item_id).first().run()
    assert row is not None
    return row


async def outbox_to(address: str) -> list[dict[str, Any]]:
    async with relay_unit():
        return await raw("SELECT id, coop_id, payload FROM outbox WHERE payload->>'to' = {} ORDER BY id", address)


async def audit_actions(coop_id: int, target: str) -> list[str]:
    async with coop_unit(coop_id):
        rows = await raw("SELECT action FROM audit_log WHERE coop_id = {} AND target = {} ORDER BY id", coop_id, target)
    return [r["action"] for r in rows]


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """One signed-in browser per person for the module, reading pages in English."""
    async with browsers_by_email(app, in_english=True) as get:
        yield get
