"""Vote routes, every route and every role: coop B's ids in coop A's URLs give 403/404 and change nothing.

The routes are registered with tests/isolation_registry.py at import, so the guard in tests/platform/test_isolation.py
knows they are covered here.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from osuus.platform.http import Form
from osuus.tenants.votes import service
from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World, api_client
from tests.isolation_kit import Route, fill, send
from tests.isolation_registry import covered
from tests.tenants.votes.conftest import ctx_for, make_item, make_meeting, make_member, rows_of

COOP = "/c/{slug:str}"
VOTE = f"{COOP}/meetings/{{meeting_id:int}}/items/{{item_id:int}}/vote"
MANAGERS = ("admin", "board")
ASSISTANTS = ("admin", "coach")


ROUTES = (
    Route("GET", VOTE, status=404),
    Route("POST", VOTE, status=404, form="ballot"),
    Route("GET", f"{VOTE}/open", MANAGERS, 404),
    Route("POST", f"{VOTE}/open", MANAGERS, 404, form="open"),
    Route("GET", f"{VOTE}/assisted", ASSISTANTS, 404),
    Route("POST", f"{VOTE}/assisted", ASSISTANTS, 404, form="assisted"),
    Route("GET", f"{VOTE}/close", MANAGERS, 404),
    Route("POST", f"{VOTE}/close", MANAGERS, 404, form="close"),
    Route("GET", f"{VOTE}/result", status=404),
)
covered(*((r.method, r.path) for r in ROUTES))


@dataclass(frozen=True)
class VotesOf:
    """What a coop has: a member of the register, a meeting with an item and an open vote on it."""

    member_id: int
    member_name: str
    meeting_id: int
    item_id: int
    question: str


def url(route: Route, slug: str, v: VotesOf) -> str:
    values = {"slug": slug, "meeting_id": str(v.meeting_id), "item_id": str(v.item_id)}
    return fill(route.path, values)


def form(name: str, world: World, b: VotesOf) -> dict[str, str]:
    """Valid forms (a bypassed check would write), every one naming coop B's rows."""
    forms = {
        "": {},
        "ballot": {"voter": f"m{b.member_id}", "choice": "yes", "confirmed": "yes"},
        "open": {"question": f"Murto {secrets.token_hex(3)}", "method": "simple", "anonymous": "no"},
        "assisted": {
            "voter": f"m{b.member_id}",
            "choice": "yes",
            "witness_name": "Murtautuja",
            "member_confirmed": "yes",
            "confirmed": "yes",
        },
        "close": {"chair_vote": "yes"},
    }
    return {**forms[name], "coop_id": str(world.b.id), "coop": world.b.slug}


async def everything(world: World) -> list[dict[str, Any]]:
    return [await rows_of(world.a.id), await rows_of(world.b.id)]


async def _votes_of(world: World, which: str) -> VotesOf:
    coop = world.a if which == "a" else world.b
    name = f"Äänestäjä {coop.slug}"
    member = await make_member(coop.id, name)
    meeting_id = await make_meeting(coop.id)
    item_id = await make_item(coop.id, meeting_id, title=f"Asia {coop.slug}")
    question = f"Kysymys {coop.slug}"
    admin = ctx_for(coop.id, coop.slug, coop.users["admin"], ("admin",))
    values = {"question": question, "method": "simple", "anonymous": "no"}
    assert await service.open_vote(admin, meeting_id, item_id, Form(values=values), "127.0.0.1") is not None
    return VotesOf(member, name, meeting_id, item_id, question)


@pytest.fixture(scope="module")
async def votes(world: World) -> dict[str, VotesOf]:
    """Both coops have a register member and a meeting item with an open vote."""
    return {"a": await _votes_of(world, "a"), "b": await _votes_of(world, "b")}


def assert_nothing_of_b(response: httpx.Response, world: World, b: VotesOf) -> None:
    assert world.b.slug not in response.text
    assert b.question not in response.text and b.member_name not in response.text


# --- A's person, in A's URL, with B's ids ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, world: World, votes: dict[str, VotesOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    allowed = role in route.roles
    b = votes["b"]
    before = await everything(world)

    response = await send(client, route, url(route, world.a.slug, b), form(route.form, world, b))

    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


@pytest.mark.parametrize("role", ROLES)
async def test_a_meeting_of_own_coop_with_an_item_of_another(
    signed_in: SignIn, world: World, votes: dict[str, VotesOf], role: str
) -> None:
    """A's meeting id with B's item id (and the reverse) is not found either."""
    client = await signed_in(world.a.emails[role])
    a, b = votes["a"], votes["b"]
    before = await everything(world)
    for meeting_id, item_id in ((a.meeting_id, b.item_id), (b.meeting_id, a.item_id)):
        base = f"/c/{world.a.slug}/meetings/{meeting_id}/items/{item_id}/vote"
        assert (await client.get(base)).status_code == 404
        assert (await client.get(f"{base}/result")).status_code == 404
        assert (await client.post(base, form("ballot", world, b))).status_code == 404
    assert await everything(world) == before


async def test_own_coops_vote_is_shown(signed_in: SignIn, world: World, votes: dict[str, VotesOf]) -> None:
    """The control for the tests above: the same person sees A's vote with A's ids."""
    client = await signed_in(world.a.emails["admin"])
    a = votes["a"]
    for route in ROUTES:
        if route.method == "GET" and route.path != f"{VOTE}/open":
            response = await client.get(url(route, world.a.slug, a))
            assert response.status_code == 200, (route, response.text[:500])
            assert a.question in response.text


# --- A's person on B's own URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, world: World, votes: dict[str, VotesOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    b = votes["b"]
    before = await everything(world)

    response = await send(client, route, url(route, world.b.slug, b), form(route.form, world, b))

    assert response.status_code == 403, response.text[:500]
    assert b.question not in response.text and b.member_name not in response.text
    assert await everything(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(
    browser: Browser, world: World, votes: dict[str, VotesOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, world.a.slug, votes["a"])

    response = await send(browser, route, target, form(route.form, world, votes["b"]))

    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(target)}"
    assert await everything(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, world: World, votes: dict[str, VotesOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, f"ei-ole-{secrets.token_hex(3)}", votes["a"])
    response = await send(await signed_in(world.a.emails["admin"]), route, target, form(route.form, world, votes["b"]))
    assert response.status_code == 404
    assert await everything(world) == before


# --- the JSON API, with API tokens --------------------------------------------------------------------------------

API = "/api/v1/coops/{slug:str}"
API_VOTE = f"{API}/meetings/{{meeting_id:int}}/items/{{item_id:int}}/vote"
API_ROUTES = (
    Route("GET", API_VOTE, status=404),
    Route("POST", API_VOTE, MANAGERS, 404, form="api_open"),
    Route("POST", f"{API_VOTE}/ballots", status=404, form="api_ballot"),
    Route("POST", f"{API_VOTE}/close", MANAGERS, 404, form="close"),
)
covered(*((r.method, r.path) for r in API_ROUTES))


def api_body(name: str, world: World, b: VotesOf) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "": {},
        "api_open": {"question": f"Murto {secrets.token_hex(3)}", "method": "simple", "anonymous": False},
        "api_ballot": {"voter": f"m{b.member_id}", "choice": "yes", "confirm": True},
        "api_assisted": {
            "assisted": True,
            "voter": f"m{b.member_id}",
            "choice": "yes",
            "witness_name": "Murtautuja",
            "member_confirmed": True,
            "confirm": True,
        },
        "close": {"chair_vote": "yes"},
    }
    return {**bodies[name], "coop_id": world.b.id, "coop": world.b.slug}


@pytest.fixture(scope="module")
async def clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    made = {role: await api_client(app, world.a.users[role]) for role in ROLES}
    made["anonymous"] = ApiClient(app)
    yield made
    for client in made.values():
        await client.close()


async def api_send(client: ApiClient, route: Route, target: str, data: dict[str, Any]) -> httpx.Response:
    if route.method == "GET":
        return await client.get(target)
    return await client.post(target, data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_other_coops_ids_in_own_coop_url_are_not_found(
    clients: dict[str, ApiClient], world: World, votes: dict[str, VotesOf], route: Route, role: str
) -> None:
    b = votes["b"]
    before = await everything(world)

    response = await api_send(clients[role], route, url(route, world.a.slug, b), api_body(route.form, world, b))

    assert response.status_code == (route.status if role in route.roles else 403), response.text[:500]
    assert response.json()["status"] == response.status_code
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


@pytest.mark.parametrize("role", ROLES)
async def test_api_assisted_ballot_with_other_coops_ids(
    clients: dict[str, ApiClient], world: World, votes: dict[str, VotesOf], role: str
) -> None:
    b = votes["b"]
    before = await everything(world)
    target = f"/api/v1/coops/{world.a.slug}/meetings/{b.meeting_id}/items/{b.item_id}/vote/ballots"

    response = await clients[role].post(target, api_body("api_assisted", world, b))

    assert response.status_code == (404 if role in ASSISTANTS else 403), response.text[:500]
    assert await everything(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_no_role_in_other_coop_is_forbidden(
    clients: dict[str, ApiClient], world: World, votes: dict[str, VotesOf], route: Route, role: str
) -> None:
    b = votes["b"]
    before = await everything(world)

    response = await api_send(clients[role], route, url(route, world.b.slug, b), api_body(route.form, world, b))

    assert response.status_code == 403, response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_without_a_token_is_refused(
    clients: dict[str, ApiClient], world: World, votes: dict[str, VotesOf], route: Route
) -> None:
    before = await everything(world)
    a = votes["a"]
    response = await api_send(clients["anonymous"], route, url(route, world.a.slug, a), api_body(route.form, world, a))
    assert response.status_code == 401, response.text[:500]
    assert await everything(world) == before


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_unknown_coop_is_not_found(
    clients: dict[str, ApiClient], world: World, votes: dict[str, VotesOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, f"ei-ole-{secrets.token_hex(3)}", votes["a"])
    response = await api_send(clients["admin"], route, target, api_body(route.form, world, votes["b"]))
    assert response.status_code == 404
    assert await everything(world) == before


async def test_api_own_coops_vote_is_read(
    clients: dict[str, ApiClient], world: World, votes: dict[str, VotesOf]
) -> None:
    a = votes["a"]
    response = await clients["member"].get(url(API_ROUTES[0], world.a.slug, a))
    assert response.status_code == 200 and response.json()["question"] == a.question
    assert_nothing_of_b(response, world, votes["b"])
