"""JSON API of the storefront's order requests (list, one, status) and of an item's photo (put, delete): the same
service functions, checks and roles as the pages; writes need a token; refused input changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.tenants.catalogue import photos
from tests.fixtures import ApiClient, ApiPlace, make_api_place
from tests.tenants.catalogue.conftest import audit_actions, item_row, make_item, make_request, snapshot
from tests.tenants.catalogue.test_routes import jpeg_bytes, png_bytes


@pytest.fixture(scope="module")
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    made = await make_api_place(app)
    yield made
    await made.close()


def api(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}"


async def put_photo(client: ApiClient, path: str, content: bytes, media_type: str = "image/png") -> Any:
    return await client.http.put(path, content=content, headers={**client.headers(), "content-type": media_type})


# --- order requests ----------------------------------------------------------------------------------------------


async def test_admin_lists_reads_and_handles_a_request(place: ApiPlace) -> None:
    item = await make_item(place.id, "API-pyyntötyö")
    request_id = await make_request(place.id, "Riitta Pyytäjä", item_id=item, quantity="2.5", email="riitta@example.fi")
    spam_id = await make_request(place.id, "Roska Lähettäjä", status="spam")

    listing = await place.api["admin"].get(f"{api(place)}/requests")
    assert listing.status_code == 200
    found = listing.json()
    assert found["status"] == "new"
    assert [r["id"] for r in found["requests"]] == [request_id]
    assert found["counts"] == {"new": 1, "handled": 0, "spam": 1}
    assert found["requests"][0]["lines"] is None
    assert [
        r["id"] for r in (await place.api["board"].get(f"{api(place)}/requests?status=spam")).json()["requests"]
    ] == [spam_id]
    everything = (await place.api["admin"].get(f"{api(place)}/requests?status=all")).json()
    assert sorted(r["id"] for r in everything["requests"]) == sorted([request_id, spam_id])
    assert everything["status"] == "all"

    one = await place.api["board"].get(f"{api(place)}/requests/{request_id}")
    assert one.status_code == 200
    body = one.json()
    assert {k: body[k] for k in ("id", "status", "kind", "name", "email", "postcode", "wished_from", "handled_at")} == {
        "id": request_id,
        "status": "new",
        "kind": "household",
        "name": "Riitta Pyytäjä",
        "email": "riitta@example.fi",
        "postcode": "33470",
        "wished_from": "2030-05-01",
        "handled_at": None,
    }
    assert body["lines"] == [
        {
            "item_id": item,
            "name": "Rivi",
            "unit": "hour",
            "quantity": "2.50",
            "price_cents": 4000,
            "vat_code": "general",
        }
    ]

    handled = await place.api["admin"].post(f"{api(place)}/requests/{request_id}/status", {"status": "handled"})
    assert handled.status_code == 200, handled.text
    assert handled.json()["status"] == "handled"
    assert handled.json()["handled_by"] == f"Admin {place.slug}"
    assert handled.json()["handled_at"] is not None
    assert await audit_actions(place.id, f"order_request:{request_id}") == ["storefront.request_handled"]
    back = await place.api["board"].post(f"{api(place)}/requests/{request_id}/status", {"status": "new"})
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["handled_at"], back.json()["handled_by"]) == ("new", None, "")


async def test_unknown_status_is_refused_and_nothing_changes(place: ApiPlace) -> None:
    request_id = await make_request(place.id, "Ville Väärä")
    before = await snapshot(place.id)
    for bad in ({"status": "deleted"}, {}, {"status": 3}):
        response = await place.api["admin"].post(f"{api(place)}/requests/{request_id}/status", bad)
        assert response.status_code == 400
        assert response.json() == {"errors": {"status": "Choose new, handled or spam"}}
    assert await snapshot(place.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_see_or_handle_requests(place: ApiPlace, role: str) -> None:
    request_id = await make_request(place.id, "Salainen Pyytäjä")
    before = await snapshot(place.id)
    client = place.api[role]
    assert (await client.get(f"{api(place)}/requests")).status_code == 403
    assert (await client.get(f"{api(place)}/requests/{request_id}")).status_code == 403
    response = await client.post(f"{api(place)}/requests/{request_id}/status", {"status": "spam"})
    assert response.status_code == 403
    assert "Salainen" not in response.text
    assert await snapshot(place.id) == before


async def test_request_changes_need_a_token(app: Any, place: ApiPlace) -> None:
    request_id = await make_request(place.id, "Tokeniton Pyytäjä")
    before = await snapshot(place.id)
    anonymous = ApiClient(app, None, "en")
    try:
        response = await anonymous.post(f"{api(place)}/requests/{request_id}/status", {"status": "spam"})
        assert response.status_code == 401
        assert (await anonymous.get(f"{api(place)}/requests")).status_code == 401
    finally:
        await anonymous.close()
    assert await snapshot(place.id) == before


# --- photos --------------------------------------------------------------------------------------------------------


async def test_put_replace_and_delete_a_photo(place: ApiPlace) -> None:
    item = await make_item(place.id, "API-kuvatyö")
    path = f"{api(place)}/catalogue/{item}/photo"
    first = await put_photo(place.api["admin"], path, png_bytes())
    assert first.status_code == 200, first.text
    assert first.json()["id"] == item and first.json()["has_photo"] is True
    name = (await item_row(place.id, item))["photo"]
    assert name.startswith(f"{item}-") and name.endswith(".png")
    assert (photos.folder(place.id) / name).read_bytes() == png_bytes()

    # multipart, like a browser form, in the field "photo": the old file goes
    second = await place.api["board"].http.put(
        path, files={"photo": ("kuva.jpg", jpeg_bytes(), "image/jpeg")}, headers=place.api["board"].headers()
    )
    assert second.status_code == 200, second.text
    new_name = (await item_row(place.id, item))["photo"]
    assert new_name.endswith(".jpg") and new_name != name
    assert not (photos.folder(place.id) / name).exists()
    assert (photos.folder(place.id) / new_name).read_bytes() == jpeg_bytes()

    removed = await place.api["admin"].http.delete(path, headers=place.api["admin"].headers())
    assert removed.status_code == 204
    assert (await item_row(place.id, item))["photo"] == ""
    assert not (photos.folder(place.id) / new_name).exists()
    assert (await place.api["admin"].get(f"{api(place)}/catalogue/{item}")).json()["has_photo"] is False
    assert await audit_actions(place.id, f"catalogue_item:{item}") == [
        "catalogue.photo_added",
        "catalogue.photo_added",
        "catalogue.photo_removed",
    ]
    again = await place.api["admin"].http.delete(path, headers=place.api["admin"].headers())
    assert again.status_code == 204  # no photo: nothing happens
    assert await audit_actions(place.id, f"catalogue_item:{item}") == [
        "catalogue.photo_added",
        "catalogue.photo_added",
        "catalogue.photo_removed",
    ]


TOO_LARGE = "The photo is too large. Send a photo of 2 MB or less"


@pytest.mark.parametrize(
    ("content", "media_type", "message"),
    [
        (b"", "image/png", "Choose a photo to send"),
        (b"GIF89a" + b"\0" * 40, "image/gif", "Send the photo as a PNG or JPEG file"),
        (b"\x89PNG\r\n\x1a\n" + b"rikki" * 20, "image/png", "Send the photo as a PNG or JPEG file"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (photos.MAX_BYTES + 10), "image/png", TOO_LARGE),
    ],
)  # fmt: skip
async def test_bad_photo_is_refused_and_nothing_changes(
    place: ApiPlace, content: bytes, media_type: str, message: str
) -> None:
    item = await make_item(place.id, "API-kuvaton")
    files_before = sorted(p.name for p in photos.folder(place.id).glob("*")) if photos.folder(place.id).exists() else []
    before = await snapshot(place.id)
    response = await put_photo(place.api["admin"], f"{api(place)}/catalogue/{item}/photo", content, media_type)
    assert response.status_code == 400
    assert response.json() == {"errors": {"photo": message}}
    assert await snapshot(place.id) == before
    files_after = sorted(p.name for p in photos.folder(place.id).glob("*")) if photos.folder(place.id).exists() else []
    assert files_after == files_before


async def test_too_big_a_body_is_refused_before_it_is_read(place: ApiPlace) -> None:
    item = await make_item(place.id, "API-jättikuva")
    before = await snapshot(place.id)
    response = await put_photo(
        place.api["admin"], f"{api(place)}/catalogue/{item}/photo", b"\0" * (photos.BODY_LIMIT + 1)
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert await snapshot(place.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_change_photos(place: ApiPlace, role: str) -> None:
    item = await make_item(place.id, "API-kuvakielto")
    path = f"{api(place)}/catalogue/{item}/photo"
    assert (await put_photo(place.api["admin"], path, png_bytes())).status_code == 200
    before = await snapshot(place.id)
    client = place.api[role]
    assert (await put_photo(client, path, png_bytes((4, 4)))).status_code == 403
    assert (await client.http.delete(path, headers=client.headers())).status_code == 403
    assert await snapshot(place.id) == before
