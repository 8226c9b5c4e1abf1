"""Ids that do not fit PostgreSQL's bigint, or are not plain digits, are "not found" or a form message — never 500."""

from __future__ import annotations

import pytest

from tests.fixtures import Browser, World

HUGE = "9" * 30
PATHS = [
    "/c/{slug}/members/{id}",
    "/c/{slug}/shares/members/{id}",
    "/c/{slug}/board/seats/{id}/end",
    "/c/{slug}/notices/{id}",
    "/c/{slug}/meetings/{id}",
    "/c/{slug}/work/orders/{id}",
    "/c/{slug}/work/orders/new?request={id}",
    "/c/{slug}/customers/new?request={id}",
    "/c/{slug}/work/orders/new?request=\u00b2",
    "/c/{slug}/customers/new?request=abc",
    "/api/v1/coops/{slug}/members/{id}",
    "/api/v1/coops/{slug}/notices/{id}",
]


@pytest.mark.parametrize("path", PATHS)
async def test_huge_id_in_the_address_is_not_found(world: World, browser: Browser, path: str) -> None:
    await browser.signin(world.a.emails["admin"])
    response = await browser.get(path.format(slug=world.a.slug, id=HUGE))
    assert response.status_code == 404, response.text[:300]


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "1.5"])
async def test_odd_numbers_in_forms_are_refused_with_a_message(world: World, browser: Browser, value: str) -> None:
    from tests.tenants.governance.conftest import make_member

    member = await make_member(world.a.id, "Maija Virtanen")
    await browser.signin(world.a.emails["admin"])
    family = await browser.post(
        f"/c/{world.a.slug}/members/{member}/family/new", {"relative": value, "relation": "spouse"}
    )
    assert family.status_code == 400
    assert "Valitse henkilö listasta" in family.text
    transfer = await browser.post(
        f"/c/{world.a.slug}/shares/members/{member}/transfer",
        {"receiver": value, "shares": "1", "on_date": "1.1.2026", "decided_by": "Hallitus"},
    )
    assert transfer.status_code in (400, 409)
    target = await browser.post(
        f"/c/{world.a.slug}/board/target",
        {f"seats_{k}": value for k in ("partial_work_ability", "job_coach", "unit_director", "relative", "other")},
    )
    assert target.status_code == 400
