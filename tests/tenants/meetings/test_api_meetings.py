"""Meetings through the JSON API: the same service functions and roles as the pages, with API tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.dates import HELSINKI, today
from tests.fixtures import ApiClient, ApiPlace, make_api_place
from tests.tenants.meetings.conftest import (
    items_of,
    make_attendance,
    make_item,
    make_meeting,
    make_member,
    member_row,
    snapshot,
)


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    p = await make_api_place(app)
    yield p
    await p.close()


def base(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}/meetings"


async def test_create_a_meeting_and_read_it_back(place: ApiPlace) -> None:
    day = today() + dt.timedelta(days=14)
    created = await place.api["board"].post(
        base(place),
        {"kind": "general", "title": "Kevätkokous", "date": day.isoformat(), "time": "18:00", "place": "Tupa"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    meeting_id = body["meeting"]["id"]
    starts = dt.datetime.combine(day, dt.time(18), tzinfo=HELSINKI).isoformat()
    assert body["meeting"] == {
        "id": meeting_id,
        "kind": "general",
        "title": "Kevätkokous",
        "starts_at": starts,
        "place": "Tupa",
        "remote_info": "",
        "status": "draft",
        "notice_sent_at": None,
        "agenda_changed_after_notice": False,
        "chair_name": "",
        "secretary_name": "",
        "checker1_name": "",
        "checker2_name": "",
        "minutes_approved_at": None,
    }
    assert [i["position"] for i in body["items"]] == [1, 2, 3, 4, 5]
    assert (body["attendance"], body["present"], body["represented"], body["quorum_needed"]) == ([], 0, 0, 0)
    listed = (await place.api["coach"].get(base(place))).json()
    assert [m["id"] for m in listed["upcoming"]] == [meeting_id] and listed["past"] == []
    assert (await place.api["coach"].get(f"{base(place)}/{meeting_id}")).json() == body
    # A draft is for admin, board and coach; members see it once the notice is out.
    assert (await place.api["member"].get(base(place))).json() == {"upcoming": [], "past": []}
    assert (await place.api["member"].get(f"{base(place)}/{meeting_id}")).status_code == 404


async def test_refused_meetings_keep_nothing(place: ApiPlace) -> None:
    before = await snapshot(place.id)
    bad = await place.api["admin"].post(
        base(place), {"kind": "party", "title": "", "date": "27.3.2026", "time": "25:00"}
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": {
            "kind": "Choose the kind of meeting",
            "title": "Write a name for the meeting",
            "date": "Write the date as yyyy-mm-dd, for example 2026-03-27",
            "time": "Check the time. The hours are 0 to 23 and the minutes 0 to 59",
            "place": "Write where the meeting is, or how to join it remotely",
        }
    }
    for role in ("coach", "member"):
        response = await place.api[role].post(
            base(place), {"kind": "general", "title": "X", "date": "2030-01-01", "time": "18", "place": "P"}
        )
        assert response.status_code == 403
    assert await snapshot(place.id) == before


async def test_writes_need_a_token(place: ApiPlace, app: Any) -> None:
    anonymous = ApiClient(app, None, "en")
    try:
        before = await snapshot(place.id)
        response = await anonymous.post(
            base(place), {"kind": "general", "title": "X", "date": "2030-01-01", "time": "18", "place": "P"}
        )
        assert response.status_code == 401
        assert await snapshot(place.id) == before
    finally:
        await anonymous.close()


async def test_agenda_attendance_and_outcome(place: ApiPlace) -> None:
    meeting = await make_meeting(place.id, kind="general", days=0, status="noticed")
    anna = await make_member(place.id, "Anna API")
    ben = await make_member(place.id, "Ben API")
    cecilia = await make_member(place.id, "Cecilia API")
    applicant = await make_member(
        place.id, "Hakija API", member_class="applicant", status="applied", on_date=dt.date(2026, 1, 2)
    )
    url = f"{base(place)}/{meeting}"
    admin = place.api["admin"]

    item = await admin.post(f"{url}/items", {"kind": "ordinary", "title": "Talousarvio", "description": "Vuosi"})
    application = await admin.post(f"{url}/items", {"kind": "member_application", "member_id": applicant})
    assert (item.status_code, application.status_code) == (201, 201), application.text
    assert item.json() == {
        "id": item.json()["id"],
        "position": 1,
        "title": "Talousarvio",
        "description": "Vuosi",
        "kind": "ordinary",
        "member_id": None,
        "member_name": "",
        "outcome": "",
        "decision": "",
        "decided_at": None,
        "result": None,
    }
    assert (application.json()["title"], application.json()["member_name"]) == (
        "Application to join: Hakija API",
        "Hakija API",
    )

    here = await admin.post(f"{url}/attendance", {"member_id": anna, "mode": "in_person"})
    proxy = await admin.post(f"{url}/attendance", {"member_id": ben, "mode": "proxy", "proxy_holder_id": anna})
    over = await admin.post(f"{url}/attendance", {"member_id": cecilia, "mode": "proxy", "proxy_holder_id": anna})
    assert (here.status_code, proxy.status_code) == (201, 201)
    assert proxy.json() == {
        "id": proxy.json()["id"],
        "member_id": ben,
        "member_name": "Ben API",
        "mode": "proxy",
        "proxy_holder_id": anna,
        "proxy_holder_name": "Anna API",
    }
    assert over.status_code == 400
    assert over.json() == {
        "errors": {
            "proxy_holder_id": "Anna API already represents another member. The rules allow 1 per person. "
            "Choose another person."
        }
    }

    decided = await place.api["board"].post(
        f"{url}/items/{application.json()['id']}/outcome", {"outcome": "approved", "member_class": "member"}
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["outcome"], decided.json()["decision"]) == (
        "approved",
        "Hakija API was admitted as a member.",
    )
    assert (await member_row(place.id, applicant))["status"] == "active"
    detail = (await place.api["member"].get(url)).json()
    assert (detail["present"], detail["represented"], detail["meeting"]["status"]) == (1, 1, "held")
    assert [a["member_name"] for a in detail["attendance"]] == ["Anna API", "Ben API"]
    assert (await place.api["member"].post(f"{url}/items", {"kind": "ordinary", "title": "X"})).status_code == 403


async def test_a_closed_meeting_refuses_changes_with_409(place: ApiPlace) -> None:
    meeting = await make_meeting(place.id, kind="board", days=-5, status="closed")
    item = await make_item(place.id, meeting, "Lukittu")
    member = await make_member(place.id, "Lukittu Jäsen")
    await make_attendance(place.id, meeting, member)
    url = f"{base(place)}/{meeting}"
    before = await snapshot(place.id)
    for path, data in (
        ("/items", {"kind": "ordinary", "title": "Myöhässä"}),
        ("/attendance", {"member_id": member, "mode": "remote"}),
        (f"/items/{item}/outcome", {"outcome": "approved"}),
    ):
        response = await place.api["admin"].post(url + path, data)
        assert response.status_code == 409, path
        assert response.json() == {
            "status": 409,
            "error": "The meeting is closed or cancelled. Nothing can be changed.",
        }
    assert await snapshot(place.id) == before
    assert [i["title"] for i in await items_of(place.id, meeting)] == ["Lukittu"]
