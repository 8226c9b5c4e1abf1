"""Fixtures for the customer register: customers made straight in the database; snapshots and sign-in from the
catalogue's fixtures (the storefront's requests become customers)."""

from __future__ import annotations

from typing import Any

from osuus.platform.tenancy import coop_unit
from osuus.tenants.customers.tables import Customer
from tests.fixtures import unique
from tests.tenants.catalogue.conftest import signed_in, snapshot

__all__ = ["customer_row", "make_customer", "signed_in", "snapshot"]


async def make_customer(
    coop_id: int,
    name: str | None = None,
    *,
    kind: str = "household",
    business_id: str = "",
    organisation_id: int | None = None,
    einvoice_address: str = "",
    einvoice_operator: str = "",
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Customer.insert(
                Customer(
                    coop=coop_id,
                    kind=kind,
                    name=name or unique("Asiakas"),
                    email=f"{unique('asiakas')}@example.fi",
                    street="Tie 1",
                    postcode="33470",
                    city="Ylöjärvi",
                    business_id=business_id,
                    organisation=organisation_id,
                    einvoice_address=einvoice_address,
                    einvoice_operator=einvoice_operator,
                )
            )
            .returning(Customer.id)
            .run()
        )
    return int(rows[0]["id"])


async def customer_row(coop_id: int, customer_id: int) -> dict[str, Any]:
    async with coop_unit(coop_id):
        row = await Customer.select().where(Customer.id == customer_id).first().run()
    assert row is not None
    return row
