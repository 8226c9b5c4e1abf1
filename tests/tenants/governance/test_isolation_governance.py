"""Board routes, every route and every role: coop B's ids in coop A's URLs give 403/404 and change nothing.

The routes are registered with tests/isolation_registry.py at import, so the guard in tests/platform/test_isolation.py
knows they are covered here.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.governance.tables import BoardSeat, BoardTarget
from tests.fixtures import ROLES, Browser, SignIn, World
from tests.isolation_kit import Route, fill, send
from tests.isolation_registry import covered
from tests.tenants.governance.conftest import board_rows, make_member, make_seat

COOP = "/c/{slug:str}"
MANAGERS = ("admin", "board")


ROUTES = (
    Route("GET", f"{COOP}/board"),
    Route("GET", f"{COOP}/board/seats/new", MANAGERS),
    Route("POST", f"{COOP}/board/seats/new", MANAGERS, 400, form="seat"),  # B's member id is not on A's list
    Route("GET", f"{COOP}/board/seats/{{seat_id:int}}/end", MANAGERS, 404),
    Route("POST", f"{COOP}/board/seats/{{seat_id:int}}/end", MANAGERS, 404, form="end"),
    Route("GET", f"{COOP}/board/target", MANAGERS),
    Route("POST", f"{COOP}/board/target", MANAGERS, 400, form="target"),
)
covered(*((r.method, r.path) for r in ROUTES))


@dataclass(frozen=True)
class BoardOf:
    """What coop B (or A) has on its board: a member of the register, a seat held by them, a plan."""

    member_id: int
    member_name: str
    seat_id: int
    holder: str


def url(route: Route, slug: str, seat_id: int) -> str:
    return fill(route.path, {"slug": slug, "seat_id": seat_id})


def form(name: str, world: World, b: BoardOf, valid: bool = True) -> dict[str, str]:
    """A valid form (a bypassed check would write) or one a correct check refuses; every form names coop B."""
    valid_forms = {
        "": {},
        "seat": {"member_id": "", "holder_name": f"Murto {secrets.token_hex(3)}", "role": "member", "kind": "relative"}
        | {"term_start": "1.1.2026"},
        "end": {"term_end": "1.1.2026"},
        "target": {
            f"seats_{k}": "1" for k in ("partial_work_ability", "job_coach", "unit_director", "relative", "other")
        },
    }
    invalid_forms = {
        # B's register member, chosen in A's form: A's list does not have them, so the form is refused.
        "seat": {
            "member_id": str(b.member_id),
            "role": "chair",
            "kind": "partial_work_ability",
            "term_start": "1.1.2026",
        },
        "end": {"term_end": "1.1.2026"},
        "target": {"seats_partial_work_ability": "99"},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id=str(world.b.id), coop=world.b.slug)
    return data


async def everything(world: World) -> list[dict[str, Any]]:
    return [await board_rows(world.a.id), await board_rows(world.b.id)]


async def _board_of(coop_id: int, slug: str) -> BoardOf:
    name = f"Jäsen {slug}"
    member = await make_member(coop_id, name)
    holder = f"Hallitus {slug}"
    seat = await make_seat(coop_id, holder, role="chair", member_id=member, start=dt.date(2025, 1, 1))
    return BoardOf(member, name, seat, holder)


@pytest.fixture(scope="module")
async def boards(world: World) -> dict[str, BoardOf]:
    """Both coops have a register member and a seat; B also has a plan of its own."""
    b = await _board_of(world.b.id, world.b.slug)
    async with coop_unit(world.b.id):
        await BoardTarget.delete().where(BoardTarget.coop == world.b.id).run()
        await BoardTarget.insert(BoardTarget(coop=world.b.id, kind="relative", seats=4)).run()
    return {"a": await _board_of(world.a.id, world.a.slug), "b": b}


def assert_nothing_of_b(response: httpx.Response, world: World, b: BoardOf) -> None:
    assert world.b.slug not in response.text
    assert b.holder not in response.text and b.member_name not in response.text


# --- A's person, in A's URL, with B's ids ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, world: World, boards: dict[str, BoardOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    allowed = role in route.roles
    b = boards["b"]
    before = await everything(world)

    response = await send(client, route, url(route, world.a.slug, b.seat_id), form(route.form, world, b, not allowed))

    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_nothing_of_b(response, world, b)
    assert await everything(world) == before


async def test_own_coops_board_shows_own_seat_only(signed_in: SignIn, world: World, boards: dict[str, BoardOf]) -> None:
    """The control for the test above: the same person sees A's seat and can open A's end page."""
    client = await signed_in(world.a.emails["admin"])
    page = await client.get(f"/c/{world.a.slug}/board")
    assert page.status_code == 200 and boards["a"].member_name in page.text  # the register's name of the holder
    assert (await client.get(f"/c/{world.a.slug}/board/seats/{boards['a'].seat_id}/end")).status_code == 200
    new = await client.get(f"/c/{world.a.slug}/board/seats/new")
    assert boards["a"].member_name in new.text and boards["b"].member_name not in new.text


# --- A's person on B's own URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, world: World, boards: dict[str, BoardOf], route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    b = boards["b"]
    before = await everything(world)

    response = await send(client, route, url(route, world.b.slug, b.seat_id), form(route.form, world, b))

    assert response.status_code == 403, response.text[:500]
    assert b.holder not in response.text and b.member_name not in response.text
    assert await everything(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(
    browser: Browser, world: World, boards: dict[str, BoardOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, world.a.slug, boards["a"].seat_id)

    response = await send(browser, route, target, form(route.form, world, boards["b"]))

    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(target)}"
    assert await everything(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, world: World, boards: dict[str, BoardOf], route: Route
) -> None:
    before = await everything(world)
    target = url(route, f"ei-ole-{secrets.token_hex(3)}", boards["a"].seat_id)
    response = await send(await signed_in(world.a.emails["admin"]), route, target, form(route.form, world, boards["b"]))
    assert response.status_code == 404
    assert await everything(world) == before


# --- valid writes in one's own coop with fields naming coop B land in A ------------------------------------------


async def test_forged_coop_field_cannot_move_a_new_seat(
    signed_in: SignIn, world: World, boards: dict[str, BoardOf]
) -> None:
    client = await signed_in(world.a.emails["board"])
    before_b = await board_rows(world.b.id)
    data = form("seat", world, boards["b"])

    response = await client.post(f"/c/{world.a.slug}/board/seats/new", data)

    assert response.status_code == 303
    async with coop_unit(world.a.id):
        rows = (
            await BoardSeat.select(BoardSeat.id, BoardSeat.coop)
            .where(BoardSeat.holder_name == data["holder_name"])
            .run()
        )
        assert [r["coop_id"] for r in rows] == [world.a.id]
        await BoardSeat.delete().where(BoardSeat.id == rows[0]["id"]).run()  # the session's coop A stays as it was
    assert await board_rows(world.b.id) == before_b


async def test_forged_coop_field_cannot_move_the_plan(
    signed_in: SignIn, world: World, boards: dict[str, BoardOf]
) -> None:
    client = await signed_in(world.a.emails["admin"])
    before_b = await board_rows(world.b.id)

    response = await client.post(f"/c/{world.a.slug}/board/target", form("target", world, boards["b"]))

    assert response.status_code == 303
    async with coop_unit(world.a.id):
        rows = await BoardTarget.select(BoardTarget.coop, BoardTarget.seats).where(BoardTarget.coop == world.a.id).run()
        assert len(rows) == 5 and {r["seats"] for r in rows} == {1}
        await BoardTarget.delete().where(BoardTarget.coop == world.a.id).run()
    assert await board_rows(world.b.id) == before_b
