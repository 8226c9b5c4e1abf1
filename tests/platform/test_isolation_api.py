"""Tenant isolation of the JSON API for members, shares and the board: every route, every role, with API tokens.

Coop B's ids in coop A's URLs give 404 (403 where the role check comes first) and change nothing; coop B's own URLs
give 403; no token gives 401; an unknown coop 404. The routes are registered with tests/isolation_registry.py at
import (this file's name matches the guard's glob in tests/platform/test_isolation.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.tables import Member
from tests.fixtures import ROLES, ApiClient, World, api_client, grant, make_coop, make_region, make_user
from tests.isolation_kit import Route, fill, send
from tests.isolation_registry import covered
from tests.tenants.governance.conftest import make_seat
from tests.tenants.members.conftest import link, make_member
from tests.tenants.shares.conftest import add_plan, add_policy, pay, subscribe
from tests.tenants.shares.conftest import make_member as make_share_member

API = "/api/v1/coops/{slug:str}"
VIEWERS = ("admin", "board", "coach")
DECIDERS = ("admin", "board")
ADMIN = ("admin",)


ROUTES = (
    Route("GET", f"{API}/members", VIEWERS),
    Route("GET", f"{API}/members/{{member_id:int}}", VIEWERS, 404),
    Route("POST", f"{API}/members", DECIDERS, 400, form="member"),
    Route("POST", f"{API}/members/{{member_id:int}}/decisions/{{action:str}}", DECIDERS, 404, form="decision"),
    Route("POST", f"{API}/members/{{member_id:int}}/family", VIEWERS, 404, form="family"),
    Route("DELETE", f"{API}/members/{{member_id:int}}/family/{{link_id:int}}", VIEWERS, 404),
    Route("GET", f"{API}/shares", VIEWERS),
    Route("GET", f"{API}/shares/policy", VIEWERS),
    Route("POST", f"{API}/shares/policy", DECIDERS, 400, form="policy"),
    Route("GET", f"{API}/shares/members/{{member_id:int}}", VIEWERS, 404),
    Route("POST", f"{API}/shares/members/{{member_id:int}}/plans", DECIDERS, 404, form="plan"),
    Route("POST", f"{API}/shares/members/{{member_id:int}}/payments", DECIDERS, 404, form="payment"),
    Route("GET", f"{API}/shares/deductions", VIEWERS),
    Route("GET", f"{API}/members/{{member_id:int}}/account", ADMIN, 404),
    Route("POST", f"{API}/members/{{member_id:int}}/account", ADMIN, 404, form="account"),
    Route("POST", f"{API}/members/{{member_id:int}}/contact", ADMIN, 404, form="contact"),
    Route("GET", f"{API}/me"),
    Route("POST", f"{API}/me/contact", ROLES, 404, form="mycontact"),  # coop A's people are not in its register
    Route("GET", f"{API}/me/documents"),
    Route("GET", f"{API}/shares/refunds", VIEWERS),
    Route("POST", f"{API}/shares/members/{{member_id:int}}/refunds", DECIDERS, 404, form="refund"),
    Route("GET", f"{API}/shares/members/{{member_id:int}}/fees", DECIDERS, 404),
    Route("POST", f"{API}/shares/members/{{member_id:int}}/fees", DECIDERS, 404, form="fee"),
    Route("POST", f"{API}/shares/members/{{member_id:int}}/plans/{{plan_id:int}}/cancel", DECIDERS, 404, form="cancel"),
    Route("POST", f"{API}/shares/members/{{member_id:int}}/transfers", DECIDERS, 404, form="transfer"),
    Route("GET", f"{API}/board"),
    Route("POST", f"{API}/board/seats", DECIDERS, 400, form="seat"),
    Route("POST", f"{API}/board/seats/{{seat_id:int}}/end", DECIDERS, 404, form="end"),
    Route("GET", f"{API}/board/target"),
    Route("POST", f"{API}/board/target", DECIDERS, 400, form="target"),
)
covered(*((r.method, r.path) for r in ROUTES))

B_NAMES = (
    "B:n API-hakija",
    "B:n API-jäsen",
    "B:n API-sukulainen",
    "B:n API-hallitus",
    "B:n API-tukija",
    "B:n API-osakas",
    "B:n API-eronnut",
    "B:n API-tili",
)


@dataclass(frozen=True)
class Ids:
    applicant: int
    person: int
    relative: int
    link: int
    seat: int
    plan: int = 0  # the person's share plan (wage deduction, unpaid)
    supporter: int = 0  # a supporting member (the fee routes)
    holder: int = 0  # a member with one paid share (transfers)
    leaver: int = 0  # a member who left with share money paid (refunds)
    email: str = ""  # an Osuus account with no role anywhere, free to be linked


async def _objects(coop_id: int, prefix: str) -> Ids:
    applicant = await make_member(coop_id, f"{prefix} API-hakija", "applicant", "applied")
    person = await make_member(coop_id, f"{prefix} API-jäsen")
    relative = await make_member(coop_id, f"{prefix} API-sukulainen")
    link_id = await link(coop_id, person, relative)
    seat = await make_seat(coop_id, f"{prefix} API-hallitus", member_id=person)
    await add_policy(coop_id, dt.date(2026, 1, 1), 5000, 2, supporting=2000, keep_existing=True)
    await subscribe(coop_id, person, 1, 5000)
    plan = await add_plan(coop_id, person, 5000, 1000, 50000)
    supporter = await make_member(coop_id, f"{prefix} API-tukija", "supporting")
    holder = await make_member(coop_id, f"{prefix} API-osakas")
    await subscribe(coop_id, holder, 1, 5000)
    await pay(coop_id, holder, 5000)
    leaver = await make_share_member(coop_id, f"{prefix} API-eronnut", left_on=dt.date(2025, 3, 15))
    await subscribe(coop_id, leaver, 1, 5000, on=dt.date(2025, 1, 20))
    await pay(coop_id, leaver, 5000, on=dt.date(2025, 1, 21))
    email = f"api-tili-{secrets.token_hex(4)}@example.fi"
    await make_user(email, name=f"{prefix} API-tili")
    return Ids(applicant, person, relative, link_id, seat, plan, supporter, holder, leaver, email)


@pytest.fixture(scope="module")
async def b_ids(world: World) -> Ids:
    """Coop B's objects, with a share plan that payroll would deduct: the very rows an attacker in A would aim at."""
    return await _objects(world.b.id, "B:n")


@pytest.fixture(scope="module")
async def a_ids(world: World) -> Ids:
    return await _objects(world.a.id, "A:n")


@pytest.fixture(scope="module")
async def clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    """A token for every role of coop A, and one for the organisation's admin (who has no coop role)."""
    from tests.platform.test_api_tokens import owner_fetch

    made = {role: await api_client(app, world.a.users[role]) for role in ROLES}
    org_admin = await owner_fetch("SELECT id FROM app_user WHERE email = $1", world.org_admin)
    made["org"] = await api_client(app, int(org_admin[0]["id"]))
    made["anonymous"] = ApiClient(app, None, "en")
    yield made
    for client in made.values():
        await client.close()


def url(route: Route, slug: str, ids: Ids) -> str:
    """The route with the ids of the objects it is about (a supporting member for the fees, and so on)."""
    member = ids.person
    for part, other in (
        ("/decisions/", ids.applicant),
        ("/fees", ids.supporter),
        ("/refunds", ids.leaver),
        ("/transfers", ids.holder),
    ):
        if part in route.path:
            member = other
    values = {
        "slug": slug,
        "member_id": member,
        "action": "admit",
        "link_id": ids.link,
        "seat_id": ids.seat,
        "plan_id": ids.plan,
    }
    return fill(route.path, values)


def body(name: str, ids: Ids, attack: bool) -> dict[str, Any]:
    """A valid body (a bypassed check would write), or, for a person who passes the role check, one that names B's
    objects or is harmlessly invalid. Every body also names coop B, trying to steer the write there."""
    token = secrets.token_hex(3)
    valid: dict[str, dict[str, Any]] = {
        "": {},
        "member": {"kind": "person", "name": f"Murto {token}", "member_class": "member", "on_date": "2026-02-01"},
        "decision": {"member_class": "member", "on_date": "2026-02-01", "decided_by": f"Murto {token}"},
        "family": {"relative_id": ids.relative, "relation": "sibling"},
        "policy": {"valid_from": "2026-06-01", "share_price_cents": 100, "shares_required": 1, "decided_by": "Murto"},
        "plan": {"shares": 1, "kind": "lump_sum", "starts_on": "2026-02-01"},
        "payment": {"kind": "payment", "amount_cents": 100, "paid_on": "2026-02-01", "source": "bank"},
        "seat": {"member_id": ids.person, "role": "member", "kind": "relative", "term_start": "2026-01-01"},
        "end": {"term_end": "2026-01-31"},
        "target": {"seats": {"partial_work_ability": 1, "job_coach": 1, "unit_director": 1, "relative": 1, "other": 1}},
        "account": {"email": ids.email},
        "contact": {"name": f"Murto {token}", "email": f"murto-{token}@example.fi", "phone": "040 000 0000"},
        "mycontact": {"email": f"murto-{token}@example.fi", "phone": "040 000 0000"},
        "refund": {"amount_cents": 100, "paid_on": "2026-02-01", "source": "bank"},
        "fee": {"year": 2026, "amount_cents": 100, "paid_on": "2026-02-01"},
        "cancel": {"reason": f"Murto {token}", "confirm": True},
        "transfer": {"receiver_id": ids.relative, "shares": 1, "on_date": "2026-02-01", "decided_by": "Murto"},
    }
    attacks: dict[str, dict[str, Any]] = {
        "member": {"kind": "person", "name": "", "member_class": "member", "on_date": "2026-02-01"},
        "policy": {"valid_from": "ei päivä", "share_price_cents": 100, "shares_required": 1, "decided_by": "Murto"},
        "target": {"seats": {"partial_work_ability": "x"}},
        "mycontact": {"email": "ei-osoite"},
    }  # the seat: B's member in A's new seat is not on A's list (400); the others name B's ids (404)
    data = dict(attacks.get(name, valid[name]) if attack else valid[name])
    data.update(coop_id=0, coop="b")
    return data


async def coop_tables() -> list[str]:
    """Every table with a coop_id column that the app may read (so a new context's tables count too)."""
    async with coop_unit(1):
        rows = await Member.raw(
            "SELECT DISTINCT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
            "WHERE c.column_name = 'coop_id' AND c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_name"
        ).run()
    return [r["table_name"] for r in rows if r["table_name"] not in ("coop",)]


async def rows_of(coop_id: int, tables: list[str]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in tables:
            columns = "id" if table == "outbox" else "*"  # the worker rewrites a sent mail's body at any moment
            rows[table] = await Member.raw(
                f"SELECT {columns} FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id
            ).run()
    return rows


async def both(world: World) -> list[dict[str, Any]]:
    tables = await coop_tables()
    return [await rows_of(world.a.id, tables), await rows_of(world.b.id, tables)]


def assert_no_b(response: httpx.Response, world: World) -> None:
    for name in B_NAMES:
        assert name not in response.text
    assert world.b.slug not in response.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids, route: Route, role: str
) -> None:
    allowed = role in route.roles
    before = await both(world)
    response = await send(
        clients[role], route, url(route, world.a.slug, b_ids), body(route.form, b_ids, attack=allowed)
    )
    assert response.status_code == (route.status if allowed else 403), response.text[:500]
    assert_no_b(response, world)
    assert await both(world) == before
    if response.status_code >= 400:
        payload = response.json()
        assert set(payload) in ({"status", "error"}, {"errors"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    clients: dict[str, ApiClient], world: World, b_ids: Ids, route: Route, role: str
) -> None:
    before = await both(world)
    response = await send(clients[role], route, url(route, world.b.slug, b_ids), body(route.form, b_ids, False))
    assert response.status_code == 403, response.text[:500]
    assert response.json()["status"] == 403
    assert_no_b(response, world)
    assert await both(world) == before


@pytest.mark.parametrize("who", ["org", "anonymous"])
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_outsiders_are_refused(
    clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route, who: str
) -> None:
    """An organisation's person (a token, no coop role) gets 403; no token at all is 401."""
    before = await both(world)
    response = await send(clients[who], route, url(route, world.a.slug, a_ids), body(route.form, a_ids, False))
    assert response.status_code == (403 if who == "org" else 401), response.text[:500]
    assert response.json()["status"] == response.status_code
    assert "A:n API-jäsen" not in response.text
    assert await both(world) == before


@pytest.mark.parametrize("who", ["admin", "anonymous"])
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(
    clients: dict[str, ApiClient], world: World, a_ids: Ids, route: Route, who: str
) -> None:
    before = await both(world)
    slug = f"ei-ole-{secrets.token_hex(3)}"
    response = await send(clients[who], route, url(route, slug, a_ids), body(route.form, a_ids, False))
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "Not found. Check the address and the id."}
    assert await both(world) == before


async def test_own_coop_reads_show_only_own_rows(
    clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids
) -> None:
    """The control: the same tokens read their own coop, and nothing of B's is in it."""
    admin = clients["admin"]
    base = f"/api/v1/coops/{world.a.slug}"
    members = (await admin.get(f"{base}/members")).json()["members"]
    ids = {m["id"] for m in members}
    assert {a_ids.applicant, a_ids.person, a_ids.relative} <= ids
    assert not ids & {b_ids.applicant, b_ids.person, b_ids.relative}
    shares = (await admin.get(f"{base}/shares")).json()
    assert a_ids.person in {r["member"]["id"] for r in shares["rows"]}
    assert b_ids.person not in {r["member"]["id"] for r in shares["rows"]}
    deductions = (await admin.get(f"{base}/shares/deductions", params={"on": "2026-02-01"})).json()["deductions"]
    assert a_ids.person in {d["member_id"] for d in deductions}
    assert b_ids.person not in {d["member_id"] for d in deductions}
    board = (await admin.get(f"{base}/board")).json()
    seats = {s["id"] for s in board["current"] + board["upcoming"] + board["past"]}
    assert a_ids.seat in seats and b_ids.seat not in seats
    for response in (await admin.get(f"{base}/members/{a_ids.person}"), await admin.get(f"{base}/board")):
        assert_no_b(response, world)


async def test_bodies_naming_other_coops_objects_are_refused(
    clients: dict[str, ApiClient], world: World, a_ids: Ids, b_ids: Ids
) -> None:
    """Coop A's own URLs with coop B's ids in the body or in the rest of the path: refused, nothing changed."""
    admin = clients["admin"]
    base = f"/api/v1/coops/{world.a.slug}"
    before = await both(world)
    transfer = await admin.post(
        f"{base}/shares/members/{a_ids.holder}/transfers",
        {"receiver_id": b_ids.relative, "shares": 1, "on_date": "2026-02-01", "decided_by": "Murto"},
    )
    assert transfer.status_code == 400
    assert transfer.json() == {"errors": {"receiver_id": "Choose the member who gets the shares"}}
    account = await admin.post(f"{base}/members/{a_ids.person}/account", {"account_id": world.b.users["coach"]})
    assert account.status_code == 400
    assert account.json() == {"errors": {"account_id": "Choose a person from the list"}}
    cancel = await admin.post(
        f"{base}/shares/members/{a_ids.person}/plans/{b_ids.plan}/cancel", {"reason": "Murto", "confirm": True}
    )
    assert cancel.status_code == 404
    for response in (transfer, account, cancel):
        assert_no_b(response, world)
    assert await both(world) == before


async def test_own_membership_is_only_this_coops(app: Any) -> None:
    """/me reads and changes the person's row in the coop of the URL only, never their row in another coop."""
    region = await make_region()
    (one, one_slug), (two, two_slug) = await make_coop(region), await make_coop(region)
    both_user = await make_user(f"kaksi-{secrets.token_hex(3)}@example.fi", name="Kaksi Koop")
    other_user = await make_user(f"toinen-{secrets.token_hex(3)}@example.fi", name="Vain Toisessa")
    for coop_id in (one, two):
        await grant(coop_id, both_user, "member")
    await grant(one, other_user, "member")  # a role in one, but in the register of two only
    mine_one = await make_member(one, "Kaksi Yksi", user_id=both_user)
    mine_two = await make_member(two, "Kaksi Kaksi", user_id=both_user, email="kaksi@example.fi")
    await make_member(two, "Vain Kaksi", user_id=other_user)
    tables = await coop_tables()
    clients = [await api_client(app, both_user), await api_client(app, other_user)]
    try:
        two_before = await rows_of(two, tables)
        linked, unlinked = clients
        me = (await linked.get(f"/api/v1/coops/{one_slug}/me")).json()
        assert me["member"]["id"] == mine_one and me["member"]["name"] == "Kaksi Yksi"
        documents = (await linked.get(f"/api/v1/coops/{one_slug}/me/documents")).json()
        assert documents["member_id"] == mine_one
        assert all(
            d["href"].startswith(f"/c/{one_slug}/") and str(mine_two) not in d["href"] for d in documents["documents"]
        )
        saved = await linked.post(f"/api/v1/coops/{one_slug}/me/contact", {"email": "uusi@example.fi"})
        assert saved.status_code == 200 and saved.json()["member"]["email"] == "uusi@example.fi"
        assert "Kaksi Kaksi" not in saved.text and "kaksi@example.fi" not in saved.text

        one_before = await rows_of(one, tables)
        assert (await unlinked.get(f"/api/v1/coops/{one_slug}/me")).json() == {"member": None, "history": []}
        assert (await unlinked.get(f"/api/v1/coops/{one_slug}/me/documents")).json() == {
            "member_id": None,
            "documents": [],
        }
        refused = await unlinked.post(f"/api/v1/coops/{one_slug}/me/contact", {"email": "murto@example.fi"})
        assert refused.status_code == 404
        for path in ("/me", "/me/documents"):
            assert (await unlinked.get(f"/api/v1/coops/{two_slug}{path}")).status_code == 403
        assert (await unlinked.post(f"/api/v1/coops/{two_slug}/me/contact", {"phone": "040 1"})).status_code == 403
        assert await rows_of(one, tables) == one_before
        assert await rows_of(two, tables) == two_before
    finally:
        for client in clients:
            await client.close()
