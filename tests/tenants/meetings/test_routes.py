"""Meeting pages: creating, who sees what, the agenda, attendance with proxies, decisions and admission, minutes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from osuus.platform.dates import HELSINKI, format_date, today
from tests.tenants.meetings.conftest import (
    MeetCoop,
    at,
    attendance_of,
    clear_rules,
    items_of,
    make_attendance,
    make_item,
    make_meeting,
    make_member,
    make_seat,
    meeting_row,
    member_row,
    outbox_for,
    set_rules,
    snapshot,
)
from tests.tenants.members.conftest import events_of

MANAGERS = ("admin", "board")


def _id(response: Any) -> int:
    match = re.search(r"/meetings/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


# --- creating ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
async def test_a_general_meeting_starts_with_the_usual_items(mc: MeetCoop, role: str) -> None:
    day = today() + dt.timedelta(days=30)
    response = await mc.browsers[role].post(
        f"/c/{mc.slug}/meetings/new",
        {"kind": "general", "title": "Syyskokous", "date": format_date(day), "time": "18.30", "place": "Tupa"},
    )

    assert response.status_code == 303
    meeting_id = _id(response)
    assert response.headers["location"] == f"/c/{mc.slug}/meetings/{meeting_id}?done=created"
    row = await meeting_row(mc.id, meeting_id)
    assert (row["kind"], row["title"], row["place"], row["status"]) == ("general", "Syyskokous", "Tupa", "draft")
    assert row["starts_at"] == dt.datetime.combine(day, dt.time(18, 30), tzinfo=HELSINKI)
    assert row["created_by"] == mc.users[role]
    titles = [(i["position"], i["title"]) for i in await items_of(mc.id, meeting_id)]
    assert titles == [
        (1, "Opening the meeting"),
        (2, "Choosing the chair and the secretary"),
        (3, "Choosing two people to check the minutes"),
        (4, "Is the meeting lawful and can it decide?"),
        (5, "Approving the agenda"),
    ]
    page = await mc.browsers[role].get(f"/c/{mc.slug}/meetings/{meeting_id}")
    assert page.status_code == 200 and "18.30" in page.text and "§ 5. Approving the agenda" in page.text


async def test_a_board_meeting_starts_with_an_empty_agenda(mc: MeetCoop) -> None:
    response = await mc.browsers["board"].post(
        f"/c/{mc.slug}/meetings/new",
        {"kind": "board", "title": "Hallitus", "date": format_date(today()), "time": "9", "remote_info": "Teams"},
    )
    assert response.status_code == 303
    assert await items_of(mc.id, _id(response)) == []


async def test_a_new_meeting_with_mistakes_keeps_the_values(mc: MeetCoop) -> None:
    before = await snapshot(mc.id)
    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/new", {"kind": "party", "title": "Juhla", "date": "31.2.2027", "time": "25.00"}
    )
    assert response.status_code == 400
    text = response.text
    assert "Choose the kind of meeting" in text
    assert "Check the date. This day is not in the calendar" in text
    assert "Check the time. The hours are 0 to 23 and the minutes 0 to 59" in text
    assert "Write where the meeting is, or how to join it remotely" in text
    assert 'value="Juhla"' in text and 'value="31.2.2027"' in text and 'value="25.00"' in text
    assert await snapshot(mc.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_create_meetings(mc: MeetCoop, role: str) -> None:
    before = await snapshot(mc.id)
    assert (await mc.browsers[role].get(f"/c/{mc.slug}/meetings/new")).status_code == 403
    response = await mc.browsers[role].post(
        f"/c/{mc.slug}/meetings/new", {"kind": "general", "title": "X", "date": "1.1.2030", "time": "18", "place": "P"}
    )
    assert response.status_code == 403
    assert await snapshot(mc.id) == before


async def test_changing_the_time_after_the_notice_warns(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, days=20, status="noticed", notice_sent=True)
    new_day = today() + dt.timedelta(days=21)
    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/edit",
        {"title": "Siirretty", "date": format_date(new_day), "time": "17", "place": "Sali", "kind": "board"},
    )
    assert response.status_code == 303
    row = await meeting_row(mc.id, meeting)
    assert (row["title"], row["kind"], row["place"]) == ("Siirretty", "general", "Sali")
    assert row["starts_at"] == dt.datetime.combine(new_day, dt.time(17), tzinfo=HELSINKI)
    assert row["agenda_changed_at"] is not None


# --- who sees what ------------------------------------------------------------------------------------------------


async def test_board_meetings_and_drafts_are_hidden_from_members(mc: MeetCoop) -> None:
    board = await make_meeting(mc.id, kind="board", title="Salainen hallitus", status="noticed")
    draft = await make_meeting(mc.id, title="Luonnos kokous", status="draft")
    general = await make_meeting(mc.id, title="Avoin kokous", status="noticed")

    listing = await mc.browsers["member"].get(f"/c/{mc.slug}/meetings")
    assert listing.status_code == 200
    assert "Avoin kokous" in listing.text
    assert "Salainen hallitus" not in listing.text and "Luonnos kokous" not in listing.text
    for meeting in (board, draft):
        for path in ("", "/minutes", "/minutes.pdf"):
            assert (await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/{meeting}{path}")).status_code == 404
    assert (await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/{general}")).status_code == 200
    assert (await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/{general}/minutes")).status_code == 200
    for role in ("admin", "board", "coach"):
        listing = await mc.browsers[role].get(f"/c/{mc.slug}/meetings")
        assert "Salainen hallitus" in listing.text and "Luonnos kokous" in listing.text
        assert (await mc.browsers[role].get(f"/c/{mc.slug}/meetings/{board}")).status_code == 200


async def test_a_member_with_a_board_seat_sees_board_meetings(mc: MeetCoop, app: Any) -> None:
    from tests.fixtures import Browser, english, grant, make_user

    email = f"seat.{mc.slug}@example.fi"
    user = await make_user(email, name="Istuva Jäsen")
    await grant(mc.id, user, "member")
    member = await make_member(mc.id, "Istuva Jäsen", email=email, user_id=user)
    await make_seat(mc.id, "Istuva", member_id=member)
    board = await make_meeting(mc.id, kind="board", title="Istuvan kokous", status="noticed", days=5)
    await make_item(mc.id, board, "Budjetti")
    browser = await english(Browser(app))
    try:
        await browser.signin(email)
        assert (await browser.get(f"/c/{mc.slug}/meetings/{board}")).status_code == 200
        mine = await browser.get(f"/c/{mc.slug}/meetings/mine")
        assert "Istuvan kokous" in mine.text and "Budjetti" in mine.text
    finally:
        await browser.close()
    mine = await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/mine")
    assert "Istuvan kokous" not in mine.text


# --- the agenda ---------------------------------------------------------------------------------------------------


async def test_adding_changing_moving_and_removing_items(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, kind="board", title="Asialista")
    base = f"/c/{mc.slug}/meetings/{meeting}"
    b = mc.browsers["board"]
    for title in ("Yksi", "Kaksi", "Kolme"):
        response = await b.post(
            f"{base}/items/new", {"kind": "board_decision", "title": title, "description": "Kuvaus"}
        )
        assert response.status_code == 303
    items = await items_of(mc.id, meeting)
    assert [(i["position"], i["title"], i["kind"]) for i in items] == [
        (1, "Yksi", "board_decision"),
        (2, "Kaksi", "board_decision"),
        (3, "Kolme", "board_decision"),
    ]
    first, second, third = (i["id"] for i in items)

    assert (
        await b.post(f"{base}/items/{second}/edit", {"title": "Kaksi muutettu", "description": ""})
    ).status_code == 303
    assert (await b.post(f"{base}/items/{third}/move", {"position": "1"})).status_code == 303
    assert [(i["position"], i["title"]) for i in await items_of(mc.id, meeting)] == [
        (1, "Kolme"),
        (2, "Yksi"),
        (3, "Kaksi muutettu"),
    ]
    assert (await b.post(f"{base}/items/{first}/remove")).status_code == 303
    assert [(i["position"], i["id"]) for i in await items_of(mc.id, meeting)] == [(1, third), (2, second)]
    page = await b.get(base)
    assert "§ 1. Kolme" in page.text and "§ 2. Kaksi muutettu" in page.text


async def test_item_forms_with_mistakes_change_nothing(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, kind="board")
    item = await make_item(mc.id, meeting, "Ennallaan")
    base = f"/c/{mc.slug}/meetings/{meeting}"
    before = await snapshot(mc.id)

    new = await mc.browsers["admin"].post(
        f"{base}/items/new", {"kind": "member_application", "title": "", "member_id": "999999"}
    )
    edit = await mc.browsers["admin"].post(f"{base}/items/{item}/edit", {"title": "", "description": "x" * 5001})
    move = await mc.browsers["admin"].post(f"{base}/items/{item}/move", {"position": "7"})

    assert (new.status_code, edit.status_code, move.status_code) == (400, 400, 400)
    assert "Choose the applicant from the list" in new.text
    assert "Write a title for the matter" in edit.text and "Write 5 000 characters or fewer" in edit.text
    assert "Choose the new place from the list" in move.text
    assert await snapshot(mc.id) == before


async def test_decided_items_keep_their_numbers(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, kind="board")
    first = await make_item(mc.id, meeting, "Avoin")
    decided = await make_item(mc.id, meeting, "Päätetty", outcome="approved")
    last = await make_item(mc.id, meeting, "Viimeinen")
    base = f"/c/{mc.slug}/meetings/{meeting}/items"
    before = await snapshot(mc.id)

    removed = await mc.browsers["admin"].post(f"{base}/{decided}/remove")
    renumbered = await mc.browsers["admin"].post(f"{base}/{first}/remove")
    moved = await mc.browsers["admin"].post(f"{base}/{last}/move", {"position": "1"})

    assert removed.status_code == 409 and "This matter has a decision. You cannot remove it." in removed.text
    for response in (renumbered, moved):
        assert response.status_code == 409
        assert "The numbers of the decided matters cannot change any more." in response.text
    assert await snapshot(mc.id) == before
    assert (await mc.browsers["admin"].post(f"{base}/{last}/remove")).status_code == 303


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_change_the_agenda(mc: MeetCoop, role: str) -> None:
    meeting = await make_meeting(mc.id, status="noticed")
    item = await make_item(mc.id, meeting, "Koskematon")
    base = f"/c/{mc.slug}/meetings/{meeting}"
    before = await snapshot(mc.id)
    b = mc.browsers[role]
    for path, data in (
        ("/items/new", {"kind": "ordinary", "title": "Uusi"}),
        (f"/items/{item}/edit", {"title": "Muutos"}),
        (f"/items/{item}/move", {"position": "1"}),
        (f"/items/{item}/remove", {}),
        (f"/items/{item}/decide", {"outcome": "approved"}),
    ):
        assert (await b.get(base + path)).status_code == 403
        assert (await b.post(base + path, data)).status_code == 403
    assert await snapshot(mc.id) == before


# --- attendance and proxies ---------------------------------------------------------------------------------------


async def _general_with_people(mc: MeetCoop, n: int) -> tuple[int, list[int]]:
    meeting = await make_meeting(mc.id, status="noticed")
    people = [await make_member(mc.id, f"Osallistuja {i} {meeting}") for i in range(n)]
    return meeting, people


async def test_recording_presence_and_a_proxy(mc: MeetCoop) -> None:
    meeting, (anna, ben) = await _general_with_people(mc, 2)
    base = f"/c/{mc.slug}/meetings/{meeting}/attendance"
    b = mc.browsers["admin"]

    here = await b.post(base, {"member_id": str(anna), "mode": "in_person"})
    proxy = await b.post(base, {"member_id": str(ben), "mode": "proxy", "proxy_holder_id": str(anna)})

    assert (here.status_code, proxy.status_code) == (303, 303)
    assert here.headers["location"] == f"{base}?done=attendance"
    assert await attendance_of(mc.id, meeting) == [
        {"member_id": anna, "mode": "in_person", "proxy_holder_id": None},
        {"member_id": ben, "mode": "proxy", "proxy_holder_id": anna},
    ]
    page = await b.get(f"/c/{mc.slug}/meetings/{meeting}")
    assert "1 person is at the meeting." in page.text and "1 person is represented by a proxy." in page.text


async def test_a_proxy_over_the_limit_is_refused(mc: MeetCoop) -> None:
    meeting, (holder, first, second) = await _general_with_people(mc, 3)
    await make_attendance(mc.id, meeting, holder)
    await make_attendance(mc.id, meeting, first, "proxy", holder)
    before = await snapshot(mc.id)

    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/attendance",
        {"member_id": str(second), "mode": "proxy", "proxy_holder_id": str(holder)},
    )

    assert response.status_code == 400
    assert "already represents another member. The rules allow 1 per person. Choose another person." in response.text
    assert f'<option value="{second}" selected>' in response.text  # the form comes back as it was sent
    assert await snapshot(mc.id) == before


async def test_the_coops_rules_may_allow_more_proxies(mc: MeetCoop) -> None:
    meeting, (holder, first, second, third) = await _general_with_people(mc, 4)
    await make_attendance(mc.id, meeting, holder)
    await set_rules(mc.id, max_proxies_per_person=2)
    try:
        for who in (first, second):
            response = await mc.browsers["admin"].post(
                f"/c/{mc.slug}/meetings/{meeting}/attendance",
                {"member_id": str(who), "mode": "proxy", "proxy_holder_id": str(holder)},
            )
            assert response.status_code == 303
        refused = await mc.browsers["admin"].post(
            f"/c/{mc.slug}/meetings/{meeting}/attendance",
            {"member_id": str(third), "mode": "proxy", "proxy_holder_id": str(holder)},
        )
        assert refused.status_code == 400
        assert "already represents 2 other members. The rules allow 2 per person." in refused.text
    finally:
        await clear_rules(mc.id)


async def test_a_person_is_either_present_or_represented(mc: MeetCoop) -> None:
    meeting, (anna, ben) = await _general_with_people(mc, 2)
    await make_attendance(mc.id, meeting, anna)
    await make_attendance(mc.id, meeting, ben)
    before = await snapshot(mc.id)

    represented = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/attendance",
        {"member_id": str(anna), "mode": "proxy", "proxy_holder_id": str(ben)},
    )

    assert represented.status_code == 400
    assert "is already on the list. A person is either at the meeting or represented, not both." in represented.text
    assert await snapshot(mc.id) == before


async def test_the_proxy_holder_must_be_present(mc: MeetCoop) -> None:
    meeting, (anna, ben, cecilia) = await _general_with_people(mc, 3)
    await make_attendance(mc.id, meeting, ben, "proxy", await _present(mc, meeting))
    before = await snapshot(mc.id)
    base = f"/c/{mc.slug}/meetings/{meeting}/attendance"

    absent = await mc.browsers["admin"].post(
        base, {"member_id": str(anna), "mode": "proxy", "proxy_holder_id": str(cecilia)}
    )
    represented = await mc.browsers["admin"].post(
        base, {"member_id": str(anna), "mode": "proxy", "proxy_holder_id": str(ben)}
    )
    self_held = await mc.browsers["admin"].post(
        base, {"member_id": str(anna), "mode": "proxy", "proxy_holder_id": str(anna)}
    )
    nobody = await mc.browsers["admin"].post(base, {"member_id": str(anna), "mode": "proxy", "proxy_holder_id": ""})

    assert [r.status_code for r in (absent, represented, self_held, nobody)] == [400, 400, 400, 400]
    assert "is not marked present. Mark" in absent.text and "is not marked present" in represented.text
    assert "A person cannot hold their own proxy. Choose another person." in self_held.text
    assert "Choose the person who holds the proxy" in nobody.text
    assert await snapshot(mc.id) == before


async def _present(mc: MeetCoop, meeting: int) -> int:
    holder = await make_member(mc.id, f"Läsnä {meeting}")
    await make_attendance(mc.id, meeting, holder)
    return holder


async def test_proxies_not_allowed_by_the_rules_or_at_board_meetings(mc: MeetCoop) -> None:
    meeting, (anna, ben) = await _general_with_people(mc, 2)
    await make_attendance(mc.id, meeting, anna)
    await set_rules(mc.id, max_proxies_per_person=0)
    try:
        before = await snapshot(mc.id)
        response = await mc.browsers["admin"].post(
            f"/c/{mc.slug}/meetings/{meeting}/attendance",
            {"member_id": str(ben), "mode": "proxy", "proxy_holder_id": str(anna)},
        )
        assert response.status_code == 400 and "The rules of the cooperative do not allow proxies." in response.text
        assert await snapshot(mc.id) == before
    finally:
        await clear_rules(mc.id)
    chair = await make_member(mc.id, "Hallituksen Puheenjohtaja")
    other = await make_member(mc.id, "Hallituksen Jäsen")
    await make_seat(mc.id, "PJ", role="chair", member_id=chair)
    await make_seat(mc.id, "HJ", member_id=other)
    board = await make_meeting(mc.id, kind="board")
    await make_attendance(mc.id, board, chair)
    before = await snapshot(mc.id)
    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{board}/attendance",
        {"member_id": str(other), "mode": "proxy", "proxy_holder_id": str(chair)},
    )
    assert response.status_code == 400 and "A proxy is not possible." in response.text
    assert await snapshot(mc.id) == before


async def test_removing_a_proxy_holder_waits_for_the_people_they_represent(mc: MeetCoop) -> None:
    meeting, (anna, ben) = await _general_with_people(mc, 2)
    holder_row = await make_attendance(mc.id, meeting, anna)
    proxy_row = await make_attendance(mc.id, meeting, ben, "proxy", anna)
    base = f"/c/{mc.slug}/meetings/{meeting}/attendance"
    before = await snapshot(mc.id)

    refused = await mc.browsers["admin"].post(f"{base}/{holder_row}/remove")

    assert refused.status_code == 409 and "holds a proxy for" in refused.text
    assert await snapshot(mc.id) == before
    assert (await mc.browsers["admin"].post(f"{base}/{proxy_row}/remove")).status_code == 303
    assert (await mc.browsers["admin"].post(f"{base}/{holder_row}/remove")).status_code == 303
    assert await attendance_of(mc.id, meeting) == []


async def test_only_people_on_the_list_can_be_recorded(mc: MeetCoop) -> None:
    meeting, _ = await _general_with_people(mc, 1)
    applicant = await make_member(mc.id, "Vielä Hakija", member_class="applicant", status="applied")
    before = await snapshot(mc.id)
    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/attendance", {"member_id": str(applicant), "mode": "in_person"}
    )
    assert response.status_code == 400 and "Choose the person from the list" in response.text
    assert await snapshot(mc.id) == before


# --- decisions and admission --------------------------------------------------------------------------------------


async def test_recording_a_decision(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, status="noticed")
    item = await make_item(mc.id, meeting, "Tilinpäätös")
    response = await mc.browsers["board"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide",
        {"outcome": "approved", "decision": "Kokous vahvisti tilinpäätöksen."},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{mc.slug}/meetings/{meeting}?done=decided#item-{item}"
    [row] = await items_of(mc.id, meeting)
    assert (row["outcome"], row["decision"]) == ("approved", "Kokous vahvisti tilinpäätöksen.")
    assert (await meeting_row(mc.id, meeting))["status"] == "held"
    bad = await mc.browsers["board"].post(f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide", {"outcome": "maybe"})
    assert bad.status_code == 400 and "Choose what the meeting decided" in bad.text


@pytest.mark.parametrize(
    ("member_class", "event", "text"),
    [("member", "admitted", "as a member"), ("trial", "trial_started", "as a trial member")],
)
async def test_approving_an_application_on_a_board_meeting_admits_the_applicant(
    mc: MeetCoop, member_class: str, event: str, text: str
) -> None:
    email = f"hakija.{member_class}.{mc.slug}@example.fi"
    applicant = await make_member(
        mc.id,
        f"Hakija {member_class}",
        member_class="applicant",
        status="applied",
        email=email,
        on_date=dt.date(2026, 1, 5),
    )
    meeting = await make_meeting(mc.id, kind="board", days=0)
    await make_item(mc.id, meeting, "Muu asia")
    added = await mc.browsers["admin"].post(f"/c/{mc.slug}/meetings/{meeting}/applicants")
    assert added.status_code == 303
    item = next(i for i in await items_of(mc.id, meeting) if i["member_id"] == applicant)
    assert (item["kind"], item["title"]) == ("member_application", f"Application to join: Hakija {member_class}")
    assert item["position"] >= 2  # after the items already there (other open applications come along too)

    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item['id']}/decide",
        {"outcome": "approved", "member_class": member_class, "decision": ""},
    )

    assert response.status_code == 303
    member = await member_row(mc.id, applicant)
    assert (member["status"], member["member_class"], member["joined_on"]) == ("active", member_class, today())
    last = (await events_of(mc.id, applicant))[-1]
    assert (last["kind"], last["on_date"]) == (event, today())
    assert last["decided_by"] == f"Board meeting {format_date(today())}, § {item['position']}"
    assert last["recorded_by"] == mc.users["admin"]
    [decided] = [i for i in await items_of(mc.id, meeting) if i["id"] == item["id"]]
    assert decided["outcome"] == "approved" and decided["decision"] == f"Hakija {member_class} was admitted {text}."
    assert [m["to"] for m in await outbox_for(mc.id) if m["to"] == email] == [email]


async def test_rejecting_an_application_rejects_the_applicant(mc: MeetCoop) -> None:
    applicant = await make_member(
        mc.id, "Hylätty Hakija", member_class="applicant", status="applied", on_date=dt.date(2026, 1, 5)
    )
    meeting = await make_meeting(mc.id, kind="board", days=0)
    item = await make_item(mc.id, meeting, "Hakemus", kind="member_application", member_id=applicant)

    response = await mc.browsers["board"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide", {"outcome": "rejected", "decision": "Ei tilaa."}
    )

    assert response.status_code == 303
    assert (await member_row(mc.id, applicant))["status"] == "rejected"
    last = (await events_of(mc.id, applicant))[-1]
    assert (last["kind"], last["decided_by"]) == ("rejected", f"Board meeting {format_date(today())}, § 1")
    # The outcome of an application stays; its text may change.
    changed = await mc.browsers["board"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide", {"outcome": "approved", "member_class": "member"}
    )
    assert changed.status_code == 400 and "You can change only the text." in changed.text
    assert (await member_row(mc.id, applicant))["status"] == "rejected"


async def test_an_application_decided_before_it_was_made_is_refused_and_nothing_changes(mc: MeetCoop) -> None:
    applicant = await make_member(
        mc.id, "Myöhäinen Hakija", member_class="applicant", status="applied", on_date=today() + dt.timedelta(days=3)
    )
    meeting = await make_meeting(mc.id, kind="board", days=0)
    item = await make_item(mc.id, meeting, "Hakemus", kind="member_application", member_id=applicant)
    before = await snapshot(mc.id)

    response = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide", {"outcome": "approved", "member_class": "member"}
    )

    assert response.status_code == 400 and "Check the date of the meeting." in response.text
    assert await snapshot(mc.id) == before


async def test_an_application_needs_approved_or_rejected(mc: MeetCoop) -> None:
    applicant = await make_member(mc.id, "Kysyvä Hakija", member_class="applicant", status="applied")
    meeting = await make_meeting(mc.id, kind="board", days=0)
    item = await make_item(mc.id, meeting, "Hakemus", kind="member_application", member_id=applicant)
    before = await snapshot(mc.id)
    noted = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide", {"outcome": "noted"}
    )
    trialless = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/{meeting}/items/{item}/decide", {"outcome": "approved", "member_class": "supporting"}
    )
    assert (noted.status_code, trialless.status_code) == (400, 400)
    assert "Choose a trial member or a member" in trialless.text
    assert await snapshot(mc.id) == before


# --- minutes -----------------------------------------------------------------------------------------------------


async def test_minutes_are_filled_from_the_meeting_and_freeze_when_approved(mc: MeetCoop) -> None:
    meeting = await make_meeting(mc.id, title="Pöytäkirjakokous", days=-1, status="noticed")
    item = await make_item(mc.id, meeting, "Talousarvio")
    anna = await make_member(mc.id, "Anna Läsnä")
    ben = await make_member(mc.id, "Ben Valtakirja")
    await make_attendance(mc.id, meeting, anna)
    await make_attendance(mc.id, meeting, ben, "proxy", anna)
    base = f"/c/{mc.slug}/meetings/{meeting}"
    b = mc.browsers["admin"]
    await b.post(f"{base}/items/{item}/decide", {"outcome": "approved", "decision": "Talousarvio hyväksyttiin."})

    refused = await b.post(f"{base}/minutes/approve")
    assert refused.status_code == 409 and "Write first who led the meeting" in refused.text
    roles = await b.post(
        f"{base}/minutes/roles",
        {
            "chair_name": "Pia Puheenjohtaja",
            "secretary_name": "Sami Sihteeri",
            "checker1_name": "Tarja",
            "checker2_name": "Olli",
        },
    )
    assert roles.status_code == 303

    minutes = await mc.browsers["member"].get(f"{base}/minutes")
    assert minutes.status_code == 200
    for text in (
        "Pia Puheenjohtaja",
        "Sami Sihteeri",
        "Tarja, Olli",
        "Anna Läsnä",
        "Ben Valtakirja. The proxy holder was Anna Läsnä.",
        "§ 1. Talousarvio",
        "Talousarvio hyväksyttiin.",
        "Draft. The minutes are not approved yet.",
    ):
        assert text in minutes.text, text

    approved = await b.post(f"{base}/minutes/approve")
    assert approved.status_code == 303
    row = await meeting_row(mc.id, meeting)
    assert row["status"] == "closed" and row["minutes_approved_at"] is not None
    before = await snapshot(mc.id)
    for path, data in (
        (f"/items/{item}/decide", {"outcome": "rejected"}),
        ("/items/new", {"kind": "ordinary", "title": "Myöhässä"}),
        ("/attendance", {"member_id": str(anna), "mode": "remote"}),
        ("/minutes/roles", {"chair_name": "Joku muu"}),
        ("/minutes/approve", {}),
        ("/cancel", {}),
    ):
        response = await b.post(base + path, data)
        assert response.status_code == 409, path
        assert "The minutes are approved. Nothing can be changed." in response.text
    assert await snapshot(mc.id) == before
    page = await mc.browsers["member"].get(f"{base}/minutes")
    assert "The minutes were approved on" in page.text and "Draft." not in page.text


async def test_minutes_as_pdf(mc: MeetCoop) -> None:
    from osuus.tenants.shares import pdf as shares_pdf

    meeting = await make_meeting(
        mc.id, title="PDF-kokous", days=-2, status="held", chair_name="Pia", secretary_name="Sami"
    )
    await make_item(mc.id, meeting, "Ääkköset ja € merkit", outcome="approved")
    shares_pdf.COMPRESS = False
    try:
        response = await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/{meeting}/minutes.pdf")
    finally:
        shares_pdf.COMPRESS = True
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "Minutes: PDF-kokous".encode("cp1252") in response.content
    assert "Ääkköset ja € merkit".encode("cp1252") in response.content


# --- my meetings and the rules -----------------------------------------------------------------------------------


async def test_my_meetings_shows_coming_meetings_attendance_and_minutes(mc: MeetCoop) -> None:
    coming = await make_meeting(mc.id, title="Tuleva yleinen", days=9, status="noticed", place="Kerhohuone")
    await make_item(mc.id, coming, "Hallituksen valinta")
    past = await make_meeting(mc.id, title="Mennyt yleinen", days=-30, status="closed", minutes_approved_at=at(-29))
    await make_attendance(mc.id, past, mc.members["member"], "remote")
    draft = await make_meeting(mc.id, title="Keskeneräinen", days=9)

    page = await mc.browsers["member"].get(f"/c/{mc.slug}/meetings/mine")

    assert page.status_code == 200
    text = page.text
    assert "Tuleva yleinen" in text and "Kerhohuone" in text and "Hallituksen valinta" in text
    assert "Keskeneräinen" not in text
    assert "Mennyt yleinen" in text and "Remotely" in text
    assert f'href="/c/{mc.slug}/meetings/{past}/minutes"' in text
    assert draft


async def test_the_rules_page(mc: MeetCoop) -> None:
    page = await mc.browsers["admin"].get(f"/c/{mc.slug}/meetings/rules")
    assert page.status_code == 200 and 'value="7"' in page.text and 'value="60"' in page.text
    bad = await mc.browsers["admin"].post(
        f"/c/{mc.slug}/meetings/rules",
        {
            "general_notice_min_days": "30",
            "general_notice_max_days": "10",
            "board_notice_min_days": "x",
            "max_proxies_per_person": "",
            "general_quorum_members": "0",
        },
    )
    assert bad.status_code == 400
    assert "must be the same as the number for the latest notice or bigger." in bad.text
    assert "Write the number with digits, for example 7" in bad.text
    try:
        saved = await mc.browsers["board"].post(
            f"/c/{mc.slug}/meetings/rules",
            {
                "general_notice_min_days": "14",
                "general_notice_max_days": "45",
                "board_notice_min_days": "3",
                "max_proxies_per_person": "2",
                "general_quorum_members": "5",
            },
        )
        assert saved.status_code == 303
        from osuus.platform.tenancy import coop_unit
        from osuus.tenants.meetings.service import rules_in_unit

        async with coop_unit(mc.id):
            rules = await rules_in_unit(mc.id)
        assert (rules.general_notice_min_days, rules.general_notice_max_days, rules.board_notice_min_days) == (
            14,
            45,
            3,
        )
        assert (rules.max_proxies_per_person, rules.general_quorum_members, rules.is_default) == (2, 5, False)
    finally:
        await clear_rules(mc.id)
    for role in ("coach", "member"):
        assert (await mc.browsers[role].get(f"/c/{mc.slug}/meetings/rules")).status_code == 403


@pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "1.5"])
async def test_odd_numbers_in_forms_are_refused_with_a_message(mc: MeetCoop, value: str) -> None:
    meeting, (anna,) = await _general_with_people(mc, 1)
    await make_attendance(mc.id, meeting, anna)
    item = await make_item(mc.id, meeting, "Numerot")
    base = f"/c/{mc.slug}/meetings/{meeting}"
    before = await snapshot(mc.id)
    b = mc.browsers["admin"]

    person = await b.post(f"{base}/attendance", {"member_id": value, "mode": "in_person"})
    holder = await b.post(f"{base}/attendance", {"member_id": str(anna), "mode": "proxy", "proxy_holder_id": value})
    moved = await b.post(f"{base}/items/{item}/move", {"position": value})
    rules = await b.post(f"/c/{mc.slug}/meetings/rules", {"general_notice_min_days": value})
    huge = await b.get(f"{base}/items/{'9' * 30}/edit")

    assert [r.status_code for r in (person, holder, moved, rules, huge)] == [400, 400, 400, 400, 404]
    assert "Choose the person from the list" in person.text
    assert "Choose the new place from the list" in moved.text
    assert await snapshot(mc.id) == before
