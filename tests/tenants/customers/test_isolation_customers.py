"""Tenant isolation of the customer register: every route, every role, pages and JSON API.

Coop B's ids in coop A's URLs give 404 (403 where the role check comes first) and change nothing; coop B's own
URLs give 403; no sign-in goes to sign-in (the API: 401); an unknown coop is 404. The routes are registered with
tests/isolation_registry.py at import, so the guard in tests/platform/test_isolation.py accepts them.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.customers.tables import Customer
from tests import isolation_kit
from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World
from tests.isolation_kit import assert_sent_to_sign_in, client_for, fill, send
from tests.isolation_registry import covered
from tests.tenants.catalogue.conftest import make_request
from tests.tenants.customers.conftest import make_customer, snapshot

COOP, API = "/c/{slug:str}", "/api/v1/coops/{slug:str}"
MANAGERS = ("admin", "board")


@dataclass(frozen=True)
class Route(isolation_kit.Route):
    roles: tuple[str, ...] = MANAGERS  # here, the default


ROUTES = (
    Route("GET", f"{COOP}/customers", ids=False),
    Route("GET", f"{COOP}/customers/new", ids=False),
    Route("POST", f"{COOP}/customers/new", status=400, form="customer", ids=False),
    Route("GET", f"{COOP}/customers/{{customer_id:int}}/edit", status=404),
    Route("POST", f"{COOP}/customers/{{customer_id:int}}/edit", status=404, form="customer"),
    Route("GET", f"{API}/customers", ids=False),
    Route("GET", f"{API}/customers/{{customer_id:int}}", status=404),
    Route("POST", f"{API}/customers", status=400, form="customer", ids=False),
    Route("POST", f"{API}/customers/{{customer_id:int}}", status=404, form="customer"),
)
covered(*((r.method, r.path) for r in ROUTES))

B_NAMES = ("B:n Asiakas Oy", "B:n Pyytäjä")


@dataclass(frozen=True)
class Ids:
    customer: int
    request: int


@pytest.fixture(scope="module")
async def b_ids(world: World) -> Ids:
    return Ids(
        await make_customer(world.b.id, "B:n Asiakas Oy", kind="company", business_id="1234567-1"),
        await make_request(world.b.id, "B:n Pyytäjä"),
    )


@pytest.fixture(scope="module")
async def a_ids(world: World) -> Ids:
    return Ids(await make_customer(world.a.id, "A:n Asiakas"), await make_request(world.a.id, "A:n Pyytäjä"))


@pytest.fixture(scope="module")
async def clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    async with isolation_kit.api_clients(app, world) as made:
        yield made


def url(route: Route, slug: str, ids: Ids) -> str:
    values = {"slug": slug, "customer_id": ids.customer}
    return fill(route.path, values)


def form(name: str, valid: bool, api: bool = False) -> dict[str, Any]:
    token = secrets.token_hex(3)
    if not name:
        data: dict[str, Any] = {}
    elif valid:
        data = {"kind": "household", "name": f"Murto {token}", "language": "fi"}
    else:
        data = {"kind": "company", "name": "", "business_id": "1234567-8", "language": "de"}
    data.update(coop_id=0 if api else "0", coop="b")
    return data


async def both(world: World) -> list[Any]:
    return [await snapshot(world.a.id), await snapshot(world.b.id)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids, route: Route, role: str
) -> None:
    client = await client_for(route, role, signed_in, clients, world)
    allowed = role in route.roles
    valid = not (allowed and not route.ids)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, b_ids), form(route.form, valid, route.api))
    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    for name in B_NAMES:
        assert name not in response.text
    assert world.b.slug not in response.text
    assert await both(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, b_ids: Ids, route: Route, role: str
) -> None:
    client = await client_for(route, role, signed_in, clients, world)
    before = await both(world)
    response = await send(client, route, url(route, world.b.slug, b_ids), form(route.form, True, route.api))
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
    client = clients["anonymous"] if route.api else browser
    response = await send(client, route, target, form(route.form, True, route.api))
    assert_sent_to_sign_in(route, target, response)
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route
) -> None:
    client = await client_for(route, "admin", signed_in, clients, world)
    before = await both(world)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    response = await send(client, route, url(route, slug, a_ids), form(route.form, True, route.api))
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


async def test_other_coops_request_cannot_become_a_customer(signed_in: SignIn, world: World, b_ids: Ids) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    page = await admin.get(f"/c/{world.a.slug}/customers/new?request={b_ids.request}")
    assert page.status_code == 404 and "B:n Pyytäjä" not in page.text
    response = await admin.post(f"/c/{world.a.slug}/customers/new", form("customer", True) | {"request": b_ids.request})
    assert response.status_code == 404
    assert await both(world) == before


async def test_own_routes_work_with_own_ids(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids
) -> None:
    for route in ROUTES:
        if route.method == "GET":
            client = await client_for(route, "admin", signed_in, clients, world)
            assert (await client.get(url(route, world.a.slug, a_ids))).status_code == 200, str(route)
    admin = await signed_in(world.a.emails["admin"])
    assert (await admin.get(f"/c/{world.a.slug}/customers/new?request={a_ids.request}")).status_code == 200


async def test_forged_coop_field_cannot_move_a_new_customer(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.a.emails["board"])
    before_b = await snapshot(world.b.id)
    data = form("customer", True) | {"coop_id": str(world.b.id), "coop": world.b.slug}
    response = await admin.post(f"/c/{world.a.slug}/customers/new", data)
    assert response.status_code == 303
    async with coop_unit(world.a.id):
        rows = await Customer.select(Customer.coop).where(Customer.name == data["name"]).run()
    assert rows == [{"coop_id": world.a.id}]
    assert await snapshot(world.b.id) == before_b
