"""Employment through the JSON API: contracts (list, one, create), earnings of a month, the benefit profile (read,
logged; write). The same roles as the pages; refused input and refused roles change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.tenants.employment import service
from tests.fixtures import ApiPlace, make_api_place
from tests.tenants.employment.conftest import Hours, WorkStub, assign, audit_rows, make_member, snapshot

CONTRACT = {
    "kind": "fixed_term",
    "starts_on": "2026-02-01",
    "ends_on": "2026-12-31",
    "job_title": "Pihatyöt",
    "hours_per_week": 37.5,
    "hourly_wage_cents": 1235,
    "collective_agreement": "TES",
    "subsidy_percent": 70,
    "subsidy_from": "2026-02-01",
}


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    p = await make_api_place(app)
    yield p
    await p.close()


def base(place: ApiPlace, member: int) -> str:
    return f"/api/v1/coops/{place.slug}/employment/workers/{member}"


async def test_contracts_create_list_and_get(place: ApiPlace) -> None:
    member = await make_member(place.id, "Aapeli Api", user_id=place.users["member"])
    made = await place.api["admin"].post(f"{base(place, member)}/contracts", CONTRACT)
    assert made.status_code == 201, made.text
    body = made.json()
    terms = {
        "id": body["terms"][0]["id"],
        "valid_from": "2026-02-01",
        "weekly_minutes": 2250,
        "hourly_wage_cents": 1235,
        "collective_agreement": "TES",
        "subsidy_percent": 70,
        "subsidy_from": "2026-02-01",
        "subsidy_until": None,
        "note": "",
        "created_by": f"Admin {place.slug}",
        "created_at": body["terms"][0]["created_at"],
    }
    expected = {
        "id": body["id"],
        "member_id": member,
        "kind": "fixed_term",
        "starts_on": "2026-02-01",
        "ends_on": "2026-12-31",
        "job_title": "Pihatyöt",
        "status": body["status"],
        "current": terms,
        "terms": [terms],
        "planned_ends_on": "2026-12-31",
        "ending": None,
    }
    assert body == expected
    listed = await place.api["coach"].get(f"{base(place, member)}/contracts")
    assert listed.json() == {"member_id": member, "name": "Aapeli Api", "contracts": [expected]}
    own = await place.api["member"].get(f"{base(place, member)}/contracts/{body['id']}")
    assert own.status_code == 200 and own.json() == expected


async def test_refused_contract_gives_field_errors_and_writes_nothing(place: ApiPlace) -> None:
    member = await make_member(place.id)
    before = await snapshot(place.id)
    bad = {**CONTRACT, "ends_on": None, "hourly_wage_cents": "paljon", "starts_on": "1.2.2026"}
    response = await place.api["admin"].post(f"{base(place, member)}/contracts", bad)
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "starts_on": "Write the date as yyyy-mm-dd, for example 2026-03-27",
            "hourly_wage_cents": "Write the amount in cents as a whole number, for example 2550 for 25.50 euros",
            "ends_on": "Enter the last day. A fixed-term contract has an end date.",
        }
    }
    for who in ("coach", "member"):
        assert (await place.api[who].post(f"{base(place, member)}/contracts", CONTRACT)).status_code == 403
    assert await snapshot(place.id) == before


async def test_benefit_write_read_and_roles(place: ApiPlace) -> None:
    member = await make_member(place.id, user_id=place.users["member"])
    saved = await place.api["admin"].post(
        f"{base(place, member)}/benefit",
        {"kind": "disability_pension", "limit_cents": 97659, "valid_from": "2026-01-01"},
    )
    assert saved.status_code == 201, saved.text
    profile = saved.json()["current"]
    assert (profile["kind"], profile["limit_cents"], profile["valid_from"]) == (
        "disability_pension",
        97659,
        "2026-01-01",
    )
    assert (await place.api["member"].get(f"{base(place, member)}/benefit")).json()["current"] == profile
    assert (await place.api["coach"].get(f"{base(place, member)}/benefit")).status_code == 403  # not their coach
    assert (await place.api["board"].get(f"{base(place, member)}/benefit")).status_code == 403
    await assign(place.id, member, place.users["coach"])
    assert (await place.api["coach"].get(f"{base(place, member)}/benefit")).status_code == 200
    reads = [r for r in await audit_rows(place.id, service.READ_ACTION) if r["target"] == f"member:{member}"]
    assert [(r["actor_id"], r["detail"]["purpose"]) for r in reads] == [
        (place.users["admin"], "api"),
        (place.users["member"], "api"),
        (place.users["coach"], "api"),
    ]
    refused = await place.api["coach"].post(
        f"{base(place, member)}/benefit", {"kind": "other", "valid_from": "2026-02-01"}
    )
    assert refused.status_code == 400
    assert refused.json() == {"errors": {"limit_cents": "Enter the monthly earnings limit in euros"}}
    for who in ("board", "member"):
        response = await place.api[who].post(
            f"{base(place, member)}/benefit", {"kind": "none", "valid_from": "2026-02-01"}
        )
        assert response.status_code == 403


async def test_earnings(place: ApiPlace, work: WorkStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "today", lambda: dt.date(2026, 3, 10))
    member = await make_member(place.id, "Eeva Ansio", user_id=place.users["member"])
    await place.api["admin"].post(f"{base(place, member)}/contracts", {**CONTRACT, "starts_on": "2026-01-01"})
    await place.api["admin"].post(
        f"{base(place, member)}/benefit",
        {"kind": "disability_pension", "limit_cents": 20000, "valid_from": "2026-01-01"},
    )
    work.hours[member] = [Hours(dt.date(2026, 3, 3), 450, True, 1)]
    mine = await place.api["member"].get(f"/api/v1/coops/{place.slug}/employment/mine/earnings?month=2026-03")
    assert mine.status_code == 200
    assert mine.json() == {
        "member_id": member,
        "name": "Eeva Ansio",
        "month": "2026-03",
        "earned_cents": 9263,
        "other_cents": 0,
        "so_far_cents": 9263,
        "pending_cents": 0,
        "planned_cents": 0,
        "projected_cents": 9263,
        "limit_visible": True,
        "benefit_kind": "disability_pension",
        "limit_cents": 20000,
        "left_cents": 10737,
        "status": "under",
        "rows": [
            {"day": "2026-03-03", "kind": "hours", "minutes": 450, "hourly_wage_cents": 1235, "pay_cents": 9263,
             "note": ""}
        ],
    }  # fmt: skip
    hidden = (await place.api["coach"].get(f"{base(place, member)}/earnings?month=2026-03")).json()
    assert (hidden["earned_cents"], hidden["limit_visible"], hidden["limit_cents"], hidden["status"]) == (
        9263,
        False,
        None,
        None,
    )
    assert (await place.api["board"].get(f"{base(place, member)}/earnings")).status_code == 403
    assert (await place.api["admin"].get(f"/api/v1/coops/{place.slug}/employment/mine/earnings")).status_code == 404
