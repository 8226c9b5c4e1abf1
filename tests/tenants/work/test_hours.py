"""Hours: the clock (server time, one running clock per person), the quick entry and its mistakes, approval and
sending back, corrections that keep every version, approved hours that the database itself keeps final, and the
person's own pages."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pytest
from asyncpg.exceptions import CheckViolationError

from osuus.platform.dates import HELSINKI, format_date, today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.work.hours import clock_minutes
from osuus.tenants.work.service import HoursRow, hours_for_worker_in_unit
from osuus.tenants.work.tables import HourEntry
from tests.fixtures import SignIn
from tests.tenants.work.conftest import (
    Place,
    make_assignment,
    make_hours,
    make_order,
    make_place,
    rows_of,
    snapshot,
)

TODAY = today()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture(scope="module")
async def mp(db: None) -> Place:
    return await make_place()


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


async def job(
    place: Place, member_id: int | None = None, status: str = "scheduled", status_: str = "accepted", **kwargs: Any
) -> tuple[int, int]:
    """An order in `status` with one assignment (`status_`) planned for today."""
    order_id = await make_order(place.id, status=status, day=TODAY)
    return order_id, await make_assignment(place.id, order_id, member_id, planned_day=TODAY, status=status_, **kwargs)


def test_clock_minutes_count_a_started_minute() -> None:
    start = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
    assert clock_minutes(start, start + dt.timedelta(seconds=5)) == 1
    assert clock_minutes(start, start + dt.timedelta(minutes=90)) == 90
    assert clock_minutes(start, start + dt.timedelta(minutes=90, seconds=1)) == 91
    assert clock_minutes(start, start + dt.timedelta(hours=30)) == 1440


async def test_start_and_stop_the_clock_with_one_running_clock(signed_in: SignIn) -> None:
    place = await make_place()
    order_id, a = await job(place, place.maija.member_id)
    _, other = await job(place, place.maija.member_id)
    maija = await signed_in(place.maija.email)
    response = await maija.post(f"/c/{place.slug}/work/mine/{a}/start")
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{place.slug}/work/mine?done=started"
    [running] = await rows_of(place.id, "work_hours", "assignment_id = {}", a)
    assert (running["status"], running["minutes"], running["source"], running["member_id"]) == (
        "running", None, "timer", place.maija.member_id,
    )  # fmt: skip
    assert running["day"] == running["started_at"].astimezone(HELSINKI).date()
    [order] = await rows_of(place.id, "work_order", "id = {}", order_id)
    assert order["status"] == "in_progress"
    page = text(await maija.get(f"/c/{place.slug}/work/mine"))
    assert "Your clock is running" in page and "Stop the clock" in page

    before = await snapshot(place.id)
    for target in (a, other):
        again = await maija.post(f"/c/{place.slug}/work/mine/{target}/start")
        assert again.status_code == 409 and "Your clock is already running. Stop it first." in text(again)
    assert await snapshot(place.id) == before

    stopped = await maija.post(f"/c/{place.slug}/work/mine/stop")
    assert stopped.status_code == 303
    [entry] = await rows_of(place.id, "work_hours", "assignment_id = {}", a)
    assert (entry["status"], entry["minutes"]) == ("waiting", 1)
    assert entry["ended_at"] >= entry["started_at"]
    before = await snapshot(place.id)
    twice = await maija.post(f"/c/{place.slug}/work/mine/stop")
    assert twice.status_code == 409 and "Your clock is not running." in text(twice)
    assert await snapshot(place.id) == before
    assert (await maija.post(f"/c/{place.slug}/work/mine/{other}/start")).status_code == 303


async def test_the_database_keeps_one_running_clock_per_person(mp: Place) -> None:
    _, a = await job(mp, mp.pekka.member_id)
    _, b = await job(mp, mp.pekka.member_id)
    await make_hours(mp.id, a, TODAY, None, status="running")
    with pytest.raises(Exception, match="work_hours_running_worker"):
        await make_hours(mp.id, b, TODAY, None, status="running")


async def test_quick_entry_with_start_and_end_or_a_length(signed_in: SignIn, mp: Place) -> None:
    _, a = await job(mp, mp.maija.member_id)
    maija = await signed_in(mp.maija.email)
    page = text(await maija.get(f"/c/{mp.slug}/work/mine/{a}/log"))
    assert f'name="day" type="text" value="{format_date(TODAY)}"' in page
    response = await maija.post(
        f"/c/{mp.slug}/work/mine/{a}/log", {"day": format_date(YESTERDAY), "start": "8.30", "end": "12:00"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{mp.slug}/work/mine?done=logged"
    response = await maija.post(
        f"/c/{mp.slug}/work/mine/{a}/log", {"day": format_date(TODAY), "hours": "2", "minutes": "15", "note": "Tauko"}
    )
    assert response.status_code == 303
    rows = await rows_of(mp.id, "work_hours", "assignment_id = {}", a)
    assert [(r["day"], r["minutes"], r["status"], r["source"], r["note"]) for r in rows] == [
        (YESTERDAY, 210, "waiting", "quick", ""),
        (TODAY, 135, "waiting", "quick", "Tauko"),
    ]
    assert rows[0]["started_at"] == dt.datetime.combine(YESTERDAY, dt.time(8, 30), tzinfo=HELSINKI)
    assert rows[1]["started_at"] is None


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({"day": "", "start": "", "end": ""}, ["Write the day you worked", "Write when you started and ended"]),
        ({"day": "FUTURE", "start": "8.00", "end": "9.00"}, ["The day you worked must be today or in the past"]),
        ({"day": "TODAY", "start": "12.00", "end": "8.30"}, ["The end must be later than the start"]),
        ({"day": "TODAY", "start": "25.00", "end": "8.30"}, ["Write the time as hours and minutes, for example 8.30"]),
        ({"day": "TODAY", "start": "8.00"}, ["Write when you ended, for example 12.00"]),
        ({"day": "TODAY", "start": "8.00", "end": "9.00", "hours": "1"}, ["or how long you worked. Not both"]),
        ({"day": "TODAY", "hours": "25"}, ["The time must be 24 hours or less"]),
        ({"day": "TODAY", "hours": "0", "minutes": "0"}, ["The time must be more than 0 minutes"]),
        ({"day": "TODAY", "hours": "1,5"}, ["Write the hours as a whole number, for example 2"]),
        ({"day": "32.1.2026", "minutes": "x"}, ["Check the date.", "Write the minutes as a whole number"]),
    ],
)  # fmt: skip
async def test_quick_entry_mistakes_keep_the_form(
    signed_in: SignIn, mp: Place, form: dict[str, str], messages: list[str]
) -> None:
    _, a = await job(mp, mp.maija.member_id)
    days = {"TODAY": format_date(TODAY), "FUTURE": format_date(TODAY + dt.timedelta(days=1))}
    data = {k: days.get(v, v) for k, v in form.items()} | {"note": "Muistiinpano"}
    maija = await signed_in(mp.maija.email)
    before = await snapshot(mp.id)
    response = await maija.post(f"/c/{mp.slug}/work/mine/{a}/log", data)
    assert response.status_code == 400
    page = text(response)
    for message in messages:
        assert message in page
    assert "Muistiinpano" in page
    for value in data.values():
        if value:
            assert f'value="{value}"' in page or value in page
    assert await snapshot(mp.id) == before


async def test_no_hours_on_a_job_not_accepted_or_closed(signed_in: SignIn, mp: Place) -> None:
    _, offered = await job(mp, mp.maija.member_id, status="scheduled", status_="offered")
    _, closed = await job(mp, mp.maija.member_id, status="invoiced")
    maija = await signed_in(mp.maija.email)
    before = await snapshot(mp.id)
    for target, message in ((offered, "You can log time only for a job you have accepted."),
                            (closed, "This job is closed.")):  # fmt: skip
        for path in (f"/c/{mp.slug}/work/mine/{target}/start", f"/c/{mp.slug}/work/mine/{target}/log"):
            response = await maija.post(path, {"day": format_date(TODAY), "hours": "1"})
            assert response.status_code == 409
            assert message in text(response)
    assert await snapshot(mp.id) == before


async def test_approve_return_and_who_may(signed_in: SignIn) -> None:
    place = await make_place()
    _, a = await job(place, place.maija.member_id)
    _, coach_job = await job(place, coach_id=place.users["coach"])
    first = await make_hours(place.id, a, YESTERDAY, 120)
    second = await make_hours(place.id, a, TODAY, 60)
    coach_time = await make_hours(place.id, coach_job, TODAY, 90)
    coach = await signed_in(place.emails["coach"])
    admin = await signed_in(place.emails["admin"])
    maija = await signed_in(place.maija.email)
    board = await signed_in(place.emails["board"])
    listing = text(await coach.get(f"/c/{place.slug}/work/hours"))
    assert "Waiting for approval: 3" in listing
    assert "Your own time: another approver approves it." in listing

    before = await snapshot(place.id)
    assert (await maija.post(f"/c/{place.slug}/work/hours/{first}/approve")).status_code == 403
    assert (await board.post(f"/c/{place.slug}/work/hours/{first}/approve")).status_code == 403
    own = await coach.post(f"/c/{place.slug}/work/hours/{coach_time}/approve")
    assert own.status_code == 409 and "You cannot approve your own time." in text(own)
    assert await snapshot(place.id) == before

    assert (await coach.post(f"/c/{place.slug}/work/hours/{first}/approve")).status_code == 303
    assert (await admin.post(f"/c/{place.slug}/work/hours/{coach_time}/approve")).status_code == 303
    rows = {r["id"]: r for r in await rows_of(place.id, "work_hours")}
    assert (rows[first]["status"], rows[first]["approved_by"]) == ("approved", place.users["coach"])
    assert (rows[coach_time]["status"], rows[coach_time]["approved_by"]) == ("approved", place.users["admin"])

    before = await snapshot(place.id)
    twice = await coach.post(f"/c/{place.slug}/work/hours/{first}/approve")
    assert twice.status_code == 409 and "This time is already approved." in text(twice)
    empty = await coach.post(f"/c/{place.slug}/work/hours/{second}/return", {"return_note": ""})
    assert empty.status_code == 400 and "Write what is wrong, so that the person can fix it" in text(empty)
    assert await snapshot(place.id) == before
    sent = await coach.post(f"/c/{place.slug}/work/hours/{second}/return", {"return_note": "Tauko puuttuu."})
    assert sent.status_code == 303
    [row] = await rows_of(place.id, "work_hours", "id = {}", second)
    assert (row["status"], row["returned_by"], row["return_note"]) == (
        "returned",
        place.users["coach"],
        "Tauko puuttuu.",
    )
    [mail] = await rows_of(place.id, "outbox", "payload->>'to' = {}", place.maija.email)
    assert "Tauko puuttuu." in json.loads(mail["payload"])["body"]
    mine = text(await maija.get(f"/c/{place.slug}/work/mine/hours"))
    assert "Sent back to fix" in mine and "Fix this time" in mine


async def test_correction_keeps_history_and_only_the_latest_counts(signed_in: SignIn) -> None:
    place = await make_place()
    _, a = await job(place, place.maija.member_id, status="in_progress")
    first = await make_hours(place.id, a, YESTERDAY, 120, status="approved", approved_by=place.users["admin"])
    coach = await signed_in(place.emails["coach"])
    form = text(await coach.get(f"/c/{place.slug}/work/hours/{first}/correct"))
    assert 'name="hours" type="text" value="2"' in form
    bad = await coach.post(
        f"/c/{place.slug}/work/hours/{first}/correct", {"day": format_date(YESTERDAY), "minutes": "90"}
    )
    assert bad.status_code == 400 and "Write why the time changes" in text(bad)
    response = await coach.post(
        f"/c/{place.slug}/work/hours/{first}/correct",
        {"day": format_date(YESTERDAY), "hours": "", "minutes": "90", "note": "Lounastauko puuttui"},
    )
    assert response.status_code == 303
    second = int(response.headers["location"].split("/")[-1].split("?")[0])
    async with coop_unit(place.id):
        got = await hours_for_worker_in_unit(place.id, place.maija.member_id, YESTERDAY, TODAY)
    assert got == [HoursRow(YESTERDAY, 90, True, a)]
    rows = await rows_of(place.id, "work_hours", "assignment_id = {}", a)
    assert [(r["id"], r["minutes"], r["status"], r["supersedes_id"]) for r in rows] == [
        (first, 120, "approved", None),
        (second, 90, "approved", first),
    ]
    history = text(await coach.get(f"/c/{place.slug}/work/hours/{second}"))
    assert "All versions" in history and "2 h" in history and "1 h 30 min" in history and "(replaced)" in history
    before = await snapshot(place.id)
    stale = await coach.post(
        f"/c/{place.slug}/work/hours/{first}/correct", {"day": format_date(YESTERDAY), "minutes": "60", "note": "x"}
    )
    assert stale.status_code == 409 and "This time has been corrected." in text(stale)
    assert await snapshot(place.id) == before

    maija = await signed_in(place.maija.email)
    own = await maija.post(
        f"/c/{place.slug}/work/hours/{second}/correct",
        {"day": format_date(YESTERDAY), "start": "8.00", "end": "10.00", "note": "Olin kaksi tuntia"},
    )
    assert own.status_code == 303
    async with coop_unit(place.id):
        got = await hours_for_worker_in_unit(place.id, place.maija.member_id, YESTERDAY, TODAY)
    assert got == [HoursRow(YESTERDAY, 120, False, a)]
    pekka = await signed_in(place.pekka.email)
    assert (await pekka.get(f"/c/{place.slug}/work/hours/{second}")).status_code == 404
    assert (await pekka.get(f"/c/{place.slug}/work/hours/{second}/correct")).status_code == 404


async def test_approved_hours_are_final_in_the_database(mp: Place) -> None:
    _, a = await job(mp, mp.maija.member_id, status="in_progress")
    entry = await make_hours(mp.id, a, YESTERDAY, 120, status="approved", approved_by=mp.users["admin"])
    async with coop_unit(mp.id):
        with pytest.raises(CheckViolationError, match="approved hours are final"):
            await HourEntry.update({HourEntry.minutes: 60}).where(HourEntry.id == entry).run()
    [row] = await rows_of(mp.id, "work_hours", "id = {}", entry)
    assert row["minutes"] == 120


async def test_my_hours_this_month(signed_in: SignIn) -> None:
    place = await make_place()
    _, a = await job(place, place.maija.member_id, status="in_progress")
    first_of_month = TODAY.replace(day=1)
    await make_hours(place.id, a, first_of_month, 120, status="approved", approved_by=place.users["admin"])
    await make_hours(place.id, a, TODAY, 45)
    await make_hours(place.id, a, first_of_month - dt.timedelta(days=1), 300, status="approved")
    maija = await signed_in(place.maija.email)
    page = text(await maija.get(f"/c/{place.slug}/work/mine/hours"))
    assert "Approved: 2 h." in page and "Waiting for approval: 45 min." in page
    mine = text(await maija.get(f"/c/{place.slug}/work/mine"))
    assert "Approved: 2 h." in mine
    previous = first_of_month - dt.timedelta(days=1)
    older = text(await maija.get(f"/c/{place.slug}/work/mine/hours?month={previous.year}-{previous.month:02d}"))
    assert "Approved: 5 h." in older
