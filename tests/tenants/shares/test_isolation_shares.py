"""Tenant isolation of the share register: every route, every role; coop B's ids in coop A's URLs change nothing.

The route table lists every (method, path) of osuus/tenants/shares/routes.py exactly as Litestar lists it and
registers them with tests/isolation_registry.py, so the guard in tests/platform/test_isolation.py accepts them.
Coop A's people stay unlinked to A's register (the members tests rely on that): a member-role person's "own"
documents are tested in test_routes.py with a coop of that module's own.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from tests import isolation_kit
from tests.fixtures import ROLES, Browser, SignIn, World
from tests.isolation_kit import fill, send
from tests.isolation_registry import covered
from tests.tenants.shares.conftest import (
    SHARE_TABLES,
    add_plan,
    add_policy,
    make_member,
    pay,
    snapshot,
    subscribe,
)

COOP = "/c/{slug:str}"
VIEWERS = ("admin", "board", "coach")
DECIDERS = ("admin", "board")
MEMBER = f"{COOP}/shares/members/{{member_id:int}}"


@dataclass(frozen=True)
class Route(isolation_kit.Route):
    writes_audit: bool = False  # a read that is audited in the viewer's own coop


ROUTES = (
    Route("GET", f"{COOP}/shares", VIEWERS, ids=False),
    Route("GET", f"{COOP}/shares/register.csv", VIEWERS, ids=False, writes_audit=True),
    Route("GET", f"{COOP}/shares/policy", DECIDERS, ids=False),
    Route("POST", f"{COOP}/shares/policy", DECIDERS, 400, form="policy", ids=False),
    Route("GET", MEMBER, VIEWERS, 404),
    Route("GET", f"{MEMBER}/plan", DECIDERS, 404),
    Route("POST", f"{MEMBER}/plan", DECIDERS, 404, form="plan"),
    Route("GET", f"{MEMBER}/payment", DECIDERS, 404),
    Route("POST", f"{MEMBER}/payment", DECIDERS, 404, form="payment"),
    Route("GET", f"{MEMBER}/statement.pdf", ROLES, 404),
    Route("GET", f"{MEMBER}/certificate.pdf", ROLES, 404),
    Route("GET", f"{COOP}/shares/mine", ROLES, ids=False),
    # A's own member is active (nothing to refund: 409) and not a supporting member (no fee page: 404).
    Route("GET", f"{MEMBER}/refund", DECIDERS, 404, own=409),
    Route("POST", f"{MEMBER}/refund", DECIDERS, 404, form="refund"),
    Route("GET", f"{MEMBER}/plan/{{plan_id:int}}/cancel", DECIDERS, 404),
    Route("POST", f"{MEMBER}/plan/{{plan_id:int}}/cancel", DECIDERS, 404, form="cancel"),
    Route("GET", f"{MEMBER}/transfer", DECIDERS, 404),
    Route("POST", f"{MEMBER}/transfer", DECIDERS, 404, form="transfer"),
    Route("GET", f"{MEMBER}/fee", DECIDERS, 404, own=404),
    Route("POST", f"{MEMBER}/fee", DECIDERS, 404, form="fee"),
)
covered(*((r.method, r.path) for r in ROUTES))

B_NAME = "B:n Osakas"
PLAN_OF: dict[int, int] = {}  # member id -> their plan (filled by the fixtures below)
RECEIVER_OF: dict[int, int] = {}  # member id -> another member of the same coop (a transfer's receiver)


@pytest.fixture(scope="module")
async def b_member(world: World) -> int:
    """Coop B: a fee, a member with shares, a plan and a payment."""
    await add_policy(world.b.id, dt.date(2026, 1, 1), 5000, 2, supporting=2000, keep_existing=True)
    member = await make_member(world.b.id, B_NAME)
    await subscribe(world.b.id, member, 2, 10000)
    PLAN_OF[member] = await add_plan(world.b.id, member, 10000, 2500, 69000)
    await pay(world.b.id, member, 4000)
    RECEIVER_OF[member] = await make_member(world.b.id, "B:n Saaja")
    return member


@pytest.fixture(scope="module")
async def a_member(world: World) -> int:
    await add_policy(world.a.id, dt.date(2026, 1, 1), 5000, 2, supporting=2000, keep_existing=True)
    member = await make_member(world.a.id, "A:n Osakas")
    await subscribe(world.a.id, member, 1, 5000)
    PLAN_OF[member] = await add_plan(world.a.id, member, 5000, 5000, kind="lump_sum")
    RECEIVER_OF[member] = await make_member(world.a.id, "A:n Saaja")
    return member


def url(route: Route, slug: str, member_id: int) -> str:
    values = {"slug": slug, "member_id": member_id, "plan_id": PLAN_OF.get(member_id, 0)}
    return fill(route.path, values)


def form(name: str, valid: bool = True, receiver: int = 0) -> dict[str, str]:
    """A valid form (a bypassed check would write) or a harmlessly invalid one; both try to steer to coop B."""
    token = secrets.token_hex(3)
    valid_forms = {
        "": {},
        "policy": {
            "valid_from": f"{1 + secrets.randbelow(28)}.{1 + secrets.randbelow(12)}.2040",
            "share_price": "10",
            "shares_required": "1",
            "decided_by": f"Murto {token}",
        },
        "plan": {"shares": "1", "kind": "lump_sum", "starts_on": "1.2.2026"},
        "payment": {"kind": "payment", "amount": "5", "paid_on": "1.3.2026", "source": "bank", "reference": token},
        "refund": {"amount": "5", "paid_on": "1.3.2026", "source": "bank", "note": token},
        "cancel": {"reason": f"Murto {token}"},
        "transfer": {"receiver": str(receiver), "shares": "1", "on_date": "1.3.2026", "decided_by": f"Murto {token}"},
        "fee": {"year": "2026", "amount": "5", "paid_on": "1.3.2026", "note": token},
    }
    invalid_forms = {
        "policy": {"valid_from": "ei päivä", "share_price": "-5", "shares_required": "", "decided_by": ""},
        "plan": {"shares": "x", "kind": "", "starts_on": ""},
        "payment": {"kind": "", "amount": "abc", "paid_on": ""},
        "refund": {"amount": "abc", "paid_on": ""},
        "cancel": {"reason": ""},
        "transfer": {"receiver": "", "shares": "x", "on_date": "", "decided_by": ""},
        "fee": {"year": "x", "amount": "abc"},
    }
    data = dict(valid_forms[name] if valid else invalid_forms.get(name, {}))
    data.update(coop_id="0", coop="b")
    return data


async def both(world: World, skip_a_audit: bool = False) -> list[dict[str, Any]]:
    a_tables = tuple(t for t in SHARE_TABLES if not (skip_a_audit and t == "audit_log"))
    return [await snapshot(world.a.id, a_tables), await snapshot(world.b.id)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_other_coops_ids_in_own_coop_url_are_not_found(
    signed_in: SignIn, world: World, b_member: int, a_member: int, route: Route, role: str
) -> None:
    """A's person, in A's URL, with B's member id: 404, or 403 where the role check comes first; pages without
    ids give their own status. Nothing of B's changes, nor of A's (an export only adds A's audit row)."""
    client = await signed_in(world.a.emails[role])
    allowed = role in route.roles
    expected = route.status if allowed else 403
    valid = not (allowed and not route.ids)  # without ids, only a harmless form may be sent
    skip = allowed and route.writes_audit
    before = await both(world, skip)
    response = await send(
        client, route, url(route, world.a.slug, b_member), form(route.form, valid, RECEIVER_OF[b_member])
    )
    assert response.status_code == expected, response.text[:500]
    assert B_NAME not in response.text and world.b.slug not in response.text
    assert await both(world, skip) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_no_role_in_other_coop_is_forbidden(
    signed_in: SignIn, world: World, b_member: int, route: Route, role: str
) -> None:
    client = await signed_in(world.a.emails[role])
    before = await both(world)
    response = await send(
        client, route, url(route, world.b.slug, b_member), form(route.form, receiver=RECEIVER_OF[b_member])
    )
    assert response.status_code == 403, response.text[:500]
    assert B_NAME not in response.text
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_anonymous_is_sent_to_sign_in(browser: Browser, world: World, a_member: int, route: Route) -> None:
    before = await both(world)
    target = url(route, world.a.slug, a_member)
    response = await send(browser, route, target, form(route.form))
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(target)}"
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_unknown_coop_is_not_found(signed_in: SignIn, world: World, a_member: int, route: Route) -> None:
    client = await signed_in(world.a.emails["admin"])
    before = await both(world)
    response = await send(client, route, url(route, f"ei-ole-{secrets.token_hex(3)}", a_member), form(route.form))
    assert response.status_code == 404
    assert await both(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_organisation_person_has_no_coop_access(
    signed_in: SignIn, world: World, a_member: int, route: Route
) -> None:
    client = await signed_in(world.org_admin)
    before = await both(world)
    response = await send(client, route, url(route, world.a.slug, a_member), form(route.form))
    assert response.status_code == 403
    assert await both(world) == before


async def test_own_routes_work_with_own_ids(signed_in: SignIn, world: World, a_member: int) -> None:
    """The control for the tests above: the same GET pages with A's own member answer 200."""
    admin = await signed_in(world.a.emails["admin"])
    for route in ROUTES:
        if route.method == "GET":
            response = await admin.get(url(route, world.a.slug, a_member))
            assert response.status_code == route.own, str(route)


async def test_own_member_with_other_coops_receiver_or_plan_changes_nothing(
    signed_in: SignIn, world: World, a_member: int, b_member: int
) -> None:
    """Mixed ids: A's own member, with B's member as the receiver of shares, or B's plan in the address."""
    admin = await signed_in(world.a.emails["admin"])
    before = await both(world)
    moved = await admin.post(
        url(Route("POST", f"{MEMBER}/transfer"), world.a.slug, a_member), form("transfer", receiver=b_member)
    )
    assert moved.status_code == 400 and B_NAME not in moved.text
    target = f"/c/{world.a.slug}/shares/members/{a_member}/plan/{PLAN_OF[b_member]}/cancel"
    assert (await admin.get(target)).status_code == 404
    assert (await admin.post(target, form("cancel"))).status_code == 404
    assert await both(world) == before


async def test_payroll_deductions_stay_in_their_coop(world: World, b_member: int, a_member: int) -> None:
    due_a = await service_deductions(world.a.id)
    assert b_member not in {d.member_id for d in due_a}
    due_b = await service_deductions(world.b.id, {b_member: 70000})
    assert [(d.member_id, d.amount_cents) for d in due_b] == [(b_member, 1000)]


async def service_deductions(coop_id: int, pay_by_member: dict[int, int] | None = None) -> list[Any]:
    from osuus.tenants.shares.service import deductions_due

    return await deductions_due(coop_id, pay_by_member, on=dt.date(2026, 3, 31))
