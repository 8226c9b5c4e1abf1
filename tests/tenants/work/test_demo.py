"""The work demo (osuus/tenants/work/demo.py) on a coop set up like Taidokkaat: it loads, and its pages open."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from osuus.platform.dates import today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.work.demo import ADMIN, COACH, WORKER, load_work_demo
from osuus.tenants.work.service import HoursRow, hours_for_worker_in_unit
from tests.fixtures import SignIn
from tests.tenants.catalogue.conftest import make_item
from tests.tenants.customers.conftest import make_customer
from tests.tenants.work.conftest import make_place, rows_of


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


async def test_work_demo_loads_and_shows(signed_in: SignIn) -> None:
    place = await make_place()
    await make_item(place.id, "Pihatyöt", price_cents=3600)
    await make_item(place.id, "Kotisiivous", price_cents=3900)
    await make_customer(place.id, "Liisa Laaksonen")
    await make_customer(place.id, "Ylöjärven kaupunki", kind="public")
    users = {ADMIN: place.users["admin"], COACH: place.users["coach"], WORKER: place.maija.user_id}
    async with coop_unit(place.id):
        await load_work_demo(place.id, users)
    orders = await rows_of(place.id, "work_order")
    assert sorted(o["status"] for o in orders) == sorted(
        ["invoiced", "done", "in_progress", "scheduled", "scheduled", "requested", "cancelled"]
    )
    on = today()
    async with coop_unit(place.id):
        hours = await hours_for_worker_in_unit(place.id, place.maija.member_id, on - dt.timedelta(days=60), on)
    assert [(h.day, h.minutes, h.approved) for h in hours] == [
        (on - dt.timedelta(days=40), 180, True),
        (on - dt.timedelta(days=10), 180, True),
        (on - dt.timedelta(days=1), 240, False),
    ]
    assert all(isinstance(h, HoursRow) for h in hours)
    maija = await signed_in(place.maija.email)
    mine = text(await maija.get(f"/c/{place.slug}/work/mine"))
    assert "Kotisiivous, Koivukuja 3" in mine and "Yes, I take this job" in mine
    assert "Kotisiivous, Kuusikkotie 7" in mine and "Puistojen pihatyöt" in mine
    coach = await signed_in(place.emails["coach"])
    waiting = text(await coach.get(f"/c/{place.slug}/work/hours"))
    assert "Waiting for approval: 2" in waiting
    admin = await signed_in(place.emails["admin"])
    assert "Orders shown: 5" in text(await admin.get(f"/c/{place.slug}/work/orders"))
    assert "Orders shown: 7" in text(await admin.get(f"/c/{place.slug}/work/orders?status=all"))
    for order in orders:
        assert (await admin.get(f"/c/{place.slug}/work/orders/{order['id']}")).status_code == 200


async def test_work_demo_has_an_open_search_for_a_substitute(signed_in: SignIn) -> None:
    from tests.tenants.work.conftest import make_worker

    place = await make_place()
    await make_item(place.id, "Pihatyöt", price_cents=3600, category="gardening")
    await make_item(place.id, "Kotisiivous", price_cents=3900, category="cleaning")
    await make_customer(place.id, "Liisa Laaksonen")
    await make_customer(place.id, "Ylöjärven kaupunki", kind="public")
    sanna = await make_worker(place.id, "Sanna Saarinen")
    leena = await make_worker(place.id, "Leena Laine")
    users = {ADMIN: place.users["admin"], COACH: place.users["coach"], WORKER: place.maija.user_id}
    async with coop_unit(place.id):
        await load_work_demo(place.id, users)
    [search] = await rows_of(place.id, "work_substitution")
    assert (search["status"], search["member_id"]) == ("open", sanna.member_id)
    offers = await rows_of(place.id, "work_assignment", "substitution_id = {}", search["id"])
    assert sorted(o["member_id"] for o in offers) == sorted([place.maija.member_id, leena.member_id])
    assert {o["status"] for o in offers} == {"offered"}
    skills = await rows_of(place.id, "work_skill", "member_id = {}", place.maija.member_id)
    assert len(skills) == 2
    maija = await signed_in(place.maija.email)
    page = text(await maija.get(f"/c/{place.slug}/work/mine"))
    assert "Substitute needed: a worker cannot come." in page and "Ikkunanpesu, Rantatie 2" in page
    coach = await signed_in(place.emails["coach"])
    detail = text(await coach.get(f"/c/{place.slug}/work/substitutes/{search['id']}"))
    assert "Lääkäriaika samana päivänä." in detail
    assert "Maija Jäsen: Has an offer already" in detail
