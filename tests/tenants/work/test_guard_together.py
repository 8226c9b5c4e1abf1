"""Work and the earnings guard of the employment context together, without stand-ins: approved hours and accepted
work count towards the month, the warning shows before accepting, and the coach is told after."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from osuus.platform import i18n
from osuus.platform.dates import today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.employment.service import acceptance_warning_in_unit
from tests.fixtures import SignIn
from tests.tenants.employment.conftest import add_contract, add_profile, assign
from tests.tenants.work.conftest import make_assignment, make_hours, make_order, make_place, rows_of


def text(response: Any) -> str:
    return html.unescape(response.text).replace("\u00a0", " ")


async def test_accepting_work_over_the_limit_warns_and_tells_the_coach(signed_in: SignIn) -> None:
    place = await make_place()
    on = today()
    first = on.replace(day=1)
    member = place.maija.member_id
    await add_contract(place.id, member, first - dt.timedelta(days=60), wage_cents=1500)
    await add_profile(place.id, member, "disability_pension", 20_000, first - dt.timedelta(days=60))
    await assign(place.id, member, place.users["coach"])
    done = await make_order(place.id, status="done", day=on)
    worked = await make_assignment(place.id, done, member, planned_day=on)
    await make_hours(place.id, worked, on, 8 * 60, status="approved", approved_by=place.users["admin"])
    small = await make_order(place.id, status="scheduled", day=on)
    fits = await make_assignment(place.id, small, member, status="offered", planned_day=on, planned_minutes=60)
    big = await make_order(place.id, status="scheduled", day=on)
    over = await make_assignment(place.id, big, member, status="offered", planned_day=on, planned_minutes=6 * 60)
    maija = await signed_in(place.maija.email)

    # 8 hours approved (120 €) and 1 hour more (15 €) stay under 200 €: no warning.
    assert "Check your earnings first" not in text(await maija.get(f"/c/{place.slug}/work/mine/{fits}/accept"))
    assert (await maija.post(f"/c/{place.slug}/work/mine/{fits}/accept")).status_code == 303
    # 120 € + 15 € accepted + 90 € more is over 200 €.
    with i18n.language("en"):
        async with coop_unit(place.id):
            expected = await acceptance_warning_in_unit(place.id, member, on, 6 * 60)
    assert expected  # whatever its words, the employment context's own warning is the one shown
    page = text(await maija.get(f"/c/{place.slug}/work/mine/{over}/accept"))
    assert "Check your earnings first" in page
    assert html.unescape(expected).replace("\u00a0", " ") in page
    held = await maija.post(f"/c/{place.slug}/work/mine/{over}/accept")
    assert held.status_code == 200
    [row] = await rows_of(place.id, "work_assignment", "id = {}", over)
    assert row["status"] == "offered"
    taken = await maija.post(f"/c/{place.slug}/work/mine/{over}/accept", {"warning_seen": "yes"})
    assert taken.status_code == 303
    events = await rows_of(place.id, "work_assignment_event", "assignment_id = {}", over)
    assert [e["kind"] for e in events] == ["warned", "accepted"]
    assert events[0]["note"] == "The earnings warning was shown before the person took the job."
    mail = await rows_of(place.id, "outbox", "payload->>'to' = {}", place.emails["coach"])
    assert len(mail) == 1
    assert "Maija Jäsen" in json.loads(mail[0]["payload"])["body"]


async def test_my_work_shows_this_months_pay_without_opening_the_limit(signed_in: SignIn) -> None:
    place = await make_place()
    on = today()
    first = on.replace(day=1)
    member = place.maija.member_id
    await add_contract(place.id, member, first - dt.timedelta(days=60), wage_cents=1500)
    await add_profile(place.id, member, "disability_pension", 20_000, first - dt.timedelta(days=60))
    done = await make_order(place.id, status="done", day=on)
    worked = await make_assignment(place.id, done, member, planned_day=on)
    await make_hours(place.id, worked, on, 8 * 60, status="approved", approved_by=place.users["admin"])
    await make_hours(place.id, worked, on, 60, status="waiting")
    maija = await signed_in(place.maija.email)
    reads_before = await rows_of(place.id, "audit_log", "action = 'employment.benefit_profile.read'")
    page = text(await maija.get(f"/c/{place.slug}/work/mine"))
    # 8 h × 15 € approved; 1 h waiting; the accepted job of today counts as planned only until hours are logged.
    assert "Earned this month: 120,00 €." in page
    assert "Waiting for approval: 15,00 €." in page
    assert "See my earnings and my limit" in page
    assert "200,00" not in page  # the limit is not on this page
    assert await rows_of(place.id, "audit_log", "action = 'employment.benefit_profile.read'") == reads_before
