"""Work orders: made from the staff form and from a storefront request, the list and its filters, changes, and the
status flow (every allowed step, every refused step with nothing written)."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import pytest

from osuus.platform.dates import HELSINKI, format_date, today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue.tables import CatalogueItem
from osuus.tenants.work.service import STEPS
from osuus.tenants.work.tables import ORDER_STATUSES
from tests.fixtures import SignIn
from tests.tenants.catalogue.conftest import make_item, make_request
from tests.tenants.work.conftest import (
    Place,
    make_assignment,
    make_hours,
    make_order,
    make_place,
    rows_of,
    snapshot,
)


@pytest.fixture(scope="module")
async def mp(db: None) -> Place:
    return await make_place()


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


def order_id_of(response: Any) -> int:
    return int(response.headers["location"].split("/")[-1].split("?")[0])


async def test_admin_makes_an_order_with_items_and_a_time(signed_in: SignIn, mp: Place) -> None:
    item = await make_item(mp.id, "Pihatyöt", price_cents=3600)
    admin = await signed_in(mp.emails["admin"])
    page = await admin.get(f"/c/{mp.slug}/work/orders/new")
    assert page.status_code == 200
    assert "Pihatyöt" in text(page)
    day = today() + dt.timedelta(days=3)
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/new",
        {
            "title": "Pihatyöt Kuusitie 3", "customer": "", "customer_name": "Liisa Laaksonen",
            "contact_email": "Liisa@Example.fi", "contact_phone": "040 555 1234", "place": "Kuusitie 3, 33470 Ylöjärvi",
            "day": format_date(day), "start": "8.30", "end": "12", "time_window": "", "notes": "Tuo harava.",
            f"amount_{item}": "2,5",
        },
    )  # fmt: skip
    assert response.status_code == 303, text(response)[:2000]
    order_id = order_id_of(response)
    assert response.headers["location"] == f"/c/{mp.slug}/work/orders/{order_id}?done=added"
    [row] = await rows_of(mp.id, "work_order", "id = {}", order_id)
    assert (row["title"], row["status"], row["source"], row["customer_id"], row["customer_name"]) == (
        "Pihatyöt Kuusitie 3", "requested", "staff", None, "Liisa Laaksonen",
    )  # fmt: skip
    assert (row["contact_email"], row["day"], row["notes"], row["request_id"]) == (
        "liisa@example.fi",
        day,
        "Tuo harava.",
        None,
    )
    assert row["starts_at"] == dt.datetime.combine(day, dt.time(8, 30), tzinfo=HELSINKI)
    assert row["ends_at"] == dt.datetime.combine(day, dt.time(12, 0), tzinfo=HELSINKI)
    lines = await rows_of(mp.id, "work_order_line", "order_id = {}", order_id)
    assert [(r["item_id"], r["name"], r["quantity"], r["unit"], r["price_cents"], r["vat_code"]) for r in lines] == [
        (item, "Pihatyöt", Decimal("2.50"), "hour", 3600, "general")
    ]
    events = await rows_of(mp.id, "work_order_event", "order_id = {}", order_id)
    assert [(e["kind"], e["from_status"], e["to_status"], e["by_id"]) for e in events] == [
        ("created", "", "requested", mp.users["admin"])
    ]
    detail = text(await admin.get(f"/c/{mp.slug}/work/orders/{order_id}?done=added"))
    assert "The order is saved." in detail
    assert "from 8.30 to 12.00" in detail
    assert "Total without VAT: €90.00" in detail or "Total without VAT: 90,00 €" in detail


async def test_order_from_a_request_is_filled_in_and_marks_the_request_handled(signed_in: SignIn, mp: Place) -> None:
    item = await make_item(mp.id, "Kotisiivous", price_cents=3900)
    request_id = await make_request(mp.id, "Pekka Pihamaa", item_id=item, quantity="3")
    admin = await signed_in(mp.emails["admin"])
    page = text(await admin.get(f"/c/{mp.slug}/work/orders/new?request={request_id}"))
    assert 'value="Pekka Pihamaa"' in page
    assert 'value="Kuusitie 3, 33470 Ylöjärvi"' in page
    assert 'value="1.5.2030"' in page
    assert f'name="amount_{item}" type="text" value="3"' in page
    assert f'name="request" value="{request_id}"' in page
    form = {
        "request": str(request_id), "title": "Rivi", "customer_name": "Pekka Pihamaa", "place": "Kuusitie 3",
        "day": "1.5.2030", f"amount_{item}": "3",
    }  # fmt: skip
    response = await admin.post(f"/c/{mp.slug}/work/orders/new", form)
    assert response.status_code == 303
    order_id = order_id_of(response)
    [row] = await rows_of(mp.id, "work_order", "id = {}", order_id)
    assert (row["source"], row["request_id"]) == ("request", request_id)
    [request] = await rows_of(mp.id, "order_request", "id = {}", request_id)
    assert (request["status"], request["handled_by"]) == ("handled", mp.users["admin"])
    lines = await rows_of(mp.id, "work_order_line", "order_id = {}", order_id)
    assert [(r["quantity"], r["price_cents"]) for r in lines] == [(Decimal("3.00"), 3900)]

    before = await snapshot(mp.id)
    again = await admin.post(f"/c/{mp.slug}/work/orders/new", form)
    assert again.status_code == 409
    assert "An order has already been made from this request." in text(again)
    assert await snapshot(mp.id) == before


async def test_bad_order_form_comes_back_filled_in_and_nothing_is_saved(signed_in: SignIn, mp: Place) -> None:
    item = await make_item(mp.id, "Ikkunanpesu")
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/new",
        {"title": "", "customer_name": "", "contact_email": "ei-osoite", "day": "31.2.2026", "start": "8.30",
         "end": "", f"amount_{item}": "kaksi", "amount_999999999": "1", "notes": "Muista avain"},
    )  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert page.count("Error:") >= 1
    for message in (
        "Write a short name for the job, for example Garden work at Kuusitie 3",
        "Choose a customer from the list, or write the customer's name",
        "Enter the e-mail address in the form name@example.fi",
        "Check the date. This day is not in the calendar, for example 31.2. is not",
        "Write when the job ends, or leave both times empty",
        "Choose the items from the catalogue",
        "Write the amount as a number, for example 2 or 1,5",
    ):
        assert message in page, message
    assert 'value="kaksi"' in page and "Muista avain" in page and 'value="ei-osoite"' in page
    assert await snapshot(mp.id) == before


async def test_both_customer_and_name_and_end_before_start_are_refused(signed_in: SignIn, mp: Place) -> None:
    from tests.tenants.work.conftest import raw

    async with coop_unit(mp.id):
        rows = await raw(
            "INSERT INTO customer (coop_id, kind, name, contact_name, email, phone, street, postcode, city, country, "
            "business_id, einvoice_address, einvoice_operator, language, notes, created_at, updated_at) VALUES "
            "({}, 'household', 'Aino Asiakas', '', '', '', '', '', '', 'FI', '', '', '', 'fi', '', now(), now()) "
            "RETURNING id",
            mp.id,
        )
    customer = rows[0]["id"]
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/new",
        {"title": "Työ", "customer": str(customer), "customer_name": "Joku muu", "day": "1.6.2030", "start": "12.00",
         "end": "8.00"},
    )  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert "Choose a customer from the list or write a name. Not both" in page
    assert "The end must be later than the start" in page
    assert await snapshot(mp.id) == before
    ok = await admin.post(f"/c/{mp.slug}/work/orders/new", {"title": "Työ", "customer": str(customer)})
    assert ok.status_code == 303
    [row] = await rows_of(mp.id, "work_order", "id = {}", order_id_of(ok))
    assert (row["customer_id"], row["customer_name"], row["day"]) == (customer, "", None)
    assert "Aino Asiakas" in text(await admin.get(ok.headers["location"]))


# --- the status flow -------------------------------------------------------------------------------------------

CASES = [(s.name, status) for s in STEPS for status in ORDER_STATUSES]


@pytest.mark.parametrize(("step", "status"), CASES, ids=[f"{s}-from-{st}" for s, st in CASES])
async def test_every_step_from_every_status(signed_in: SignIn, mp: Place, step: str, status: str) -> None:
    found = next(s for s in STEPS if s.name == step)
    order_id = await make_order(mp.id, status=status, day=dt.date(2030, 6, 3))
    admin = await signed_in(mp.emails["admin"])
    url = f"/c/{mp.slug}/work/orders/{order_id}/steps/{step}"
    before = await snapshot(mp.id)
    confirm = await admin.get(url)
    response = await admin.post(url, {"note": "Asiakas soitti"})
    if status in found.from_:
        assert confirm.status_code == 200
        assert response.status_code == 303
        assert response.headers["location"] == f"/c/{mp.slug}/work/orders/{order_id}?done={found.to}"
        [row] = await rows_of(mp.id, "work_order", "id = {}", order_id)
        assert row["status"] == found.to
        events = await rows_of(mp.id, "work_order_event", "order_id = {} AND kind <> 'created'", order_id)
        assert [(e["kind"], e["from_status"], e["to_status"], e["by_id"], e["note"]) for e in events] == [
            (found.to, status, found.to, mp.users["admin"], "Asiakas soitti")
        ]
    else:
        assert confirm.status_code == 409
        assert response.status_code == 409
        assert "Nothing was changed." in text(response)
        assert await snapshot(mp.id) == before


async def test_unknown_step_is_not_found(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, status="requested")
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    assert (await admin.get(f"/c/{mp.slug}/work/orders/{order_id}/steps/teleport")).status_code == 404
    assert (await admin.post(f"/c/{mp.slug}/work/orders/{order_id}/steps/teleport")).status_code == 404
    assert await snapshot(mp.id) == before


async def test_roles_of_the_steps(signed_in: SignIn, mp: Place) -> None:
    member = await signed_in(mp.emails["member"])
    coach = await signed_in(mp.emails["coach"])
    board = await signed_in(mp.emails["board"])
    requested = await make_order(mp.id, status="requested")
    done = await make_order(mp.id, status="done")
    before = await snapshot(mp.id)
    assert (await member.post(f"/c/{mp.slug}/work/orders/{requested}/steps/accept")).status_code == 403
    assert (await member.get(f"/c/{mp.slug}/work/orders/{requested}")).status_code == 403
    assert (await member.get(f"/c/{mp.slug}/work/orders")).status_code == 403
    assert (await coach.post(f"/c/{mp.slug}/work/orders/{done}/steps/invoiced")).status_code == 403
    assert await snapshot(mp.id) == before
    assert (await coach.post(f"/c/{mp.slug}/work/orders/{requested}/steps/accept")).status_code == 303
    assert (await board.post(f"/c/{mp.slug}/work/orders/{done}/steps/invoiced")).status_code == 303


async def test_scheduling_needs_a_day_and_cancelling_needs_no_hours(signed_in: SignIn, mp: Place) -> None:
    admin = await signed_in(mp.emails["admin"])
    no_day = await make_order(mp.id, status="accepted")
    before = await snapshot(mp.id)
    response = await admin.post(f"/c/{mp.slug}/work/orders/{no_day}/steps/schedule")
    assert response.status_code == 409
    assert "The order has no day yet." in text(response)
    assert await snapshot(mp.id) == before
    logged = await make_order(mp.id, status="scheduled", day=dt.date(2030, 6, 3))
    a = await make_assignment(mp.id, logged, mp.maija.member_id)
    await make_hours(mp.id, a, today(), 60)
    before = await snapshot(mp.id)
    response = await admin.post(f"/c/{mp.slug}/work/orders/{logged}/steps/cancel")
    assert response.status_code == 409
    assert "Hours are already logged for this job" in text(response)
    assert await snapshot(mp.id) == before


async def test_cancelling_takes_back_offers_and_cancels_accepted_work(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, status="scheduled", day=dt.date(2030, 6, 3))
    offered = await make_assignment(mp.id, order_id, mp.maija.member_id, status="offered")
    accepted = await make_assignment(mp.id, order_id, mp.pekka.member_id, status="accepted")
    admin = await signed_in(mp.emails["admin"])
    assert (await admin.post(f"/c/{mp.slug}/work/orders/{order_id}/steps/cancel")).status_code == 303
    rows = await rows_of(mp.id, "work_assignment", "order_id = {}", order_id)
    assert [(r["id"], r["status"]) for r in rows] == [(offered, "withdrawn"), (accepted, "cancelled")]
    events = await rows_of(mp.id, "work_assignment_event", "assignment_id IN ({}, {})", offered, accepted)
    assert [(e["assignment_id"], e["kind"], e["by_id"], e["note"]) for e in events] == [
        (offered, "withdrawn", mp.users["admin"], "The order was cancelled."),
        (accepted, "cancelled", mp.users["admin"], "The order was cancelled."),
    ]


async def test_list_filters_by_status_and_week(signed_in: SignIn) -> None:
    place = await make_place()
    monday = today() - dt.timedelta(days=today().weekday())
    this_week = await make_order(place.id, "Tämän viikon työ", status="scheduled", day=monday + dt.timedelta(days=2))
    next_week = await make_order(place.id, "Ensi viikon työ", status="scheduled", day=monday + dt.timedelta(days=8))
    await make_order(place.id, "Uusi pyyntö", status="requested")
    await make_order(place.id, "Laskutettu työ", status="invoiced", day=monday + dt.timedelta(days=8))
    admin = await signed_in(place.emails["admin"])
    open_ = text(await admin.get(f"/c/{place.slug}/work/orders"))
    assert all(name in open_ for name in ("Tämän viikon työ", "Ensi viikon työ", "Uusi pyyntö"))
    assert "Orders shown: 3" in open_ and "Laskutettu työ" not in open_
    assert "Orders shown: 4" in text(await admin.get(f"/c/{place.slug}/work/orders?status=all"))
    scheduled = text(await admin.get(f"/c/{place.slug}/work/orders?status=scheduled"))
    assert "Orders shown: 2" in scheduled and "Uusi pyyntö" not in scheduled
    year, week, _ = (monday + dt.timedelta(days=8)).isocalendar()
    filtered = text(await admin.get(f"/c/{place.slug}/work/orders?status=all&week={year}-W{week:02d}"))
    assert "Orders shown: 2" in filtered and "Ensi viikon työ" in filtered and "Laskutettu työ" in filtered
    assert f'href="/c/{place.slug}/work/orders/{next_week}"' in filtered
    assert f'href="/c/{place.slug}/work/orders/{this_week}"' not in filtered
    unknown = text(await admin.get(f"/c/{place.slug}/work/orders?status=nonsense&week=2026-W99"))
    assert "Orders shown: 3" in unknown


async def test_change_keeps_the_price_of_lines_that_stay(signed_in: SignIn, mp: Place) -> None:
    old_item = await make_item(mp.id, "Nurmikko", price_cents=3000)
    new_item = await make_item(mp.id, "Haravointi", price_cents=2500)
    admin = await signed_in(mp.emails["admin"])
    made = await admin.post(
        f"/c/{mp.slug}/work/orders/new", {"title": "Piha", "customer_name": "Liisa", f"amount_{old_item}": "1"}
    )
    order_id = order_id_of(made)
    async with coop_unit(mp.id):
        await CatalogueItem.update({CatalogueItem.price_cents: 9900}).where(CatalogueItem.id == old_item).run()
    form_page = text(await admin.get(f"/c/{mp.slug}/work/orders/{order_id}/edit"))
    assert 'value="Piha"' in form_page
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/{order_id}/edit",
        {"title": "Piha ja haravointi", "customer_name": "Liisa", f"amount_{old_item}": "2",
         f"amount_{new_item}": "1,5"},
    )  # fmt: skip
    assert response.status_code == 303
    lines = await rows_of(mp.id, "work_order_line", "order_id = {}", order_id)
    assert sorted((r["item_id"], r["quantity"], r["price_cents"]) for r in lines) == sorted(
        [(old_item, Decimal("2.00"), 3000), (new_item, Decimal("1.50"), 2500)]
    )
    events = await rows_of(mp.id, "work_order_event", "order_id = {}", order_id)
    assert [e["kind"] for e in events] == ["created", "changed"]


async def test_started_order_cannot_change(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, "Käynnissä", status="in_progress", day=dt.date(2030, 6, 3))
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    assert (await admin.get(f"/c/{mp.slug}/work/orders/{order_id}/edit")).status_code == 409
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/{order_id}/edit", {"title": "Uusi", "customer_name": "Liisa"}
    )
    assert response.status_code == 409
    assert await snapshot(mp.id) == before
