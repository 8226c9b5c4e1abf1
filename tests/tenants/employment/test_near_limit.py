"""People near their earnings limit (employment/limits.py) and the section of the coop's week that lists them:
exact shares (79 % is not listed, 80 % is, 112 % is shown as 112 %), the batched month equal to the one-person
month, one batched read logged per person with the purpose "dashboard", and who sees the section."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from osuus.platform.dates import today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.employment import limits, service
from osuus.tenants.employment.earnings import Month
from osuus.tenants.work import service as work_service
from osuus.tenants.work import week
from tests.fixtures import SignIn, browsers_by_email
from tests.tenants.employment.conftest import add_contract, add_pay, add_profile, assign
from tests.tenants.work.conftest import (
    Place,
    ctx_for,
    make_assignment,
    make_hours,
    make_member,
    make_order,
    make_place,
    make_worker,
    rows_of,
    snapshot,
)

READS = "action = 'employment.benefit_profile.read'"
WAGE = 1500  # 15 € an hour: 4 minutes are 1 €
LIMIT = 10_000  # 100 € a month


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    async with browsers_by_email(app, in_english=True) as get:
        yield get


def text(response: Any) -> str:
    """The page's words without tags."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.text)).replace("\u00a0", " "))


@dataclass
class Month4:
    place: Place
    under: int  # 319 min: 79.75 % -> not listed
    at: int  # 240 min + 20 € other pay = 80 €: 80 %
    over: int  # approved 200 min + waiting 120 min + accepted work to come 128 min = 112 €: 112 %
    no_limit: int  # a profile without a limit, many hours
    no_wage: int  # a limit but no contract: nothing earned


async def _worked(coop_id: int, member_id: int, day: dt.date, minutes: int, status: str, admin: int) -> None:
    order = await make_order(coop_id, status="done", day=day)
    job = await make_assignment(coop_id, order, member_id, planned_day=day, planned_minutes=max(minutes, 1))
    await make_hours(coop_id, job, day, minutes, status=status, approved_by=admin if status == "approved" else None)


async def _seed(first: dt.date, on: dt.date) -> Month4:
    """A month (from `first`; `on` is the day the page is read) with people at 79 %, 80 %, 112 % of their limit."""
    place = await make_place()
    admin = place.users["admin"]
    since = first - dt.timedelta(days=90)
    people = {}
    for key, name in (("under", "Ulla Alle"), ("at", "Arvo Raja"), ("over", "Olli Yli"), ("no_limit", "Eino Eiraja")):
        people[key] = (await make_worker(place.id, name)).member_id
        await add_contract(place.id, people[key], since, wage_cents=WAGE)
    people["no_wage"] = await make_member(place.id, "Vieno Palkaton")
    for key in ("under", "at", "over", "no_wage"):
        await add_profile(place.id, people[key], "disability_pension", LIMIT, since)
    await add_profile(place.id, people["no_limit"], "none", None, since)
    await _worked(place.id, people["under"], first, 319, "approved", admin)
    await _worked(place.id, people["at"], first, 240, "approved", admin)
    await add_pay(place.id, people["at"], first, 2000)
    await _worked(place.id, people["over"], first, 200, "approved", admin)
    await _worked(place.id, people["over"], first, 120, "waiting", admin)
    coming = await make_order(place.id, status="scheduled", day=on)
    await make_assignment(place.id, coming, people["over"], status="accepted", planned_day=on, planned_minutes=128)
    await _worked(place.id, people["no_limit"], first, 1440, "approved", admin)
    await _worked(place.id, people["no_wage"], first, 600, "approved", admin)
    return Month4(place, **people)


async def test_near_the_limit_with_exact_shares_and_one_logged_read() -> None:
    first, on = dt.date(2030, 5, 1), dt.date(2030, 5, 20)
    m = await _seed(first, on)
    before = await rows_of(m.place.id, "audit_log", READS)
    async with coop_unit(m.place.id, m.place.users["admin"]):
        near = await limits.near_limit_in_unit(m.place.id, on)
    assert [(n.member_id, n.name, n.percent, n.projected_cents, n.limit_cents) for n in near] == [
        (m.over, "Olli Yli", 112, 11_200, LIMIT),
        (m.at, "Arvo Raja", 80, 8_000, LIMIT),
    ]
    reads = (await rows_of(m.place.id, "audit_log", READS))[len(before) :]
    # One read row for each person whose profile was opened, all written by one statement of the one read.
    everyone = sorted((m.under, m.at, m.over, m.no_limit, m.no_wage))
    assert [r["target"] for r in reads] == [f"member:{p}" for p in everyone]
    assert {r["actor_id"] for r in reads} == {m.place.users["admin"]}
    assert len({r["at"] for r in reads}) == 1
    details = [json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"] for r in reads]
    assert details == [{"member_id": p, "purpose": "dashboard", "batch": 5} for p in everyone]
    # A lower share lists the 79 % person too (rounded down, 79.75 % is 79 %); nobody without a limit or a wage.
    async with coop_unit(m.place.id, m.place.users["admin"]):
        lower = await limits.near_limit_in_unit(m.place.id, on, share=Decimal("0.5"))
    assert [(n.member_id, n.percent) for n in lower] == [(m.over, 112), (m.at, 80), (m.under, 79)]


async def test_the_batched_month_equals_the_month_of_one_person() -> None:
    first, on = dt.date(2030, 5, 1), dt.date(2030, 5, 20)
    m = await _seed(first, on)
    month = Month.of(on)
    people = (m.under, m.at, m.over, m.no_limit, m.no_wage)
    async with coop_unit(m.place.id, m.place.users["admin"]):
        batched = await limits.months_in_unit(m.place.id, month, {p: LIMIT for p in people}, on)
        for p in people:
            single = await service._month_in_unit(m.place.id, p, month, None, on)
            assert batched[p].rows == single.rows, p
            assert batched[p].projected_cents == single.projected_cents
    assert [batched[p].projected_cents for p in people] == [7_975, 8_000, 11_200, 36_000, 0]


async def test_the_work_contexts_batched_rows_equal_its_rows_per_worker() -> None:
    first, on = dt.date(2030, 5, 1), dt.date(2030, 5, 20)
    m = await _seed(first, on)
    people = [m.under, m.at, m.over, m.no_limit, m.no_wage, m.place.pekka.member_id]
    last = dt.date(2030, 5, 31)
    async with coop_unit(m.place.id, m.place.users["admin"]):
        hours = await work_service.hours_for_workers_in_unit(m.place.id, people, first, last)
        planned = await work_service.planned_for_workers_in_unit(m.place.id, people, first, last)
        for p in people:
            assert hours[p] == await work_service.hours_for_worker_in_unit(m.place.id, p, first, last), p
            assert planned[p] == await work_service.planned_for_worker_in_unit(m.place.id, p, first, last), p
    assert [len(hours[p]) for p in people] == [1, 1, 2, 1, 1, 0]
    assert [len(planned[p]) for p in people] == [0, 0, 1, 0, 0, 0]


async def test_over_limit_from_the_batched_read_matches_the_guard() -> None:
    """The week's count of people whose open offers would take them over: what would_exceed_in_unit says."""
    first, on = dt.date(2030, 5, 1), dt.date(2030, 5, 20)
    m = await _seed(first, on)
    offers = [
        limits.Offer(m.under, on, 4),  # 79.75 € + 1 € = 80.75 €: not over
        limits.Offer(m.at, on, 80),  # 80 € + 20 € = 100 €: exactly the limit is not over
        limits.Offer(m.under, dt.date(2030, 6, 3), 400),  # next month: 100 € is not over 100 €
        limits.Offer(m.no_wage, on, 600),  # no wage: never over
        limits.Offer(m.no_limit, on, 6000),
    ]
    async with coop_unit(m.place.id, m.place.users["admin"]):
        found = await limits.read_limits_in_unit(m.place.id, "dashboard")
        assert await limits.over_limit_in_unit(m.place.id, offers, on, found) == set()
        more = [limits.Offer(m.at, on, 84), limits.Offer(m.under, dt.date(2030, 6, 3), 404)]
        assert await limits.over_limit_in_unit(m.place.id, more, on, found) == {m.at, m.under}
        for o in (*offers, *more):
            expected = o in more
            assert await service.would_exceed_in_unit(m.place.id, o.member_id, o.day, o.minutes) is expected, o


async def test_the_week_lists_them_for_the_admin_with_links(signed_in: SignIn) -> None:
    on = today()
    m = await _seed(on.replace(day=1), on)
    admin = await signed_in(m.place.emails["admin"])
    response = await admin.get(f"/c/{m.place.slug}/work/week")
    assert response.status_code == 200
    page = text(response)
    assert "Near their earnings limit this month" in page
    assert "Olli Yli: 112 % of the limit" in page and "Arvo Raja: 80 % of the limit" in page
    assert "Ulla Alle" not in page and "Eino Eiraja" not in page and "Vieno Palkaton" not in page
    assert page.index("Olli Yli") < page.index("Arvo Raja")
    for member in (m.over, m.at):
        assert f'href="/c/{m.place.slug}/employment/workers/{member}/earnings"' in response.text
    reads = await rows_of(m.place.id, "audit_log", READS)
    assert len(reads) == 5
    assert {(r["actor_id"], json_purpose(r)) for r in reads} == {(m.place.users["admin"], "dashboard")}


def json_purpose(row: dict[str, Any]) -> str:
    detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
    return str(detail["purpose"])


async def test_a_job_coach_sees_only_their_own_workers() -> None:
    on = today()
    m = await _seed(on.replace(day=1), on)
    await assign(m.place.id, m.over, m.place.users["coach"])
    ctx = await ctx_for(m.place.id, m.place.slug, m.place.users["coach"])
    found = await week.week_page(ctx)
    assert found is not None and found.near_limit is not None
    assert [(n.member_id, n.percent) for n in found.near_limit] == [(m.over, 112)]


async def test_nobody_near_the_limit_says_so(signed_in: SignIn) -> None:
    place = await make_place()
    admin = await signed_in(place.emails["admin"])
    page = text(await admin.get(f"/c/{place.slug}/work/week"))
    assert "Near their earnings limit this month" in page
    assert "Nobody is at 80 % of their earnings limit this month." in page
    assert await rows_of(place.id, "audit_log", READS) == []  # no profiles: nothing opened, nothing logged


async def test_board_and_members_do_not_see_the_section_and_nothing_is_read(signed_in: SignIn) -> None:
    on = today()
    m = await _seed(on.replace(day=1), on)
    before = await snapshot(m.place.id)
    board = await signed_in(m.place.emails["board"])
    response = await board.get(f"/c/{m.place.slug}/work/week")
    assert response.status_code == 200
    assert "Near their earnings limit" not in response.text and "of the limit" not in response.text
    assert "/earnings" not in response.text
    ctx = await ctx_for(m.place.id, m.place.slug, m.place.users["board"])
    found = await week.week_page(ctx)
    assert found is not None and (found.near_limit, found.over_limit) == (None, None)
    for email in (m.place.emails["member"], m.place.maija.email):
        member = await signed_in(email)
        assert (await member.get(f"/c/{m.place.slug}/work/week")).status_code == 403
    assert await snapshot(m.place.id) == before
    assert await rows_of(m.place.id, "audit_log", READS) == []
