"""Catalogue pages: list, add, change, take off sale, photos; prices with and without VAT; roles; bad input."""

from __future__ import annotations

import html
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.dates import today
from osuus.tenants.catalogue import photos
from tests.fixtures import ROLES, ApiPlace, SignIn, make_api_place
from tests.tenants.catalogue.conftest import audit_actions, item_row, make_item, snapshot


@pytest.fixture(scope="module")
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    """A coop of this module's own (exact lists), a person in every role."""
    made = await make_api_place(app)
    yield made
    await made.close()


def email(place: ApiPlace, role: str) -> str:
    return f"{role}.{place.slug}@example.fi"


def item_form(**changes: str) -> dict[str, str]:
    return {
        "kind": "service",
        "name_fi": "Nurmikon leikkuu",
        "name_sv": "Gräsklippning",
        "name_en": "",
        "description_fi": "Leikkaamme nurmikon ja haravoimme.",
        "description_sv": "",
        "description_en": "",
        "category": "gardening",
        "unit": "hour",
        "price": "39,90",
        "vat_code": "general",
        "household_credit": "yes",
        "labour_share": "100",
        "public": "yes",
        **changes,
    }


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


async def test_admin_adds_an_item_and_sees_both_prices(signed_in: SignIn, place: ApiPlace) -> None:
    admin = await signed_in(email(place, "admin"))
    response = await admin.post(f"/c/{place.slug}/catalogue/new", item_form())
    assert response.status_code == 303
    item_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    assert response.headers["location"] == f"/c/{place.slug}/catalogue/{item_id}?done=added"
    row = await item_row(place.id, item_id)
    assert {k: row[k] for k in ("coop_id", "kind", "name_fi", "name_sv", "name_en", "unit", "price_cents")} == {
        "coop_id": place.id,
        "kind": "service",
        "name_fi": "Nurmikon leikkuu",
        "name_sv": "Gräsklippning",
        "name_en": "",
        "unit": "hour",
        "price_cents": 3990,
    }
    assert (row["vat_code"], row["household_credit"], row["labour_share"], row["active"], row["public"]) == (
        "general",
        True,
        100,
        True,
        True,
    )
    assert row["updated_by"] == place.users["admin"]
    assert await audit_actions(place.id, f"catalogue_item:{item_id}") == ["catalogue.item_added"]
    detail = text(await admin.get(f"/c/{place.slug}/catalogue/{item_id}?done=added"))
    assert "The item is saved." in detail
    assert "39,90 € / hour" in detail  # without VAT
    assert "50,07 € / hour" in detail  # 39,90 × 1,255 = 50,0745 -> 50,07 (the rate today: 25,5 %)
    assert "VAT 25,5 %" in detail
    listing = text(await admin.get(f"/c/{place.slug}/catalogue"))
    assert "Nurmikon leikkuu" in listing and "50,07 € / hour" in listing


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_read_but_cannot_change(signed_in: SignIn, place: ApiPlace, role: str) -> None:
    item_id = await make_item(place.id, "Luettava palvelu")
    client = await signed_in(email(place, role))
    assert (await client.get(f"/c/{place.slug}/catalogue")).status_code == 200
    detail = await client.get(f"/c/{place.slug}/catalogue/{item_id}")
    assert detail.status_code == 200 and "Luettava palvelu" in detail.text
    assert f"/catalogue/{item_id}/edit" not in detail.text
    before = await snapshot(place.id)
    for path, data in (
        ("/catalogue/new", item_form()),
        (f"/catalogue/{item_id}/edit", item_form()),
        (f"/catalogue/{item_id}/deactivate", {}),
        (f"/catalogue/{item_id}/activate", {}),
        (f"/catalogue/{item_id}/photo/remove", {}),
    ):
        assert (await client.post(f"/c/{place.slug}{path}", data)).status_code == 403, path
    for path in ("/catalogue/new", f"/catalogue/{item_id}/edit", f"/catalogue/{item_id}/photo"):
        assert (await client.get(f"/c/{place.slug}{path}")).status_code == 403, path
    assert await snapshot(place.id) == before


async def test_bad_input_keeps_the_form_and_writes_nothing(signed_in: SignIn, place: ApiPlace) -> None:
    board = await signed_in(email(place, "board"))
    before = await snapshot(place.id)
    data = item_form(
        kind="product",
        name_fi="",
        description_fi="",
        name_sv="x" * 201,
        category="no-such",
        unit="tonne",
        price="-5",
        vat_code="luxury",
        household_credit="yes",
        labour_share="150",
    )
    response = await board.post(f"/c/{place.slug}/catalogue/new", data)
    assert response.status_code == 400
    for field in ("name_fi", "description_fi", "name_sv", "category", "unit", "price", "vat_code"):
        assert f'id="{field}-error"' in response.text, field
    assert 'id="household_credit-error"' in response.text  # a product gets no household tax credit
    assert 'id="labour_share-error"' in response.text
    assert 'value="-5"' in response.text and 'value="150"' in response.text
    assert "Error:" in response.text.split("</title>")[0]
    assert await snapshot(place.id) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price": "abc"}, "price", "Write the amount in euros, for example 25,50"),
        ({"price": "0"}, "price", "The amount must be more than 0 euros"),
        ({"price": "10,555"}, "price", "Write at most two numbers after the comma"),
        ({"labour_share": ""}, "labour_share", "Write how many per cent of the price is work"),
        ({"labour_share": "0"}, "labour_share", "Write a whole number from 1 to 100"),
        ({"name_fi": ""}, "name_fi", "Write the name in Finnish"),
    ],
)
async def test_each_mistake_is_explained(
    signed_in: SignIn, place: ApiPlace, changes: dict[str, str], field: str, message: str
) -> None:
    admin = await signed_in(email(place, "admin"))
    before = await snapshot(place.id)
    response = await admin.post(f"/c/{place.slug}/catalogue/new", item_form(**changes))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in html.unescape(response.text)
    assert await snapshot(place.id) == before


async def test_without_the_tax_credit_the_labour_share_is_not_needed(signed_in: SignIn, place: ApiPlace) -> None:
    admin = await signed_in(email(place, "admin"))
    data = item_form(
        kind="product", name_fi="Kuivattu nokkonen", household_credit="", labour_share="", public="",
        unit="piece", category="herbs_food", vat_code="reduced_food", price="5",
    )  # fmt: skip
    response = await admin.post(f"/c/{place.slug}/catalogue/new", data)
    assert response.status_code == 303
    item_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    row = await item_row(place.id, item_id)
    assert (row["kind"], row["household_credit"], row["labour_share"], row["public"], row["vat_code"]) == (
        "product",
        False,
        0,
        False,
        "reduced_food",
    )
    detail = text(await admin.get(f"/c/{place.slug}/catalogue/{item_id}"))
    rate = "13,5 %" if today().year >= 2026 else "14 %"
    assert f"VAT {rate}" in detail


async def test_edit_changes_the_item_and_bad_edit_changes_nothing(signed_in: SignIn, place: ApiPlace) -> None:
    item_id = await make_item(place.id, "Ikkunanpesu", category="cleaning", price_cents=3000)
    admin = await signed_in(email(place, "admin"))
    form_page = await admin.get(f"/c/{place.slug}/catalogue/{item_id}/edit")
    assert form_page.status_code == 200
    assert 'value="Ikkunanpesu"' in form_page.text and 'value="30,00"' in form_page.text
    before = await snapshot(place.id)
    bad = await admin.post(f"/c/{place.slug}/catalogue/{item_id}/edit", item_form(name_fi="Uusi nimi", price="ei"))
    assert bad.status_code == 400 and 'value="Uusi nimi"' in bad.text
    assert await snapshot(place.id) == before
    good = await admin.post(
        f"/c/{place.slug}/catalogue/{item_id}/edit",
        item_form(name_fi="Ikkunanpesu sisältä ja ulkoa", category="cleaning", price="32,50", public=""),
    )
    assert good.status_code == 303
    assert good.headers["location"] == f"/c/{place.slug}/catalogue/{item_id}?done=changed"
    row = await item_row(place.id, item_id)
    assert (row["name_fi"], row["price_cents"], row["public"]) == ("Ikkunanpesu sisältä ja ulkoa", 3250, False)
    assert await audit_actions(place.id, f"catalogue_item:{item_id}") == ["catalogue.item_changed"]


async def test_take_off_sale_and_back(signed_in: SignIn, place: ApiPlace) -> None:
    item_id = await make_item(place.id, "Myyntiin ja pois")
    board = await signed_in(email(place, "board"))
    confirm = await board.get(f"/c/{place.slug}/catalogue/{item_id}/deactivate")
    assert confirm.status_code == 200 and "Take Myyntiin ja pois off sale?" in html.unescape(confirm.text)
    off = await board.post(f"/c/{place.slug}/catalogue/{item_id}/deactivate")
    assert off.status_code == 303 and off.headers["location"].endswith("?done=deactivated")
    assert (await item_row(place.id, item_id))["active"] is False
    listing = await board.get(f"/c/{place.slug}/catalogue")
    assert "Myyntiin ja pois" not in listing.text
    inactive = await board.get(f"/c/{place.slug}/catalogue?show=inactive")
    assert "Myyntiin ja pois" in inactive.text
    again = await board.post(f"/c/{place.slug}/catalogue/{item_id}/deactivate")  # twice: nothing more
    assert again.status_code == 303
    on = await board.post(f"/c/{place.slug}/catalogue/{item_id}/activate")
    assert on.status_code == 303 and (await item_row(place.id, item_id))["active"] is True
    assert await audit_actions(place.id, f"catalogue_item:{item_id}") == [
        "catalogue.item_deactivated",
        "catalogue.item_activated",
    ]


async def test_unknown_item_is_404(signed_in: SignIn, place: ApiPlace) -> None:
    admin = await signed_in(email(place, "admin"))
    for path in ("", "/edit", "/deactivate", "/photo", "/image"):
        assert (await admin.get(f"/c/{place.slug}/catalogue/999999999{path}")).status_code == 404, path


# --- photos ------------------------------------------------------------------------------------------------------


def png_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


async def upload(client: Any, path: str, content: bytes, name: str = "kuva.png", kind: str = "image/png") -> Any:
    return await client.http.post(
        path, data={"_csrf_token": await client.csrf()}, files={"photo": (name, content, kind)}
    )


async def test_photo_upload_replace_serve_and_remove(signed_in: SignIn, place: ApiPlace) -> None:
    item_id = await make_item(place.id, "Kuvallinen palvelu")
    admin = await signed_in(email(place, "admin"))
    base = f"/c/{place.slug}/catalogue/{item_id}"
    assert (await admin.get(f"{base}/photo")).status_code == 200
    first = png_bytes()
    response = await upload(admin, f"{base}/photo", first)
    assert response.status_code == 303 and response.headers["location"] == f"{base}?done=photo"
    name = (await item_row(place.id, item_id))["photo"]
    assert name.startswith(f"{item_id}-") and name.endswith(".png")
    stored = photos.folder(place.id) / name
    assert stored.read_bytes() == first
    served = await admin.get(f"{base}/image")
    assert served.status_code == 200 and served.content == first
    assert served.headers["content-type"] == "image/png"
    member = await signed_in(email(place, "member"))
    assert (await member.get(f"{base}/image")).content == first

    second = jpeg_bytes()
    assert (await upload(admin, f"{base}/photo", second, "kuva.jpg", "image/jpeg")).status_code == 303
    new_name = (await item_row(place.id, item_id))["photo"]
    assert new_name.endswith(".jpg") and not stored.exists()  # the old file is gone
    assert (await admin.get(f"{base}/image")).headers["content-type"] == "image/jpeg"

    removed = await admin.post(f"{base}/photo/remove")
    assert removed.status_code == 303
    assert (await item_row(place.id, item_id))["photo"] == ""
    assert not (photos.folder(place.id) / new_name).exists()
    assert (await admin.get(f"{base}/image")).status_code == 404
    assert await audit_actions(place.id, f"catalogue_item:{item_id}") == [
        "catalogue.photo_added",
        "catalogue.photo_added",
        "catalogue.photo_removed",
    ]


@pytest.mark.parametrize(
    ("content", "name", "kind", "message"),
    [
        (b"GIF89a" + b"\x00" * 40, "kuva.gif", "image/gif", "Send the photo as a PNG or JPEG file"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "kuva.png", "image/png", "Send the photo as a PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png", "kuva.png", "image/png", "Send the photo as a PNG or JPEG"),
        (b"", "kuva.png", "image/png", "Choose a photo to send"),
        (b"\xff\xd8\xff" + b"\x00" * (photos.MAX_BYTES + 10), "iso.jpg", "image/jpeg", "The photo is too large"),
    ],
    ids=["gif", "svg-named-png", "png-header-only", "empty", "too-large"],
)
async def test_bad_photo_is_refused_and_nothing_changes(
    signed_in: SignIn, place: ApiPlace, content: bytes, name: str, kind: str, message: str
) -> None:
    item_id = await make_item(place.id, "Kuvaton palvelu")
    admin = await signed_in(email(place, "admin"))
    before = await snapshot(place.id)
    files_before = sorted(p.name for p in photos.folder(place.id).glob("*")) if photos.folder(place.id).exists() else []
    response = await upload(admin, f"/c/{place.slug}/catalogue/{item_id}/photo", content, name, kind)
    assert response.status_code == 400
    assert 'id="photo-error"' in response.text and message in html.unescape(response.text)
    assert await snapshot(place.id) == before
    files_after = sorted(p.name for p in photos.folder(place.id).glob("*")) if photos.folder(place.id).exists() else []
    assert files_after == files_before


async def test_a_body_far_over_the_limit_is_refused_before_reading(signed_in: SignIn, place: ApiPlace) -> None:
    item_id = await make_item(place.id, "Liian iso")
    admin = await signed_in(email(place, "admin"))
    before = await snapshot(place.id)
    content = b"\xff\xd8\xff" + b"\x00" * (photos.BODY_LIMIT + 1000)
    response = await upload(admin, f"/c/{place.slug}/catalogue/{item_id}/photo", content, "iso.jpg", "image/jpeg")
    assert response.status_code == 413
    assert await snapshot(place.id) == before


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_reads_the_list(signed_in: SignIn, place: ApiPlace, role: str) -> None:
    assert (await (await signed_in(email(place, role))).get(f"/c/{place.slug}/catalogue")).status_code == 200
