"""Linking an account, contact details and the person's own membership and documents through the JSON API: exact
values, the same roles as the pages, refusals change nothing, session cookies cannot write."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.shares.tables import ShareChange, SharePayment
from tests.fixtures import ApiPlace, Browser, make_api_place, make_user
from tests.tenants.members.conftest import make_member, member_row, raw, snapshot

FORBIDDEN = {"status": 403, "error": "You do not have access to this. Your role in the coop does not allow it."}
NOT_FOUND = {"status": 404, "error": "Not found. Check the address and the id."}
TOKEN_NEEDED = (
    "Changes through the API need an API token. Make one on the page My API tokens and send it in the header "
    "Authorization: Bearer <token>."
)
BAD_EMAIL = "Enter the e-mail address in the form name@example.fi"
BAD_PHONE = "Write the phone number with digits, for example 040 123 4567"


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    """A fresh coop for every test: the lists of accounts and the audit rows are exact whatever else runs."""
    p = await make_api_place(app)
    yield p
    await p.close()


def base(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}"


def member_json(member_id: int, name: str, **changes: Any) -> dict[str, Any]:
    out = {
        "id": member_id,
        "kind": "person",
        "name": name,
        "email": "",
        "phone": "",
        "member_class": "member",
        "status": "active",
        "applied_on": None,
        "joined_on": "2025-01-15",
        "left_on": None,
        "organisation": None,
        "has_account": False,
        "account_email": "",
    }
    out.update(changes)
    return out


async def audit_details(coop_id: int, action: str) -> list[tuple[str, dict[str, Any]]]:
    async with coop_unit(coop_id):
        rows = await raw(
            "SELECT target, detail FROM audit_log WHERE coop_id = {} AND action = {} ORDER BY id", coop_id, action
        )
    return [(r["target"], json.loads(r["detail"])) for r in rows]


async def roles_of(coop_id: int, user_id: int) -> list[str]:
    async with coop_unit(coop_id):
        rows = await raw(
            "SELECT role FROM coop_role WHERE coop_id = {} AND user_id = {} ORDER BY role", coop_id, user_id
        )
    return [r["role"] for r in rows]


async def paid_shares(coop_id: int, member_id: int, value: int, paid: int) -> None:
    async with coop_unit(coop_id):
        await ShareChange.insert(
            ShareChange(
                coop=coop_id,
                member=member_id,
                shares=1,
                value_cents=value,
                on_date=dt.date(2025, 2, 1),
                reason="subscribed",
            )
        ).run()
        await SharePayment.insert(
            SharePayment(
                coop=coop_id,
                member=member_id,
                amount_cents=paid,
                kind="payment",
                paid_on=dt.date(2025, 2, 2),
                source="bank",
                reference="",
            )
        ).run()


# --- linking an account ------------------------------------------------------------------------------------------


async def test_account_choices_and_linking_from_the_list(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    admin = place.api["admin"]
    choices = await admin.get(f"{base(place)}/members/{aino}/account")
    assert choices.status_code == 200, choices.text
    assert choices.json() == {
        "member": member_json(aino, "Aino Aalto"),
        "accounts": [
            {
                "user_id": place.users[role],
                "name": f"{role.title()} {place.slug}",
                "email": f"{role}.{place.slug}@example.fi",
            }
            for role in ("admin", "board", "coach", "member")
        ],
    }

    linked = await admin.post(f"{base(place)}/members/{aino}/account", {"account_id": place.users["coach"]})
    assert linked.status_code == 200, linked.text
    assert linked.json()["member"] == member_json(
        aino, "Aino Aalto", has_account=True, account_email=f"coach.{place.slug}@example.fi"
    )
    assert (await member_row(place.id, aino))["user_id"] == place.users["coach"]
    assert await roles_of(place.id, place.users["coach"]) == ["coach"]  # had a role here: nothing added
    assert await audit_details(place.id, "member.account_linked") == [
        (f"member:{aino}", {"user_id": place.users["coach"], "by": "account", "role_granted": False})
    ]
    # The coach is linked now: no longer a choice for anyone else.
    other = await make_member(place.id, "Olli Toinen")
    again = (await admin.get(f"{base(place)}/members/{other}/account")).json()["accounts"]
    assert [a["user_id"] for a in again] == [place.users[r] for r in ("admin", "board", "member")]

    before = await snapshot(place.id)
    twice = await admin.post(f"{base(place)}/members/{aino}/account", {"account_id": place.users["board"]})
    assert twice.status_code == 409
    assert twice.json() == {
        "status": 409,
        "error": "This member already has an Osuus account linked. Nothing was changed.",
    }
    assert await snapshot(place.id) == before


async def test_linking_any_account_by_email_gives_the_member_role(place: ApiPlace) -> None:
    user = await make_user(f"uusi.{place.slug}@example.fi", name="Uusi Tili")
    uusi = await make_member(place.id, "Uusi Tili")
    linked = await place.api["admin"].post(
        f"{base(place)}/members/{uusi}/account", {"email": f" Uusi.{place.slug}@Example.FI "}
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["member"]["account_email"] == f"uusi.{place.slug}@example.fi"
    assert (await member_row(place.id, uusi))["user_id"] == user
    assert await roles_of(place.id, user) == ["member"]
    assert await audit_details(place.id, "member.account_linked") == [
        (f"member:{uusi}", {"user_id": user, "by": "email", "role_granted": True})
    ]


async def test_linking_refused_with_field_messages(place: ApiPlace) -> None:
    outsider = await make_user(f"ulkona.{place.slug}@example.fi", name="Ulko Puolinen")  # no role here
    await make_member(place.id, "Varattu", user_id=place.users["member"])
    aino = await make_member(place.id, "Aino Aalto")
    url = f"{base(place)}/members/{aino}/account"
    before = await snapshot(place.id)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({}, {"account_id": "Choose a person from the list, or write the e-mail address of their account"}),
        ({"account_id": "x1"}, {"account_id": "Choose a person from the list"}),
        ({"account_id": outsider}, {"account_id": "Choose a person from the list"}),
        ({"account_id": place.users["member"]}, {"account_id": "Choose a person from the list"}),
        ({"email": "ei-osoite"}, {"email": BAD_EMAIL}),
        (
            {"email": f"ei-ole.{place.slug}@example.fi"},
            {
                "email": "There is no Osuus account with this e-mail address. Ask the person to make an account first, "
                "or invite them on the page People and roles."
            },
        ),
        (
            {"email": f"member.{place.slug}@example.fi"},
            {"email": "This account is already linked to another member of the register"},
        ),
    ]
    for body, errors in cases:
        response = await place.api["admin"].post(url, body)
        assert response.status_code == 400, (body, response.text)
        assert response.json() == {"errors": errors}, body
    assert await snapshot(place.id) == before


# --- contact details ---------------------------------------------------------------------------------------------


async def test_admin_changes_contact_details_and_left_out_fields_stay(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto", email="aino@example.fi")
    url = f"{base(place)}/members/{aino}/contact"
    admin = place.api["admin"]
    phone = await admin.post(url, {"phone": "040 123 4567"})
    assert phone.status_code == 200, phone.text
    assert phone.json()["member"] == member_json(aino, "Aino Aalto", email="aino@example.fi", phone="040 123 4567")
    renamed = await admin.post(url, {"name": "Aino Aalto-Berg", "email": "Aino.Berg@Example.fi", "phone": None})
    assert renamed.status_code == 200
    assert renamed.json()["member"] == member_json(aino, "Aino Aalto-Berg", email="aino.berg@example.fi")
    row = await member_row(place.id, aino)
    assert (row["name"], row["email"], row["phone"]) == ("Aino Aalto-Berg", "aino.berg@example.fi", "")
    assert await audit_details(place.id, "member.contact_changed") == [
        (f"member:{aino}", {"changes": {"phone": ["", "040 123 4567"]}, "by_self": False}),
        (
            f"member:{aino}",
            {
                "changes": {
                    "name": ["Aino Aalto", "Aino Aalto-Berg"],
                    "email": ["aino@example.fi", "aino.berg@example.fi"],
                    "phone": ["040 123 4567", ""],
                },
                "by_self": False,
            },
        ),
    ]
    before = await snapshot(place.id)
    same = await admin.post(url, {"name": "Aino Aalto-Berg"})  # nothing changes: nothing is written
    assert same.status_code == 200
    bad = await admin.post(url, {"name": "", "email": "aino@", "phone": "soita"})
    assert bad.status_code == 400
    assert bad.json() == {"errors": {"name": "Enter the name of the person", "email": BAD_EMAIL, "phone": BAD_PHONE}}
    missing = await admin.post(f"{base(place)}/members/{2**40}/contact", {"phone": "040 123 4567"})
    assert missing.status_code == 404 and missing.json() == NOT_FOUND
    assert await snapshot(place.id) == before


# --- the person's own membership -------------------------------------------------------------------------------


async def test_my_membership_and_my_contact_details(place: ApiPlace) -> None:
    mine = await make_member(place.id, "Maija Mäkelä", email="maija@example.fi", user_id=place.users["member"])
    member = place.api["member"]
    me = await member.get(f"{base(place)}/me")
    assert me.status_code == 200, me.text
    expected = member_json(
        mine,
        "Maija Mäkelä",
        email="maija@example.fi",
        has_account=True,
        account_email=f"member.{place.slug}@example.fi",
    )
    assert me.json()["member"] == expected
    assert [{k: v for k, v in e.items() if k != "created_at"} for e in me.json()["history"]] == [
        {
            "kind": "admitted",
            "on_date": "2025-01-15",
            "decided_by": "Perustava kokous",
            "recorded_by": "",
            "note": "",
            "new_class": "",
        }
    ]
    assert (await place.api["coach"].get(f"{base(place)}/me")).json() == {"member": None, "history": []}

    saved = await member.post(f"{base(place)}/me/contact", {"phone": "+358 40 765 4321", "name": "Joku Muu"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["member"] == {**expected, "phone": "+358 40 765 4321"}  # the name is not theirs to change
    emptied = await member.post(f"{base(place)}/me/contact", {"email": ""})
    assert emptied.json()["member"] == {**expected, "phone": "+358 40 765 4321", "email": ""}
    row = await member_row(place.id, mine)
    assert (row["name"], row["email"], row["phone"]) == ("Maija Mäkelä", "", "+358 40 765 4321")
    assert await audit_details(place.id, "member.contact_changed") == [
        (f"member:{mine}", {"changes": {"phone": ["", "+358 40 765 4321"]}, "by_self": True}),
        (f"member:{mine}", {"changes": {"email": ["maija@example.fi", ""]}, "by_self": True}),
    ]

    before = await snapshot(place.id)
    bad = await member.post(f"{base(place)}/me/contact", {"email": "maija(at)example.fi", "phone": "x"})
    assert bad.status_code == 400
    assert bad.json() == {"errors": {"email": BAD_EMAIL, "phone": BAD_PHONE}}
    unlinked = await place.api["coach"].post(f"{base(place)}/me/contact", {"phone": "040 123 4567"})
    assert unlinked.status_code == 404 and unlinked.json() == NOT_FOUND
    assert await snapshot(place.id) == before


async def test_my_documents(place: ApiPlace) -> None:
    mine = await make_member(place.id, "Maija Mäkelä", user_id=place.users["member"])
    trial = await make_member(place.id, "Timo Kokeilu", "trial", user_id=place.users["board"])
    await paid_shares(place.id, mine, 5000, 5000)
    await paid_shares(place.id, trial, 5000, 1000)
    c = f"/c/{place.slug}"
    documents = await place.api["member"].get(f"{base(place)}/me/documents")
    assert documents.status_code == 200, documents.text
    assert documents.json() == {
        "member_id": mine,
        "documents": [
            {
                "title": "My share statement",
                "about": "My shares and all my payments.",
                "href": f"{c}/shares/members/{mine}/statement.pdf",
            },
            {
                "title": "My share certificate",
                "about": "Shows that my shares are paid.",
                "href": f"{c}/shares/members/{mine}/certificate.pdf",
            },
            {
                "title": "My membership certificate",
                "about": "Shows that I am a member of the cooperative.",
                "href": f"{c}/members/{mine}/membership.pdf",
            },
        ],
    }
    unpaid = (await place.api["board"].get(f"{base(place)}/me/documents")).json()
    assert [d["href"] for d in unpaid["documents"]] == [
        f"{c}/shares/members/{trial}/statement.pdf",
        f"{c}/members/{trial}/membership.pdf",
    ]
    assert (await place.api["coach"].get(f"{base(place)}/me/documents")).json() == {"member_id": None, "documents": []}


# --- roles, sessions, the schema --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("board", "GET", "/members/{aino}/account", None),
        ("coach", "GET", "/members/{aino}/account", None),
        ("member", "GET", "/members/{aino}/account", None),
        ("board", "POST", "/members/{aino}/account", {"account_id": "{coach}"}),
        ("coach", "POST", "/members/{aino}/account", {"account_id": "{coach}"}),
        ("member", "POST", "/members/{aino}/account", {"email": "coach"}),
        ("board", "POST", "/members/{aino}/contact", {"name": "Muutettu", "phone": "040 111 2222"}),
        ("coach", "POST", "/members/{aino}/contact", {"name": "Muutettu"}),
        ("member", "POST", "/members/{aino}/contact", {"email": "muutettu@example.fi"}),
    ],
)
async def test_roles_that_the_pages_refuse_are_refused(
    place: ApiPlace, role: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    before = await snapshot(place.id)
    target = base(place) + path.format(aino=aino)
    data = dict(body or {})
    if data.get("account_id") == "{coach}":
        data["account_id"] = place.users["coach"]
    if data.get("email") == "coach":
        data["email"] = f"coach.{place.slug}@example.fi"
    client = place.api[role]
    response = await (client.get(target) if method == "GET" else client.post(target, data))
    assert response.status_code == 403, response.text
    assert response.json() == FORBIDDEN
    assert "Aino" not in response.text
    assert await snapshot(place.id) == before


async def test_session_cookie_cannot_write(browser: Browser, place: ApiPlace) -> None:
    """A signed-in browser reads its own membership, but every change here needs a token: 401, nothing written."""
    aino = await make_member(place.id, "Aino Aalto")
    await make_member(place.id, "Admin Itse", user_id=place.users["admin"])
    await browser.signin(f"admin.{place.slug}@example.fi")
    browser.http.cookies.set("lang", "en", domain="testserver.local", path="/")
    assert (await browser.get(f"{base(place)}/me")).json()["member"]["name"] == "Admin Itse"
    before = await snapshot(place.id)
    for path, body in [
        (f"/members/{aino}/account", {"account_id": place.users["coach"]}),
        (f"/members/{aino}/contact", {"phone": "040 123 4567"}),
        ("/me/contact", {"phone": "040 123 4567"}),
    ]:
        as_json = await browser.http.post(base(place) + path, json=body)
        as_form = await browser.post(base(place) + path, body)
        for response in (as_json, as_form):
            assert response.status_code == 401, (path, response.text)
            assert response.json() == {"status": 401, "error": TOKEN_NEEDED}
    assert await snapshot(place.id) == before


async def test_openapi_schema_lists_the_new_endpoints(browser: Browser) -> None:
    schema = (await browser.get("/schema/openapi.json")).json()
    api = "/api/v1/coops/{slug}"
    expected = {
        f"{api}/members/{{member_id}}/account": {"get": "AccountChoicesOut", "post": "MemberDetailOut"},
        f"{api}/members/{{member_id}}/contact": {"post": "MemberDetailOut"},
        f"{api}/me": {"get": "MyMembershipOut"},
        f"{api}/me/contact": {"post": "MyMembershipOut"},
        f"{api}/me/documents": {"get": "MyDocumentsOut"},
    }
    for path, methods in expected.items():
        assert path in schema["paths"], path
        for method, out in methods.items():
            operation = schema["paths"][path][method]
            ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            assert ok.endswith(out), (path, method, ok)
            assert {"401", "403", "404"} <= set(operation["responses"]), (path, method)
            if method == "post":
                assert operation["security"] == [{"BearerToken": []}], (path, method)
                assert "400" in operation["responses"], (path, method)
    assert "409" in schema["paths"][f"{api}/members/{{member_id}}/account"]["post"]["responses"]


@pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "1.5", 10**30, -1, 1.5])
async def test_odd_account_ids_are_refused_never_500(place: ApiPlace, value: Any) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    before = await snapshot(place.id)
    response = await place.api["admin"].post(f"{base(place)}/members/{aino}/account", {"account_id": value})
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": {"account_id": "Choose a person from the list"}}
    huge = "9" * 30
    for path in (f"/members/{huge}/account", f"/members/{huge}/contact"):
        got = await place.api["admin"].post(base(place) + path, {"phone": "040 123 4567"})
        assert got.status_code == 404, (path, got.text)
    assert (await place.api["admin"].get(f"{base(place)}/members/{huge}/account")).status_code == 404
    assert await snapshot(place.id) == before
