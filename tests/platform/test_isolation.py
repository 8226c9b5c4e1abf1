"""Tenant isolation: every route, every role; the other tenant's ids give 403/404 and change nothing."""

from __future__ import annotations

import importlib
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import pytest

from osuus.platform.context import find_org
from osuus.platform.tables import Coop, CoopRole, Invitation, Organisation, Region
from osuus.platform.tenancy import coop_unit, org_unit, public_unit
from osuus.tenants.noticeboard.tables import Activity, Notice
from osuus.tenants.profile.tables import CoopProfile
from tests.fixtures import ROLES, Browser, World
from tests.isolation_registry import COVERED

# --- the route tables (the guard test below fails when the app serves a route that is not listed) ------------


@dataclass(frozen=True)
class Route:
    """One method on one path, exactly as Litestar lists it, and what a person of the right place gets there."""

    method: str
    path: str
    roles: tuple[str, ...] = ROLES  # who passes the role check and reaches the lookup or the form check
    status: int = 200  # what they get: 200 page, 400 for a harmless invalid form, 404 for the other tenant's id
    form: str = ""  # the form a POST sends

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


ADMIN = ("admin",)
WRITERS = ("admin", "board", "coach")
COOP, API, ORG = "/c/{slug:str}", "/api/v1/coops/{slug:str}", "/o/{slug:str}"

COOP_ROUTES = (
    Route("GET", COOP),
    Route("GET", f"{COOP}/people", ADMIN),
    Route("GET", f"{COOP}/people/invite", ADMIN),
    Route("POST", f"{COOP}/people/invite", ADMIN, 400, form="invite"),
    Route("GET", f"{COOP}/people/{{role_id:int}}/remove", ADMIN, 404),
    Route("POST", f"{COOP}/people/{{role_id:int}}/remove", ADMIN, 404),
    Route("GET", f"{COOP}/notices/new", WRITERS),
    Route("POST", f"{COOP}/notices/new", WRITERS, 400, form="notice"),
    Route("GET", f"{COOP}/notices/{{notice_id:int}}", status=404),
    Route("GET", f"{COOP}/notices/{{notice_id:int}}/delete", status=404),
    Route("POST", f"{COOP}/notices/{{notice_id:int}}/delete", status=404),
    Route("GET", f"{COOP}/profile", ADMIN),
    Route("POST", f"{COOP}/profile", ADMIN, 400, form="profile"),
    Route("GET", f"{API}/notices"),
    Route("GET", f"{API}/notices/{{notice_id:int}}", status=404),
)

ORG_ROUTES = (
    Route("GET", ORG),
    Route("GET", f"{ORG}/notices/{{notice_id:int}}", status=404),
    Route("GET", f"{ORG}/people/invite", ADMIN),
    Route("POST", f"{ORG}/people/invite", ADMIN, 400, form="invite"),
)

OPS_ROUTES = (  # only operators pass; everyone else gets 403 whatever the route
    Route("GET", "/ops"),
    Route("GET", "/ops/regions/new"),
    Route("POST", "/ops/regions/new", form="region"),
    Route("GET", "/ops/coops/new"),
    Route("POST", "/ops/coops/new", form="coop"),
    Route("GET", "/ops/coops/{coop_id:int}"),
    Route("POST", "/ops/coops/{coop_id:int}/status", form="status"),
    Route("POST", "/ops/coops/{coop_id:int}/invite", form="invite"),
    Route("GET", "/ops/organisations/new"),
    Route("POST", "/ops/organisations/new", form="org"),
    Route("GET", "/ops/audit"),
    Route("GET", "/ops/jobs"),
    Route("POST", "/ops/jobs/{message_id:str}/retry"),
)

GUARDED = re.compile(r"^/(c|o|api|ops)(/|$)")
TENANT_TABLES = ("notice", "activity", "coop_profile", "coop_role")
_PARAM = re.compile(r"\{(\w+):\w+\}")


def url(route: Route, **values: object) -> str:
    """The route's path with its parameters filled in; a context's root page gets its trailing slash."""
    path = _PARAM.sub(lambda m: str(values[m.group(1)]), route.path)
    return path + "/" if route.path in (COOP, ORG, "/ops") else path


def coop_values(world: World, slug: str, owner: str = "b") -> dict[str, object]:
    """Path values naming coop `owner`'s objects (B's by default: the ids an attacker in A would try)."""
    place = world.b if owner == "b" else world.a
    return {
        "slug": slug,
        "notice_id": place.notice,
        "role_id": place.role_ids["member"],
        "coop_id": place.id,
        "message_id": "no-such-message",
    }


def form(name: str, world: World, valid: bool = True) -> dict[str, str]:
    """A form for a POST: valid (a bypassed check would write) or harmlessly invalid (nothing may be written).

    Every form also carries coop B's id and slug as extra fields, trying to steer the write to coop B.
    """
    token = secrets.token_hex(3)
    valid_forms: dict[str, dict[str, str]] = {
        "": {},
        "invite": {"email": f"iso-{token}@example.fi", "name": "Iso Laatio", "role": "admin"},
        "notice": {"title": f"Murto {token}", "body": "Tämän ei pitäisi näkyä."},
        "profile": {"description": f"Murto {token}", "email": "", "phone": "040 123 4567", "address": ""},
        "region": {"slug": f"iso-{token}", "name": "Murtoalue"},
        "coop": {"slug": f"iso-{token}", "name": "Murto-osuuskunta", "region_id": str(world.region)},
        "org": {"slug": f"iso-{token}", "name": "Murtojärjestö", "kind": "parish", "regions": str(world.region)},
        "status": {"status": "closed"},
    }
    invalid_forms = {
        "invite": {"email": "ei-osoite", "name": "", "role": "admin"},
        "notice": {"title": "", "body": ""},
        "profile": {"description": "Ei talleteta", "phone": "ei numero"},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id=str(world.b.id), coop=world.b.slug)
    return data


def assert_sent_to_sign_in(response: httpx.Response, target: str) -> None:
    """303 to the sign-in page, which comes back to the page afterwards (a root page may lose its last slash)."""
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/signin?next=")
    assert location.removeprefix("/signin?next=").rstrip("/") == quote(target).rstrip("/")


async def send(client: Browser, route: Route, target: str, data: dict[str, str]) -> httpx.Response:
    if route.method == "GET":
        return await client.get(target)
    return await client.post(target, data)


# --- reading the rows back ---------------------------------------------------------------------------------


async def raw(sql: str, *args: object) -> list[dict[str, Any]]:
    """A raw query in the open unit (any Piccolo table runs raw SQL; Notice is just the handle)."""
    return await Notice.raw(sql, *args).run()  # type: ignore[no-any-return]


async def coop_rows(coop_id: int) -> dict[str, Any]:
    """Everything of one coop a request could change, read back from the database."""
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in (*TENANT_TABLES, "invitation", "audit_log"):
            rows[table] = await raw("SELECT * FROM " + table + " WHERE coop_id = {} ORDER BY id", coop_id)
        rows["outbox"] = await raw("SELECT id FROM outbox WHERE coop_id = {} ORDER BY id", coop_id)
    async with public_unit():
        rows["coop"] = await raw("SELECT * FROM coop WHERE id = {}", coop_id)
    return rows


async def org_rows(org_id: int) -> dict[str, Any]:
    async with org_unit(org_id):
        return {
            "invitation": await raw("SELECT * FROM invitation WHERE organisation_id = {} ORDER BY id", org_id),
            "notice": await raw("SELECT * FROM notice WHERE organisation_id = {} ORDER BY id", org_id),
        }


async def everything(world: World, other_org: int) -> list[dict[str, Any]]:
    return [
        await coop_rows(world.a.id),
        await coop_rows(world.b.id),
        await org_rows(world.org_id),
        await org_rows(other_org),
    ]


async def slug_exists(slug: str) -> bool:
    async with public_unit():
        return bool(
            await Region.exists().where(Region.slug == slug).run()
            or await Coop.exists().where(Coop.slug == slug).run()
            or await Organisation.exists().where(Organisation.slug == slug).run()
        )


# --- fixtures ------------------------------------------------------------------------------------------------

SignIn = Callable[[str], Awaitable[Browser]]


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """One signed-in browser per person for the whole module (signing in for every case would be slow)."""
    browsers: dict[str, Browser] = {}

    async def get(email: str) -> Browser:
        if email not in browsers:
            browsers[email] = Browser(app)
            await browsers[email].signin(email)
        return browsers[email]

    yield get
    for b in browsers.values():
        await b.close()


@pytest.fixture(scope="module")
async def other_org(world: World) -> int:
    org = await find_org(world.other_org_slug)
    assert org is not None
    return int(org["id"])  # type: ignore[call-overload]


@pytest.fixture(scope="module")
async def b_profile(world: World) -> None:
    """Coop B has a profile row, so that the profile table has something of B's to leak."""
    async with coop_unit(world.b.id):
        if not await CoopProfile.exists().where(CoopProfile.coop == world.b.id).run():
            await CoopProfile.insert(
                CoopProfile(coop=world.b.id, description=f"Profiili {world.b.slug}", phone="040 765 4321")
            ).run()


# --- 1. coop routes: every route, every role ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", COOP_ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, world: World, other_org: int, b_profile: None, route: Route, role: str
) -> None:
    """A's person, in A's URL, with B's ids: 404 (403 where the role check comes first), B's rows untouched."""
    client = await signed_in(world.a.emails[role])
    allowed = role in route.roles
    expected = route.status if allowed else 403
    before = await everything(world, other_org)
    b_notices = {row["id"] for row in before[1]["notice"]}

    response = await send(
        client, route, url(route, **coop_values(world, world.a.slug)), form(route.form, world, valid=not allowed)
    )

    assert response.status_code == expected, response.text[:500]
    assert world.b.slug not in response.text
    if route.api and response.status_code == 200:
        payload = response.json()
        assert not {n["id"] for n in (payload if isinstance(payload, list) else [payload])} & b_notices
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", COOP_ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, world: World, other_org: int, route: Route, role: str
) -> None:
    """A's person on B's own URLs (with B's ids and valid forms): 403, nothing of B's shown or changed."""
    client = await signed_in(world.a.emails[role])
    before = await everything(world, other_org)

    response = await send(client, route, url(route, **coop_values(world, world.b.slug)), form(route.form, world))

    assert response.status_code == 403, response.text[:500]
    assert f"Tiedote {world.b.slug}" not in response.text
    assert world.b.emails["admin"] not in response.text
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("route", COOP_ROUTES, ids=str)
async def test_organisation_person_has_no_coop_access(
    signed_in: SignIn, world: World, other_org: int, route: Route
) -> None:
    client = await signed_in(world.org_admin)
    before = await everything(world, other_org)
    response = await send(client, route, url(route, **coop_values(world, world.a.slug, "a")), form(route.form, world))
    assert response.status_code == 403
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("route", COOP_ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(browser: Browser, world: World, other_org: int, route: Route) -> None:
    """Pages redirect to sign-in (coming back afterwards); the JSON API answers 401."""
    before = await everything(world, other_org)
    target = url(route, **coop_values(world, world.a.slug, "a"))
    response = await send(browser, route, target, form(route.form, world))
    if route.api:
        assert response.status_code == 401
        assert response.json()["status"] == 401
    else:
        assert_sent_to_sign_in(response, target)
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("who", ["admin", "anonymous"])
@pytest.mark.parametrize("route", COOP_ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    signed_in: SignIn, browser: Browser, world: World, other_org: int, route: Route, who: str
) -> None:
    client = browser if who == "anonymous" else await signed_in(world.a.emails[who])
    before = await everything(world, other_org)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    response = await send(client, route, url(route, **coop_values(world, slug, "a")), form(route.form, world))
    assert response.status_code == 404
    assert await everything(world, other_org) == before


# Valid writes in one's own coop, with forged fields naming coop B: the write lands in A, never in B.


async def test_forged_coop_field_cannot_move_a_new_notice(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before_b = await coop_rows(world.b.id)
    data = form("notice", world)
    response = await admin.post(f"/c/{world.a.slug}/notices/new", data)
    assert response.status_code == 303
    notice_id = int(response.headers["location"].rsplit("/", 1)[1])
    async with coop_unit(world.a.id):
        row = await Notice.select(Notice.coop, Notice.title).where(Notice.id == notice_id).first().run()
    assert row == {"coop_id": world.a.id, "title": data["title"]}
    assert await coop_rows(world.b.id) == before_b
    deleted = await admin.post(f"/c/{world.a.slug}/notices/{notice_id}/delete")
    assert deleted.status_code == 303


async def test_forged_coop_field_cannot_move_a_profile(signed_in: SignIn, world: World, b_profile: None) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before_a, before_b = await coop_rows(world.a.id), await coop_rows(world.b.id)
    data = form("profile", world)
    response = await admin.post(f"/c/{world.a.slug}/profile", data)
    try:
        assert response.status_code == 303
        async with coop_unit(world.a.id):
            rows = await raw("SELECT coop_id, description FROM coop_profile")
        assert rows == [{"coop_id": world.a.id, "description": data["description"]}]
        assert await coop_rows(world.b.id) == before_b
    finally:  # put A's profile back as it was, for the other tests of the session
        async with coop_unit(world.a.id):
            if not before_a["coop_profile"]:
                await CoopProfile.delete().where(CoopProfile.coop == world.a.id).run()
            for old in before_a["coop_profile"]:
                await raw(
                    "UPDATE coop_profile SET description = {}, email = {}, phone = {}, address = {}, "
                    "updated_at = {}, updated_by = {} WHERE id = {}",
                    old["description"],
                    old["email"],
                    old["phone"],
                    old["address"],
                    old["updated_at"],
                    old["updated_by"],
                    old["id"],
                )


async def test_forged_coop_field_cannot_move_an_invitation(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before_b = await coop_rows(world.b.id)
    data = form("invite", world)
    response = await admin.post(f"/c/{world.a.slug}/people/invite", data)
    assert response.status_code == 303
    async with coop_unit(world.a.id):
        rows = await Invitation.select(Invitation.coop, Invitation.role).where(Invitation.email == data["email"]).run()
    assert rows == [{"coop_id": world.a.id, "role": "admin"}]
    assert await coop_rows(world.b.id) == before_b


# --- 2. the guard: no route under /c/, /o/, /api/ or /ops/ without isolation coverage ----------------------


def test_every_tenant_route_is_covered(app: Any) -> None:
    # Import every context's isolation module, so their covered() calls count even when pytest runs this alone.
    root = Path(__file__).resolve().parents[1]
    for module in sorted(root.glob("**/test_isolation_*.py")):
        importlib.import_module(".".join(module.relative_to(root.parent).with_suffix("").parts))
    litestar = app.app.app
    served = {
        (str(getattr(method, "value", method)), route.path)
        for route in litestar.routes
        if GUARDED.match(route.path)
        for method in route.methods
        if str(getattr(method, "value", method)) not in {"OPTIONS", "HEAD"}
    }
    covered = {(r.method, r.path) for r in (*COOP_ROUTES, *ORG_ROUTES, *OPS_ROUTES)} | COVERED
    assert sorted(served - covered) == [], (
        "new routes: add them to a route table here or register them (isolation_registry)"
    )
    assert sorted(covered - served) == [], "the tables list routes the app no longer serves"


# --- 3. row-level security is the backstop: deliberately unfiltered SQL ------------------------------------


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_unfiltered_query_in_coop_unit_sees_only_that_coop(world: World, b_profile: None, table: str) -> None:
    async with coop_unit(world.b.id):
        b_rows = await raw(f"SELECT id, coop_id FROM {table}")
    assert b_rows, f"coop B has no {table} rows: the check below would prove nothing"
    assert {r["coop_id"] for r in b_rows} == {world.b.id}
    async with coop_unit(world.a.id):
        a_rows = await raw(f"SELECT id, coop_id FROM {table}")
    assert {r["coop_id"] for r in a_rows} <= {world.a.id}
    assert not {r["id"] for r in a_rows} & {r["id"] for r in b_rows}


@pytest.mark.parametrize("table", [*TENANT_TABLES, "invitation"])
async def test_public_unit_sees_no_tenant_rows(world: World, b_profile: None, table: str) -> None:
    async with public_unit():
        assert await raw(f"SELECT * FROM {table}") == []


def _forged_insert(table: str, world: World) -> Any:
    """An INSERT naming coop B, to be run inside coop A's unit."""
    b, person = world.b.id, world.a.users["member"]
    return {
        "notice": Notice.insert(Notice(coop=b, author=person, title="Väärennös", body="x")),
        "activity": Activity.insert(Activity(coop=b, actor=person, kind="notice.posted", summary="x")),
        "coop_profile": CoopProfile.insert(CoopProfile(coop=b, description="Väärennös")),
        "coop_role": CoopRole.insert(CoopRole(coop=b, user=person, role="admin")),  # a role in B for A's member
    }[table]


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_insert_for_other_coop_is_refused(world: World, other_org: int, b_profile: None, table: str) -> None:
    before = await everything(world, other_org)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with coop_unit(world.a.id):
            await _forged_insert(table, world).run()
    assert await everything(world, other_org) == before


async def test_raw_insert_of_other_coops_notice_is_refused(world: World, other_org: int) -> None:
    before = await everything(world, other_org)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with coop_unit(world.a.id):
            await raw(
                "INSERT INTO notice (coop_id, author_id, title, body, created_at) "
                "VALUES ({}, {}, 'Väärennös', 'x', now())",
                world.b.id,
                world.a.users["admin"],
            )
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_update_and_delete_cannot_reach_other_coop(
    world: World, other_org: int, b_profile: None, table: str
) -> None:
    column = {"notice": "title", "activity": "summary", "coop_profile": "description", "coop_role": "role"}[table]
    value = "'admin'" if table == "coop_role" else "'Väärennös'"
    before = await everything(world, other_org)
    async with coop_unit(world.a.id):
        updated = await raw(f"UPDATE {table} SET {column} = {value} WHERE coop_id = {{}} RETURNING id", world.b.id)
        deleted = await raw(f"DELETE FROM {table} WHERE coop_id = {{}} RETURNING id", world.b.id)
    assert updated == [] and deleted == []
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("table", ["notice", "activity"])
async def test_moving_own_row_to_other_coop_is_refused(world: World, other_org: int, table: str) -> None:
    before = await everything(world, other_org)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with coop_unit(world.a.id):
            await raw(f"UPDATE {table} SET coop_id = {{}} WHERE coop_id = {{}}", world.b.id, world.a.id)
    assert await everything(world, other_org) == before


async def test_reference_to_other_coops_row_is_refused(world: World, other_org: int) -> None:
    """The composite key (coop_id, notice_id) → notice (coop_id, id): A's activity can't point at B's notice."""
    before = await everything(world, other_org)
    with pytest.raises(asyncpg.exceptions.ForeignKeyViolationError):
        async with coop_unit(world.a.id):
            await Activity.insert(
                Activity(
                    coop=world.a.id,
                    actor=world.a.users["admin"],
                    kind="notice.posted",
                    notice=world.b.notice,
                    summary="x",
                )
            ).run()
    assert await everything(world, other_org) == before


# --- 4. organisation context: what coops addressed to it, nothing else -------------------------------------


async def test_organisation_sees_only_notices_addressed_to_it(signed_in: SignIn, world: World) -> None:
    for slug, admin, mine, theirs in (
        (world.org_slug, world.org_admin, world.a_notice_to_org, world.b_notice_to_org),
        (world.other_org_slug, world.other_org_admin, world.b_notice_to_org, world.a_notice_to_org),
    ):
        response = await (await signed_in(admin)).get(f"/o/{slug}/")
        assert response.status_code == 200
        assert f'href="/o/{slug}/notices/{mine}"' in response.text
        assert f"/notices/{theirs}" not in response.text
        for coop_notice in (world.a.notice, world.b.notice):
            assert f'/notices/{coop_notice}"' not in response.text
    text = (await (await signed_in(world.org_admin)).get(f"/o/{world.org_slug}/")).text
    assert "A kumppanille" in text and "B toiselle" not in text and world.b.slug not in text


@pytest.mark.parametrize("which", ["b_notice_to_org", "a_notice", "b_notice", "missing"])
async def test_organisation_cannot_open_notices_not_addressed_to_it(
    signed_in: SignIn, world: World, which: str
) -> None:
    notice_id = {
        "b_notice_to_org": world.b_notice_to_org,
        "a_notice": world.a.notice,
        "b_notice": world.b.notice,
        "missing": 2**62,
    }[which]
    client = await signed_in(world.org_admin)
    assert (await client.get(f"/o/{world.org_slug}/notices/{world.a_notice_to_org}")).status_code == 200
    response = await client.get(f"/o/{world.org_slug}/notices/{notice_id}")
    assert response.status_code == 404
    assert world.b.slug not in response.text


@pytest.mark.parametrize("route", ORG_ROUTES, ids=str)
async def test_organisation_routes_in_own_organisation(
    signed_in: SignIn, world: World, other_org: int, route: Route
) -> None:
    """The org admin in its own organisation, with the other organisation's notice id: exact status, no leak."""
    before = await everything(world, other_org)
    response = await send(
        await signed_in(world.org_admin),
        route,
        url(route, slug=world.org_slug, notice_id=world.b_notice_to_org),
        form(route.form, world, valid=False),
    )
    assert response.status_code == route.status
    assert world.b.slug not in response.text and "B toiselle" not in response.text
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("who", ["other org admin", *ROLES])
@pytest.mark.parametrize("route", ORG_ROUTES, ids=str)
async def test_organisation_routes_forbid_people_of_other_places(
    signed_in: SignIn, world: World, other_org: int, route: Route, who: str
) -> None:
    """The other organisation's admin, and every role of coop A, get 403 in the organisation."""
    email = world.other_org_admin if who == "other org admin" else world.a.emails[who]
    before = await everything(world, other_org)
    response = await send(
        await signed_in(email),
        route,
        url(route, slug=world.org_slug, notice_id=world.a_notice_to_org),
        form(route.form, world),
    )
    assert response.status_code == 403
    assert "A kumppanille" not in response.text
    assert await everything(world, other_org) == before


@pytest.mark.parametrize("route", ORG_ROUTES, ids=str)
async def test_organisation_routes_anonymous_and_unknown(
    browser: Browser, signed_in: SignIn, world: World, other_org: int, route: Route
) -> None:
    before = await everything(world, other_org)
    target = url(route, slug=world.org_slug, notice_id=world.a_notice_to_org)
    response = await send(browser, route, target, form(route.form, world))
    assert_sent_to_sign_in(response, target)
    unknown = url(route, slug=f"ei-ole-{secrets.token_hex(3)}", notice_id=world.a_notice_to_org)
    response = await send(await signed_in(world.org_admin), route, unknown, form(route.form, world))
    assert response.status_code == 404
    assert await everything(world, other_org) == before


async def test_unfiltered_query_in_org_unit_sees_only_what_was_addressed(world: World, b_profile: None) -> None:
    async with org_unit(world.org_id):
        notices = await raw("SELECT id, coop_id, organisation_id FROM notice")
        others = {table: await raw(f"SELECT id FROM {table}") for table in ("activity", "coop_profile", "coop_role")}
    assert {r["organisation_id"] for r in notices} == {world.org_id}
    ids = {r["id"] for r in notices}
    assert world.a_notice_to_org in ids
    assert not ids & {world.b_notice_to_org, world.a.notice, world.b.notice}
    assert others == {"activity": [], "coop_profile": [], "coop_role": []}


async def test_org_unit_may_read_but_not_write_notices(world: World, other_org: int) -> None:
    before = await everything(world, other_org)
    async with org_unit(world.org_id):
        changed = await raw("UPDATE notice SET title = 'Muutettu' RETURNING id")
        removed = await raw("DELETE FROM activity RETURNING id")
    assert changed == [] and removed == []
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with org_unit(world.org_id):
            await Notice.insert(
                Notice(
                    coop=world.a.id,
                    author=world.a.users["admin"],
                    title="Väärennös",
                    body="x",
                    organisation=world.org_id,
                )
            ).run()
    assert await everything(world, other_org) == before


# --- 5. operator console --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [*ROLES, "org admin"])
@pytest.mark.parametrize("route", OPS_ROUTES, ids=str)
async def test_operator_console_forbids_everyone_else(
    signed_in: SignIn, world: World, other_org: int, route: Route, who: str
) -> None:
    email = world.org_admin if who == "org admin" else world.a.emails[who]
    before = await everything(world, other_org)
    data = form(route.form, world)
    response = await send(await signed_in(email), route, url(route, **coop_values(world, "")), data)
    assert response.status_code == 403
    assert world.b.emails["admin"] not in response.text
    assert await everything(world, other_org) == before
    assert "slug" not in data or not await slug_exists(data["slug"])


@pytest.mark.parametrize("route", OPS_ROUTES, ids=str)
async def test_operator_console_sends_anonymous_to_sign_in(
    browser: Browser, world: World, other_org: int, route: Route
) -> None:
    before = await everything(world, other_org)
    target = url(route, **coop_values(world, ""))
    data = form(route.form, world)
    response = await send(browser, route, target, data)
    assert_sent_to_sign_in(response, target)
    assert await everything(world, other_org) == before
    assert "slug" not in data or not await slug_exists(data["slug"])


async def test_operator_reaches_console(signed_in: SignIn, world: World) -> None:
    """The control for the two tests above: the console itself works for an operator."""
    response = await (await signed_in(world.operator)).get("/ops/")
    assert response.status_code == 200
