"""The monitor pages: /c/{slug}/monitor for admins, the board and job coaches; /ops/monitor for operators."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest

from osuus.platform.tables import RegionCoordinator
from osuus.platform.tenancy import public_unit
from osuus.tenants.monitor.service import recompute_coop
from tests.fixtures import Browser, SignIn, World, make_user
from tests.tenants.monitor.conftest import Place, add_members, add_seat, link, mails, make_place, stored

NBSP = "\u00a0"
NewBrowser = Callable[[], Browser]


async def english(new_browser: NewBrowser, email: str) -> Browser:
    """A browser signed in as `email` that reads the pages in English (the English text is the message id)."""
    b = new_browser()
    await b.signin(email)
    assert (await b.post("/lang", {"lang": "en", "next": "/"})).status_code == 303
    return b


def text(response: Any) -> str:
    """The page's text with tags removed and whitespace collapsed (no-break spaces kept)."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", response.text))
    return re.sub(r"[ \t\r\n]+", " ", plain)


@pytest.fixture(scope="module")
async def couple(db: None) -> tuple[Place, list[int]]:
    """Seven members; Maija (the chair) and Matti are married: 2 of 7 votes, 28,6 %."""
    place = await make_place()
    ids = await add_members(place, "Maija Virtanen", "Matti Virtanen", *[f"Jäsen {i}" for i in range(3, 8)])
    await link(place, ids[0], ids[1])
    await add_seat(place, ids[0], "chair")
    await recompute_coop(place.id)
    return place, ids


@pytest.fixture(scope="module")
async def flagged(db: None) -> tuple[Place, list[int]]:
    """Six members, Kalle is on the board: 1 of 6 votes, 16,7 %."""
    place = await make_place()
    ids = await add_members(place, "Kalle Korhonen", *[f"Jäsen {i}" for i in range(2, 7)])
    await add_seat(place, ids[0], "member")
    await recompute_coop(place.id)
    return place, ids


@pytest.mark.parametrize("role", ["admin", "board", "coach"])
async def test_people_who_run_the_coop_see_the_shares_in_finnish_form(
    signed_in: SignIn, couple: tuple[Place, list[int]], role: str
) -> None:
    place, ids = couple
    response = await (await signed_in(place.emails[role])).get(f"/c/{place.slug}/monitor")

    assert response.status_code == 200
    page = text(response)
    assert 'data-level="at_risk"' in response.text
    assert f"28,6{NBSP}%" in page  # Maija with family, 2 of 7
    assert f"14,3{NBSP}%" in page  # Maija alone, 1 of 7
    assert f"33,3{NBSP}%" in page  # with family if one member leaves: 2 of 6
    assert "Maija Virtanen" in page and "Matti Virtanen" in page
    assert f'id="member-{ids[0]}"' in response.text
    assert f'id="member-{ids[1]}"' not in response.text  # Matti is not on the board: he is not close to a limit
    assert f'href="/c/{place.slug}/monitor" aria-current="page"' in response.text


async def test_a_member_may_not_see_the_check(signed_in: SignIn, couple: tuple[Place, list[int]]) -> None:
    place, _ = couple
    member = await signed_in(place.emails["member"])
    response = await member.get(f"/c/{place.slug}/monitor")
    assert response.status_code == 403
    assert "Maija Virtanen" not in response.text
    assert f"/c/{place.slug}/monitor" not in (await member.get(f"/c/{place.slug}/")).text


async def test_the_nav_links_to_the_check_for_admins(signed_in: SignIn, couple: tuple[Place, list[int]]) -> None:
    place, _ = couple
    home = await (await signed_in(place.emails["admin"])).get(f"/c/{place.slug}/")
    assert f'href="/c/{place.slug}/monitor"' in home.text


async def test_the_page_explains_the_situation_in_plain_words(
    new_browser: NewBrowser, couple: tuple[Place, list[int]]
) -> None:
    place, _ = couple
    page = text(await (await english(new_browser, place.emails["admin+coach"])).get(f"/c/{place.slug}/monitor"))

    assert "Just enough members with a vote" in page
    assert "The cooperative has 7 members with a vote." in page
    assert f"If one member leaves, each member has 16,7{NBSP}% of the votes." in page
    assert "Then the board members count as entrepreneurs." in page
    assert f"If one member leaves, Maija Virtanen has 33,3{NBSP}% of the votes together with family." in page
    assert f"With 1 more member with a vote, the share stays below 30{NBSP}% even if one member leaves." in page
    assert "Chair of the board" in page


async def test_a_flagged_member_gets_the_reason_and_the_fix(
    new_browser: NewBrowser, flagged: tuple[Place, list[int]]
) -> None:
    place, ids = flagged
    response = await (await english(new_browser, place.emails["board"])).get(f"/c/{place.slug}/monitor")
    page = text(response)

    assert response.status_code == 200
    assert 'data-level="flagged"' in response.text and 'data-code="leading_alone"' in response.text
    assert "1 person may count as an entrepreneur." in page
    assert f"Kalle Korhonen is on the board and has 16,7{NBSP}% of the votes." in page
    assert f"A board member with 15{NBSP}% of the votes or more counts as an entrepreneur." in page
    assert f"With 1 more member with a vote, the share falls below 15{NBSP}%." in page
    assert "Another way: Kalle Korhonen leaves the board." in page
    assert f'id="member-{ids[0]}"' in response.text


async def test_a_coop_never_checked_is_evaluated_for_the_page_without_storing_or_mailing(
    signed_in: SignIn,
) -> None:
    place = await make_place()
    await add_members(place, "Yksi", "Kaksi", "Kolme")
    response = await (await signed_in(place.emails["admin"])).get(f"/c/{place.slug}/monitor")
    assert response.status_code == 200
    assert 'data-level="warning"' in response.text
    assert await stored(place) is None
    assert await mails(place) == []


# --- the operators' list -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def ops_coops(db: None) -> dict[str, Place]:
    """Four coops in one region: at risk (7 members), ok (8), flagged (6, one on the board), warning (3)."""
    at_risk = await make_place()
    region = at_risk.region
    ok, flagged, warning = await make_place(region), await make_place(region), await make_place(region)
    await add_members(at_risk, *[f"A {i}" for i in range(7)])
    await add_members(ok, *[f"B {i}" for i in range(8)])
    kalle, *_ = await add_members(flagged, *[f"C {i}" for i in range(6)])
    await add_seat(flagged, kalle, "chair")
    await add_members(warning, *[f"D {i}" for i in range(3)])
    for place in (at_risk, ok, flagged, warning):
        await recompute_coop(place.id)
    return {"at_risk": at_risk, "ok": ok, "flagged": flagged, "warning": warning}


def row_of(response: Any, place: Place) -> str:
    match = re.search(rf'<tr data-coop="{place.id}".*?</tr>', response.text, re.S)
    return match.group(0) if match else ""


async def test_operator_sees_every_coop_that_is_not_ok_most_serious_first(
    signed_in: SignIn, world: World, ops_coops: dict[str, Place]
) -> None:
    response = await (await signed_in(world.operator)).get("/ops/monitor")

    assert response.status_code == 200
    at_risk = row_of(response, ops_coops["at_risk"])
    assert 'data-level="at_risk"' in at_risk
    assert f'href="/ops/coops/{ops_coops["at_risk"].id}"' in at_risk
    assert ">7<" in at_risk.replace(" ", "")  # members with a vote
    assert row_of(response, ops_coops["ok"]) == ""
    assert f'/ops/coops/{ops_coops["ok"].id}"' not in response.text
    positions = [response.text.index(f'data-coop="{ops_coops[k].id}"') for k in ("flagged", "at_risk", "warning")]
    assert positions == sorted(positions)
    assert 'href="/ops/monitor" aria-current="page"' in response.text


async def test_region_coordinator_sees_only_their_regions_coops(
    new_browser: NewBrowser, ops_coops: dict[str, Place]
) -> None:
    other = await make_place()  # another region, flagged at once: two members hold half each
    await add_members(other, "E 1", "E 2")
    await recompute_coop(other.id)
    email = f"coordinator.{ops_coops['at_risk'].slug}@example.fi"
    user = await make_user(email)
    async with public_unit(user_id=user):
        await RegionCoordinator.insert(RegionCoordinator(user=user, region=ops_coops["at_risk"].region)).run()
    b = new_browser()
    await b.signin(email)
    response = await b.get("/ops/monitor")
    assert response.status_code == 200
    assert row_of(response, ops_coops["at_risk"]) != ""
    assert row_of(response, other) == ""


@pytest.mark.parametrize("role", ["admin", "board", "coach", "member"])
async def test_coop_people_may_not_see_the_operators_list(
    signed_in: SignIn, ops_coops: dict[str, Place], role: str
) -> None:
    place = ops_coops["flagged"]
    response = await (await signed_in(place.emails[role])).get("/ops/monitor")
    assert response.status_code == 403
    assert ops_coops["at_risk"].slug not in response.text
