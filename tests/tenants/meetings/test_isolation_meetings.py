"""Meeting routes, every route and every role: coop B's ids in coop A's URLs give 403/404 and change nothing.

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

from osuus.platform.tenancy import coop_unit
from osuus.tenants.meetings.tables import Meeting
from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World, api_client
from tests.isolation_kit import Route, fill, send
from tests.isolation_registry import covered
from tests.tenants.meetings.conftest import make_attendance, make_item, make_meeting, make_member, snapshot

COOP = "/c/{slug:str}"
M = f"{COOP}/meetings/{{meeting_id:int}}"
MANAGERS = ("admin", "board")


ROUTES = (
    Route("GET", f"{COOP}/meetings", status=200),
    Route("GET", f"{COOP}/meetings/new", MANAGERS, 200),
    Route("POST", f"{COOP}/meetings/new", MANAGERS, 400, "meeting"),
    Route("GET", f"{COOP}/meetings/mine", status=200),
    Route("GET", f"{COOP}/meetings/rules", MANAGERS, 200),
    Route("POST", f"{COOP}/meetings/rules", MANAGERS, 400, "rules"),
    Route("GET", M, status=404),
    Route("GET", f"{M}/edit", MANAGERS, 404),
    Route("POST", f"{M}/edit", MANAGERS, 404, form="meeting"),
    Route("GET", f"{M}/items/new", MANAGERS, 404),
    Route("POST", f"{M}/items/new", MANAGERS, 404, form="item"),
    Route("GET", f"{M}/items/{{item_id:int}}/edit", MANAGERS, 404),
    Route("POST", f"{M}/items/{{item_id:int}}/edit", MANAGERS, 404, form="item"),
    Route("GET", f"{M}/items/{{item_id:int}}/remove", MANAGERS, 404),
    Route("POST", f"{M}/items/{{item_id:int}}/remove", MANAGERS, 404),
    Route("GET", f"{M}/items/{{item_id:int}}/move", MANAGERS, 404),
    Route("POST", f"{M}/items/{{item_id:int}}/move", MANAGERS, 404, form="move"),
    Route("GET", f"{M}/items/{{item_id:int}}/decide", MANAGERS, 404),
    Route("POST", f"{M}/items/{{item_id:int}}/decide", MANAGERS, 404, form="decide"),
    Route("GET", f"{M}/applicants", MANAGERS, 404),
    Route("POST", f"{M}/applicants", MANAGERS, 404),
    Route("GET", f"{M}/attendance", MANAGERS, 404),
    Route("POST", f"{M}/attendance", MANAGERS, 404, form="attendance"),
    Route("GET", f"{M}/attendance/{{attendance_id:int}}/remove", MANAGERS, 404),
    Route("POST", f"{M}/attendance/{{attendance_id:int}}/remove", MANAGERS, 404),
    Route("GET", f"{M}/notice", MANAGERS, 404),
    Route("POST", f"{M}/notice", MANAGERS, 404),
    Route("GET", f"{M}/cancel", MANAGERS, 404),
    Route("POST", f"{M}/cancel", MANAGERS, 404),
    Route("GET", f"{M}/minutes", status=404),
    Route("GET", f"{M}/minutes.pdf", status=404),
    Route("GET", f"{M}/minutes/roles", MANAGERS, 404),
    Route("POST", f"{M}/minutes/roles", MANAGERS, 404, form="roles"),
    Route("GET", f"{M}/minutes/approve", MANAGERS, 404),
    Route("POST", f"{M}/minutes/approve", MANAGERS, 404),
)
covered(*((r.method, r.path) for r in ROUTES))


@dataclass(frozen=True)
class MeetingsOf:
    """A coop's general meeting (noticed, with an item and a person present) and its names."""

    meeting_id: int
    item_id: int
    attendance_id: int
    member_id: int
    title: str
    item_title: str
    member_name: str


def url(route: Route, slug: str, m: MeetingsOf, other: MeetingsOf | None = None) -> str:
    """The route's address: the meeting of `m`, and the item and attendance of `other` (or of `m`)."""
    inner = other or m
    values = {
        "slug": slug,
        "meeting_id": str(m.meeting_id),
        "item_id": str(inner.item_id),
        "attendance_id": str(inner.attendance_id),
    }
    return fill(route.path, values)


def form(name: str, world: World, b: MeetingsOf, valid: bool = True) -> dict[str, str]:
    """A valid form (a bypassed check would write) or one a correct check refuses; every form names coop B."""
    valid_forms = {
        "": {},
        "meeting": {"kind": "general", "title": f"Murto {secrets.token_hex(3)}", "date": "1.1.2030", "time": "18"}
        | {"place": "Murtopaikka"},
        "rules": {
            "general_notice_min_days": "1",
            "general_notice_max_days": "2",
            "board_notice_min_days": "1",
            "max_proxies_per_person": "9",
            "general_quorum_members": "0",
        },
        "item": {"kind": "ordinary", "title": "Murtoasia", "description": ""},
        "move": {"position": "1"},
        "decide": {"outcome": "approved", "decision": "Murtopäätös"},
        "attendance": {"member_id": str(b.member_id), "mode": "remote"},
        "roles": {"chair_name": "Murtaja", "secretary_name": "Murtaja"},
    }
    invalid_forms = {"meeting": {"kind": "party"}, "rules": {"general_notice_min_days": "x"}}
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, valid_forms[name]))
    data.update(coop_id=str(world.b.id), coop=world.b.slug, meeting_id=str(b.meeting_id))
    return data


async def everything(world: World) -> list[dict[str, Any]]:
    return [await snapshot(world.a.id), await snapshot(world.b.id)]


async def _meetings_of(coop_id: int, slug: str) -> MeetingsOf:
    title, item_title, name = f"Kokous {slug}", f"Asia {slug}", f"Läsnä {slug}"
    meeting = await make_meeting(coop_id, title=title, days=20, status="noticed")
    item = await make_item(coop_id, meeting, item_title)
    member = await make_member(coop_id, name)
    attendance = await make_attendance(coop_id, meeting, member)
    return MeetingsOf(meeting, item, attendance, member, title, item_title, name)


@pytest.fixture(scope="module")
async def meetings(world: World) -> dict[str, MeetingsOf]:
    return {"a": await _meetings_of(world.a.id, world.a.slug), "b": await _meetings_of(world.b.id, world.b.slug)}


def assert_nothing_of_b(response: httpx.Response, world: World, b: MeetingsOf) -> None:
    text = response.text if not response.headers.get("content-type", "").startswith("application/pdf") else ""
    assert world.b.slug not in text
    assert b.title not in text and b.item_title not in text and b.member_name not in text


# --- A's person, in A's URL, with B's ids ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, world: World, meetings: dict[str, MeetingsOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    allowed = role in route.roles
    b = meetings["b"]
    before = await everything(world)

    data = form(route.form, world, b, valid=not allowed or route.status != 400)
    response = await send(client, route, url(route, world.a.slug, b), data)

    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


ITEM_ROUTES = tuple(r for r in ROUTES if "{item_id" in r.path or "{attendance_id" in r.path)


@pytest.mark.parametrize("role", MANAGERS)
@pytest.mark.parametrize("route", ITEM_ROUTES, ids=str)
async def test_other_coops_item_under_own_meeting_is_not_found(
    signed_in: SignIn, world: World, meetings: dict[str, MeetingsOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    b = meetings["b"]
    before = await everything(world)

    response = await send(client, route, url(route, world.a.slug, meetings["a"], other=b), form(route.form, world, b))

    assert response.status_code == 404, response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


async def test_own_coops_meeting_shows_own_things_only(
    signed_in: SignIn, world: World, meetings: dict[str, MeetingsOf]
) -> None:
    """The control for the tests above: the same person sees A's meeting, item and attendance."""
    client = await signed_in(world.a.emails["admin"])
    a, b = meetings["a"], meetings["b"]
    page = await client.get(f"/c/{world.a.slug}/meetings/{a.meeting_id}")
    assert page.status_code == 200
    assert a.title in page.text and a.item_title in page.text and a.member_name in page.text
    listing = await client.get(f"/c/{world.a.slug}/meetings")
    assert a.title in listing.text and b.title not in listing.text
    assert (await client.get(f"/c/{world.a.slug}/meetings/{a.meeting_id}/items/{a.item_id}/decide")).status_code == 200
    attendance = await client.get(f"/c/{world.a.slug}/meetings/{a.meeting_id}/attendance")
    assert a.member_name in attendance.text and b.member_name not in attendance.text


# --- A's person on B's own URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, world: World, meetings: dict[str, MeetingsOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    b = meetings["b"]
    before = await everything(world)

    response = await send(client, route, url(route, world.b.slug, b), form(route.form, world, b))

    assert response.status_code == 403, response.text[:500]
    assert b.title not in response.text and b.member_name not in response.text
    assert await everything(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(
    browser: Browser, world: World, meetings: dict[str, MeetingsOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, world.a.slug, meetings["a"])

    response = await send(browser, route, target, form(route.form, world, meetings["b"]))

    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(target)}"
    assert await everything(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, world: World, meetings: dict[str, MeetingsOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, f"ei-ole-{secrets.token_hex(3)}", meetings["a"])
    response = await send(
        await signed_in(world.a.emails["admin"]), route, target, form(route.form, world, meetings["b"])
    )
    assert response.status_code == 404
    assert await everything(world) == before


# --- a valid write in one's own coop with fields naming coop B lands in A ---------------------------------------


async def test_forged_coop_field_cannot_move_a_new_meeting(
    signed_in: SignIn, world: World, meetings: dict[str, MeetingsOf]
) -> None:
    client = await signed_in(world.a.emails["board"])
    before_b = await snapshot(world.b.id)
    data = form("meeting", world, meetings["b"])

    response = await client.post(f"/c/{world.a.slug}/meetings/new", data)

    assert response.status_code == 303
    async with coop_unit(world.a.id):
        rows = await Meeting.select(Meeting.id, Meeting.coop).where(Meeting.title == data["title"]).run()
    assert [r["coop_id"] for r in rows] == [world.a.id]
    assert await snapshot(world.b.id) == before_b


# --- the JSON API, with API tokens --------------------------------------------------------------------------------

API = "/api/v1/coops/{slug:str}/meetings"
API_ROUTES = (
    Route("GET", API, status=200),
    Route("GET", f"{API}/{{meeting_id:int}}", status=404),
    Route("POST", API, MANAGERS, 400, "meeting"),
    Route("POST", f"{API}/{{meeting_id:int}}/items", MANAGERS, 404, form="item"),
    Route("POST", f"{API}/{{meeting_id:int}}/attendance", MANAGERS, 404, form="attendance"),
    Route("POST", f"{API}/{{meeting_id:int}}/items/{{item_id:int}}/outcome", MANAGERS, 404, form="decide"),
)
covered(*((r.method, r.path) for r in API_ROUTES))


def api_body(name: str, world: World, b: MeetingsOf, valid: bool) -> dict[str, Any]:
    data: dict[str, Any] = form(name, world, b, valid)
    if name == "meeting" and valid:
        data["date"] = "2030-01-01"
    if "member_id" in data:
        data["member_id"] = b.member_id
    return data


@pytest.fixture(scope="module")
async def api_clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    made = {role: await api_client(app, world.a.users[role]) for role in ROLES}
    made["anonymous"] = ApiClient(app, None, "en")
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
    api_clients: dict[str, ApiClient], world: World, meetings: dict[str, MeetingsOf], route: Route, role: str
) -> None:
    allowed = role in route.roles
    b = meetings["b"]
    before = await everything(world)

    data = api_body(route.form, world, b, valid=not allowed or route.status != 400)
    response = await api_send(api_clients[role], route, url(route, world.a.slug, b), data)

    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_no_role_in_other_coop_is_forbidden(
    api_clients: dict[str, ApiClient], world: World, meetings: dict[str, MeetingsOf], route: Route, role: str
) -> None:
    b = meetings["b"]
    before = await everything(world)
    response = await api_send(
        api_clients[role], route, url(route, world.b.slug, b), api_body(route.form, world, b, True)
    )
    assert response.status_code == 403, response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_without_a_token_is_refused(
    api_clients: dict[str, ApiClient], world: World, meetings: dict[str, MeetingsOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, world.a.slug, meetings["a"])
    response = await api_send(api_clients["anonymous"], route, target, api_body(route.form, world, meetings["b"], True))
    assert response.status_code == 401
    assert await everything(world) == before


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
async def test_api_unknown_coop_is_not_found(
    api_clients: dict[str, ApiClient], world: World, meetings: dict[str, MeetingsOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, f"ei-ole-{secrets.token_hex(3)}", meetings["a"])
    response = await api_send(api_clients["admin"], route, target, api_body(route.form, world, meetings["b"], True))
    assert response.status_code == 404
    assert await everything(world) == before
