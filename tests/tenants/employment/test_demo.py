"""The employment demo data loads into a coop like Taidokkaat and opens with the development key."""

from __future__ import annotations

from typing import Any

from osuus.platform.context import CoopContext, Viewer
from osuus.platform.tenancy import coop_unit
from osuus.tenants.employment import service
from osuus.tenants.employment.demo import MAIJA_LIMIT_CENTS, load_employment_demo
from tests.fixtures import grant, make_coop, make_region, make_user
from tests.tenants.employment.conftest import make_member


async def test_demo_loads(app: Any) -> None:
    coop_id, slug = await make_coop(await make_region())
    admin = await make_user(name="Pirjo Puheenjohtaja")
    coach = await make_user(name="Ville Valmentaja")
    await grant(coop_id, admin, "admin")
    await grant(coop_id, coach, "coach")
    ids = {name: await make_member(coop_id, name) for name in ("Maija Jäsen", "Timo Tekijä", "Sanna Saarinen")}
    async with coop_unit(coop_id, admin):
        await load_employment_demo(coop_id, {"pj@taidokkaat.example": admin, "valmentaja@osuus.example": coach})
    viewer = Viewer(coach, "v@example.fi", "Ville Valmentaja", "fi")
    ctx = CoopContext(coop_id, slug, "Taidokkaat", "active", ("coach",), viewer)
    page = await service.benefit_page(ctx, ids["Maija Jäsen"], "")
    assert page.current is not None
    assert (page.current.kind, page.current.limit_cents) == ("disability_pension", MAIJA_LIMIT_CENTS)
    worker = await service.worker_page(ctx, ids["Maija Jäsen"])
    [contract] = worker.contracts
    assert contract.kind == "indefinite" and len(contract.terms) == 2
    assert contract.current.hourly_wage_cents == 1280
    assert [c.name for c in worker.coaches] == ["Ville Valmentaja"]
    timo = await service.worker_page(ctx, ids["Timo Tekijä"])
    assert timo.contracts[0].kind == "fixed_term" and timo.contracts[0].current.on_call
