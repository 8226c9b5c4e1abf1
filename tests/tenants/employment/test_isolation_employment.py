"""Tenant isolation of employment: every route, every role, pages and JSON API.

Coop B's ids in coop A's URLs give 404 (403 where the role check comes first) and change nothing; coop B's own
URLs give 403; no sign-in goes to sign-in (the API: 401); an unknown coop is 404; an organisation's person has no
access. The routes are registered with tests/isolation_registry.py at import, so the guard in
tests/platform/test_isolation.py accepts them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World, browsers_by_email
from tests.isolation_kit import Route, api_clients, assert_sent_to_sign_in, client_for, fill, send
from tests.isolation_registry import covered
from tests.tenants.employment.conftest import (
    add_contract,
    add_profile,
    assign,
    make_member,
    snapshot,
)

COOP, API = "/c/{slug:str}", "/api/v1/coops/{slug:str}"
READERS = ("admin", "board", "coach")
MANAGERS = ("admin", "board")
EDITORS = ("admin", "coach")
ADMIN = ("admin",)
W = "/employment/workers/{member_id:int}"
C = W + "/contracts/{contract_id:int}"


NOT_FOUND = 404  # coop B's worker (or contract) in coop A's address

ROUTES = (
    Route("GET", f"{COOP}/employment/workers", READERS, ids=False),
    Route("GET", f"{COOP}{W}/contracts", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}{W}/contracts/new", MANAGERS, NOT_FOUND),
    Route("POST", f"{COOP}{W}/contracts/new", MANAGERS, NOT_FOUND, form="contract"),
    Route("GET", f"{COOP}{C}", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}{C}/amend", MANAGERS, NOT_FOUND),
    Route("POST", f"{COOP}{C}/amend", MANAGERS, NOT_FOUND, form="amend"),
    Route("GET", f"{COOP}{C}/end", MANAGERS, NOT_FOUND),
    Route("POST", f"{COOP}{C}/end", MANAGERS, NOT_FOUND, form="end"),
    Route("GET", f"{COOP}{C}/contract.pdf", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}{W}/benefit", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}{W}/benefit/new", EDITORS, NOT_FOUND),
    Route("POST", f"{COOP}{W}/benefit/new", EDITORS, NOT_FOUND, form="benefit"),
    Route("GET", f"{COOP}{W}/earnings", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}/employment/mine", ids=False),
    Route("GET", f"{COOP}{W}/pay/new", MANAGERS, NOT_FOUND),
    Route("POST", f"{COOP}{W}/pay/new", MANAGERS, NOT_FOUND, form="pay"),
    Route("GET", f"{COOP}{W}/statement.pdf", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}{W}/statement.csv", ROLES, NOT_FOUND),
    Route("GET", f"{COOP}{W}/coaches", ADMIN, NOT_FOUND),
    Route("POST", f"{COOP}{W}/coaches", ADMIN, NOT_FOUND, form="coach"),
    Route("POST", f"{COOP}{W}/coaches/{{coach_id:int}}/remove", ADMIN, NOT_FOUND),
    Route("GET", f"{API}{W}/contracts", ROLES, NOT_FOUND),
    Route("GET", f"{API}{C}", ROLES, NOT_FOUND),
    Route("POST", f"{API}{W}/contracts", MANAGERS, NOT_FOUND, form="contract"),
    Route("POST", f"{API}{C}/end", MANAGERS, NOT_FOUND, form="end"),
    # Coop A's people are not linked to its register: their own earnings are not found.
    Route("GET", f"{API}/employment/mine/earnings", ROLES, NOT_FOUND, ids=False, own=NOT_FOUND),
    Route("GET", f"{API}{W}/earnings", ROLES, NOT_FOUND),
    Route("GET", f"{API}{W}/benefit", ROLES, NOT_FOUND),
    Route("POST", f"{API}{W}/benefit", EDITORS, NOT_FOUND, form="benefit"),
)
covered(*((r.method, r.path) for r in ROUTES))

B_NAMES = ("B:n Työläinen", "B:n Toinen")


@dataclass(frozen=True)
class Ids:
    worker: int
    contract: int
    coach: int


async def _objects(world: World, coop: Any, prefix: str) -> Ids:
    worker = await make_member(coop.id, f"{prefix} Työläinen")
    await make_member(coop.id, f"{prefix} Toinen")
    contract = await add_contract(coop.id, worker, dt.date(2026, 1, 1), 1235)
    await add_profile(coop.id, worker, "disability_pension", 97659, dt.date(2026, 1, 1))
    await assign(coop.id, worker, coop.users["coach"])
    return Ids(worker, contract, coop.users["coach"])


@pytest.fixture(scope="module")
async def b_ids(world: World) -> Ids:
    return await _objects(world, world.b, "B:n")


@pytest.fixture(scope="module")
async def a_ids(world: World) -> Ids:
    return await _objects(world, world.a, "A:n")


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """Pages in English, one signed-in browser per person for the module."""
    async with browsers_by_email(app, in_english=True) as get:
        yield get


@pytest.fixture(scope="module")
async def clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    async with api_clients(app, world) as made:
        yield made


def url(route: Route, slug: str, ids: Ids) -> str:
    return fill(route.path, {"slug": slug, "member_id": ids.worker, "contract_id": ids.contract, "coach_id": ids.coach})


def form(name: str, coach: int, valid: bool) -> dict[str, Any]:
    """A valid form (a bypassed check would write) or a harmlessly invalid one; both try to steer to coop B."""
    valid_forms: dict[str, dict[str, Any]] = {
        "": {},
        "contract": {"kind": "indefinite", "starts_on": "1.1.2030", "hours_per_week": "20", "hourly_wage": "12"},
        "amend": {"valid_from": "1.6.2026", "hours_per_week": "20", "hourly_wage": "13", "note": "Murto"},
        "benefit": {"kind": "other", "limit": "1", "valid_from": "1.2.2026"},
        "pay": {"on_date": "1.2.2026", "amount": "1000", "note": "Murto"},
        "coach": {"coach": str(coach)},
        "end": {"last_day": "30.6.2026", "reason": "agreement", "confirmed": "yes"},
    }
    invalid_forms: dict[str, dict[str, Any]] = {
        "contract": {"kind": "x", "starts_on": "ei", "hours_per_week": "", "hourly_wage": ""},
        "amend": {"valid_from": "ei", "note": ""},
        "benefit": {"kind": "x", "valid_from": ""},
        "pay": {"on_date": "", "amount": "x"},
        "coach": {"coach": "x"},
        "end": {"last_day": "ei", "reason": "x", "confirmed": "yes"},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id="0", coop="b")
    return data


def api_body(name: str, coach: int, valid: bool) -> dict[str, Any]:
    data = form(name, coach, valid)
    for field, json_name in (("hourly_wage", "hourly_wage_cents"), ("limit", "limit_cents")):
        if field in data:
            value = data.pop(field)
            data[json_name] = int(value) * 100 if valid else value
    if data.pop("confirmed", None) == "yes":
        data["confirm"] = True
    for field in ("starts_on", "valid_from", "last_day"):
        if valid and field in data:
            day, month, year = data[field].split(".")
            data[field] = f"{year}-{int(month):02d}-{int(day):02d}"
    return data


async def both(world: World) -> list[Any]:
    return [await snapshot(world.a.id), await snapshot(world.b.id)]


def body(route: Route, coach: int, valid: bool) -> dict[str, Any]:
    return api_body(route.form, coach, valid) if route.api else form(route.form, coach, valid)


# --- every route, every role -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids, route: Route, role: str
) -> None:
    client = await client_for(route, role, signed_in, clients, world)
    allowed = role in route.roles
    valid = not (allowed and not route.ids)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, b_ids), body(route, b_ids.coach, valid))
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
    response = await send(client, route, url(route, world.b.slug, b_ids), body(route, b_ids.coach, True))
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
    response = await send(client, route, target, body(route, a_ids.coach, True))
    assert_sent_to_sign_in(route, target, response)
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route
) -> None:
    client = await client_for(route, "admin", signed_in, clients, world)
    before = await both(world)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    response = await send(client, route, url(route, slug, a_ids), body(route, a_ids.coach, True))
    assert response.status_code == 404
    assert await both(world) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.api], ids=str)
async def test_organisation_person_has_no_coop_access(
    signed_in: SignIn, world: World, a_ids: Ids, route: Route
) -> None:
    client = await signed_in(world.org_admin)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, a_ids), form(route.form, a_ids.coach, True))
    assert response.status_code == 403
    assert await both(world) == before


async def test_own_routes_work_with_own_ids(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids
) -> None:
    """The control for the tests above: the same GETs with A's own ids answer 200 (the admin)."""
    for route in ROUTES:
        if route.method == "GET":
            client = await client_for(route, "admin", signed_in, clients, world)
            response = await client.get(url(route, world.a.slug, a_ids))
            assert response.status_code == route.own, str(route)


# --- mixed ids: A's own worker with B's objects ------------------------------------------------------------------


async def test_other_coops_contract_through_own_worker_is_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids
) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    base = f"/c/{world.a.slug}/employment/workers/{a_ids.worker}/contracts/{b_ids.contract}"
    assert (await admin.get(base)).status_code == 404
    assert (await admin.get(f"{base}/contract.pdf")).status_code == 404
    assert (await admin.post(f"{base}/amend", form("amend", 0, True))).status_code == 404
    api = f"/api/v1/coops/{world.a.slug}/employment/workers/{a_ids.worker}/contracts/{b_ids.contract}"
    assert (await clients["admin"].get(api)).status_code == 404
    assert await both(world) == before


async def test_other_coops_coach_cannot_be_chosen(signed_in: SignIn, world: World, a_ids: Ids) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    target = f"/c/{world.a.slug}/employment/workers/{a_ids.worker}/coaches"
    response = await admin.post(target, {"coach": str(world.b.users["coach"])})
    assert response.status_code == 400 and 'id="coach-error"' in response.text
    removed = await admin.post(f"{target}/{world.b.users['coach']}/remove")
    assert removed.status_code == 404
    assert await both(world) == before
