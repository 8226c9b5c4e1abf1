"""The public storefront /shop/{slug}: the coop's public items in the visitor's language, the request form (no
account, a honeypot, a rate limit), the mails, and the requests as the coop's admin and board handle them."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from osuus.platform.dates import format_date, today
from osuus.platform.ratelimit import Limiter
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue import storefront
from osuus.tenants.catalogue.tables import OrderRequest, OrderRequestLine
from tests.fixtures import (
    ApiPlace,
    Browser,
    SignIn,
    english,
    make_api_place,
    make_coop,
    make_region,
    unique,
    wait_for_mail,
)
from tests.tenants.catalogue.conftest import make_item, make_request, outbox_to, snapshot
from tests.tenants.catalogue.test_routes import png_bytes, upload


@dataclass
class Shops:
    a: ApiPlace
    b: ApiPlace
    garden: int  # A: public, with an English name and the household tax credit
    cleaning: int  # A: public, Finnish name only
    hidden: int  # A: not public
    retired: int  # A: public but off sale
    b_item: int  # B: public


@pytest.fixture(scope="module")
async def shops(app: Any) -> AsyncIterator[Shops]:
    a, b = await make_api_place(app), await make_api_place(app)
    made = Shops(
        a,
        b,
        garden=await make_item(
            a.id, "Pihatyöt", name_en="Garden work", name_sv="Trädgårdsarbete", household_credit=True,
            labour_share=100, price_cents=4000,
        ),
        cleaning=await make_item(a.id, "Kotisiivous", category="cleaning", price_cents=3500, description="Siivoamme."),
        hidden=await make_item(a.id, "Piilotettu palvelu", public=False),
        retired=await make_item(a.id, "Poistunut palvelu", active=False),
        b_item=await make_item(b.id, "B:n kauppatavara"),
    )  # fmt: skip
    yield made
    await a.close()
    await b.close()


@pytest.fixture
async def visitor(app: Any) -> AsyncIterator[Browser]:
    """A browser without an account, reading English, with the address's request count at zero."""
    await Limiter(app.app.app.state.redis).reset("shop:127.0.0.1")
    b = await english(Browser(app))
    yield b
    await b.close()


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


def request_data(**changes: str) -> dict[str, str]:
    return {
        "kind": "household",
        "name": "Hanna Asiakas",
        "company": "",
        "business_id": "",
        "email": f"{unique('asiakas')}@example.fi",
        "phone": "040 765 4321",
        "street": "Koivukuja 2",
        "postcode": "33470",
        "city": "Ylöjärvi",
        "wished_from": "",
        "wished_to": "",
        "message": "",
        **changes,
    }


async def requests_of(coop_id: int, email: str) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await OrderRequest.select().where((OrderRequest.coop == coop_id) & (OrderRequest.email == email)).run()


async def lines_of(coop_id: int, request_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await (
            OrderRequestLine.select(OrderRequestLine.item, OrderRequestLine.quantity, OrderRequestLine.name,
                                    OrderRequestLine.unit, OrderRequestLine.price_cents, OrderRequestLine.vat_code)
            .where((OrderRequestLine.coop == coop_id) & (OrderRequestLine.request == request_id))
            .order_by(OrderRequestLine.id)
            .run()
        )  # fmt: skip


# --- the shop ----------------------------------------------------------------------------------------------------


async def test_shop_shows_only_this_coops_public_items_with_vat(visitor: Browser, shops: Shops) -> None:
    response = await visitor.get(f"/shop/{shops.a.slug}")
    assert response.status_code == 200
    page = text(response)
    assert f"Shop of Osuuskunta {shops.a.slug}" in page
    assert "Garden work" in page and "Pihatyöt" not in page  # the English name
    assert '<h3 lang="fi">Kotisiivous</h3>' in response.text  # no English name: the Finnish one, marked Finnish
    assert "50,20 € / hour" in page  # 40,00 € + 25,5 % VAT
    assert "43,93 € / hour" in page  # 35,00 € + 25,5 % = 43,925 -> 43,93
    assert "You can get the household tax credit for this work." in page
    for name in ("Piilotettu palvelu", "Poistunut palvelu", "B:n kauppatavara"):
        assert name not in page
    assert f"/shop/{shops.a.slug}/request?item={shops.garden}" in response.text
    other = text(await visitor.get(f"/shop/{shops.b.slug}"))
    assert "B:n kauppatavara" in other
    assert "Garden work" not in other and "Kotisiivous" not in other


async def test_shop_in_swedish_and_finnish(app: Any, shops: Shops) -> None:
    b = Browser(app)
    try:
        b.http.cookies.set("lang", "sv", domain="testserver.local", path="/")
        assert "Trädgårdsarbete" in (await b.get(f"/shop/{shops.a.slug}")).text
        b.http.cookies.set("lang", "fi", domain="testserver.local", path="/")
        finnish = (await b.get(f"/shop/{shops.a.slug}")).text
        assert "Pihatyöt" in finnish and "Garden work" not in finnish
    finally:
        await b.close()


@pytest.mark.parametrize("status", ["pending", "draft", "suspended", "closed"])
async def test_only_an_active_coop_has_a_shop(visitor: Browser, shops: Shops, status: str) -> None:
    coop_id, slug = await make_coop(await make_region(), status=status)
    item = await make_item(coop_id, "Kiinni olevan tuote")
    before = await snapshot(coop_id)
    for path in ("", "/request", f"/items/{item}/image"):
        assert (await visitor.get(f"/shop/{slug}{path}")).status_code == 404, path
    assert (await visitor.post(f"/shop/{slug}/request", request_data(message="Hei"))).status_code == 404
    assert await snapshot(coop_id) == before


async def test_unknown_shop_is_404(visitor: Browser) -> None:
    slug = f"ei-ole-{unique('x')}"
    assert (await visitor.get(f"/shop/{slug}")).status_code == 404
    assert (await visitor.get(f"/shop/{slug}/request")).status_code == 404
    assert (await visitor.post(f"/shop/{slug}/request", request_data(message="Hei"))).status_code == 404


# --- sending a request -------------------------------------------------------------------------------------------


async def test_request_form_can_start_with_one_item(visitor: Browser, shops: Shops) -> None:
    response = await visitor.get(f"/shop/{shops.a.slug}/request?item={shops.garden}")
    assert response.status_code == 200
    assert f'id="amount_{shops.garden}" name="amount_{shops.garden}" type="text" value="1"' in response.text
    assert f'name="amount_{shops.cleaning}" type="text" value=""' in response.text
    assert f"amount_{shops.hidden}" not in response.text and f"amount_{shops.b_item}" not in response.text
    assert 'name="website"' in response.text and 'tabindex="-1"' in response.text
    other = await visitor.get(f"/shop/{shops.a.slug}/request?item={shops.b_item}")  # B's item: nothing chosen
    assert other.status_code == 200 and 'value="1"' not in other.text


async def test_request_is_saved_and_mails_the_requester_and_the_admins(visitor: Browser, shops: Shops) -> None:
    day = today() + dt.timedelta(days=20)
    data = request_data(
        email="Hanna.Asiakas@Example.fi",
        wished_from=format_date(day),
        wished_to=format_date(day + dt.timedelta(days=7)),
        message="Piha on iso.",
        **{f"amount_{shops.garden}": "2,5", f"amount_{shops.cleaning}": ""},
    )
    response = await visitor.post(f"/shop/{shops.a.slug}/request", data)
    assert response.status_code == 200
    assert "Your request is sent" in text(response) and "hanna.asiakas@example.fi" in response.text
    rows = await requests_of(shops.a.id, "hanna.asiakas@example.fi")
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("status", "kind", "name", "company", "phone", "street", "postcode", "city")} == {
        "status": "new",
        "kind": "household",
        "name": "Hanna Asiakas",
        "company": "",
        "phone": "040 765 4321",
        "street": "Koivukuja 2",
        "postcode": "33470",
        "city": "Ylöjärvi",
    }
    assert (row["wished_from"], row["wished_to"], row["message"], row["language"], row["customer_id"]) == (
        day,
        day + dt.timedelta(days=7),
        "Piha on iso.",
        "en",
        None,
    )
    assert await lines_of(shops.a.id, row["id"]) == [
        {
            "item_id": shops.garden,
            "quantity": Decimal("2.50"),
            "name": "Garden work",
            "unit": "hour",
            "price_cents": 4000,
            "vat_code": "general",
        }
    ]
    to_requester = await outbox_to("hanna.asiakas@example.fi")
    to_admin = [m for m in await outbox_to(f"admin.{shops.a.slug}@example.fi") if "Hanna Asiakas" in m["payload"]]
    assert len(to_requester) == 1 and len(to_admin) == 1
    assert {m["coop_id"] for m in to_requester + to_admin} == {shops.a.id}
    body = json.loads(to_requester[0]["payload"])["body"]
    assert "Garden work: 2,5 hours" in body.replace("\u00a0", " ")
    assert f"/c/{shops.a.slug}/requests/{row['id']}" in json.loads(to_admin[0]["payload"])["body"]
    assert not [m for m in await outbox_to(f"board.{shops.a.slug}@example.fi") if "Hanna Asiakas" in m["payload"]]

    before = await snapshot(shops.a.id)
    again = await visitor.post(f"/shop/{shops.a.slug}/request", data)  # a double click: the same page, nothing new
    assert again.status_code == 200 and "Your request is sent" in text(again)
    assert await snapshot(shops.a.id) == before


async def test_a_request_with_only_a_message_is_a_quote_request(visitor: Browser, shops: Shops) -> None:
    data = request_data(message="Voitteko maalata aidan? Paljonko se maksaa?")
    assert (await visitor.post(f"/shop/{shops.a.slug}/request", data)).status_code == 200
    rows = await requests_of(shops.a.id, data["email"])
    assert [r["message"] for r in rows] == ["Voitteko maalata aidan? Paljonko se maksaa?"]
    assert await lines_of(shops.a.id, rows[0]["id"]) == []


async def test_business_request_needs_a_valid_business_id(visitor: Browser, shops: Shops) -> None:
    before = await snapshot(shops.a.id)
    data = request_data(kind="business", company="Yritys Oy", business_id="1234567-8", message="Tarjous")
    bad = await visitor.post(f"/shop/{shops.a.slug}/request", data)
    assert bad.status_code == 400
    assert 'id="business_id-error"' in bad.text and 'value="1234567-8"' in bad.text
    assert "Check the business ID" in text(bad)
    missing = await visitor.post(f"/shop/{shops.a.slug}/request", {**data, "company": "", "business_id": ""})
    assert missing.status_code == 400
    assert 'id="company-error"' in missing.text and 'id="business_id-error"' in missing.text
    assert await snapshot(shops.a.id) == before
    good = await visitor.post(f"/shop/{shops.a.slug}/request", {**data, "business_id": " 0157397 - 8 "})
    assert good.status_code == 200
    rows = await requests_of(shops.a.id, data["email"])
    assert [(r["kind"], r["company"], r["business_id"]) for r in rows] == [("business", "Yritys Oy", "0157397-8")]


async def test_household_request_drops_business_fields(visitor: Browser, shops: Shops) -> None:
    data = request_data(company="Ei käytetä", business_id="ei tunnus", message="Kotiin siivousta")
    assert (await visitor.post(f"/shop/{shops.a.slug}/request", data)).status_code == 200
    rows = await requests_of(shops.a.id, data["email"])
    assert [(r["company"], r["business_id"]) for r in rows] == [("", "")]


async def test_mistakes_keep_the_values_and_write_nothing(visitor: Browser, shops: Shops) -> None:
    before = await snapshot(shops.a.id)
    yesterday = format_date(today() - dt.timedelta(days=1))
    data = request_data(
        name="", email="ei-osoite", phone="soita", postcode="334", wished_from=yesterday, wished_to="31.2.2030",
        message="x" * 2001, **{f"amount_{shops.garden}": "paljon", f"amount_{shops.cleaning}": "-1"},
    )  # fmt: skip
    response = await visitor.post(f"/shop/{shops.a.slug}/request", data)
    assert response.status_code == 400
    errors = ["name", "email", "phone", f"amount_{shops.garden}", f"amount_{shops.cleaning}", "postcode"]
    for field in [*errors, "wished_from", "wished_to", "message"]:
        assert f'id="{field}-error"' in response.text, field
    assert 'value="paljon"' in response.text and 'value="ei-osoite"' in response.text
    assert "Error:" in response.text.split("</title>")[0]
    empty = await visitor.post(f"/shop/{shops.a.slug}/request", request_data(name="Nimi"))
    assert empty.status_code == 400 and 'id="items-error"' in empty.text
    assert "Write an amount for at least one thing" in text(empty)
    order = await visitor.post(
        f"/shop/{shops.a.slug}/request",
        request_data(wished_from=format_date(today() + dt.timedelta(days=9)),
                     wished_to=format_date(today() + dt.timedelta(days=2)), message="Hei"),
    )  # fmt: skip
    assert order.status_code == 400 and "The last day must be the same as the first day or later" in text(order)
    assert await snapshot(shops.a.id) == before


async def test_other_coops_item_cannot_be_asked_for_in_this_shop(visitor: Browser, shops: Shops) -> None:
    before_a, before_b = await snapshot(shops.a.id), await snapshot(shops.b.id)
    for item in (shops.b_item, shops.hidden, shops.retired):
        data = request_data(**{f"amount_{item}": "3"}, coop_id=str(shops.b.id))
        response = await visitor.post(f"/shop/{shops.a.slug}/request", data)
        assert response.status_code == 400 and 'id="items-error"' in response.text
        assert "B:n kauppatavara" not in response.text
    assert await snapshot(shops.a.id) == before_a and await snapshot(shops.b.id) == before_b
    # With an amount of A's own too, the request lands in A with A's item only.
    data = request_data(**{f"amount_{shops.b_item}": "3", f"amount_{shops.cleaning}": "1"}, coop_id=str(shops.b.id))
    assert (await visitor.post(f"/shop/{shops.a.slug}/request", data)).status_code == 200
    rows = await requests_of(shops.a.id, data["email"])
    assert len(rows) == 1 and [x["item_id"] for x in await lines_of(shops.a.id, rows[0]["id"])] == [shops.cleaning]
    assert await snapshot(shops.b.id) == before_b


async def test_filled_honeypot_looks_sent_but_is_kept_as_spam_and_mails_nobody(visitor: Browser, shops: Shops) -> None:
    data = request_data(website="http://roskaa.example", message="Osta halpaa", **{f"amount_{shops.garden}": "1"})
    response = await visitor.post(f"/shop/{shops.a.slug}/request", data)
    assert response.status_code == 200
    assert "Your request is sent" in text(response)
    rows = await requests_of(shops.a.id, data["email"])
    assert [r["status"] for r in rows] == ["spam"]
    assert await outbox_to(data["email"]) == []
    admin_mail = [m for m in await outbox_to(f"admin.{shops.a.slug}@example.fi") if "Osta halpaa" in m["payload"]]
    assert admin_mail == []


async def test_rate_limit_per_address(visitor: Browser, shops: Shops) -> None:
    for n in range(storefront.REQUEST_LIMIT):
        data = request_data(message=f"Pyyntö {n}")
        assert (await visitor.post(f"/shop/{shops.b.slug}/request", data)).status_code == 200
    mistake = await visitor.post(f"/shop/{shops.b.slug}/request", request_data(email="ei-osoite", message="x"))
    assert mistake.status_code == 400  # mistakes do not count: fixing a form never locks a person out
    before = await snapshot(shops.b.id)
    data = request_data(message="Vielä yksi")
    limited = await visitor.post(f"/shop/{shops.b.slug}/request", data)
    assert limited.status_code == 429
    assert "Wait one hour" in text(limited)
    assert await snapshot(shops.b.id) == before
    assert await outbox_to(data["email"]) == []


async def test_mail_reaches_requester_and_admin(visitor: Browser, shops: Shops, worker: Any) -> None:
    data = request_data(name="Postin Saaja", message="Tuleeko posti?")
    assert (await visitor.post(f"/shop/{shops.b.slug}/request", data)).status_code == 200
    mail = wait_for_mail(data["email"])
    assert f"Osuuskunta {shops.b.slug}" in mail["subject"]
    wait_for_mail(f"admin.{shops.b.slug}@example.fi", contains="Postin Saaja")


# --- photos in the shop ------------------------------------------------------------------------------------------


async def test_shop_serves_photos_of_public_items_only(signed_in: SignIn, visitor: Browser, shops: Shops) -> None:
    admin = await signed_in(f"admin.{shops.a.slug}@example.fi")
    content = png_bytes()
    for item in (shops.garden, shops.hidden):
        assert (await upload(admin, f"/c/{shops.a.slug}/catalogue/{item}/photo", content)).status_code == 303
    shown = await visitor.get(f"/shop/{shops.a.slug}/items/{shops.garden}/image")
    assert shown.status_code == 200 and shown.content == content
    assert f"/shop/{shops.a.slug}/items/{shops.garden}/image" in (await visitor.get(f"/shop/{shops.a.slug}")).text
    assert (await visitor.get(f"/shop/{shops.a.slug}/items/{shops.hidden}/image")).status_code == 404
    assert (await visitor.get(f"/shop/{shops.a.slug}/items/{shops.retired}/image")).status_code == 404
    assert (await visitor.get(f"/shop/{shops.b.slug}/items/{shops.garden}/image")).status_code == 404
    assert (await visitor.get(f"/shop/{shops.a.slug}/items/{shops.cleaning}/image")).status_code == 404  # no photo


# --- the requests as the coop sees them ----------------------------------------------------------------------------


async def test_admin_sees_handles_and_reopens_a_request(signed_in: SignIn, shops: Shops) -> None:
    request_id = await make_request(shops.a.id, "Käsiteltävä Pyytäjä", item_id=shops.garden, quantity="3")
    board = await signed_in(f"board.{shops.a.slug}@example.fi")
    listing = await board.get(f"/c/{shops.a.slug}/requests")
    assert listing.status_code == 200 and "Käsiteltävä Pyytäjä" in listing.text
    detail = await board.get(f"/c/{shops.a.slug}/requests/{request_id}")
    assert detail.status_code == 200
    assert "Rivi" in detail.text and "Tarvitsen apua." in detail.text
    assert f"/c/{shops.a.slug}/customers/new?request={request_id}" in detail.text
    done = await board.post(f"/c/{shops.a.slug}/requests/{request_id}/status", {"status": "handled"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/c/{shops.a.slug}/requests/{request_id}?done=handled"
    async with coop_unit(shops.a.id):
        row = await OrderRequest.select().where(OrderRequest.id == request_id).first().run()
    assert row is not None
    assert (row["status"], row["handled_by"]) == ("handled", shops.a.users["board"])
    assert row["handled_at"] is not None
    assert "Käsiteltävä Pyytäjä" not in (await board.get(f"/c/{shops.a.slug}/requests")).text
    assert "Käsiteltävä Pyytäjä" in (await board.get(f"/c/{shops.a.slug}/requests?status=handled")).text
    before = await snapshot(shops.a.id)
    bad = await board.post(f"/c/{shops.a.slug}/requests/{request_id}/status", {"status": "deleted"})
    assert bad.status_code == 400
    assert await snapshot(shops.a.id) == before
    again = await board.post(f"/c/{shops.a.slug}/requests/{request_id}/status", {"status": "new"})
    assert again.status_code == 303
    async with coop_unit(shops.a.id):
        row = await OrderRequest.select().where(OrderRequest.id == request_id).first().run()
    assert row is not None and (row["status"], row["handled_at"], row["handled_by"]) == ("new", None, None)


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_do_not_see_requests(signed_in: SignIn, shops: Shops, role: str) -> None:
    request_id = await make_request(shops.a.id, "Salainen Pyytäjä")
    client = await signed_in(f"{role}.{shops.a.slug}@example.fi")
    before = await snapshot(shops.a.id)
    assert (await client.get(f"/c/{shops.a.slug}/requests")).status_code == 403
    detail = await client.get(f"/c/{shops.a.slug}/requests/{request_id}")
    assert detail.status_code == 403 and "Salainen Pyytäjä" not in detail.text
    post = await client.post(f"/c/{shops.a.slug}/requests/{request_id}/status", {"status": "handled"})
    assert post.status_code == 403
    assert await snapshot(shops.a.id) == before
