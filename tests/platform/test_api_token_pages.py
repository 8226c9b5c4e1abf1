"""The pages /me/tokens: make a token (shown once), list, revoke with a confirm page; only one's own tokens."""

from __future__ import annotations

import re
from typing import Any

from osuus.platform import apitokens
from tests.fixtures import Browser, World, make_user
from tests.platform.test_api_tokens import owner_fetch

TOKEN = re.compile(r"<code>(osuus_[A-Za-z0-9_-]{43})</code>")


async def test_anonymous_is_sent_to_sign_in(browser: Browser) -> None:
    for path in ("/me/tokens", "/me/tokens/new", "/me/tokens/1/revoke"):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/signin?next={path}"
    response = await browser.post("/me/tokens/new", {"name": "Palkat"})
    assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=")


async def test_make_list_use_and_revoke_a_token(browser: Browser, new_browser: Any, world: World) -> None:
    await browser.signin(world.a.emails["admin"])
    program = new_browser()
    api = await program.get(f"/api/v1/coops/{world.a.slug}/notices", headers={"Authorization": "Bearer osuus_x"})
    assert api.status_code == 401
    me = await browser.get("/me")
    assert 'href="/me/tokens"' in me.text
    empty = await browser.get("/me/tokens")
    assert empty.status_code == 200
    form = await browser.get("/me/tokens/new")
    assert form.status_code == 200 and 'name="name"' in form.text

    refused = await browser.post("/me/tokens/new", {"name": "  "})
    assert refused.status_code == 400
    assert "Anna avaimelle nimi" in refused.text
    assert 'aria-invalid="true"' in refused.text
    long = await browser.post("/me/tokens/new", {"name": "x" * 101})
    assert long.status_code == 400 and 'value="' + "x" * 101 + '"' in long.text

    made = await browser.post("/me/tokens/new", {"name": "Palkanlaskenta"})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    match = TOKEN.search(made.text)
    assert match, made.text
    token = match.group(1)
    assert await apitokens.resolve(token) == world.a.users["admin"]
    api = await program.get(f"/api/v1/coops/{world.a.slug}/notices", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200

    listed = await browser.get("/me/tokens")
    assert "Palkanlaskenta" in listed.text
    assert token not in listed.text
    (view,) = [t for t in await apitokens.list_tokens(world.a.users["admin"]) if t.name == "Palkanlaskenta"]
    assert f'href="/me/tokens/{view.id}/revoke"' in listed.text

    confirm = await browser.get(f"/me/tokens/{view.id}/revoke")
    assert confirm.status_code == 200 and "Palkanlaskenta" in confirm.text
    assert f'action="/me/tokens/{view.id}/revoke"' in confirm.text
    done = await browser.post(f"/me/tokens/{view.id}/revoke")
    assert done.status_code == 303 and done.headers["location"] == "/me/tokens"
    assert await apitokens.resolve(token) is None
    after = await browser.get("/me/tokens")
    assert f'href="/me/tokens/{view.id}/revoke"' not in after.text
    again = await browser.get(f"/me/tokens/{view.id}/revoke")
    assert again.status_code == 200 and 'method="post"' not in again.text.split("<main", 1)[1]


async def test_someone_elses_token_is_not_found_and_stays(browser: Browser) -> None:
    owner, intruder = await make_user(), await make_user(email=None)
    token = await apitokens.issue_token(owner, "Toisen")
    (view,) = await apitokens.list_tokens(owner)
    emails = await owner_fetch("SELECT email FROM app_user WHERE id = $1", intruder)
    await browser.signin(emails[0]["email"])
    assert (await browser.get(f"/me/tokens/{view.id}/revoke")).status_code == 404
    assert (await browser.post(f"/me/tokens/{view.id}/revoke")).status_code == 404
    listed = await browser.get("/me/tokens")
    assert "Toisen" not in listed.text
    assert await apitokens.resolve(token) == owner
    (still,) = await apitokens.list_tokens(owner)
    assert still.revoked_at is None


async def test_revoking_needs_the_csrf_token(browser: Browser) -> None:
    user = await make_user()
    await apitokens.issue_token(user, "Suojattu")
    (view,) = await apitokens.list_tokens(user)
    emails = await owner_fetch("SELECT email FROM app_user WHERE id = $1", user)
    await browser.signin(emails[0]["email"])
    response = await browser.post(f"/me/tokens/{view.id}/revoke", csrf=False)
    assert "The form had expired" in response.text or "Lomake" in response.text
    assert response.status_code == 403
    (still,) = await apitokens.list_tokens(user)
    assert still.revoked_at is None
