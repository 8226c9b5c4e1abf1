"""Tenant isolation of work: every route, every role, pages and JSON API.

Coop B's ids in coop A's URLs give 404 (403 where the role check comes first) and change nothing; coop B's own
URLs give 403; no sign-in goes to sign-in (the API: 401); an unknown coop is 404. Forged ids of B in A's forms
(a request, a customer, an item, a person) are refused. The routes are registered with
tests/isolation_registry.py at import, so the guard in tests/platform/test_isolation.py accepts them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from osuus.platform.dates import format_date, today
from osuus.tenants.work import service
from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World
from tests.isolation_kit import Route, api_clients, assert_sent_to_sign_in, client_for, fill, send
from tests.isolation_registry import covered
from tests.tenants.catalogue.conftest import make_item, make_request
from tests.tenants.customers.conftest import make_customer
from tests.tenants.work.conftest import (
    make_assignment,
    make_hours,
    make_member,
    make_order,
    make_substitution,
    snapshot,
)

COOP, API = "/c/{slug:str}", "/api/v1/coops/{slug:str}"
MANAGERS, APPROVERS, COACH = ("admin", "board", "coach"), ("admin", "coach"), ("coach",)
ORDER = f"{COOP}/work/orders/{{order_id:int}}"
ENTRY = f"{COOP}/work/hours/{{entry_id:int}}"
MINE = f"{COOP}/work/mine/{{assignment_id:int}}"
A_ORDER = f"{API}/work/orders/{{order_id:int}}"
A_ASSIGNMENT = f"{API}/work/assignments/{{assignment_id:int}}"
A_ENTRY = f"{API}/work/hours/{{entry_id:int}}"
SUB = f"{COOP}/work/substitutes/{{substitution_id:int}}"
A_SUB = f"{API}/work/substitutes/{{substitution_id:int}}"
PERSON = f"{COOP}/work/people/{{member_id:int}}"
RULE_SETTERS = ("admin", "board")

ROUTES = (
    Route("GET", f"{COOP}/work/orders", MANAGERS, ids=False),
    Route("GET", f"{COOP}/work/orders/new", MANAGERS, ids=False),
    Route("POST", f"{COOP}/work/orders/new", MANAGERS, 400, form="order", ids=False),
    Route("GET", ORDER, MANAGERS, 404),
    Route("GET", f"{ORDER}/edit", MANAGERS, 404),
    Route("POST", f"{ORDER}/edit", MANAGERS, 404, form="order"),
    Route("GET", f"{ORDER}/steps/{{name:str}}", MANAGERS, 404),
    Route("POST", f"{ORDER}/steps/{{name:str}}", MANAGERS, 404, form="step"),
    Route("GET", f"{ORDER}/offer", MANAGERS, 404),
    Route("POST", f"{ORDER}/offer", MANAGERS, 404, form="offer"),
    Route("GET", f"{ORDER}/join", COACH, 404, own=403),
    Route("POST", f"{ORDER}/join", COACH, 404, form="join"),
    Route("GET", f"{COOP}/work/assignments/{{assignment_id:int}}/withdraw", MANAGERS, 404),
    Route("POST", f"{COOP}/work/assignments/{{assignment_id:int}}/withdraw", MANAGERS, 404),
    Route("GET", f"{COOP}/work/hours", APPROVERS, ids=False),
    Route("POST", f"{ENTRY}/approve", APPROVERS, 404),
    Route("GET", f"{ENTRY}/return", APPROVERS, 404),
    Route("POST", f"{ENTRY}/return", APPROVERS, 404, form="return"),
    Route("GET", ENTRY, ROLES, 404),
    Route("GET", f"{ENTRY}/correct", ROLES, 404),
    Route("POST", f"{ENTRY}/correct", ROLES, 404, form="entry"),
    Route("GET", f"{COOP}/work/mine", ROLES, ids=False),
    Route("GET", f"{MINE}/accept", ROLES, 404, own=404),
    Route("POST", f"{MINE}/accept", ROLES, 404, form="answer"),
    Route("GET", f"{MINE}/decline", ROLES, 404, own=404),
    Route("POST", f"{MINE}/decline", ROLES, 404),
    Route("POST", f"{MINE}/start", ROLES, 404),
    Route("POST", f"{COOP}/work/mine/stop", ROLES, 409, ids=False),
    Route("GET", f"{MINE}/log", ROLES, 404, own=404),
    Route("POST", f"{MINE}/log", ROLES, 404, form="entry"),
    Route("GET", f"{COOP}/work/mine/hours", ROLES, ids=False),
    Route("GET", f"{COOP}/work/week", MANAGERS, ids=False),
    Route("GET", f"{API}/work/orders", MANAGERS, ids=False),
    Route("GET", A_ORDER, MANAGERS, 404),
    Route("POST", f"{API}/work/orders", MANAGERS, 400, form="order", ids=False),
    Route("POST", f"{A_ORDER}/steps/{{name:str}}", MANAGERS, 404, form="step"),
    Route("POST", f"{A_ORDER}/offers", MANAGERS, 404, form="offer"),
    Route("POST", f"{A_ASSIGNMENT}/accept", ROLES, 404, form="answer"),
    Route("POST", f"{A_ASSIGNMENT}/decline", ROLES, 404),
    Route("GET", f"{API}/work/mine", ROLES, ids=False),
    Route("POST", f"{A_ASSIGNMENT}/hours", ROLES, 404, form="entry"),
    Route("GET", f"{API}/work/hours", APPROVERS, ids=False),
    Route("GET", A_ENTRY, ROLES, 404),
    Route("POST", f"{A_ENTRY}/approve", APPROVERS, 404),
    Route("POST", f"{A_ENTRY}/return", APPROVERS, 404, form="return"),
    Route("POST", f"{A_ENTRY}/correct", ROLES, 404, form="entry"),
    # substitutes
    Route("GET", f"{MINE}/cant-come", ROLES, 404, own=404),
    Route("POST", f"{MINE}/cant-come", ROLES, 404, form="cant_come"),
    Route("GET", f"{COOP}/work/substitutes", MANAGERS, ids=False),
    Route("POST", f"{COOP}/work/substitutes/rule", RULE_SETTERS, 303, form="rule", ids=False),
    Route("GET", SUB, MANAGERS, 404),
    Route("POST", f"{SUB}/offers", MANAGERS, 404),
    Route("POST", f"{SUB}/approve", APPROVERS, 404),
    Route("POST", f"{SUB}/refuse", APPROVERS, 404),
    Route("GET", f"{SUB}/stop", MANAGERS, 404),
    Route("POST", f"{SUB}/stop", MANAGERS, 404),
    Route("GET", f"{COOP}/work/people", MANAGERS, ids=False),
    Route("GET", PERSON, MANAGERS, 404),
    Route("POST", PERSON, MANAGERS, 404, form="skills"),
    Route("POST", f"{A_ASSIGNMENT}/cant-come", ROLES, 404, form="cant_come"),
    Route("GET", f"{API}/work/substitutes", MANAGERS, ids=False),
    Route("GET", A_SUB, MANAGERS, 404),
    Route("POST", f"{A_SUB}/offers", MANAGERS, 404),
    Route("POST", f"{A_SUB}/approve", APPROVERS, 404),
    Route("POST", f"{A_SUB}/refuse", APPROVERS, 404),
    Route("POST", f"{A_SUB}/stop", MANAGERS, 404),
    Route("POST", f"{API}/work/substitutes/rule", RULE_SETTERS, form="rule", ids=False),
    Route("GET", f"{API}/work/people", MANAGERS, ids=False),
    Route("POST", f"{API}/work/people/{{member_id:int}}", MANAGERS, 404, form="skills"),
)
covered(*((r.method, r.path) for r in ROUTES))

B_NAMES = ("B:n pihatyö", "B:n Tekijä", "B:n Pyytäjä", "B:n asiakas")
FUTURE = today() + dt.timedelta(days=5)


@dataclass(frozen=True)
class Ids:
    order: int  # accepted, with a day: every step and offer would be possible
    member: int
    assignment: int  # offered
    entry: int  # waiting
    item: int
    request: int
    customer: int
    substitution: int  # open


async def _objects(coop_id: int, prefix: str) -> Ids:
    item = await make_item(coop_id, f"{prefix} pihatyö")
    request = await make_request(coop_id, f"{prefix} Pyytäjä", item_id=item)
    order = await make_order(
        coop_id, f"{prefix} pihatyö", status="accepted", day=FUTURE, customer_name=f"{prefix} asiakas"
    )
    member = await make_member(coop_id, f"{prefix} Tekijä")
    assignment = await make_assignment(coop_id, order, member, status="offered", planned_day=FUTURE)
    worked = await make_assignment(coop_id, order, await make_member(coop_id, f"{prefix} Toinen"), planned_day=FUTURE)
    entry = await make_hours(coop_id, worked, today(), 60)
    customer = await make_customer(coop_id, f"{prefix} asiakas")
    away = await make_assignment(coop_id, order, await make_member(coop_id, f"{prefix} Poissa"), planned_day=FUTURE)
    substitution = await make_substitution(coop_id, away)
    return Ids(order, member, assignment, entry, item, request, customer, substitution)


@pytest.fixture(scope="module")
async def b_ids(world: World) -> Ids:
    return await _objects(world.b.id, "B:n")


@pytest.fixture(scope="module")
async def a_ids(world: World) -> Ids:
    return await _objects(world.a.id, "A:n")


@pytest.fixture(scope="module")
async def clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    async with api_clients(app, world) as made:
        yield made


def url(route: Route, slug: str, ids: Ids) -> str:
    values = {
        "slug": slug, "order_id": ids.order, "assignment_id": ids.assignment, "entry_id": ids.entry,
        "name": "schedule", "substitution_id": ids.substitution, "member_id": ids.member,
    }  # fmt: skip
    return fill(route.path, values)


def form(name: str, valid: bool, ids: Ids) -> dict[str, Any]:
    """A valid form (a bypassed check would write) or a harmlessly invalid one; both try to steer to coop B."""
    token = secrets.token_hex(3)
    valid_forms: dict[str, dict[str, Any]] = {
        "": {},
        "order": {"title": f"Murto {token}", "customer_name": "Murtautuja", f"amount_{ids.item}": "1"},
        "step": {"note": "Murto"},
        "offer": {f"worker_{ids.member}": "yes", "planned_day": format_date(FUTURE), "planned_hours": "2"},
        "join": {"planned_day": format_date(FUTURE), "planned_hours": "2"},
        "return": {"return_note": "Murto"},
        "entry": {"day": format_date(today()), "hours": "1", "note": "Murto"},
        "answer": {"warning_seen": "yes"},
        "cant_come": {"reason": "Murto"},
        "rule": {"substitute_approval": "yes"},
        "skills": {"day_1": "yes", "day_2": "yes"},
    }
    invalid_forms: dict[str, dict[str, Any]] = {
        "order": {"title": ""},
        "step": {"note": "x" * 1001},
        "offer": {"planned_hours": "x"},
        "join": {"planned_hours": "x"},
        "entry": {"day": ""},
        "cant_come": {"reason": "x" * 1001},
        "rule": {},  # the rule as it is: nothing is written
        "skills": {},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id="0", coop="b")
    return data


def api_body(name: str, valid: bool, ids: Ids) -> dict[str, Any]:
    if not valid:
        invalid: dict[str, dict[str, Any]] = {
            "order": {"title": ""}, "entry": {"day": ""}, "cant_come": {"reason": "x" * 1001}, "skills": {"days": []},
        }  # fmt: skip
        return invalid.get(name, {})
    bodies: dict[str, dict[str, Any]] = {
        "order": {"title": "Murto", "customer_name": "X", "lines": [{"item_id": ids.item, "quantity": 1}]},
        "step": {"note": "Murto"},
        "offer": {"member_ids": [ids.member], "planned_day": FUTURE.isoformat(), "planned_minutes": 60},
        "answer": {"confirm_warning": True},
        "entry": {"day": today().isoformat(), "minutes": 60, "note": "Murto"},
        "return": {"note": "Murto"},
        "cant_come": {"reason": "Murto"},
        "rule": {"substitute_approval": True},
        "skills": {"days": [1, 2]},
    }
    return bodies.get(name, {}) | {"coop_id": 0}


def body(route: Route, valid: bool, ids: Ids) -> dict[str, Any]:
    return api_body(route.form, valid, ids) if route.api else form(route.form, valid, ids)


async def both(world: World) -> list[Any]:
    """Both coops' rows. A read of benefit profiles is logged by design (the week page's earnings part, for the
    admin and coaches of the coop itself): those audit rows are reads, not changes, and are left out."""
    found = [await snapshot(world.a.id), await snapshot(world.b.id)]
    for rows in found:
        rows["audit_log"] = [r for r in rows["audit_log"] if r["action"] != "employment.benefit_profile.read"]
    return found


def assert_nothing_of_b(response: httpx.Response, world: World) -> None:
    for name in B_NAMES:
        assert name not in response.text
    assert world.b.slug not in response.text


@pytest.fixture(autouse=True)
def no_employment_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_employment", lambda name: None)


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
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, b_ids), body(route, valid, b_ids))
    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_nothing_of_b(response, world)
    assert await both(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, b_ids: Ids, route: Route, role: str
) -> None:
    client = await client_for(route, role, signed_in, clients, world)
    before = await both(world)
    response = await send(client, route, url(route, world.b.slug, b_ids), body(route, True, b_ids))
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
    response = await send(client, route, target, body(route, True, a_ids))
    assert_sent_to_sign_in(route, target, response)
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route
) -> None:
    client = await client_for(route, "admin", signed_in, clients, world)
    before = await both(world)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    response = await send(client, route, url(route, slug, a_ids), body(route, True, a_ids))
    assert response.status_code == 404
    assert await both(world) == before


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.api], ids=str)
async def test_organisation_person_has_no_coop_access(
    signed_in: SignIn, world: World, a_ids: Ids, route: Route
) -> None:
    client = await signed_in(world.org_admin)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, a_ids), body(route, True, a_ids))
    assert response.status_code == 403
    assert await both(world) == before


async def test_own_routes_work_with_own_ids(
    signed_in: SignIn, clients: dict[str, ApiClient], world: World, a_ids: Ids
) -> None:
    """The control for the tests above: the same GETs with A's own ids answer as expected (mostly 200)."""
    for route in ROUTES:
        if route.method == "GET":
            client = await client_for(route, "admin", signed_in, clients, world)
            response = await client.get(url(route, world.a.slug, a_ids))
            assert response.status_code == route.own, str(route)


# --- forged ids of B in A's forms ------------------------------------------------------------------------------


async def test_forged_ids_of_b_in_forms_are_refused(signed_in: SignIn, world: World, a_ids: Ids, b_ids: Ids) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    new = f"/c/{world.a.slug}/work/orders/new"
    assert (await admin.get(f"{new}?request={b_ids.request}")).status_code == 404
    from_b = {"title": "Murto", "customer_name": "X", "request": str(b_ids.request)}
    assert (await admin.post(new, from_b)).status_code == 404
    b_item = await admin.post(new, {"title": "Murto", "customer_name": "X", f"amount_{b_ids.item}": "1"})
    assert b_item.status_code == 400 and "Choose the items from the catalogue" in b_item.text
    b_customer = await admin.post(new, {"title": "Murto", "customer": str(b_ids.customer)})
    assert b_customer.status_code == 400 and "Choose a customer from the list" in b_customer.text
    offer = await admin.post(
        f"/c/{world.a.slug}/work/orders/{a_ids.order}/offer",
        {f"worker_{b_ids.member}": "yes", "planned_day": format_date(FUTURE), "planned_hours": "2"},
    )
    assert offer.status_code == 400 and "Choose people from the list" in offer.text
    assert_nothing_of_b(offer, world)
    assert await both(world) == before
