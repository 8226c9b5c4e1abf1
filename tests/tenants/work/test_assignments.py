"""Offers of work: the staff offer a job to people, each person accepts or declines on "My work" (nobody else can
do it for them), the earnings warning before accepting, taking an offer back, and the coach joining a job."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterator
from typing import Any

import pytest

from osuus.platform.dates import format_date, today
from osuus.tenants.work import service
from tests.fixtures import SignIn
from tests.tenants.work.conftest import (
    Place,
    make_assignment,
    make_member,
    make_order,
    make_place,
    rows_of,
    snapshot,
)

DAY = today() + dt.timedelta(days=10)


@pytest.fixture(scope="module")
async def mp(db: None) -> Place:
    return await make_place()


@pytest.fixture(autouse=True)
def no_employment_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The earnings guard is the employment context's (built beside this one): here its hooks are stand-ins."""
    hooks: dict[str, Any] = {}
    monkeypatch.setattr(service, "_employment", hooks.get)
    yield hooks


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


async def test_staff_offer_a_job_to_two_people(signed_in: SignIn, mp: Place) -> None:
    await make_member(mp.id, "Ilman Tiliä")  # no account: cannot answer, so not in the list
    order_id = await make_order(mp.id, "Pihatyöt", status="scheduled", day=DAY, start=(8, 0), end=(11, 30))
    coach = await signed_in(mp.emails["coach"])
    page = text(await coach.get(f"/c/{mp.slug}/work/orders/{order_id}/offer"))
    assert f'name="worker_{mp.maija.member_id}"' in page and f'name="worker_{mp.pekka.member_id}"' in page
    assert "Ilman Tiliä" not in page
    assert "person of the register has no Osuus account" in page
    assert f'value="{format_date(DAY)}"' in page and 'name="planned_hours" type="text" value="3"' in page
    response = await coach.post(
        f"/c/{mp.slug}/work/orders/{order_id}/offer",
        {f"worker_{mp.maija.member_id}": "yes", f"worker_{mp.pekka.member_id}": "yes",
         "planned_day": format_date(DAY), "planned_hours": "3", "planned_minutes": "30", "note": "Tuo hanskat."},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{mp.slug}/work/orders/{order_id}?done=offered"
    rows = await rows_of(mp.id, "work_assignment", "order_id = {}", order_id)
    assert [
        (r["role"], r["member_id"], r["status"], r["planned_day"], r["planned_minutes"], r["note"]) for r in rows
    ] == [
        ("worker", mp.maija.member_id, "offered", DAY, 210, "Tuo hanskat."),
        ("worker", mp.pekka.member_id, "offered", DAY, 210, "Tuo hanskat."),
    ]
    events = await rows_of(mp.id, "work_assignment_event", "assignment_id IN ({}, {})", rows[0]["id"], rows[1]["id"])
    assert [(e["kind"], e["by_id"]) for e in events] == [("offered", mp.users["coach"])] * 2
    rows = await rows_of(mp.id, "outbox", "payload->>'to' IN ({}, {})", mp.maija.email, mp.pekka.email)
    mail = [json.loads(r["payload"]) for r in rows]
    assert sorted(m["to"] for m in mail) == sorted([mp.maija.email, mp.pekka.email])
    assert "Pihatyöt" in mail[0]["body"] and f"/c/{mp.slug}/work/mine" in mail[0]["body"]
    assert "Kesto: 3 t 30 min" in mail[0]["body"].replace("\u00a0", " ")  # Maija reads Finnish
    again = text(await coach.get(f"/c/{mp.slug}/work/orders/{order_id}/offer"))
    assert "Maija Jäsen already has this job or an offer for it." in again


async def test_bad_offer_comes_back_and_nothing_is_saved(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, status="accepted", day=DAY)
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/{order_id}/offer",
        {"planned_day": format_date(today() - dt.timedelta(days=1)), "planned_hours": "kolme", "note": "Hei"},
    )
    assert response.status_code == 400
    page = text(response)
    for message in (
        "Choose at least one person",
        "The day must be today or later",
        "Write the hours as a whole number, for example 2",
    ):
        assert message in page
    assert 'value="kolme"' in page
    forged = await admin.post(
        f"/c/{mp.slug}/work/orders/{order_id}/offer",
        {"worker_999999": "yes", "planned_day": format_date(DAY), "planned_hours": "2"},
    )
    assert forged.status_code == 400
    assert "Choose people from the list" in text(forged)
    assert await snapshot(mp.id) == before


async def test_no_offers_before_the_order_is_accepted(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, status="requested", day=DAY)
    admin = await signed_in(mp.emails["admin"])
    before = await snapshot(mp.id)
    assert (await admin.get(f"/c/{mp.slug}/work/orders/{order_id}/offer")).status_code == 409
    response = await admin.post(
        f"/c/{mp.slug}/work/orders/{order_id}/offer",
        {f"worker_{mp.maija.member_id}": "yes", "planned_day": format_date(DAY), "planned_hours": "2"},
    )
    assert response.status_code == 409
    assert "Accept the order first." in text(response)
    assert await snapshot(mp.id) == before


async def test_worker_sees_the_offer_and_accepts_it(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, "Kotisiivous Koivukuja", status="scheduled", day=DAY)
    a = await make_assignment(mp.id, order_id, mp.maija.member_id, status="offered", planned_day=DAY)
    maija = await signed_in(mp.maija.email)
    mine = text(await maija.get(f"/c/{mp.slug}/work/mine"))
    assert "Kotisiivous Koivukuja" in mine
    assert f'href="/c/{mp.slug}/work/mine/{a}/accept"' in mine
    confirm = text(await maija.get(f"/c/{mp.slug}/work/mine/{a}/accept"))
    assert "Do you take this job?" in confirm and "Check your earnings first" not in confirm
    response = await maija.post(f"/c/{mp.slug}/work/mine/{a}/accept")
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{mp.slug}/work/mine?done=accepted"
    [row] = await rows_of(mp.id, "work_assignment", "id = {}", a)
    assert row["status"] == "accepted" and row["answered_at"] is not None
    events = await rows_of(mp.id, "work_assignment_event", "assignment_id = {}", a)
    assert [(e["kind"], e["by_id"]) for e in events] == [("accepted", mp.maija.user_id)]
    after = text(await maija.get(f"/c/{mp.slug}/work/mine?done=accepted"))
    assert "You took the job." in after and "Start the clock" in after
    before = await snapshot(mp.id)
    twice = await maija.post(f"/c/{mp.slug}/work/mine/{a}/accept")
    assert twice.status_code == 409 and "You have already accepted this job." in text(twice)
    assert await snapshot(mp.id) == before


async def test_worker_declines(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, status="scheduled", day=DAY)
    a = await make_assignment(mp.id, order_id, mp.pekka.member_id, status="offered", planned_day=DAY)
    pekka = await signed_in(mp.pekka.email)
    confirm = text(await pekka.get(f"/c/{mp.slug}/work/mine/{a}/decline"))
    assert "You can say no to this job. You still get new work offers." in confirm
    response = await pekka.post(f"/c/{mp.slug}/work/mine/{a}/decline")
    assert response.status_code == 303
    [row] = await rows_of(mp.id, "work_assignment", "id = {}", a)
    assert row["status"] == "declined"
    before = await snapshot(mp.id)
    assert (await pekka.post(f"/c/{mp.slug}/work/mine/{a}/accept")).status_code == 409
    assert (await pekka.post(f"/c/{mp.slug}/work/mine/{a}/decline")).status_code == 409
    assert await snapshot(mp.id) == before


@pytest.mark.parametrize("who", ["pekka", "coach", "admin", "board", "member"])
async def test_nobody_else_answers_for_the_worker(signed_in: SignIn, mp: Place, who: str) -> None:
    order_id = await make_order(mp.id, status="scheduled", day=DAY)
    a = await make_assignment(mp.id, order_id, mp.maija.member_id, status="offered", planned_day=DAY)
    email = mp.pekka.email if who == "pekka" else mp.emails[who]
    other = await signed_in(email)
    before = await snapshot(mp.id)
    for path in (f"/c/{mp.slug}/work/mine/{a}/accept", f"/c/{mp.slug}/work/mine/{a}/decline"):
        assert (await other.get(path)).status_code == 404
        assert (await other.post(path, {"warning_seen": "yes"})).status_code == 404
    assert (await other.post(f"/c/{mp.slug}/work/mine/{a}/start")).status_code == 404
    assert (await other.get(f"/c/{mp.slug}/work/mine/{a}/log")).status_code == 404
    assert f"work/mine/{a}/accept" not in text(await other.get(f"/c/{mp.slug}/work/mine"))
    assert await snapshot(mp.id) == before


async def test_earnings_warning_is_shown_and_kept(
    signed_in: SignIn, mp: Place, no_employment_hooks: dict[str, Any]
) -> None:
    order_id = await make_order(mp.id, status="scheduled", day=DAY)
    a = await make_assignment(mp.id, order_id, mp.maija.member_id, status="offered", planned_day=DAY,
                              planned_minutes=240)  # fmt: skip
    asked: list[tuple[int, int, dt.date, int]] = []
    told: list[tuple[int, int | None, int, str]] = []
    warning = "Jos teet tämän työn, ansaitset tässä kuussa 1 020 euroa. Rajasi on 976,59 euroa."

    async def warn(coop_id: int, member_id: int, day: dt.date, minutes: int) -> str | None:
        asked.append((coop_id, member_id, day, minutes))
        return warning

    async def tell(coop_id: int, member_id: int | None, assignment_id: int, message: str) -> None:
        told.append((coop_id, member_id, assignment_id, message))

    no_employment_hooks.update(acceptance_warning_in_unit=warn, warning_accepted_in_unit=tell)
    maija = await signed_in(mp.maija.email)
    confirm = text(await maija.get(f"/c/{mp.slug}/work/mine/{a}/accept"))
    assert "Check your earnings first" in confirm and warning in confirm
    assert 'name="warning_seen" value="yes"' in confirm
    assert asked == [(mp.id, mp.maija.member_id, DAY, 240)]
    before = await snapshot(mp.id)
    unseen = await maija.post(f"/c/{mp.slug}/work/mine/{a}/accept")
    assert unseen.status_code == 200 and warning in text(unseen)
    assert await snapshot(mp.id) == before
    response = await maija.post(f"/c/{mp.slug}/work/mine/{a}/accept", {"warning_seen": "yes"})
    assert response.status_code == 303
    events = await rows_of(mp.id, "work_assignment_event", "assignment_id = {}", a)
    assert [(e["kind"], e["note"]) for e in events] == [("warned", service.WARNED), ("accepted", "")]
    detail = text(await (await signed_in(mp.emails["board"])).get(f"/c/{mp.slug}/work/orders/{order_id}"))
    assert "The earnings warning was shown before the person took the job." in detail
    assert "1 020" not in detail
    assert told == [(mp.id, mp.maija.member_id, a, warning)]


async def test_staff_take_back_an_open_offer_but_never_accepted_work(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, status="scheduled", day=DAY)
    offered = await make_assignment(mp.id, order_id, mp.maija.member_id, status="offered", planned_day=DAY)
    accepted = await make_assignment(mp.id, order_id, mp.pekka.member_id, status="accepted", planned_day=DAY)
    admin = await signed_in(mp.emails["admin"])
    assert (await admin.get(f"/c/{mp.slug}/work/assignments/{offered}/withdraw")).status_code == 200
    response = await admin.post(f"/c/{mp.slug}/work/assignments/{offered}/withdraw")
    assert response.status_code == 303
    [row] = await rows_of(mp.id, "work_assignment", "id = {}", offered)
    assert row["status"] == "withdrawn"
    before = await snapshot(mp.id)
    refused = await admin.post(f"/c/{mp.slug}/work/assignments/{accepted}/withdraw")
    assert refused.status_code == 409
    assert "Only they can give it up." in text(refused)
    assert (await admin.get(f"/c/{mp.slug}/work/assignments/{accepted}/withdraw")).status_code == 409
    member = await signed_in(mp.emails["member"])
    assert (await member.post(f"/c/{mp.slug}/work/assignments/{offered}/withdraw")).status_code == 403
    assert await snapshot(mp.id) == before


async def test_coach_joins_a_job_and_sees_it_on_my_work(signed_in: SignIn, mp: Place) -> None:
    order_id = await make_order(mp.id, "Valmennettava työ", status="scheduled", day=DAY, start=(9, 0), end=(12, 0))
    coach = await signed_in(mp.emails["coach"])
    detail = text(await coach.get(f"/c/{mp.slug}/work/orders/{order_id}"))
    assert "Join this job as the coach" in detail
    form = text(await coach.get(f"/c/{mp.slug}/work/orders/{order_id}/join"))
    assert f'value="{format_date(DAY)}"' in form
    response = await coach.post(
        f"/c/{mp.slug}/work/orders/{order_id}/join",
        {"planned_day": format_date(DAY), "planned_hours": "3", "planned_minutes": ""},
    )
    assert response.status_code == 303
    [row] = await rows_of(mp.id, "work_assignment", "order_id = {}", order_id)
    assert (row["role"], row["coach_id"], row["member_id"], row["status"], row["planned_minutes"]) == (
        "coach", mp.users["coach"], None, "accepted", 180,
    )  # fmt: skip
    mine = text(await coach.get(f"/c/{mp.slug}/work/mine"))
    assert "Valmennettava työ (as the coach)" in mine
    before = await snapshot(mp.id)
    again = await coach.post(
        f"/c/{mp.slug}/work/orders/{order_id}/join", {"planned_day": format_date(DAY), "planned_hours": "1"}
    )
    assert again.status_code == 409 and "You are already on this job." in text(again)
    admin = await signed_in(mp.emails["admin"])
    assert (await admin.post(f"/c/{mp.slug}/work/orders/{order_id}/join", {})).status_code == 403
    assert await snapshot(mp.id) == before
    left = await coach.post(f"/c/{mp.slug}/work/assignments/{row['id']}/withdraw")
    assert left.status_code == 303
    [row] = await rows_of(mp.id, "work_assignment", "order_id = {}", order_id)
    assert row["status"] == "cancelled"


async def test_a_job_offered_in_another_place_never_shows(signed_in: SignIn, mp: Place) -> None:
    there = await make_place()
    order_id = await make_order(there.id, "Toisen osuuskunnan työ", status="scheduled", day=DAY)
    await make_assignment(there.id, order_id, there.maija.member_id, status="offered", planned_day=DAY)
    maija = await signed_in(mp.maija.email)
    assert "Toisen osuuskunnan työ" not in text(await maija.get(f"/c/{mp.slug}/work/mine"))
