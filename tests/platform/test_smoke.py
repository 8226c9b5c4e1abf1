"""The front page and sign-in work end to end against real PostgreSQL and Redis."""

from tests.fixtures import Browser, World


async def test_front_page_is_finnish_by_default(browser: Browser) -> None:
    response = await browser.get("/")
    assert response.status_code == 200
    assert '<html lang="fi">' in response.text


async def test_admin_signs_in_and_sees_own_coop(browser: Browser, world: World) -> None:
    await browser.signin(world.a.emails["admin"])
    response = await browser.get(f"/c/{world.a.slug}/")
    assert response.status_code == 200
    assert f"Tiedote {world.a.slug}" in response.text
    assert f"Tiedote {world.b.slug}" not in response.text
