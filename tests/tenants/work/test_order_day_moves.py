"""Moving an order to another day: open offers and accepted work planned for the old day follow it (each with a
`changed` event), the people who accepted are e-mailed in their language; hours already logged stay where they are."""

from __future__ import annotations

import datetime as dt
import json

from osuus.platform.dates import format_date
from osuus.platform.tables import User
from osuus.platform.tenancy import public_unit
from tests.fixtures import SignIn
from tests.tenants.work.conftest import (
    Place,
    make_assignment,
    make_hours,
    make_order,
    make_worker,
    rows_of,
    snapshot,
)

OLD = dt.date(2030, 6, 3)  # a Monday
NEW = dt.date(2030, 6, 5)  # a Wednesday


def edit_form(day: dt.date | None, title: str = "Pihatyöt") -> dict[str, str]:
    return {"title": title, "customer_name": "Liisa Laaksonen", "day": format_date(day) if day else ""}


async def test_moving_the_order_moves_open_offers_and_accepted_work(signed_in: SignIn, place: Place) -> None:
    order_id = await make_order(place.id, "Pihatyöt", status="scheduled", day=OLD)
    offered = await make_assignment(place.id, order_id, place.maija.member_id, status="offered", planned_day=OLD)
    accepted = await make_assignment(place.id, order_id, place.pekka.member_id, planned_day=OLD, planned_minutes=150)
    coach = await make_assignment(place.id, order_id, coach_id=place.users["coach"], planned_day=OLD)
    third = await make_worker(place.id, "Olli Kolmas")
    declined = await make_assignment(place.id, order_id, third.member_id, status="declined", planned_day=OLD)
    fourth = await make_worker(place.id, "Ville Toinenpäivä")
    other_day = await make_assignment(place.id, order_id, fourth.member_id, planned_day=dt.date(2030, 6, 4))
    async with public_unit():
        await User.update({User.language: "en"}).where(User.id == place.users["coach"]).run()
    hours = await make_hours(place.id, accepted, OLD, 60)

    admin = await signed_in(place.emails["admin"])
    response = await admin.post(f"/c/{place.slug}/work/orders/{order_id}/edit", edit_form(NEW))
    assert response.status_code == 303

    rows = await rows_of(place.id, "work_assignment", "order_id = {}", order_id)
    assert [(r["id"], r["status"], r["planned_day"], r["planned_minutes"]) for r in rows] == [
        (offered, "offered", NEW, 180),
        (accepted, "accepted", NEW, 150),
        (coach, "accepted", NEW, 180),
        (declined, "declined", OLD, 180),
        (other_day, "accepted", dt.date(2030, 6, 4), 180),
    ]
    events = await rows_of(place.id, "work_assignment_event", "TRUE")
    assert [(e["assignment_id"], e["kind"], e["by_id"], e["note"]) for e in events] == [
        (offered, "changed", place.users["admin"], "3.6.2030 → 5.6.2030"),
        (accepted, "changed", place.users["admin"], "3.6.2030 → 5.6.2030"),
        (coach, "changed", place.users["admin"], "3.6.2030 → 5.6.2030"),
    ]
    # Hours already logged record when the work was done: they do not move.
    logged = await rows_of(place.id, "work_hours", "id = {}", hours)
    assert [(r["day"], r["minutes"]) for r in logged] == [(OLD, 60)]

    # Only the people who had taken the job are told (an open offer shows its new day on My work).
    mail = [json.loads(r["payload"]) for r in await rows_of(place.id, "outbox", "payload->>'to' IS NOT NULL")]
    assert sorted(m["to"] for m in mail) == sorted([place.pekka.email, place.emails["coach"]])
    by_to = {m["to"]: m for m in mail}
    coach_mail = by_to[place.emails["coach"]]
    assert coach_mail["subject"] == "Your job moved to another day: Pihatyöt"
    body = coach_mail["body"].replace("\u00a0", " ")
    assert "New day: Wednesday 5 June 2030\n" in body
    assert "The day was: Monday 3 June 2030\n" in body
    assert "How long: 3 h\n" in body
    assert f"/c/{place.slug}/work/mine" in body
    worker_body = by_to[place.pekka.email]["body"].replace("\u00a0", " ")  # Pekka reads Finnish
    assert "keskiviikko 5.6.2030" in worker_body and "maanantai 3.6.2030" in worker_body
    assert "2 t 30 min" in worker_body

    audit = await rows_of(place.id, "audit_log", "action = 'work.order_changed'")
    detail = audit[-1]["detail"]
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert detail["moved_assignments"] == [offered, accepted, coach]
    assert (detail["old_day"], detail["day"]) == ("2030-06-03", "2030-06-05")


async def test_same_day_or_no_day_moves_nothing(signed_in: SignIn, place: Place) -> None:
    order_id = await make_order(place.id, "Pihatyöt", status="scheduled", day=OLD)
    accepted = await make_assignment(place.id, order_id, place.pekka.member_id, planned_day=OLD)
    unplanned = await make_order(place.id, "Pihatyöt", status="accepted")
    offer = await make_assignment(place.id, unplanned, place.maija.member_id, status="offered", planned_day=OLD)
    admin = await signed_in(place.emails["admin"])

    assert (await admin.post(f"/c/{place.slug}/work/orders/{order_id}/edit", edit_form(OLD, "Uusi"))).status_code == 303
    # An order without a day gets one: its offers were planned for a day of their own, which stays.
    assert (await admin.post(f"/c/{place.slug}/work/orders/{unplanned}/edit", edit_form(NEW))).status_code == 303
    rows = await rows_of(place.id, "work_assignment", "TRUE")
    assert [(r["id"], r["planned_day"]) for r in rows] == [(accepted, OLD), (offer, OLD)]
    assert await rows_of(place.id, "work_assignment_event", "TRUE") == []
    assert await rows_of(place.id, "outbox", "payload->>'to' IS NOT NULL") == []


async def test_refused_change_moves_nothing(signed_in: SignIn, place: Place) -> None:
    order_id = await make_order(place.id, "Pihatyöt", status="scheduled", day=OLD)
    await make_assignment(place.id, order_id, place.pekka.member_id, planned_day=OLD)
    admin = await signed_in(place.emails["admin"])
    before = await snapshot(place.id)
    bad = edit_form(NEW, title="") | {"start": "10.00"}
    response = await admin.post(f"/c/{place.slug}/work/orders/{order_id}/edit", bad)
    assert response.status_code == 400
    assert await snapshot(place.id) == before
    # A person without a role that runs orders cannot move it either.
    member = await signed_in(place.emails["member"])
    response = await member.post(f"/c/{place.slug}/work/orders/{order_id}/edit", edit_form(NEW))
    assert response.status_code == 403
    assert await snapshot(place.id) == before


async def test_a_worker_of_another_coop_is_never_touched(signed_in: SignIn, place: Place) -> None:
    """The move is filtered by coop and order: an assignment of another order on the same day stays."""
    order_id = await make_order(place.id, "Pihatyöt", status="scheduled", day=OLD)
    other_order = await make_order(place.id, "Toinen työ", status="scheduled", day=OLD)
    other = await make_assignment(place.id, other_order, place.maija.member_id, planned_day=OLD)
    admin = await signed_in(place.emails["admin"])
    assert (await admin.post(f"/c/{place.slug}/work/orders/{order_id}/edit", edit_form(NEW))).status_code == 303
    rows = await rows_of(place.id, "work_assignment", "id = {}", other)
    assert [(r["planned_day"], r["status"]) for r in rows] == [(OLD, "accepted")]
