"""The functions other contexts call inside their own unit: a worker's hours (latest versions only) and planned
work, with exact values; and the unit check."""

from __future__ import annotations

import datetime as dt

import pytest

from osuus.platform.http import Form
from osuus.platform.tenancy import TenancyError, coop_unit
from osuus.tenants.work import hours as hours_service
from osuus.tenants.work.service import (
    HoursRow,
    PlannedRow,
    approved_minutes_in_unit,
    hours_for_worker_in_unit,
    planned_for_worker_in_unit,
)
from tests.tenants.work.conftest import Place, ctx_for, make_assignment, make_hours, make_order, rows_of

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


async def _hours(place: Place, member_id: int, start: dt.date, end: dt.date) -> list[HoursRow]:
    async with coop_unit(place.id):
        return await hours_for_worker_in_unit(place.id, member_id, start, end)


async def _planned(place: Place, member_id: int, start: dt.date, end: dt.date) -> list[PlannedRow]:
    async with coop_unit(place.id):
        return await planned_for_worker_in_unit(place.id, member_id, start, end)


async def test_hours_for_worker_gives_latest_versions_in_the_range(place: Place) -> None:
    order = await make_order(place.id, day=dt.date(2026, 11, 5))
    a = await make_assignment(place.id, order, place.maija.member_id, planned_day=dt.date(2026, 11, 5))
    other = await make_assignment(place.id, order, place.pekka.member_id, planned_day=dt.date(2026, 11, 5))
    coach = await make_assignment(place.id, order, coach_id=place.users["coach"], planned_day=dt.date(2026, 11, 5))
    await make_hours(place.id, a, dt.date(2026, 10, 31), 60, status="approved", approved_by=place.users["admin"])
    await make_hours(place.id, a, dt.date(2026, 11, 1), 120, status="approved", approved_by=place.users["admin"])
    await make_hours(place.id, a, dt.date(2026, 11, 5), 45)
    await make_hours(place.id, a, dt.date(2026, 11, 30), 30, status="returned")
    await make_hours(place.id, a, dt.date(2026, 11, 30), None, status="running")
    await make_hours(place.id, a, dt.date(2026, 12, 1), 240)
    await make_hours(place.id, other, dt.date(2026, 11, 5), 300)
    await make_hours(place.id, coach, dt.date(2026, 11, 5), 90)

    assert await _hours(place, place.maija.member_id, *NOV) == [
        HoursRow(dt.date(2026, 11, 1), 120, True, a),
        HoursRow(dt.date(2026, 11, 5), 45, False, a),
        HoursRow(dt.date(2026, 11, 30), 30, False, a),
    ]
    assert await _hours(place, place.pekka.member_id, *NOV) == [HoursRow(dt.date(2026, 11, 5), 300, False, other)]
    assert await _hours(place, place.maija.member_id, dt.date(2026, 11, 5), dt.date(2026, 11, 5)) == [
        HoursRow(dt.date(2026, 11, 5), 45, False, a)
    ]


async def test_correction_keeps_both_versions_and_only_the_latest_counts(place: Place) -> None:
    order = await make_order(place.id, status="in_progress", day=dt.date(2026, 11, 5))
    a = await make_assignment(place.id, order, place.maija.member_id, planned_day=dt.date(2026, 11, 5))
    first = await make_hours(
        place.id, a, dt.date(2026, 11, 5), 120, status="approved", approved_by=place.users["admin"]
    )
    coach = await ctx_for(place.id, place.slug, place.users["coach"])
    form = Form(values={"day": "5.11.2026", "hours": "1", "minutes": "30", "note": "Tauko puuttui"})

    second = await hours_service.correct_entry(coach, first, form, "127.0.0.1")

    assert second is not None and form.errors == {}
    assert await _hours(place, place.maija.member_id, *NOV) == [HoursRow(dt.date(2026, 11, 5), 90, True, a)]
    versions = await rows_of(place.id, "work_hours", "assignment_id = {}", a)
    assert [(v["id"], v["minutes"], v["status"], v["supersedes_id"], v["chain_id"], v["source"]) for v in versions] == [
        (first, 120, "approved", None, None, "quick"),
        (second, 90, "approved", first, first, "correction"),
    ]
    assert versions[1]["approved_by"] == place.users["coach"]
    assert versions[1]["note"] == "Tauko puuttui"
    async with coop_unit(place.id):
        assert await approved_minutes_in_unit(place.id, order) == {a: 90}


async def test_worker_correcting_own_approved_time_waits_for_approval(place: Place) -> None:
    order = await make_order(place.id, status="in_progress", day=dt.date(2026, 11, 5))
    a = await make_assignment(place.id, order, place.maija.member_id, planned_day=dt.date(2026, 11, 5))
    first = await make_hours(
        place.id, a, dt.date(2026, 11, 5), 120, status="approved", approved_by=place.users["admin"]
    )
    maija = await ctx_for(place.id, place.slug, place.maija.user_id)
    form = Form(values={"day": "5.11.2026", "start": "8.00", "end": "10.30", "note": "Olin pidempään"})

    second = await hours_service.correct_entry(maija, first, form, "127.0.0.1")

    assert second is not None
    assert await _hours(place, place.maija.member_id, *NOV) == [HoursRow(dt.date(2026, 11, 5), 150, False, a)]
    async with coop_unit(place.id):
        assert await approved_minutes_in_unit(place.id, order) == {}


async def test_removed_time_is_not_in_the_hours(place: Place) -> None:
    order = await make_order(place.id, status="in_progress", day=dt.date(2026, 11, 5))
    a = await make_assignment(place.id, order, place.maija.member_id, planned_day=dt.date(2026, 11, 5))
    first = await make_hours(place.id, a, dt.date(2026, 11, 5), 60)
    admin = await ctx_for(place.id, place.slug, place.users["admin"])
    form = Form(values={"day": "5.11.2026", "remove": "yes", "note": "Väärä työ"})

    assert await hours_service.correct_entry(admin, first, form, "") is not None
    assert await _hours(place, place.maija.member_id, *NOV) == []


async def test_planned_gives_accepted_work_not_yet_worked(place: Place) -> None:
    m = place.maija.member_id

    async def job(order_status: str, day: dt.date, **kwargs: object) -> int:
        order = await make_order(place.id, status=order_status, day=day)
        return await make_assignment(place.id, order, m, planned_day=day, **kwargs)  # type: ignore[arg-type]

    planned = await job("scheduled", dt.date(2026, 11, 10), planned_minutes=210)
    also = await job("accepted", dt.date(2026, 11, 20), planned_minutes=480)
    started = await job("in_progress", dt.date(2026, 11, 25), planned_minutes=60)
    await job("done", dt.date(2026, 11, 3))  # the job is over
    await job("invoiced", dt.date(2026, 11, 4))
    await job("scheduled", dt.date(2026, 11, 12), status="cancelled")
    await job("scheduled", dt.date(2026, 11, 14), status="offered")  # not accepted (yet)
    await job("scheduled", dt.date(2026, 11, 15), status="declined")
    await job("scheduled", dt.date(2026, 11, 16), status="withdrawn")
    await job("scheduled", dt.date(2026, 10, 31))  # outside the range
    await job("scheduled", dt.date(2026, 12, 1))
    on_clock = await job("in_progress", dt.date(2026, 11, 21))
    await make_hours(place.id, on_clock, dt.date(2026, 11, 21), None, status="running")
    with_hours = await job("in_progress", dt.date(2026, 11, 22))
    await make_hours(place.id, with_hours, dt.date(2026, 11, 22), 30)
    others = await make_order(place.id, status="scheduled", day=dt.date(2026, 11, 20))
    await make_assignment(place.id, others, place.pekka.member_id, planned_day=dt.date(2026, 11, 20))
    await make_assignment(place.id, others, coach_id=place.users["coach"], planned_day=dt.date(2026, 11, 20))

    assert await _planned(place, m, *NOV) == [
        PlannedRow(dt.date(2026, 11, 10), 210, planned),
        PlannedRow(dt.date(2026, 11, 20), 480, also),
        PlannedRow(dt.date(2026, 11, 25), 60, started),
    ]
    assert await _planned(place, m, dt.date(2026, 11, 11), dt.date(2026, 11, 20)) == [
        PlannedRow(dt.date(2026, 11, 20), 480, also)
    ]


async def test_planned_work_drops_out_when_corrected_to_nothing(place: Place) -> None:
    order = await make_order(place.id, status="in_progress", day=dt.date(2026, 11, 10))
    a = await make_assignment(place.id, order, place.maija.member_id, planned_day=dt.date(2026, 11, 10))
    assert await _planned(place, place.maija.member_id, *NOV) == [PlannedRow(dt.date(2026, 11, 10), 180, a)]
    entry = await make_hours(place.id, a, dt.date(2026, 11, 10), 60)
    assert await _planned(place, place.maija.member_id, *NOV) == []
    admin = await ctx_for(place.id, place.slug, place.users["admin"])
    await hours_service.correct_entry(
        admin, entry, Form(values={"day": "10.11.2026", "remove": "yes", "note": "x"}), ""
    )
    assert await _planned(place, place.maija.member_id, *NOV) == [PlannedRow(dt.date(2026, 11, 10), 180, a)]


async def test_contract_functions_need_the_unit_of_the_same_coop(place: Place) -> None:
    with pytest.raises(TenancyError):
        await hours_for_worker_in_unit(place.id, place.maija.member_id, *NOV)
    with pytest.raises(TenancyError):
        await planned_for_worker_in_unit(place.id, place.maija.member_id, *NOV)
    other = await make_order(place.id)
    async with coop_unit(place.id):
        with pytest.raises(TenancyError):
            await hours_for_worker_in_unit(place.id + 100_000, place.maija.member_id, *NOV)
        with pytest.raises(TenancyError):
            await planned_for_worker_in_unit(place.id + 100_000, place.maija.member_id, *NOV)
    assert other


async def test_another_coops_worker_has_no_hours_here(place: Place) -> None:
    from tests.tenants.work.conftest import make_place

    there = await make_place()
    order = await make_order(there.id, status="in_progress", day=dt.date(2026, 11, 5))
    a = await make_assignment(there.id, order, there.maija.member_id, planned_day=dt.date(2026, 11, 5))
    await make_hours(there.id, a, dt.date(2026, 11, 5), 60)
    assert await _hours(place, there.maija.member_id, *NOV) == []
    assert await _planned(place, there.maija.member_id, *NOV) == []
