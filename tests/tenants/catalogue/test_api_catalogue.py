"""JSON API of the catalogue: the same checks and roles as the pages, tokens for writes, errors by JSON field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fixtures import ApiClient, ApiPlace, make_api_place
from tests.tenants.catalogue.conftest import audit_actions, item_row, make_item, snapshot


@pytest.fixture(scope="module")
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    made = await make_api_place(app)
    yield made
    await made.close()


def body(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "service",
        "name_fi": "Tietokoneen huolto",
        "name_en": "Computer care",
        "description_fi": "Päivitämme ja puhdistamme koneen.",
        "category": "it_support",
        "unit": "hour",
        "price_cents": 4500,
        "vat_code": "general",
        "household_credit": True,
        "labour_share": 100,
        "public": True,
        **changes,
    }


async def test_admin_adds_and_reads_an_item(place: ApiPlace) -> None:
    response = await place.api["admin"].post(f"/api/v1/coops/{place.slug}/catalogue", body())
    assert response.status_code == 201, response.text
    item = response.json()
    assert {k: item[k] for k in ("kind", "name", "category", "unit", "price_cents", "vat_code", "vat_rate")} == {
        "kind": "service",
        "name": "Computer care",
        "category": "it_support",
        "unit": "hour",
        "price_cents": 4500,
        "vat_code": "general",
        "vat_rate": "25.5",
    }
    assert item["price_with_vat_cents"] == 5648  # 45 € × 1.255 = 56.475 -> 56.48
    assert (item["household_credit"], item["labour_share"], item["active"], item["public"]) == (True, 100, True, True)
    assert item["names"] == {"fi": "Tietokoneen huolto", "sv": "", "en": "Computer care"}
    row = await item_row(place.id, item["id"])
    assert (row["coop_id"], row["price_cents"], row["updated_by"]) == (place.id, 4500, place.users["admin"])
    assert await audit_actions(place.id, f"catalogue_item:{item['id']}") == ["catalogue.item_added"]
    one = await place.api["member"].get(f"/api/v1/coops/{place.slug}/catalogue/{item['id']}")
    assert one.status_code == 200 and one.json() == item
    listing = await place.api["coach"].get(f"/api/v1/coops/{place.slug}/catalogue")
    assert listing.status_code == 200 and item["id"] in [i["id"] for i in listing.json()["items"]]


async def test_bad_body_is_refused_by_field(place: ApiPlace) -> None:
    before = await snapshot(place.id)
    response = await place.api["board"].post(
        f"/api/v1/coops/{place.slug}/catalogue",
        body(name_fi="", price_cents="45 €", unit="tonne", kind="product", household_credit=True, labour_share=0),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name_fi", "price_cents", "unit", "household_credit", "labour_share"}
    assert errors["price_cents"].startswith("Write the amount in cents")
    assert await snapshot(place.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_write(place: ApiPlace, role: str) -> None:
    item_id = await make_item(place.id, "API-luku")
    before = await snapshot(place.id)
    api: ApiClient = place.api[role]
    assert (await api.post(f"/api/v1/coops/{place.slug}/catalogue", body())).status_code == 403
    assert (await api.post(f"/api/v1/coops/{place.slug}/catalogue/{item_id}", body())).status_code == 403
    assert await snapshot(place.id) == before


async def test_writes_need_a_token(app: Any, place: ApiPlace) -> None:
    before = await snapshot(place.id)
    anonymous = ApiClient(app, None, "en")
    try:
        response = await anonymous.post(f"/api/v1/coops/{place.slug}/catalogue", body())
        assert response.status_code == 401
        assert (await anonymous.get(f"/api/v1/coops/{place.slug}/catalogue")).status_code == 401
    finally:
        await anonymous.close()
    assert await snapshot(place.id) == before


async def test_edit_replaces_the_item_and_can_take_it_off_sale(place: ApiPlace) -> None:
    item_id = await make_item(place.id, "Muutettava", price_cents=1000)
    url = f"/api/v1/coops/{place.slug}/catalogue/{item_id}"
    response = await place.api["admin"].post(url, body(name_fi="Muutettu", price_cents=1200, active=False))
    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["names"]["fi"], item["price_cents"], item["active"]) == ("Muutettu", 1200, False)
    assert await audit_actions(place.id, f"catalogue_item:{item_id}") == [
        "catalogue.item_changed",
        "catalogue.item_deactivated",
    ]
    inactive = await place.api["admin"].get(f"/api/v1/coops/{place.slug}/catalogue?show=inactive")
    assert item_id in [i["id"] for i in inactive.json()["items"]]
    before = await snapshot(place.id)
    bad = await place.api["admin"].post(url, body(vat_code="luxury", active=True))
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"vat_code"}
    assert await snapshot(place.id) == before
    assert (await place.api["admin"].post(f"/api/v1/coops/{place.slug}/catalogue/999999999", body())).status_code == 404
