"""Who may use the JSON API and how: tokens for everything, the session cookie for reads only, errors as JSON.

A browser sends its cookie by itself, so a write on the cookie alone could be forged by another site: /api/ is
left out of the CSRF check only because every write there needs a bearer token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform import apitokens
from tests.fixtures import ApiClient, ApiPlace, Browser, make_api_place
from tests.platform.test_api_tokens import owner_fetch
from tests.tenants.members.conftest import make_member, snapshot

TOKEN_NEEDED = (
    "Changes through the API need an API token. Make one on the page My API tokens and send it in the header "
    "Authorization: Bearer <token>."
)
BAD_TOKEN = "The token is not valid. It may be mistyped, expired or revoked. Make a new token on your page."
NEW_MEMBER = {"kind": "person", "name": "Uusi Jäsen", "member_class": "member", "on_date": "2026-02-01"}


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    p = await make_api_place(app)
    yield p
    await p.close()


async def signed_in(browser: Browser, place: ApiPlace, role: str = "admin") -> Browser:
    await browser.signin(f"{role}.{place.slug}@example.fi")
    browser.http.cookies.set("lang", "en", domain="testserver.local", path="/")
    return browser


async def test_token_reads_and_writes(place: ApiPlace) -> None:
    base = f"/api/v1/coops/{place.slug}"
    member = await make_member(place.id, "Aino Aalto")
    read = await place.api["admin"].get(f"{base}/members")
    assert read.status_code == 200
    assert [m["id"] for m in read.json()["members"]] == [member]
    write = await place.api["admin"].post(f"{base}/members", NEW_MEMBER)
    assert write.status_code == 201
    assert write.json()["member"]["name"] == "Uusi Jäsen"


async def test_session_reads_work(browser: Browser, place: ApiPlace) -> None:
    member = await make_member(place.id, "Aino Aalto")
    await signed_in(browser, place)
    response = await browser.get(f"/api/v1/coops/{place.slug}/members")
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["members"]] == [member]


@pytest.mark.parametrize("csrf", [True, False])
async def test_session_writes_are_refused_and_write_nothing(browser: Browser, place: ApiPlace, csrf: bool) -> None:
    """A signed-in browser, as JSON or as a form, with or without the CSRF token: 401, nothing written."""
    await signed_in(browser, place)
    before = await snapshot(place.id)
    target = f"/api/v1/coops/{place.slug}/members"
    as_json = await browser.http.post(target, json=NEW_MEMBER)
    as_form = await browser.post(target, NEW_MEMBER, csrf=csrf)
    for response in (as_json, as_form):
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == {"status": 401, "error": TOKEN_NEEDED}
    delete = await browser.http.delete(f"/api/v1/coops/{place.slug}/members/1/family/1")
    assert delete.status_code == 401
    assert await snapshot(place.id) == before


async def test_anonymous_write_is_refused(app: Any, place: ApiPlace) -> None:
    before = await snapshot(place.id)
    client = ApiClient(app, None, "en")
    try:
        response = await client.post(f"/api/v1/coops/{place.slug}/members", NEW_MEMBER)
    finally:
        await client.close()
    assert response.status_code == 401
    assert response.json() == {"status": 401, "error": TOKEN_NEEDED}
    assert await snapshot(place.id) == before


@pytest.mark.parametrize("case", ["wrong", "revoked", "expired", "basic", "empty", "deactivated"])
async def test_bad_token_is_401_and_never_falls_back_to_the_session(
    app: Any, browser: Browser, place: ApiPlace, case: str
) -> None:
    await signed_in(browser, place)  # a good session too: the bad token must not fall back to it
    user = place.users["board"]
    token = await apitokens.issue_token(user, "Kokeilu")
    (view,) = [t for t in await apitokens.list_tokens(user) if t.name == "Kokeilu"]
    header = f"Bearer {token}"
    if case == "wrong":
        header = f"Bearer {token[:-2]}xx"
    elif case == "revoked":
        assert await apitokens.revoke(user, view.id)
    elif case == "expired":
        await owner_fetch(
            "UPDATE api_token SET created_at = now() - interval '2 years', expires_at = now() - interval '1 minute' "
            "WHERE id = $1",
            view.id,
            user_id=user,
        )
    elif case == "basic":
        header = "Basic YWRtaW46c2FsYXNhbmE="
    elif case == "empty":
        header = "Bearer "
    elif case == "deactivated":
        await owner_fetch("UPDATE app_user SET is_active = false WHERE id = $1", user, user_id=user)
    before = await snapshot(place.id)
    base = f"/api/v1/coops/{place.slug}"
    read = await browser.http.get(f"{base}/members", headers={"authorization": header})
    write = await browser.http.post(f"{base}/members", json=NEW_MEMBER, headers={"authorization": header})
    for response in (read, write):
        assert response.status_code == 401, response.text
        assert response.json() == {"status": 401, "error": BAD_TOKEN}
    assert await snapshot(place.id) == before


async def test_a_token_acts_with_its_persons_roles(place: ApiPlace) -> None:
    """The member's token reads the board but not the register, like the member's pages."""
    base = f"/api/v1/coops/{place.slug}"
    assert (await place.api["member"].get(f"{base}/board")).status_code == 200
    refused = await place.api["member"].get(f"{base}/members")
    assert refused.status_code == 403
    assert refused.json() == {
        "status": 403,
        "error": "You do not have access to this. Your role in the coop does not allow it.",
    }


async def test_a_token_is_only_for_the_api(app: Any, place: ApiPlace) -> None:
    """Pages ignore the Authorization header: a token does not sign anyone in to the pages."""
    client = place.api["admin"]
    response = await client.get(f"/c/{place.slug}/members")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")
    assert (await client.get("/me")).status_code == 303


async def test_errors_under_api_are_json(place: ApiPlace) -> None:
    client = place.api["admin"]
    unknown_path = await client.get(f"/api/v1/coops/{place.slug}/no-such-thing")
    assert unknown_path.status_code == 404
    assert unknown_path.json() == {"status": 404, "error": "Not found. Check the address and the id."}
    not_json = await client.http.post(
        f"/api/v1/coops/{place.slug}/members", content=b"{not json", headers=client.headers()
    )
    assert not_json.status_code == 400
    assert not_json.json() == {"status": 400, "error": "The request could not be read"}
    wrong_method = await client.http.put(f"/api/v1/coops/{place.slug}/members", json={}, headers=client.headers())
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status"] == 405


async def test_language_of_the_messages(app: Any, place: ApiPlace, browser: Browser) -> None:
    """Under /api/ the language comes from the lang cookie, else from Accept-Language, else Finnish."""
    target = f"/api/v1/coops/{place.slug}/members"
    bad = {"kind": "person", "name": "", "member_class": "member", "on_date": "2026-02-01"}
    client = place.api["admin"]
    answers = {}
    for language in ("en", "fi", "sv-FI,sv;q=0.9", "de-DE,de;q=0.9,en;q=0.8", None):
        client.language = language
        answers[language] = (await client.post(target, bad)).json()["errors"]["name"]
    client.language = "en"
    assert answers["en"] == answers["de-DE,de;q=0.9,en;q=0.8"] == "Enter the name of the person"
    assert answers["fi"] == answers[None] == "Kirjoita henkilön nimi"
    assert answers["sv-FI,sv;q=0.9"] not in (answers["en"], answers["fi"])
    cookie = await client.http.post(
        target, json=bad, headers={**client.headers(), "accept-language": "en", "cookie": "lang=fi"}
    )
    assert cookie.json()["errors"]["name"] == "Kirjoita henkilön nimi"
    # Pages keep the cookie only: Accept-Language does not change a page's language.
    page = await browser.http.get("/signin", headers={"accept-language": "en"})
    assert '<html lang="fi">' in page.text


async def test_openapi_schema_lists_every_endpoint_and_the_bearer_scheme(browser: Browser) -> None:
    response = await browser.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    base = "/api/v1/coops/{slug}"
    expected = {
        f"{base}/members": {"get", "post"},
        f"{base}/members/{{member_id}}": {"get"},
        f"{base}/members/{{member_id}}/decisions/{{action}}": {"post"},
        f"{base}/members/{{member_id}}/family": {"post"},
        f"{base}/members/{{member_id}}/family/{{link_id}}": {"delete"},
        f"{base}/shares": {"get"},
        f"{base}/shares/policy": {"get", "post"},
        f"{base}/shares/members/{{member_id}}": {"get"},
        f"{base}/shares/members/{{member_id}}/plans": {"post"},
        f"{base}/shares/members/{{member_id}}/payments": {"post"},
        f"{base}/shares/deductions": {"get"},
        f"{base}/board": {"get"},
        f"{base}/board/seats": {"post"},
        f"{base}/board/seats/{{seat_id}}/end": {"post"},
        f"{base}/board/target": {"get", "post"},
    }
    for path, methods in expected.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path
    assert schema["components"]["securitySchemes"]["BearerToken"]["type"] == "http"
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert schema["components"]["securitySchemes"]["SessionCookie"]["in"] == "cookie"
    assert schema["security"] == [{"BearerToken": []}, {"SessionCookie": []}]
    for path, methods in expected.items():
        for method in methods - {"get"}:
            operation = schema["paths"][path][method]
            assert operation["security"] == [{"BearerToken": []}], (path, method)
            assert "400" in operation["responses"] or method == "delete", (path, method)
            assert "401" in operation["responses"], (path, method)
    statement = schema["paths"][f"{base}/shares/members/{{member_id}}/payments"]["post"]["responses"]["201"]
    assert statement["content"]["application/json"]["schema"]["$ref"].endswith("StatementOut")
    assert not [p for p in schema["paths"] if not p.startswith("/api/")]


async def test_csrf_is_left_out_only_for_paths_that_start_with_api(browser: Browser) -> None:
    """A coop whose slug is "api" keeps the CSRF check on its pages (/c/api/…)."""
    from tests.fixtures import grant, make_coop, make_region, make_user

    coop_id, slug = await make_coop(await make_region(), slug="api")
    email = f"admin.api.{coop_id}@example.fi"
    await grant(coop_id, await make_user(email, name="Api Admin"), "admin")
    await browser.signin(email)
    forged = await browser.post(f"/c/{slug}/notices/new", {"title": "Väärennös", "body": "x"}, csrf=False)
    assert forged.status_code == 403
    sent = await browser.post(f"/c/{slug}/notices/new", {"title": "Oikea", "body": "x"})
    assert sent.status_code == 303
