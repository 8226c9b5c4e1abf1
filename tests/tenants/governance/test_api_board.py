"""The board through the JSON API: seats, ending terms, the plan and the warnings; the same roles as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.dates import today
from tests.fixtures import ApiPlace, make_api_place
from tests.tenants.governance.conftest import board_rows, make_member, make_seat

DEFAULT = {"partial_work_ability": 2, "job_coach": 1, "unit_director": 1, "relative": 1}
MENTOR_VOTE = "A business mentor supports the board without a vote. Choose No."


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    p = await make_api_place(app)
    yield p
    await p.close()


def base(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}/board"


async def test_empty_board_and_warnings_by_role(place: ApiPlace) -> None:
    coach = (await place.api["coach"].get(base(place))).json()
    assert coach == {
        "on": today().isoformat(),
        "current": [],
        "upcoming": [],
        "past": [],
        "voting": 0,
        "target": DEFAULT,
        "target_is_default": True,
        "warnings": {
            "terms": [],
            "gaps": [
                {"kind": "partial_work_ability", "have": 0, "want": 2, "missing": 2, "extra": 0},
                {"kind": "job_coach", "have": 0, "want": 1, "missing": 1, "extra": 0},
                {"kind": "unit_director", "have": 0, "want": 1, "missing": 1, "extra": 0},
                {"kind": "relative", "have": 0, "want": 1, "missing": 1, "extra": 0},
            ],
            "no_chair": True,
        },
    }
    member = (await place.api["member"].get(base(place))).json()
    assert member == {**coach, "warnings": None}
    assert (await place.api["member"].get(f"{base(place)}/target")).json() == {"seats": DEFAULT, "is_default": True}


async def test_add_seats_end_a_term_and_change_the_plan(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    on = today()
    ends = on + dt.timedelta(days=30)
    chair = await place.api["board"].post(
        f"{base(place)}/seats",
        {
            "member_id": aino,
            "role": "chair",
            "kind": "partial_work_ability",
            "term_start": "2026-01-01",
            "term_end": ends.isoformat(),
        },
    )
    assert chair.status_code == 201, chair.text
    chair_id = chair.json()["id"]
    assert chair.json() == {
        "id": chair_id,
        "holder": "Aino Aalto",
        "member_id": aino,
        "role": "chair",
        "kind": "partial_work_ability",
        "has_vote": True,
        "term_start": "2026-01-01",
        "term_end": ends.isoformat(),
    }
    mentor = await place.api["admin"].post(
        f"{base(place)}/seats",
        {"holder_name": "Minna Mentori", "role": "member", "kind": "business_mentor", "term_start": "2026-01-01"},
    )
    assert mentor.status_code == 201, mentor.text
    assert (mentor.json()["holder"], mentor.json()["member_id"], mentor.json()["has_vote"]) == (
        "Minna Mentori",
        None,
        False,
    )

    board = (await place.api["coach"].get(base(place))).json()
    assert [s["id"] for s in board["current"]] == [chair_id, mentor.json()["id"]]
    assert board["voting"] == 1
    assert board["warnings"]["terms"] == [
        {"seat_id": chair_id, "holder": "Aino Aalto", "role": "chair", "term_end": ends.isoformat(), "days_left": 30}
    ]
    assert board["warnings"]["no_chair"] is False
    assert board["warnings"]["gaps"][0] == {
        "kind": "partial_work_ability",
        "have": 1,
        "want": 2,
        "missing": 1,
        "extra": 0,
    }

    ended = await place.api["admin"].post(f"{base(place)}/seats/{chair_id}/end", {"term_end": on.isoformat()})
    assert ended.status_code == 200, ended.text
    assert ended.json()["term_end"] == on.isoformat()

    plan = {"partial_work_ability": 3, "job_coach": 1, "unit_director": 0, "relative": 1, "other": 0}
    saved = await place.api["board"].post(f"{base(place)}/target", {"seats": plan})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"seats": {k: v for k, v in plan.items()}, "is_default": False}
    assert (await place.api["member"].get(f"{base(place)}/target")).json() == saved.json()


async def test_refused_seats_and_plans(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    past = await make_seat(place.id, "Vanha Puheenjohtaja", "member", end=dt.date(2025, 12, 31))
    await make_seat(place.id, "Pekka Puheenjohtaja", "chair", start=dt.date(2025, 1, 1))
    before = await board_rows(place.id)
    admin = place.api["admin"]
    cases = [
        (
            {
                "holder_name": "Minna",
                "role": "member",
                "kind": "business_mentor",
                "has_vote": True,
                "term_start": "2026-01-01",
            },
            {"has_vote": MENTOR_VOTE},
        ),
        (
            {
                "member_id": aino,
                "holder_name": "Aino",
                "role": "member",
                "kind": "relative",
                "term_start": "2026-01-01",
            },
            {"holder_name": "Give only one: a person from the register or a name"},
        ),
        (
            {"member_id": aino, "role": "chair", "kind": "relative", "term_start": "2026-01-01"},
            {"role": "The board has a chair at that time. End the old chair's term first, or choose another role."},
        ),
        (
            {"holder_name": "X", "role": "king", "kind": "relative", "has_vote": "maybe", "term_start": "2026-13-01"},
            {
                "term_start": "Write the date as yyyy-mm-dd, for example 2026-03-27",
                "role": "Choose the person's role on the board",
                "has_vote": "Choose Yes or No",
            },
        ),
    ]
    for data, errors in cases:
        response = await admin.post(f"{base(place)}/seats", data)
        assert response.status_code == 400, response.text
        assert response.json() == {"errors": errors}
    again = await admin.post(f"{base(place)}/seats/{past}/end", {"term_end": "2026-01-01"})
    assert again.status_code == 409
    assert again.json() == {"status": 409, "error": "This term is over already. It cannot be ended again."}
    plan = await admin.post(f"{base(place)}/target", {"seats": {"partial_work_ability": -1, "job_coach": "x"}})
    assert plan.status_code == 400
    assert plan.json() == {
        "errors": {
            "seats.partial_work_ability": "Write the number with digits, for example 2",
            "seats.job_coach": "Write the number with digits, for example 2",
            "seats.unit_director": "Write a number from 0 to 20",
            "seats.relative": "Write a number from 0 to 20",
            "seats.other": "Write a number from 0 to 20",
        }
    }
    none = await admin.post(f"{base(place)}/target", {"seats": dict.fromkeys(DEFAULT, 0) | {"other": 0}})
    assert none.json() == {"errors": {"seats.partial_work_ability": "The board needs at least one seat with a vote"}}
    assert (await admin.post(f"{base(place)}/seats/{2**40}/end", {"term_end": "2026-01-01"})).status_code == 404
    assert await board_rows(place.id) == before


@pytest.mark.parametrize(
    ("role", "path", "body"),
    [
        ("coach", "/seats", {"holder_name": "X", "role": "member", "kind": "other", "term_start": "2026-01-01"}),
        ("member", "/seats", {"holder_name": "X", "role": "member", "kind": "other", "term_start": "2026-01-01"}),
        ("coach", "/seats/{seat}/end", {"term_end": "2026-01-01"}),
        (
            "member",
            "/target",
            {"seats": {"partial_work_ability": 1, "job_coach": 1, "unit_director": 1, "relative": 1, "other": 1}},
        ),
    ],
)
async def test_roles_that_the_pages_refuse_are_refused(
    place: ApiPlace, role: str, path: str, body: dict[str, Any]
) -> None:
    seat = await make_seat(place.id, "Hanna Hallitus", start=dt.date(2025, 1, 1))
    before = await board_rows(place.id)
    response = await place.api[role].post(base(place) + path.format(seat=seat), body)
    assert response.status_code == 403, response.text
    assert response.json()["status"] == 403
    assert await board_rows(place.id) == before
