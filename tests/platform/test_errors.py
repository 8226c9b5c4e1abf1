"""Error pages: plain language, no stack traces, security headers everywhere, oversized bodies refused."""

from __future__ import annotations

from tests.fixtures import Browser, World


async def test_unknown_page_is_a_plain_404_with_headers(browser: Browser) -> None:
    response = await browser.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text or "Sivua ei löydy" in response.text
    assert "Traceback" not in response.text
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_unknown_coop_and_organisation_are_404(browser: Browser, world: World) -> None:
    await browser.signin(world.a.emails["admin"])
    assert (await browser.get("/c/no-such-coop/")).status_code == 404
    assert (await browser.get("/o/no-such-org/")).status_code == 404
    assert (await browser.get("/api/v1/coops/no-such-coop/notices")).status_code == 404


async def test_api_errors_are_json(browser: Browser, world: World) -> None:
    await browser.signin(world.a.emails["admin"])
    response = await browser.get(f"/api/v1/coops/{world.a.slug}/notices/999999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == 404


async def test_oversized_body_is_refused(browser: Browser) -> None:
    response = await browser.post("/signin", {"email": "a@b.fi", "password": "x" * 1_100_000})
    assert response.status_code == 413
    assert "Traceback" not in response.text


async def test_security_headers_on_pages(browser: Browser) -> None:
    response = await browser.get("/signin")
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text  # no inline (or any) script: pages work without JavaScript


async def test_anonymous_is_sent_to_sign_in_with_the_way_back(browser: Browser, world: World) -> None:
    response = await browser.get(f"/c/{world.a.slug}/people")
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next=/c/{world.a.slug}/people"


async def test_redirect_after_sign_in_stays_on_this_site(browser: Browser, world: World) -> None:
    response = await browser.post(
        "/signin",
        {"email": world.a.emails["member"], "password": "kissa-istuu-puussa-42", "next": "//evil.example/"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
