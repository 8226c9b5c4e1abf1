"""Tenant isolation of the member register: every route, every role; coop B's ids in coop A's URLs change nothing.

The route table below lists every (method, path) of osuus/tenants/members/routes.py under /c/ and registers them
with tests/isolation_registry.py, so the guard in tests/platform/test_isolation.py accepts them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from tests.fixtures import ROLES, Browser, SignIn, World
from tests.isolation_kit import Route, fill, send
from tests.isolation_registry import covered
from tests.tenants.members.conftest import link, make_member, snapshot

COOP = "/c/{slug:str}"
VIEWERS = ("admin", "board", "coach")
DECIDERS = ("admin", "board")


ROUTES = (
    Route("GET", f"{COOP}/members", VIEWERS, ids=False),
    Route("GET", f"{COOP}/members/new", DECIDERS, ids=False),
    Route("POST", f"{COOP}/members/new", DECIDERS, 400, form="member", ids=False),
    Route("GET", f"{COOP}/members/{{member_id:int}}", VIEWERS, 404),
    Route("GET", f"{COOP}/members/{{member_id:int}}/decide/{{action:str}}", DECIDERS, 404),
    Route("POST", f"{COOP}/members/{{member_id:int}}/decide/{{action:str}}", DECIDERS, 404, form="admit"),
    Route("GET", f"{COOP}/members/{{member_id:int}}/family/new", VIEWERS, 404),
    Route("POST", f"{COOP}/members/{{member_id:int}}/family/new", VIEWERS, 404, form="family"),
    Route("GET", f"{COOP}/members/{{member_id:int}}/family/{{link_id:int}}/remove", VIEWERS, 404),
    Route("POST", f"{COOP}/members/{{member_id:int}}/family/{{link_id:int}}/remove", VIEWERS, 404),
    Route("GET", f"{COOP}/me", ids=False),
    Route("GET", f"{COOP}/members/{{member_id:int}}/account", ("admin",), 404),
    Route("POST", f"{COOP}/members/{{member_id:int}}/account", ("admin",), 404, form="account"),
    Route("GET", f"{COOP}/members/{{member_id:int}}/contact", ("admin",), 404),
    Route("POST", f"{COOP}/members/{{member_id:int}}/contact", ("admin",), 404, form="contact"),
    Route("GET", f"{COOP}/members/{{member_id:int}}/membership.pdf", ROLES, 404),
    # Coop A's people are not linked to its register: their own contact details are not found.
    Route("GET", f"{COOP}/me/contact", ids=False),
    Route("POST", f"{COOP}/me/contact", status=404, form="my_contact", ids=False, own=404),
    Route("GET", f"{COOP}/me/documents", ids=False),
)
covered(*((r.method, r.path) for r in ROUTES))


@dataclass(frozen=True)
class Ids:
    """Coop B's objects: an applicant (admit would apply), a person with a relative, and their link."""

    applicant: int
    person: int
    relative: int
    link: int


@pytest.fixture(scope="module")
async def b_ids(world: World) -> Ids:
    applicant = await make_member(world.b.id, "B:n Hakija", "applicant", "applied", email="b-hakija@example.fi")
    person = await make_member(world.b.id, "B:n Jäsen")
    relative = await make_member(world.b.id, "B:n Sukulainen")
    return Ids(applicant, person, relative, await link(world.b.id, person, relative))


@pytest.fixture(scope="module")
async def a_ids(world: World) -> Ids:
    applicant = await make_member(world.a.id, "A:n Hakija", "applicant", "applied", email="a-hakija@example.fi")
    person = await make_member(world.a.id, "A:n Jäsen")
    relative = await make_member(world.a.id, "A:n Sukulainen")
    return Ids(applicant, person, relative, await link(world.a.id, person, relative))


def url(route: Route, slug: str, ids: Ids) -> str:
    member = ids.applicant if "decide" in route.path else ids.person
    values = {"slug": slug, "member_id": member, "action": "admit", "link_id": ids.link}
    return fill(route.path, values)


def form(name: str, relative: int, valid: bool = True) -> dict[str, str]:
    """A valid form (a bypassed check would write) or a harmlessly invalid one; both try to steer to coop B."""
    token = secrets.token_hex(3)
    valid_forms = {
        "": {},
        "member": {"kind": "person", "name": f"Murto {token}", "member_class": "member", "on_date": "1.2.2026"},
        "admit": {"on_date": "1.2.2026", "decided_by": f"Murto {token}", "member_class": "member", "confirmed": "yes"},
        "family": {"relative": str(relative), "relation": "sibling"},
        "account": {"email": "b-hakija@example.fi", "account": ""},
        "contact": {"name": f"Murto {token}", "email": f"murto-{token}@example.fi", "phone": "040 000 0000"},
        "my_contact": {"email": f"murto-{token}@example.fi", "phone": "040 000 0000"},
    }
    invalid_forms = {
        "member": {"kind": "person", "name": "", "member_class": "member", "on_date": "ei päivä"},
        "admit": {"on_date": "ei päivä", "decided_by": "", "member_class": "x"},
        "family": {"relative": "", "relation": ""},
        "account": {"account": "x"},
        "contact": {"name": "", "email": "ei-osoite"},
        "my_contact": {"email": "ei-osoite", "phone": "x"},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id="0", coop="b")
    return data


async def both(world: World) -> list[dict[str, Any]]:
    return [await snapshot(world.a.id), await snapshot(world.b.id)]


# --- every route, every role -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, world: World, b_ids: Ids, a_ids: Ids, route: Route, role: str
) -> None:
    """A's person, in A's URL, with B's ids (and B's relative in the form): 404, or 403 where the role check
    comes first; pages without ids give their own status. Nothing of A's or B's changes."""
    client = await signed_in(world.a.emails[role])
    allowed = role in route.roles
    expected = route.status if allowed else 403
    # With B's ids a valid form is the real attack; on a page without ids only a harmless form may be sent.
    valid = not (allowed and not route.ids)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, b_ids), form(route.form, b_ids.relative, valid))
    assert response.status_code == expected, response.text[:500]
    for name in ("B:n Hakija", "B:n Jäsen", "B:n Sukulainen", world.b.slug):
        assert name.encode() not in response.content
    assert await both(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, world: World, b_ids: Ids, route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    before = await both(world)
    response = await send(client, route, url(route, world.b.slug, b_ids), form(route.form, b_ids.relative))
    assert response.status_code == 403, response.text[:500]
    assert "B:n Jäsen" not in response.text and "B:n Hakija" not in response.text
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(browser: Browser, world: World, a_ids: Ids, route: Route) -> None:
    before = await both(world)
    target = url(route, world.a.slug, a_ids)
    response = await send(browser, route, target, form(route.form, a_ids.relative))
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(target)}"
    assert await both(world) == before


@pytest.mark.parametrize("who", ["admin", "anonymous"])
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, browser: Browser, world: World, a_ids: Ids, route: Route, who: str
) -> None:
    client = browser if who == "anonymous" else await signed_in(world.a.emails[who])
    before = await both(world)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    response = await send(client, route, url(route, slug, a_ids), form(route.form, a_ids.relative))
    assert response.status_code == 404
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_organisation_person_has_no_coop_access(
    signed_in: SignIn, world: World, a_ids: Ids, route: Route
) -> None:
    client = await signed_in(world.org_admin)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, a_ids), form(route.form, a_ids.relative))
    assert response.status_code == 403
    assert await both(world) == before


# --- mixed ids: A's own member with B's objects ------------------------------------------------------------------


async def test_family_link_to_other_coops_member_is_refused(
    signed_in: SignIn, world: World, a_ids: Ids, b_ids: Ids
) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    response = await admin.post(
        f"/c/{world.a.slug}/members/{a_ids.person}/family/new", {"relative": str(b_ids.relative), "relation": "child"}
    )
    assert response.status_code == 400
    assert 'id="relative-error"' in response.text and "B:n Sukulainen" not in response.text
    assert await both(world) == before


async def test_other_coops_link_through_own_member_is_not_found(
    signed_in: SignIn, world: World, a_ids: Ids, b_ids: Ids
) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    target = f"/c/{world.a.slug}/members/{a_ids.person}/family/{b_ids.link}/remove"
    assert (await admin.get(target)).status_code == 404
    assert (await admin.post(target)).status_code == 404
    assert await both(world) == before


async def test_own_routes_work_with_own_ids(signed_in: SignIn, world: World, a_ids: Ids) -> None:
    """The control for the tests above: the same pages with A's own ids answer 200."""
    admin = await signed_in(world.a.emails["admin"])
    for route in ROUTES:
        if route.method == "GET":
            response = await admin.get(url(route, world.a.slug, a_ids))
            assert response.status_code == route.own, str(route)
