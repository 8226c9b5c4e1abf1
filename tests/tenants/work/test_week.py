"""The coop's week (/c/{slug}/work/week): the jobs day by day with their people and open offers, the counts of new
shop requests and hours to approve, open offers over an earnings limit, week navigation and the roles."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from osuus.platform.dates import today
from osuus.tenants.work import week
from tests.fixtures import SignIn
from tests.tenants.catalogue.conftest import make_request
from tests.tenants.employment.conftest import add_contract, add_profile
from tests.tenants.work.conftest import (
    Place,
    ctx_for,
    make_assignment,
    make_hours,
    make_member,
    make_order,
    make_place,
    rows_of,
    snapshot,
)

MONDAY = dt.date(2030, 5, 6)  # week 2030-W19


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.text).replace("\u00a0", " "))


async def _seed(place: Place) -> dict[str, int]:
    """A small week: two jobs on Monday, one on Wednesday, one on Sunday; a cancelled job and next week's job."""
    first = await make_order(place.id, "Pihatyö Kuusitie", status="scheduled", day=MONDAY, start=(9, 0), end=(12, 0))
    second = await make_order(place.id, "Ikkunat Koivutie", status="accepted", day=MONDAY)
    wednesday = await make_order(place.id, "Siivous Lehtola", status="in_progress", day=MONDAY + dt.timedelta(2))
    sunday = await make_order(place.id, "Muutto Mäkelä", status="done", day=MONDAY + dt.timedelta(6))
    await make_order(place.id, "Peruttu työ", status="cancelled", day=MONDAY + dt.timedelta(1))
    await make_order(place.id, "Ensi viikon työ", status="accepted", day=MONDAY + dt.timedelta(7))
    await make_assignment(place.id, first, place.maija.member_id, status="accepted", planned_day=MONDAY)
    await make_assignment(place.id, first, place.pekka.member_id, status="offered", planned_day=MONDAY)
    await make_assignment(place.id, first, coach_id=place.users["coach"], planned_day=MONDAY)
    await make_assignment(place.id, second, place.pekka.member_id, status="declined", planned_day=MONDAY)
    done = await make_assignment(place.id, sunday, place.maija.member_id, planned_day=MONDAY + dt.timedelta(6))
    await make_hours(place.id, done, MONDAY + dt.timedelta(6), 120)  # waiting
    await make_hours(place.id, done, MONDAY + dt.timedelta(6), 60, status="approved", approved_by=place.users["admin"])
    await make_request(place.id, "Uusi Pyytäjä")
    await make_request(place.id, "Hoidettu Pyytäjä", status="handled")
    return {"first": first, "second": second, "wednesday": wednesday, "sunday": sunday}


async def test_the_week_has_the_jobs_on_their_days_and_the_counts() -> None:
    place = await make_place()
    ids = await _seed(place)
    ctx = await ctx_for(place.id, place.slug, place.users["admin"])
    found = await week.week_page(ctx, "2030-W19")
    assert found is not None
    assert (found.week, found.number, found.monday, found.sunday) == ("2030-W19", 19, MONDAY, dt.date(2030, 5, 12))
    assert (found.previous, found.next, found.current) == ("2030-W18", "2030-W20", False)
    assert [d.day for d in found.days] == [MONDAY + dt.timedelta(n) for n in range(7)]
    assert [[j.id for j in d.jobs] for d in found.days] == [
        [ids["first"], ids["second"]], [], [ids["wednesday"]], [], [], [], [ids["sunday"]],
    ]  # fmt: skip
    first = found.days[0].jobs[0]
    assert (first.title, first.status, first.start, first.end) == (
        "Pihatyö Kuusitie", "scheduled", dt.time(9), dt.time(12),
    )  # fmt: skip
    assert [(p.name, p.role, p.status) for p in first.people] == [
        ("Maija Jäsen", "worker", "accepted"),
        ("Pekka Tekijä", "worker", "offered"),
        (f"Coach {place.slug}", "coach", "accepted"),
    ]
    assert first.open_offers == 1
    assert found.days[0].jobs[1].people == ()  # a declined offer is not on the job
    assert (found.job_count, found.new_requests, found.waiting_hours, found.over_limit) == (4, 1, 1, 0)
    assert found.can_approve is True


async def test_the_page_shows_the_week_in_plain_words(signed_in: SignIn) -> None:
    place = await make_place()
    ids = await _seed(place)
    admin = await signed_in(place.emails["admin"])
    response = await admin.get(f"/c/{place.slug}/work/week?week=2030-W19")
    assert response.status_code == 200
    page = text(response)
    assert "Week 19: 6.5.–12.5.2030" in page
    assert "Monday 6 May 2030" in page and "Sunday 12 May 2030" in page
    assert "Pihatyö Kuusitie" in page and "Siivous Lehtola" in page and "Muutto Mäkelä" in page
    assert "Peruttu työ" not in page and "Ensi viikon työ" not in page
    assert "Pekka Tekijä: offered, no answer yet" in page
    assert "Maija Jäsen: coming" in page
    assert "1 offer is still open." in page
    assert "1 new request from the shop" in page
    assert "1 time entry waits for approval" in page
    assert "0 people have open offers in the next 7 days" in page
    assert page.count("No jobs.") == 4  # Tuesday, Thursday, Friday, Saturday
    assert f'href="/c/{place.slug}/work/week?week=2030-W18"' in response.text
    assert f'href="/c/{place.slug}/work/week?week=2030-W20"' in response.text
    assert f'href="/c/{place.slug}/work/orders/{ids["first"]}"' in response.text
    assert f'href="/c/{place.slug}/requests"' in response.text
    assert f'href="/c/{place.slug}/work/hours"' in response.text


async def test_week_navigation_and_bad_weeks(signed_in: SignIn) -> None:
    place = await make_place()
    coach = await signed_in(place.emails["coach"])
    now = await coach.get(f"/c/{place.slug}/work/week")
    assert now.status_code == 200
    monday = today() - dt.timedelta(days=today().weekday())
    assert f"Week {monday.isocalendar()[1]}:" in text(now)
    assert "No jobs this week." in text(now)
    assert f"?week={week.week_value(monday + dt.timedelta(weeks=1))}" in now.text
    assert ">This week</a>" not in now.text.split("</h1>", 1)[1].split("Waiting for you")[0]
    # The first week of a year steps back into the last week of the year before (2026 has 53 weeks).
    ctx = await ctx_for(place.id, place.slug, place.users["coach"])
    found = await week.week_page(ctx, "2027-W01")
    assert found is not None and (found.previous, found.next) == ("2026-W53", "2027-W02")
    for bad in ("2030-W60", "2030-19", "huomenna", "2027-W53"):
        response = await coach.get(f"/c/{place.slug}/work/week", params={"week": bad})
        assert response.status_code == 400, bad
        assert "We could not read the week in the address." in text(response)
    # A coach does not handle shop requests: no request count and no link to them.
    assert found.new_requests is None
    assert f"/c/{place.slug}/requests" not in now.text


async def test_board_sees_requests_but_not_the_earnings_part(signed_in: SignIn) -> None:
    place = await make_place()
    await _seed(place)
    ctx = await ctx_for(place.id, place.slug, place.users["board"])
    found = await week.week_page(ctx, "2030-W19")
    assert found is not None
    assert (found.new_requests, found.waiting_hours, found.over_limit, found.can_approve) == (1, 1, None, False)
    board = await signed_in(place.emails["board"])
    page = await board.get(f"/c/{place.slug}/work/week?week=2030-W19")
    assert page.status_code == 200
    assert "earnings limit" not in page.text
    assert f'href="/c/{place.slug}/work/hours"' not in page.text


async def test_members_are_refused_and_nothing_is_written(signed_in: SignIn) -> None:
    place = await make_place()
    await _seed(place)
    before = await snapshot(place.id)
    for email in (place.emails["member"], place.maija.email):
        member = await signed_in(email)
        for address in ("/work/week", "/work/week?week=2030-W19", "/work/week?week=bad"):
            assert (await member.get(f"/c/{place.slug}{address}")).status_code == 403
    assert await snapshot(place.id) == before


async def test_open_offers_over_the_limit_are_counted_and_the_reads_logged() -> None:
    place = await make_place()
    on = today()
    first = on.replace(day=1)
    member = place.maija.member_id
    await add_contract(place.id, member, first - dt.timedelta(days=60), wage_cents=1500)
    await add_profile(place.id, member, "disability_pension", 20_000, first - dt.timedelta(days=60))
    big = await make_order(place.id, status="scheduled", day=on)
    await make_assignment(place.id, big, member, status="offered", planned_day=on, planned_minutes=14 * 60)
    small = await make_order(place.id, status="scheduled", day=on)
    await add_contract(place.id, place.pekka.member_id, first - dt.timedelta(days=60), wage_cents=1500)
    await make_assignment(place.id, small, place.pekka.member_id, status="offered", planned_day=on)  # no profile
    third = await make_order(place.id, status="scheduled", day=on)
    await make_assignment(
        place.id, third, await make_member(place.id, "Ei Sopimusta"), status="offered", planned_day=on
    )
    ctx = await ctx_for(place.id, place.slug, place.users["coach"])
    found = await week.week_page(ctx)
    assert found is not None and found.current
    assert found.over_limit == 1  # 14 h × 15 € = 210 € is over 200 €
    reads = await rows_of(place.id, "audit_log", "action = 'employment.benefit_profile.read'")
    # One batched read of the coop's profiles ("dashboard"): a read row for each person whose profile was opened
    # (Pekka and the person without a contract have no profile: nothing of theirs is opened or logged).
    assert [r["target"] for r in reads] == [f"member:{member}"]
    assert {r["actor_id"] for r in reads} == {place.users["coach"]}
    assert [r["detail"]["purpose"] if isinstance(r["detail"], dict) else json.loads(r["detail"])["purpose"]
            for r in reads] == ["dashboard"]  # fmt: skip
    # A coach of nobody sees nobody near their limit (Maija's 210 € are offers, not planned work: 0 % of 200 €).
    assert found.near_limit == ()
