"""Isolation of the monitor pages: coop A's people never see coop B's check, only operators see the ops list."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

import pytest

from osuus.tenants.monitor.service import recompute_coop
from tests.fixtures import Browser, SignIn, World
from tests.isolation_registry import covered
from tests.tenants.monitor.conftest import Place, add_members, add_seat, audits, mails, make_place, stored

COOP_MONITOR = ("GET", "/c/{slug:str}/monitor")
OPS_MONITOR = ("GET", "/ops/monitor")
covered(COOP_MONITOR, OPS_MONITOR)

PEOPLE = ("admin", "board", "coach", "member", "admin+coach")
MAY_SEE = ("admin", "board", "coach", "admin+coach")
SECRET_B = "Salainen Bertta"


@pytest.fixture(scope="module")
async def two(db: None) -> tuple[Place, Place]:
    """Coops A and B, both with a stored status; B's flagged member has a name that must never leak."""
    a, b = await make_place(), await make_place()
    await add_members(a, *[f"Aino {i}" for i in range(7)])
    bertta, *_ = await add_members(b, SECRET_B, *[f"Bea {i}" for i in range(5)])
    await add_seat(b, bertta, "chair")
    for place in (a, b):
        await recompute_coop(place.id)
    return a, b


async def b_state(b: Place) -> tuple[Any, ...]:
    # E-mails by id and addressee only: the worker replaces a sent mail's body at any moment.
    return (await stored(b), [(m["id"], m["to"]) for m in await mails(b)], await audits(b))


def assert_sent_to_sign_in(response: Any, target: str) -> None:
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(target)}"


def test_litestar_lists_the_monitor_routes_as_registered(app: Any) -> None:
    served = {(str(getattr(m, "value", m)), r.path) for r in app.app.app.routes for m in r.methods if m not in {"HEAD"}}
    assert {COOP_MONITOR, OPS_MONITOR} <= served


@pytest.mark.parametrize("role", PEOPLE)
async def test_every_role_of_coop_a_is_forbidden_in_coop_b(
    signed_in: SignIn, two: tuple[Place, Place], role: str
) -> None:
    a, b = two
    before = await b_state(b)
    response = await (await signed_in(a.emails[role])).get(f"/c/{b.slug}/monitor")
    assert response.status_code == 403
    assert SECRET_B not in response.text and b.emails["admin"] not in response.text
    assert await b_state(b) == before


@pytest.mark.parametrize("role", PEOPLE)
async def test_in_own_coop_only_the_coops_own_figures_show(
    signed_in: SignIn, two: tuple[Place, Place], role: str
) -> None:
    a, b = two
    before = await b_state(b)
    response = await (await signed_in(a.emails[role])).get(f"/c/{a.slug}/monitor")
    assert response.status_code == (200 if role in MAY_SEE else 403)
    assert SECRET_B not in response.text and b.slug not in response.text
    assert await b_state(b) == before


async def test_anonymous_is_sent_to_sign_in(browser: Browser, two: tuple[Place, Place]) -> None:
    a, b = two
    before = await b_state(b)
    for target in (f"/c/{a.slug}/monitor", f"/c/{b.slug}/monitor", "/ops/monitor"):
        assert_sent_to_sign_in(await browser.get(target), target)
    assert await b_state(b) == before


@pytest.mark.parametrize("who", ["admin", "anonymous"])
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, browser: Browser, two: tuple[Place, Place], who: str
) -> None:
    client = browser if who == "anonymous" else await signed_in(two[0].emails[who])
    response = await client.get(f"/c/ei-ole-{secrets.token_hex(3)}/monitor")
    assert response.status_code == 404


async def test_organisation_person_has_no_coop_check(signed_in: SignIn, world: World, two: tuple[Place, Place]) -> None:
    response = await (await signed_in(world.org_admin)).get(f"/c/{two[1].slug}/monitor")
    assert response.status_code == 403
    assert SECRET_B not in response.text


@pytest.mark.parametrize("role", [*PEOPLE, "org admin"])
async def test_ops_list_forbids_everyone_but_operators(
    signed_in: SignIn, world: World, two: tuple[Place, Place], role: str
) -> None:
    email = world.org_admin if role == "org admin" else two[0].emails[role]
    response = await (await signed_in(email)).get("/ops/monitor")
    assert response.status_code == 403
    assert two[1].slug not in response.text


async def test_operator_reaches_the_ops_list(signed_in: SignIn, world: World, two: tuple[Place, Place]) -> None:
    """The control for the tests above: the operator sees B (flagged) and A (at risk), names of members never."""
    response = await (await signed_in(world.operator)).get("/ops/monitor")
    assert response.status_code == 200
    assert f'href="/ops/coops/{two[1].id}"' in response.text
    assert f'href="/ops/coops/{two[0].id}"' in response.text
    assert SECRET_B not in response.text
