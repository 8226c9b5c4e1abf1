"""The JSON API of work: the same checks and roles as the pages, with a token for every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from osuus.platform.dates import today
from osuus.tenants.work import service
from tests.fixtures import ApiClient, SignIn, api_client
from tests.tenants.catalogue.conftest import make_item
from tests.tenants.work.conftest import Place, make_place, rows_of, snapshot

DAY = today() + dt.timedelta(days=7)


@pytest.fixture(scope="module")
async def mp(db: None) -> Place:
    return await make_place()


@pytest.fixture(scope="module")
async def api(app: Any, mp: Place) -> AsyncIterator[dict[str, ApiClient]]:
    clients = {role: await api_client(app, user) for role, user in mp.users.items()}
    clients["maija"] = await api_client(app, mp.maija.user_id)
    clients["pekka"] = await api_client(app, mp.pekka.user_id)
    yield clients
    for client in clients.values():
        await client.close()


@pytest.fixture(autouse=True)
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    found: dict[str, Any] = {}
    monkeypatch.setattr(service, "_employment", found.get)
    yield found


def base(mp: Place) -> str:
    return f"/api/v1/coops/{mp.slug}/work"


async def test_writes_need_a_token(signed_in: SignIn, mp: Place) -> None:
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    response = await admin.http.post(f"{base(mp)}/orders", json={"title": "Työ", "customer_name": "Liisa"})
    assert response.status_code == 401
    assert await snapshot(mp.id) == before
    assert (await admin.get(f"{base(mp)}/orders")).status_code == 200


async def test_order_offer_answer_hours_through_the_api(
    api: dict[str, ApiClient], mp: Place, hooks: dict[str, Any]
) -> None:
    item = await make_item(mp.id, "Pihatyöt", price_cents=3600)
    made = await api["admin"].post(
        f"{base(mp)}/orders",
        {"title": "Piha", "customer_name": "Liisa Laaksonen", "day": DAY.isoformat(), "start": "08:00",
         "end": "11.30", "lines": [{"item_id": item, "quantity": 2.5}], "notes": "Tuo harava."},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    order_id = body["order"]["id"]
    assert (body["order"]["status"], body["order"]["day"], body["order"]["start"], body["order"]["end"]) == (
        "requested", DAY.isoformat(), "8.00", "11.30",
    )  # fmt: skip
    assert [(li["item_id"], li["quantity"], li["price_cents"], li["total_cents"]) for li in body["order"]["lines"]] == [
        (item, "2.50", 3600, 9000)
    ]
    assert body["steps"] == ["accept", "decline", "cancel"]
    assert [h["kind"] for h in body["history"]] == ["created"]

    before = await snapshot(mp.id)
    wrong = await api["admin"].post(f"{base(mp)}/orders/{order_id}/steps/done", {})
    assert wrong.status_code == 409
    assert wrong.json() == {"status": 409, "error": "The order waits for someone to accept or decline it."}
    assert (await api["member"].post(f"{base(mp)}/orders/{order_id}/steps/accept", {})).status_code == 403
    assert await snapshot(mp.id) == before
    accepted = await api["coach"].post(f"{base(mp)}/orders/{order_id}/steps/accept", {"note": "Sovittu"})
    assert accepted.status_code == 200 and accepted.json()["order"]["status"] == "accepted"

    offered = await api["coach"].post(
        f"{base(mp)}/orders/{order_id}/offers",
        {"member_ids": [mp.maija.member_id, mp.pekka.member_id], "planned_day": DAY.isoformat(),
         "planned_minutes": 150},
    )  # fmt: skip
    assert offered.status_code == 201, offered.text
    offers = {o["member_id"]: o for o in offered.json()}
    assert {o["status"] for o in offers.values()} == {"offered"}
    assert {o["planned_minutes"] for o in offers.values()} == {150}
    maija_offer, pekka_offer = offers[mp.maija.member_id]["id"], offers[mp.pekka.member_id]["id"]

    mine = await api["maija"].get(f"{base(mp)}/mine")
    assert [o["id"] for o in mine.json()["offers"]] == [maija_offer]
    before = await snapshot(mp.id)
    for who in ("pekka", "coach", "admin"):
        assert (await api[who].post(f"{base(mp)}/assignments/{maija_offer}/accept", {})).status_code == 404
        assert (await api[who].post(f"{base(mp)}/assignments/{maija_offer}/decline", {})).status_code == 404
    assert await snapshot(mp.id) == before

    async def warn(coop_id: int, member_id: int, day: dt.date, minutes: int) -> str | None:
        return "Ansiosi nousevat yli rajan."

    hooks["acceptance_warning_in_unit"] = warn
    held = await api["maija"].post(f"{base(mp)}/assignments/{maija_offer}/accept", {})
    assert held.status_code == 409
    assert held.json()["warning"] == "Ansiosi nousevat yli rajan."
    assert await snapshot(mp.id) == before
    taken = await api["maija"].post(f"{base(mp)}/assignments/{maija_offer}/accept", {"confirm_warning": True})
    assert taken.status_code == 200
    assert taken.json()["assignment"]["status"] == "accepted"
    assert taken.json()["warning"] == "Ansiosi nousevat yli rajan."
    declined = await api["pekka"].post(f"{base(mp)}/assignments/{pekka_offer}/decline", {})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"

    bad = await api["maija"].post(f"{base(mp)}/assignments/{maija_offer}/hours", {"day": "23.11.2026", "minutes": "x"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"day", "minutes"}
    logged = await api["maija"].post(
        f"{base(mp)}/assignments/{maija_offer}/hours", {"day": today().isoformat(), "minutes": 120}
    )
    assert logged.status_code == 201, logged.text
    entry = logged.json()
    assert (entry["minutes"], entry["status"], entry["role"], entry["latest"]) == (120, "waiting", "worker", True)
    waiting = await api["coach"].get(f"{base(mp)}/hours")
    assert [e["id"] for e in waiting.json()["waiting"]] == [entry["id"]]
    own = await api["maija"].post(f"{base(mp)}/hours/{entry['id']}/approve", {})
    assert own.status_code == 403
    approved = await api["coach"].post(f"{base(mp)}/hours/{entry['id']}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    corrected = await api["admin"].post(
        f"{base(mp)}/hours/{entry['id']}/correct", {"day": today().isoformat(), "minutes": 90, "note": "Tauko"}
    )
    assert corrected.status_code == 201, corrected.text
    new = corrected.json()
    assert (new["minutes"], new["status"], new["supersedes_id"], new["source"]) == (
        90,
        "approved",
        entry["id"],
        "correction",
    )
    history = await api["maija"].get(f"{base(mp)}/hours/{new['id']}")
    assert [(v["minutes"], v["latest"]) for v in history.json()["versions"]] == [(90, True), (120, False)]
    stale = await api["admin"].post(
        f"{base(mp)}/hours/{entry['id']}/correct", {"day": today().isoformat(), "minutes": 30, "note": "x"}
    )
    assert stale.status_code == 409
    rows = await rows_of(mp.id, "work_hours", "assignment_id = {}", maija_offer)
    assert [(r["minutes"], r["status"]) for r in rows] == [(120, "approved"), (90, "approved")]


async def test_bad_order_body_names_the_json_fields(api: dict[str, ApiClient], mp: Place) -> None:
    before = await snapshot(mp.id)
    response = await api["admin"].post(
        f"{base(mp)}/orders", {"title": "", "customer_id": 999999, "day": "1.2.2026", "lines": [{"item_id": 999999}]}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "customer_id", "day", "lines"}
    assert await snapshot(mp.id) == before
