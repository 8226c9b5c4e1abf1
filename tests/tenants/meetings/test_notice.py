"""The notice of a meeting: the notice period of the rules, who gets it (in their language), cancellation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from osuus.platform.dates import format_date, today
from osuus.platform.i18n import date_long, language
from osuus.platform.tables import User
from osuus.platform.tenancy import public_unit
from tests.fixtures import make_user
from tests.tenants.meetings.conftest import (
    MeetCoop,
    at,
    clear_rules,
    make_item,
    make_meeting,
    make_member,
    make_seat,
    meeting_row,
    outbox_for,
    set_rules,
    snapshot,
)


@pytest.fixture(scope="module")
async def people(mc: MeetCoop) -> dict[str, Any]:
    """Who the register holds besides the four role holders (all active members with an address)."""
    sv_email = f"sanna.{mc.slug}@example.fi"
    sv_user = await make_user(sv_email, name="Sanna Svensson")
    async with public_unit():
        await User.update({User.language: "sv"}).where(User.id == sv_user).run()
    sanna = await make_member(mc.id, "Sanna Svensson", email=sv_email, user_id=sv_user)
    await make_member(mc.id, "Eino Ilman", email="")
    await make_member(
        mc.id, "Hakija Odottaa", member_class="applicant", status="applied", email=f"h.{mc.slug}@example.fi"
    )
    await make_member(mc.id, "Työ Ntekijä", member_class="employee", email=f"t.{mc.slug}@example.fi")
    await make_member(mc.id, "Lähtenyt Jäsen", status="left", email=f"l.{mc.slug}@example.fi")
    tuki = await make_member(mc.id, "Tuki Jäsen", member_class="supporting", email=f"tuki.{mc.slug}@example.fi")
    # The board: the board role holder chairs; the member role holder sits too; an outsider has no register row;
    # an old seat has ended.
    await make_seat(mc.id, "Board", role="chair", member_id=mc.members["board"])
    await make_seat(mc.id, "Member", role="member", member_id=mc.members["member"])
    await make_seat(mc.id, "Ulko Puolinen", role="member", kind="unit_director")
    await make_seat(mc.id, "Old", role="member", member_id=sanna, end=dt.date(2025, 6, 30))
    general = {mc.emails[r] for r in mc.emails} | {sv_email, f"tuki.{mc.slug}@example.fi"}
    return {"sanna": sanna, "tuki": tuki, "sv_email": sv_email, "general": general}


async def _sendable(mc: MeetCoop, kind: str = "general", days: int = 20, **extra: Any) -> int:
    meeting = await make_meeting(mc.id, kind=kind, title=f"Kokous {days}", days=days, **extra)
    await make_item(mc.id, meeting, "Tilinpäätös 2026")
    await make_item(mc.id, meeting, "Hallituksen valinta")
    return meeting


def _to(mails: list[dict[str, Any]]) -> list[str]:
    return sorted(m["to"] for m in mails)


@pytest.mark.parametrize(("days", "least"), [(6, 7), (0, 7), (-3, 7)])
async def test_a_general_meeting_too_soon_is_refused_with_the_earliest_date(
    mc: MeetCoop, people: dict[str, Any], days: int, least: int
) -> None:
    meeting = await _sendable(mc, days=days)
    before = await snapshot(mc.id)
    earliest = format_date(today() + dt.timedelta(days=least))

    page = await mc.browsers["admin"].get(f"/c/{mc.slug}/meetings/{meeting}/notice")
    response = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")

    assert page.status_code == 200 and f"Move the meeting to {earliest} or later." in page.text
    assert f'action="/c/{mc.slug}/meetings/{meeting}/notice"' not in page.text  # no button to send
    assert response.status_code == 400
    assert f"at least {least} days before the meeting. Move the meeting to {earliest} or later." in response.text
    assert await snapshot(mc.id) == before


async def test_a_general_meeting_too_far_away_is_refused_with_the_first_sending_day(
    mc: MeetCoop, people: dict[str, Any]
) -> None:
    meeting = await _sendable(mc, days=61)
    before = await snapshot(mc.id)
    first = format_date(today() + dt.timedelta(days=1))

    response = await mc.browsers["board"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")

    assert response.status_code == 400
    assert f"at most 60 days before the meeting. You can send the notice from {first}." in response.text
    assert await snapshot(mc.id) == before


async def test_the_coops_own_rules_set_the_notice_period(mc: MeetCoop, people: dict[str, Any]) -> None:
    await set_rules(mc.id, general_notice_min_days=14, general_notice_max_days=30)
    try:
        soon, far = await _sendable(mc, days=13), await _sendable(mc, days=31)
        before = await snapshot(mc.id)
        refused_soon = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{soon}/notice")
        refused_far = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{far}/notice")
        assert (refused_soon.status_code, refused_far.status_code) == (400, 400)
        assert f"Move the meeting to {format_date(today() + dt.timedelta(days=14))} or later." in refused_soon.text
        assert await snapshot(mc.id) == before
    finally:
        await clear_rules(mc.id)


async def test_an_empty_agenda_is_refused(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await make_meeting(mc.id, days=20)
    before = await snapshot(mc.id)
    response = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")
    assert response.status_code == 400
    assert "The agenda is empty. Add at least one matter to the agenda first." in response.text
    assert await snapshot(mc.id) == before


@pytest.mark.parametrize("days", [7, 60])
async def test_the_limits_of_the_notice_period_are_allowed(mc: MeetCoop, people: dict[str, Any], days: int) -> None:
    meeting = await _sendable(mc, days=days)
    response = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")
    assert response.status_code == 303, response.text[-3000:]
    assert (await meeting_row(mc.id, meeting))["status"] == "noticed"


async def test_the_notice_goes_to_every_member_with_an_address_in_their_language(
    mc: MeetCoop, people: dict[str, Any]
) -> None:
    meeting = await _sendable(mc, days=20, remote_info="https://meet.example.fi/kevat")
    page = await mc.browsers["admin"].get(f"/c/{mc.slug}/meetings/{meeting}/notice")
    assert "6 people get the notice by e-mail." in page.text
    assert "Eino Ilman" in page.text  # no address: send another way

    response = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")

    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{mc.slug}/meetings/{meeting}?done=noticed"
    row = await meeting_row(mc.id, meeting)
    assert row["status"] == "noticed" and row["notice_sent_at"] is not None
    new = [m for m in await outbox_for(mc.id) if "Kokous 20" in m["body"]]
    assert _to(new) == sorted(people["general"])
    day = at(20).date()
    with language("sv"):
        swedish = date_long(day)
    with language("fi"):
        finnish = date_long(day)
    by_to = {m["to"]: m for m in new}
    assert swedish in by_to[people["sv_email"]]["subject"]
    assert finnish in by_to[mc.emails["member"]]["subject"]
    body = by_to[mc.emails["member"]]["body"]
    assert "18.00" in body and "Toimisto, Rantakatu 5" in body and "https://meet.example.fi/kevat" in body
    assert "1. Tilinpäätös 2026" in body and "2. Hallituksen valinta" in body
    assert f"/c/{mc.slug}/meetings/mine" in body


async def test_a_notice_already_sent_is_not_sent_again(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await _sendable(mc, days=21)
    assert (await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")).status_code == 303
    before = await snapshot(mc.id)

    again = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")

    assert again.status_code == 409 and "The notice is already sent" in again.text
    assert await snapshot(mc.id) == before


async def test_a_board_notice_goes_to_the_seat_holders_with_an_address(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await _sendable(mc, kind="board", days=3)
    page = await mc.browsers["board"].get(f"/c/{mc.slug}/meetings/{meeting}/notice")
    assert "2 people get the notice by e-mail." in page.text

    response = await mc.browsers["board"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")

    assert response.status_code == 303
    new = [m for m in await outbox_for(mc.id) if "Kokous 3" in m["body"]]
    assert _to(new) == sorted([mc.emails["board"], mc.emails["member"]])
    assert "represent you" not in new[0]["body"]  # board members use no proxies


async def test_a_board_meeting_needs_two_days_notice(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await _sendable(mc, kind="board", days=1)
    before = await snapshot(mc.id)
    response = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")
    assert response.status_code == 400
    assert f"Move the meeting to {format_date(today() + dt.timedelta(days=2))} or later." in response.text
    assert await snapshot(mc.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_send_a_notice(mc: MeetCoop, people: dict[str, Any], role: str) -> None:
    meeting = await _sendable(mc, days=22)
    before = await snapshot(mc.id)
    assert (await mc.browsers[role].get(f"/c/{mc.slug}/meetings/{meeting}/notice")).status_code == 403
    assert (await mc.browsers[role].post(f"/c/{mc.slug}/meetings/{meeting}/notice")).status_code == 403
    assert await snapshot(mc.id) == before


async def test_an_agenda_change_after_the_notice_is_allowed_and_warned(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await _sendable(mc, days=23)
    await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")
    before = await mc.browsers["admin"].get(f"/c/{mc.slug}/meetings/{meeting}")
    assert "The meeting changed after the notice" not in before.text

    added = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/new", {"kind": "ordinary", "title": "Lisäasia"}
    )

    assert added.status_code == 303
    after = await mc.browsers["admin"].get(f"/c/{mc.slug}/meetings/{meeting}")
    assert "The meeting changed after the notice" in after.text
    assert (await meeting_row(mc.id, meeting))["agenda_changed_at"] is not None


async def test_cancelling_after_the_notice_tells_everyone(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await _sendable(mc, days=24)
    await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")
    queued = len(await outbox_for(mc.id))

    response = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/cancel")

    assert response.status_code == 303
    row = await meeting_row(mc.id, meeting)
    assert row["status"] == "cancelled" and row["cancelled_at"] is not None
    cancellations = (await outbox_for(mc.id))[queued:]  # each in its recipient's language
    assert all("Kokous 24" in m["body"] for m in cancellations)
    assert _to(cancellations) == sorted(people["general"])
    before = await snapshot(mc.id)
    again = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/cancel")
    assert again.status_code == 409 and "The meeting is cancelled. Nothing can be changed." in again.text
    notice = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/notice")
    assert notice.status_code == 409
    assert await snapshot(mc.id) == before


async def test_cancelling_a_draft_sends_nothing(mc: MeetCoop, people: dict[str, Any]) -> None:
    meeting = await _sendable(mc, days=25)
    mails = len(await outbox_for(mc.id))
    assert (await mc.browsers["board"].post(f"/c/{mc.slug}/meetings/{meeting}/cancel")).status_code == 303
    assert (await meeting_row(mc.id, meeting))["status"] == "cancelled"
    assert len(await outbox_for(mc.id)) == mails
