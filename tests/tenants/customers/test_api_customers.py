"""JSON API of the customer register: the same checks and roles as the pages, errors by JSON field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fixtures import ApiPlace, make_api_place
from tests.tenants.catalogue.conftest import audit_actions, make_request
from tests.tenants.customers.conftest import customer_row, make_customer, snapshot


@pytest.fixture(scope="module")
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    made = await make_api_place(app)
    yield made
    await made.close()


def body(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "company",
        "name": "Rakennus Oy",
        "contact_name": "Riikka Rakentaja",
        "email": "riikka@rakennus.example",
        "street": "Tehdaskatu 1",
        "postcode": "33100",
        "city": "Tampere",
        "business_id": "1234567-1",
        "einvoice_address": "003712345671",
        "einvoice_operator": "E204503",
        "language": "fi",
        **changes,
    }


async def test_admin_adds_reads_and_changes_a_customer(place: ApiPlace) -> None:
    api = place.api["admin"]
    response = await api.post(f"/api/v1/coops/{place.slug}/customers", body())
    assert response.status_code == 201, response.text
    made = response.json()
    assert {k: made[k] for k in ("kind", "name", "business_id", "einvoice_address", "einvoice_operator")} == {
        "kind": "company",
        "name": "Rakennus Oy",
        "business_id": "1234567-1",
        "einvoice_address": "003712345671",
        "einvoice_operator": "E204503",
    }
    assert (await customer_row(place.id, made["id"]))["coop_id"] == place.id
    assert (await api.get(f"/api/v1/coops/{place.slug}/customers/{made['id']}")).json() == made
    listing = await place.api["board"].get(f"/api/v1/coops/{place.slug}/customers?kind=company")
    assert made["id"] in [c["id"] for c in listing.json()["customers"]]
    changed = await api.post(f"/api/v1/coops/{place.slug}/customers/{made['id']}", body(name="Rakennus Oyj"))
    assert changed.status_code == 200 and changed.json()["name"] == "Rakennus Oyj"
    assert await audit_actions(place.id, f"customer:{made['id']}") == ["customer.added", "customer.changed"]


async def test_bad_body_is_refused_by_json_field(place: ApiPlace) -> None:
    before = await snapshot(place.id)
    response = await place.api["board"].post(
        f"/api/v1/coops/{place.slug}/customers",
        body(business_id="1234567-8", einvoice_address="0088:123", organisation_id=999999999, language="de"),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"business_id", "einvoice_address", "organisation_id", "language"}
    assert await snapshot(place.id) == before


async def test_a_request_cannot_be_linked_through_the_api(place: ApiPlace) -> None:
    request_id = await make_request(place.id, "API-pyytäjä")
    response = await place.api["admin"].post(f"/api/v1/coops/{place.slug}/customers", body(request_id=request_id))
    assert response.status_code == 201
    snap = await snapshot(place.id)
    assert [r["customer_id"] for r in snap["order_request"] if r["id"] == request_id] == [None]


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_have_no_access(place: ApiPlace, role: str) -> None:
    customer_id = await make_customer(place.id, "API-salainen")
    before = await snapshot(place.id)
    api = place.api[role]
    assert (await api.get(f"/api/v1/coops/{place.slug}/customers")).status_code == 403
    assert (await api.get(f"/api/v1/coops/{place.slug}/customers/{customer_id}")).status_code == 403
    assert (await api.post(f"/api/v1/coops/{place.slug}/customers", body())).status_code == 403
    assert (await api.post(f"/api/v1/coops/{place.slug}/customers/{customer_id}", body())).status_code == 403
    assert await snapshot(place.id) == before
