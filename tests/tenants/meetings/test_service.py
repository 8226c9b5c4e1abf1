"""Meeting rules as pure functions, and the in-unit functions other contexts call (votes, members)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from osuus.platform.dates import format_date, today
from osuus.platform.http import Form
from osuus.platform.i18n import language
from osuus.platform.tenancy import TenancyError, coop_unit
from osuus.tenants.meetings import service
from osuus.tenants.meetings.service import Rules, notice_problem, parse_time
from osuus.tenants.members.service import decide_in_unit
from tests.fixtures import World
from tests.tenants.meetings.conftest import (
    MeetCoop,
    items_of,
    make_item,
    make_meeting,
    make_member,
    meeting_row,
    member_row,
    snapshot,
)
from tests.tenants.members.conftest import events_of

DAY = dt.date(2026, 11, 30)  # a Monday


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English: the tests read the message ids, which stay put when translations arrive."""
    with language("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [("18", dt.time(18)), ("18.00", dt.time(18)), ("9:30", dt.time(9, 30)), (" 7.05 ", dt.time(7, 5))],
)
def test_times_people_write(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the time, for example 18.00"),
        ("kuusi", "Write the time as hours.minutes, for example 18.00"),
        ("24.00", "Check the time. The hours are 0 to 23 and the minutes 0 to 59"),
        ("18.60", "Check the time. The hours are 0 to 23 and the minutes 0 to 59"),
    ],
)
def test_times_that_are_refused(text: str, message: str) -> None:
    assert parse_time(text) == message


def test_the_law_s_defaults() -> None:
    rules = Rules()
    assert rules.notice_days("general") == (7, 60)
    assert rules.notice_days("board") == (2, None)
    assert (rules.max_proxies_per_person, rules.general_quorum(), rules.is_default) == (1, 0, True)
    assert [Rules.board_quorum(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 2, 3, 3]


@pytest.mark.parametrize(
    ("kind", "days_before", "refused"),
    [
        ("general", 7, False),
        ("general", 6, True),
        ("general", 60, False),
        ("general", 61, True),
        ("board", 2, False),
        ("board", 1, True),
        ("board", 365, False),
    ],
)
def test_notice_period(kind: str, days_before: int, refused: bool) -> None:
    on = DAY - dt.timedelta(days=days_before)
    assert bool(notice_problem(kind, DAY, on, Rules())) is refused


def test_notice_problem_names_the_dates_in_finnish_form() -> None:
    on = dt.date(2026, 11, 27)
    assert notice_problem("general", DAY, on, Rules()) == (
        "The meeting is too soon. The notice must be sent at least 7 days before the meeting. "
        "Move the meeting to 4.12.2026 or later."
    )
    assert notice_problem("general", dt.date(2027, 3, 1), on, Rules()) == (
        "The meeting is too far away. The notice can be sent at most 60 days before the meeting. "
        "You can send the notice from 31.12.2026."
    )


def test_rules_form_checks() -> None:
    form = Form(
        values={
            "general_notice_min_days": "10",
            "general_notice_max_days": "9",
            "board_notice_min_days": "400",
            "max_proxies_per_person": "-1",
            "general_quorum_members": "",
        }
    )
    assert service.check_rules_form(form) is None
    assert form.errors == {
        "board_notice_min_days": "The number must be from 0 to 365",
        "max_proxies_per_person": "Write the number with digits, for example 7",
        "general_quorum_members": "Write a number, for example 7",
        "general_notice_max_days": (
            "The number for the earliest notice must be the same as the number for the latest notice or bigger. "
            "Check the two numbers."
        ),
    }


async def test_in_unit_functions_refuse_another_coops_unit(world: World, mc: MeetCoop) -> None:
    async with coop_unit(world.b.id):
        with pytest.raises(TenancyError):
            await service.rules_in_unit(mc.id)
        with pytest.raises(TenancyError):
            await service.record_outcome_in_unit(mc.id, "X", mc.users["admin"], 1, True, "", "")
        with pytest.raises(TenancyError):
            await decide_in_unit(mc.id, "X", mc.users["admin"], 1, "admit", Form(), "")


async def test_record_outcome_admits_an_applicant_when_the_vote_passes(mc: MeetCoop) -> None:
    applicant = await make_member(
        mc.id, "Äänestetty Hakija", member_class="applicant", status="applied", on_date=dt.date(2026, 1, 1)
    )
    meeting = await make_meeting(mc.id, kind="general", days=0, status="noticed")
    await make_item(mc.id, meeting, "Avaus")
    item = await make_item(mc.id, meeting, "Hakemus", kind="member_application", member_id=applicant)

    async with coop_unit(mc.id, mc.users["board"]):
        await service.record_outcome_in_unit(
            mc.id, mc.name, mc.users["board"], item, True, "Äänin 5–1.", "127.0.0.1", member_class="trial"
        )

    row = await member_row(mc.id, applicant)
    assert (row["status"], row["member_class"]) == ("active", "trial")
    last = (await events_of(mc.id, applicant))[-1]
    assert (last["kind"], last["decided_by"]) == ("trial_started", f"General meeting {format_date(today())}, § 2")
    [_, decided] = await items_of(mc.id, meeting)
    assert (decided["outcome"], decided["decision"]) == ("approved", "Äänin 5–1.")
    assert (await meeting_row(mc.id, meeting))["status"] == "held"


async def test_record_outcome_of_an_ordinary_item_that_failed(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, kind="board", days=0, status="noticed")
    item = await make_item(mc.id, meeting, "Uusi auto")
    async with coop_unit(mc.id, mc.users["board"]):
        await service.record_outcome_in_unit(mc.id, mc.name, mc.users["board"], item, False, "", "")
    [row] = await items_of(mc.id, meeting)
    assert (row["outcome"], row["decision"]) == ("rejected", "")


async def test_record_outcome_on_a_closed_meeting_is_refused_and_changes_nothing(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, kind="board", days=-3, status="closed")
    item = await make_item(mc.id, meeting, "Myöhäinen")
    before = await snapshot(mc.id)
    with pytest.raises(service.OutcomeRefused) as refused:
        async with coop_unit(mc.id, mc.users["board"]):
            await service.record_outcome_in_unit(mc.id, mc.name, mc.users["board"], item, True, "", "")
    assert refused.value.message == "The meeting is closed. Nothing can be changed."
    assert await snapshot(mc.id) == before


async def test_record_outcome_of_an_unknown_item_is_not_found(mc: MeetCoop, world: World) -> None:
    other = await make_item(world.b.id, await make_meeting(world.b.id), "B:n asia")
    from litestar.exceptions import NotFoundException

    with pytest.raises(NotFoundException):
        async with coop_unit(mc.id, mc.users["board"]):
            await service.record_outcome_in_unit(mc.id, mc.name, mc.users["board"], other, True, "", "")


async def test_decide_in_unit_keeps_decide_working(mc: MeetCoop) -> None:
    """`members.decide` runs its body through `decide_in_unit`; the result is the same as before."""
    applicant = await make_member(mc.id, "Suora Hakija", member_class="applicant", status="applied")
    form = Form(values={"member_class": "member", "on_date": format_date(today()), "decided_by": "Hallitus"})
    async with coop_unit(mc.id, mc.users["admin"]):
        outcome = await decide_in_unit(mc.id, mc.name, mc.users["admin"], applicant, "admit", form, "")
    assert outcome.state == "done" and outcome.member.status == "active"


async def test_demo_meeting(mc: MeetCoop) -> None:
    from osuus.tenants.meetings.demo import AGENDA, load_meeting_demo

    async with coop_unit(mc.id):
        await load_meeting_demo(mc.id, mc.users["admin"])
    page = await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/mine")
    assert page.status_code == 200
    assert "Varsinainen osuuskunnan kokous" in page.text
    assert all(title in page.text for title, _ in AGENDA)
