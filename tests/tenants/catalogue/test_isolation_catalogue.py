"""Tenant isolation of the catalogue and the storefront's requests: every route, every role, pages and JSON API.

Coop B's ids in coop A's URLs give 404 (403 where the role check comes first) and change nothing; coop B's own
URLs give 403; no sign-in goes to sign-in (the API: 401); an unknown coop is 404. The routes are registered with
tests/isolation_registry.py at import, so the guard in tests/platform/test_isolation.py accepts them. The public
storefront (/shop/…) is checked in test_storefront.py: a coop's items never show in another coop's shop.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue import photos
from osuus.tenants.catalogue.tables import CatalogueItem
from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World, api_client
from tests.isolation_kit import Route, fill
from tests.isolation_registry import covered
from tests.tenants.catalogue.conftest import make_item, make_request, snapshot
from tests.tenants.catalogue.test_routes import png_bytes

COOP, API = "/c/{slug:str}", "/api/v1/coops/{slug:str}"
EDITORS = ("admin", "board")
HANDLERS = ("admin", "board")
ITEM = f"{COOP}/catalogue/{{item_id:int}}"


ROUTES = (
    Route("GET", f"{COOP}/catalogue", ids=False),
    Route("GET", f"{COOP}/catalogue/new", EDITORS, ids=False),
    Route("POST", f"{COOP}/catalogue/new", EDITORS, 400, form="item", ids=False),
    Route("GET", ITEM, ROLES, 404),
    Route("GET", f"{ITEM}/edit", EDITORS, 404),
    Route("POST", f"{ITEM}/edit", EDITORS, 404, form="item"),
    Route("GET", f"{ITEM}/deactivate", EDITORS, 404),
    Route("POST", f"{ITEM}/deactivate", EDITORS, 404),
    Route("POST", f"{ITEM}/activate", EDITORS, 404),
    Route("GET", f"{ITEM}/photo", EDITORS, 404),
    Route("POST", f"{ITEM}/photo", EDITORS, 404, form="photo"),
    Route("POST", f"{ITEM}/photo/remove", EDITORS, 404),
    Route("GET", f"{ITEM}/image", ROLES, 404),
    Route("GET", f"{COOP}/requests", HANDLERS, ids=False),
    Route("GET", f"{COOP}/requests/{{request_id:int}}", HANDLERS, 404),
    Route("POST", f"{COOP}/requests/{{request_id:int}}/status", HANDLERS, 404, form="status"),
    Route("GET", f"{API}/catalogue", ids=False),
    Route("GET", f"{API}/catalogue/{{item_id:int}}", ROLES, 404),
    Route("POST", f"{API}/catalogue", EDITORS, 400, form="item", ids=False),
    Route("POST", f"{API}/catalogue/{{item_id:int}}", EDITORS, 404, form="item"),
    Route("PUT", f"{API}/catalogue/{{item_id:int}}/photo", EDITORS, 404, form="photo"),
    Route("DELETE", f"{API}/catalogue/{{item_id:int}}/photo", EDITORS, 404),
    Route("GET", f"{API}/requests", HANDLERS, ids=False),
    Route("GET", f"{API}/requests/{{request_id:int}}", HANDLERS, 404),
    Route("POST", f"{API}/requests/{{request_id:int}}/status", HANDLERS, 404, form="status"),
)
covered(*((r.method, r.path) for r in ROUTES))

B_NAMES = ("B:n lumityöt", "B:n Pyytäjä")


@dataclass(frozen=True)
class Ids:
    item: int  # public, with a photo
    off_sale: int
    request: int


async def _objects(coop_id: int, prefix: str) -> Ids:
    item = await make_item(coop_id, f"{prefix} lumityöt")
    name = photos.store(coop_id, item, png_bytes(), photos.Image("png"))
    async with coop_unit(coop_id):
        await CatalogueItem.update({CatalogueItem.photo: name}).where(CatalogueItem.id == item).run()
    off_sale = await make_item(coop_id, f"{prefix} poistunut", active=False)
    request = await make_request(coop_id, f"{prefix} Pyytäjä", item_id=item)
    return Ids(item, off_sale, request)


@pytest.fixture(scope="module")
async def b_ids(world: World) -> Ids:
    return await _objects(world.b.id, "B:n")


@pytest.fixture(scope="module")
async def a_ids(world: World) -> Ids:
    return await _objects(world.a.id, "A:n")


@pytest.fixture(scope="module")
async def clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    made = {role: await api_client(app, world.a.users[role]) for role in ROLES}
    made["anonymous"] = ApiClient(app, None, "en")
    yield made
    for client in made.values():
        await client.close()


def url(route: Route, slug: str, ids: Ids) -> str:
    item = ids.off_sale if route.path.endswith("/activate") else ids.item
    values = {"slug": slug, "item_id": item, "request_id": ids.request}
    return fill(route.path, values)


def form(name: str, valid: bool) -> dict[str, Any]:
    """A valid form (a bypassed check would write) or a harmlessly invalid one; both try to steer to coop B."""
    token = secrets.token_hex(3)
    valid_forms: dict[str, dict[str, Any]] = {
        "": {},
        "item": {
            "kind": "service", "name_fi": f"Murto {token}", "description_fi": "Murto", "category": "gardening",
            "unit": "hour", "price": "10", "vat_code": "general", "public": "yes",
        },
        "status": {"status": "handled"},
        "photo": {},
    }  # fmt: skip
    invalid_forms: dict[str, dict[str, Any]] = {
        "item": {"kind": "service", "name_fi": "", "price": "ei hinta", "unit": "tonne"},
        "status": {"status": "poistettu"},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id="0", coop="b")
    return data


def api_body(name: str, valid: bool) -> dict[str, Any]:
    data = form(name, valid)
    if "price" in data:
        price = data.pop("price")
        data["price_cents"] = 1000 if valid else price
    if data.get("public") == "yes":
        data["public"] = True
    return data


async def send(client: Browser | ApiClient, route: Route, target: str, data: dict[str, Any]) -> httpx.Response:
    if route.method == "GET":
        return await client.get(target)
    if isinstance(client, ApiClient):
        if route.method == "DELETE":
            return await client.delete(target)
        if route.method == "PUT":  # the photo as the raw body
            headers = {**client.headers(), "content-type": "image/png"}
            return await client.http.put(target, content=png_bytes(), headers=headers)
        return await client.post(target, data)
    if route.form == "photo":
        return await client.http.post(
            target, data={"_csrf_token": await client.csrf()}, files={"photo": ("kuva.png", png_bytes(), "image/png")}
        )
    return await client.post(target, data)


def _photo_files(coop_id: int) -> list[str]:
    folder = photos.folder(coop_id)
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


async def both(world: World) -> list[Any]:
    return [await snapshot(world.a.id), await snapshot(world.b.id), _photo_files(world.a.id), _photo_files(world.b.id)]


async def client_for(route: Route, who: str, signed_in: SignIn, clients: dict[str, ApiClient], world: World) -> Any:
    if route.api:
        return clients[who]
    return await signed_in(world.a.emails[who])


def assert_nothing_of_b(response: httpx.Response, world: World) -> None:
    for name in B_NAMES:
        assert name not in response.text
    assert world.b.slug not in response.text


# --- every route, every role -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids, route: Route, role: str
) -> None:
    client = await client_for(route, role, signed_in, clients, world)
    allowed = role in route.roles
    # With B's ids a valid form is the real attack; on a page without ids only a harmless form may be sent.
    valid = not (allowed and not route.ids)
    data = api_body(route.form, valid) if route.api else form(route.form, valid)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, b_ids), data)
    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_nothing_of_b(response, world)
    assert await both(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, b_ids: Ids, route: Route, role: str
) -> None:
    client = await client_for(route, role, signed_in, clients, world)
    data = api_body(route.form, True) if route.api else form(route.form, True)
    before = await both(world)
    response = await send(client, route, url(route, world.b.slug, b_ids), data)
    assert response.status_code == 403, response.text[:500]
    for name in B_NAMES:
        assert name not in response.text
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(
    browser: Browser, clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route
) -> None:
    before = await both(world)
    target = url(route, world.a.slug, a_ids)
    if route.api:
        response = await send(clients["anonymous"], route, target, api_body(route.form, True))
        assert response.status_code == 401
    else:
        response = await send(browser, route, target, form(route.form, True))
        assert response.status_code == 303
        assert response.headers["location"] == f"/signin?next={quote(target)}"
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route
) -> None:
    client = await client_for(route, "admin", signed_in, clients, world)
    before = await both(world)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    data = api_body(route.form, True) if route.api else form(route.form, True)
    response = await send(client, route, url(route, slug, a_ids), data)
    assert response.status_code == 404
    assert await both(world) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.api], ids=str)
async def test_organisation_person_has_no_coop_access(
    signed_in: SignIn, world: World, a_ids: Ids, route: Route
) -> None:
    client = await signed_in(world.org_admin)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, a_ids), form(route.form, True))
    assert response.status_code == 403
    assert await both(world) == before


async def test_own_routes_work_with_own_ids(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids
) -> None:
    """The control for the tests above: the same GETs with A's own ids answer 200."""
    for route in ROUTES:
        if route.method == "GET":
            client = await client_for(route, "admin", signed_in, clients, world)
            response = await client.get(url(route, world.a.slug, a_ids))
            assert response.status_code == 200, str(route)


async def test_forged_coop_field_cannot_move_a_new_item(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before_b = await snapshot(world.b.id)
    data = form("item", True) | {"coop_id": str(world.b.id), "coop": world.b.slug}
    response = await admin.post(f"/c/{world.a.slug}/catalogue/new", data)
    assert response.status_code == 303
    async with coop_unit(world.a.id):
        rows = await CatalogueItem.select(CatalogueItem.coop).where(CatalogueItem.name_fi == data["name_fi"]).run()
    assert rows == [{"coop_id": world.a.id}]
    assert await snapshot(world.b.id) == before_b


async def test_shop_of_one_coop_never_shows_anothers(browser: Browser, world: World, a_ids: Ids, b_ids: Ids) -> None:
    a_shop = await browser.get(f"/shop/{world.a.slug}")
    assert a_shop.status_code == 200
    assert "A:n lumityöt" in a_shop.text and "B:n lumityöt" not in a_shop.text
    assert (await browser.get(f"/shop/{world.a.slug}/items/{b_ids.item}/image")).status_code == 404
    assert (await browser.get(f"/shop/{world.b.slug}/items/{a_ids.item}/image")).status_code == 404
    assert (await browser.get(f"/shop/{world.a.slug}/items/{a_ids.item}/image")).status_code == 200
