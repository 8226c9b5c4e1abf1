"""The board pages end to end: who sees what, adding and ending seats, the plan, refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest

from osuus.platform.dates import format_date
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id
from osuus.tenants.governance.service import LeadingPosition, leading_positions_in_unit, today
from osuus.tenants.governance.tables import BoardSeat, BoardTarget
from tests.tenants.governance.conftest import BoardCoop, board_rows, make_member, make_seat


def text(response: Any) -> str:
    return html.unescape(response.text)


def assert_error(page: str, field: str, message: str) -> None:
    """The message in the error summary (a link to the field) and next to the field itself."""
    assert f'<li><a href="#{field}">{message}</a></li>' in page
    assert (
        f'<p class="error-message" id="{field}-error"><span class="visually-hidden">Error:</span> {message}</p>' in page
    )


async def seats_of(coop_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return (
            await BoardSeat.select(
                BoardSeat.member,
                BoardSeat.holder_name,
                BoardSeat.role,
                BoardSeat.kind,
                BoardSeat.has_vote,
                BoardSeat.term_start,
                BoardSeat.term_end,
            )
            .where(BoardSeat.coop == coop_id)
            .order_by(BoardSeat.id)
            .run()
        )


# --- the board page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "board", "coach", "member"])
async def test_everyone_sees_the_board_and_only_leaders_see_warnings(board: BoardCoop, role: str) -> None:
    await make_seat(board.id, "Maija Virtanen", role="chair", kind="partial_work_ability")
    await make_seat(board.id, "Kalle Kummi", kind="business_mentor", has_vote=False)
    await make_seat(board.id, "Entinen Jäsen", kind="relative", start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31))

    response = await board.browsers[role].get(f"/c/{board.slug}/board")

    assert response.status_code == 200
    page = text(response)
    assert "Maija Virtanen" in page and "Chair" in page and "Member with partial work ability" in page
    assert "Kalle Kummi" in page and "Business mentor" in page and "Supports without a vote" in page
    assert "People who were on the board before" in page and "Entinen Jäsen" in page
    assert "1 person on the board has a vote." in page
    assert f'href="/c/{board.slug}/board" aria-current="page"' in page
    warned = "The board needs one more member with partial work ability." in page
    assert warned is (role in ("admin", "board", "coach"))
    assert ("Add a person to the board" in page) is (role in ("admin", "board"))


async def test_warnings_say_what_is_missing_and_extra(board: BoardCoop) -> None:
    await make_seat(board.id, "Vara Valmentaja", kind="job_coach")
    await make_seat(board.id, "Toinen Valmentaja", kind="job_coach")
    await make_seat(board.id, "Äänetön Omainen", kind="relative", has_vote=False)

    page = text(await board.browsers["coach"].get(f"/c/{board.slug}/board"))

    assert "The board needs 2 more members with partial work ability." in page
    assert "The board has one job coach more than the plan." in page
    assert "The board needs one more unit director." in page
    assert "The board needs one more relative." in page  # the relative without a vote does not count
    assert "The board needs a chair. Add a person with the role Chair." in page
    assert "The cooperative uses the usual plan of five seats." in page


async def test_own_plan_is_used_for_the_warnings(board: BoardCoop) -> None:
    async with coop_unit(board.id):
        await BoardTarget.insert(
            BoardTarget(coop=board.id, kind="partial_work_ability", seats=3),
            BoardTarget(coop=board.id, kind="other", seats=0),
        ).run()
    await make_seat(board.id, "Maija", role="chair")

    page = text(await board.browsers["admin"].get(f"/c/{board.slug}/board"))

    assert "The board needs 2 more members with partial work ability." in page
    warnings = page.split('id="warnings-title"', 1)[1].split("</section>", 1)[0]
    assert "job coach" not in warnings and "relative" not in warnings and "unit director" not in warnings
    assert "usual plan" not in page


async def test_terms_ending_soon_show_the_date_and_the_days_left(board: BoardCoop) -> None:
    ends = today() + dt.timedelta(days=12)
    await make_seat(board.id, "Liisa Loppuu", role="chair", end=ends)
    await make_seat(board.id, "Pekka Pitkä", end=today() + dt.timedelta(days=61))

    page = text(await board.browsers["board"].get(f"/c/{board.slug}/board"))
    assert "That is in 12 days." in page
    assert "The term of Liisa Loppuu ends on" in page
    assert "The term of Pekka Pitkä" not in page

    admin = board.browsers["admin"]
    await admin.post("/lang", {"lang": "fi", "next": "/me"})
    try:
        finnish = text(await admin.get(f"/c/{board.slug}/board"))
    finally:
        await admin.post("/lang", {"lang": "en", "next": "/me"})
    assert f"{ends.day}.{ends.month}.{ends.year}" in finnish  # Finnish form: weekday and d.M.yyyy
    assert "12" in finnish.split("Liisa Loppuu", 1)[1][:200]


# --- adding a seat ----------------------------------------------------------------------------------------------


async def test_add_seat_from_the_register(board: BoardCoop, monkeypatch: pytest.MonkeyPatch) -> None:
    member = await make_member(board.id, "Maija Virtanen")
    await make_member(board.id, "Eronnut Jäsen", status="left")
    calls: list[tuple[int, int | None, int]] = []

    async def recompute(coop_id: int, actor_id: int | None = None) -> None:
        calls.append((coop_id, actor_id, current_coop_id()))  # proves it runs inside the coop's open unit

    monkeypatch.setattr("osuus.tenants.monitor.service.recompute_in_unit", recompute)
    admin = board.browsers["admin"]
    form = text(await admin.get(f"/c/{board.slug}/board/seats/new"))
    assert f'<option value="{member}">Maija Virtanen</option>' in form
    assert "Eronnut Jäsen" not in form

    response = await admin.post(
        f"/c/{board.slug}/board/seats/new",
        {"member_id": str(member), "role": "chair", "kind": "partial_work_ability", "term_start": "1.2.2026"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{board.slug}/board?saved=added"
    assert await seats_of(board.id) == [
        {
            "member_id": member,
            "holder_name": "Maija Virtanen",
            "role": "chair",
            "kind": "partial_work_ability",
            "has_vote": True,
            "term_start": dt.date(2026, 2, 1),
            "term_end": None,
        }
    ]
    assert calls == [(board.id, board.users["admin"], board.id)]
    rows = await board_rows(board.id)
    added = [r for r in rows["audit_log"] if r["action"] == "board.seat_added"][-1]
    assert added["actor_id"] == board.users["admin"]
    assert added["target"] == f"board_seat:{rows['board_seat'][0]['id']}"
    page = text(await admin.get(response.headers["location"]))
    assert "The seat is added to the board." in page and "Maija Virtanen" in page


async def test_add_seat_outside_the_register_with_both_date_forms(board: BoardCoop) -> None:
    response = await board.browsers["board"].post(
        f"/c/{board.slug}/board/seats/new",
        {
            "member_id": "",
            "holder_name": "Ulla Yksikönjohtaja",
            "role": "member",
            "kind": "unit_director",
            "vote": "no",
            "term_start": "01.02.2026",
            "term_end": "31.1.2028",
        },
    )
    assert response.status_code == 303
    assert await seats_of(board.id) == [
        {
            "member_id": None,
            "holder_name": "Ulla Yksikönjohtaja",
            "role": "member",
            "kind": "unit_director",
            "has_vote": False,
            "term_start": dt.date(2026, 2, 1),
            "term_end": dt.date(2028, 1, 31),
        }
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"term_start": ""}, "term_start", "Write the day the term starts, for example 27.3.2026"),
        (
            {"term_start": "31.2.2026"},
            "term_start",
            "Check the date. This day is not in the calendar, for example 31.2. is not",
        ),
        ({"term_start": "helmikuu"}, "term_start", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ({"term_end": "31.1.2026"}, "term_end", "The term must end on the day it starts or later"),
        ({"holder_name": ""}, "member_id", "Choose a person from the register, or write a name"),
        ({"role": ""}, "role", "Choose the person's role on the board"),
        ({"kind": "king"}, "kind", "Choose who the person is"),
    ],
)
async def test_add_seat_bad_input_keeps_values(
    board: BoardCoop, values: dict[str, str], field: str, message: str
) -> None:
    before = await board_rows(board.id)
    data = {"holder_name": "Aino Ahkera", "role": "member", "kind": "relative", "term_start": "1.2.2026", **values}

    response = await board.browsers["admin"].post(f"/c/{board.slug}/board/seats/new", data)

    assert response.status_code == 400
    page = text(response)
    assert_error(page, field, message)
    assert "<title>Error:" in page
    for name in ("holder_name", "term_start", "term_end"):
        if data.get(name):
            assert f'value="{data[name]}"' in page
    assert await board_rows(board.id) == before


async def test_business_mentor_with_a_vote_is_refused(board: BoardCoop) -> None:
    before = await board_rows(board.id)
    data = {
        "holder_name": "Kalle Kummi",
        "role": "member",
        "kind": "business_mentor",
        "vote": "yes",
        "term_start": "1.1.2026",
    }

    response = await board.browsers["admin"].post(f"/c/{board.slug}/board/seats/new", data)

    assert response.status_code == 400
    assert "A business mentor supports the board without a vote. Choose No." in text(response)
    assert 'id="vote" name="vote" value="yes" checked' in response.text
    assert await board_rows(board.id) == before
    data.pop("vote")
    assert (await board.browsers["admin"].post(f"/c/{board.slug}/board/seats/new", data)).status_code == 303
    assert [s["has_vote"] for s in await seats_of(board.id)] == [False]


async def test_second_chair_and_vice_chair_are_refused(board: BoardCoop) -> None:
    await make_seat(board.id, "Puheenjohtaja", role="chair", start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31))
    await make_seat(board.id, "Varapuheenjohtaja", role="vice_chair", start=dt.date(2025, 1, 1))
    before = await board_rows(board.id)
    url = f"/c/{board.slug}/board/seats/new"
    admin = board.browsers["admin"]
    base = {"holder_name": "Uusi Ihminen", "kind": "relative"}

    chair = await admin.post(url, {**base, "role": "chair", "term_start": "1.6.2026"})
    assert chair.status_code == 400
    assert "The board has a chair at that time." in text(chair)
    assert '<p class="error-message" id="role-error">' in chair.text
    vice = await admin.post(url, {**base, "role": "vice_chair", "term_start": "1.1.2030"})
    assert vice.status_code == 400
    assert "The board has a vice chair at that time." in text(vice)
    assert await board_rows(board.id) == before

    # The next chair, starting after the old chair's term: accepted.
    nxt = await admin.post(url, {**base, "role": "chair", "term_start": "1.1.2027", "term_end": "31.12.2028"})
    assert nxt.status_code == 303


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_change_the_board(board: BoardCoop, role: str) -> None:
    seat_id = await make_seat(board.id, "Maija", role="chair")
    before = await board_rows(board.id)
    client = board.browsers[role]
    seat = {"holder_name": "Murto", "role": "member", "kind": "relative", "term_start": "1.1.2026"}
    target = {f"seats_{k}": "1" for k in ("partial_work_ability", "job_coach", "unit_director", "relative", "other")}

    for method, path, data in (
        ("GET", "/board/seats/new", None),
        ("POST", "/board/seats/new", seat),
        ("GET", f"/board/seats/{seat_id}/end", None),
        ("POST", f"/board/seats/{seat_id}/end", {"term_end": "1.6.2026"}),
        ("GET", "/board/target", None),
        ("POST", "/board/target", target),
    ):
        url = f"/c/{board.slug}{path}"
        response = await (client.get(url) if method == "GET" else client.post(url, data))
        assert response.status_code == 403, (method, path)
    assert await board_rows(board.id) == before
    page = text(await client.get(f"/c/{board.slug}/board"))
    assert "/end" not in page and "/board/target" not in page and "/board/seats/new" not in page


# --- ending a seat ----------------------------------------------------------------------------------------------


async def test_end_a_seat(board: BoardCoop, monkeypatch: pytest.MonkeyPatch) -> None:
    seat_id = await make_seat(board.id, "Maija Virtanen", role="chair", start=dt.date(2025, 1, 1))
    calls: list[int] = []

    async def recompute(coop_id: int, actor_id: int | None = None) -> None:
        calls.append(current_coop_id())

    monkeypatch.setattr("osuus.tenants.monitor.service.recompute_in_unit", recompute)
    admin = board.browsers["admin"]
    check = await admin.get(f"/c/{board.slug}/board/seats/{seat_id}/end")
    assert check.status_code == 200
    assert f'value="{format_date(today())}"' in check.text and "Maija Virtanen" in text(check)

    response = await admin.post(f"/c/{board.slug}/board/seats/{seat_id}/end", {"term_end": "1.6.2026"})

    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{board.slug}/board?saved=ended"
    assert [s["term_end"] for s in await seats_of(board.id)] == [dt.date(2026, 6, 1)]
    assert calls == [board.id]
    rows = await board_rows(board.id)
    ended = [r for r in rows["audit_log"] if r["action"] == "board.seat_ended"][-1]
    assert ended["target"] == f"board_seat:{seat_id}" and ended["actor_id"] == board.users["admin"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Write the day the term ends, for example 27.3.2026"),
        ("32.1.2026", "Check the date. This day is not in the calendar, for example 31.2. is not"),
        ("31.12.2024", "The term must end on the day it starts or later"),
    ],
)
async def test_end_a_seat_bad_date(board: BoardCoop, value: str, message: str) -> None:
    seat_id = await make_seat(board.id, "Maija", start=dt.date(2025, 1, 1))
    before = await board_rows(board.id)

    response = await board.browsers["board"].post(f"/c/{board.slug}/board/seats/{seat_id}/end", {"term_end": value})

    assert response.status_code == 400
    assert_error(text(response), "term_end", message)
    assert f'id="term_end" name="term_end" type="text" value="{value}"' in response.text
    assert await board_rows(board.id) == before


async def test_an_ended_seat_cannot_be_ended_again(board: BoardCoop) -> None:
    seat_id = await make_seat(board.id, "Entinen", start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1))
    before = await board_rows(board.id)
    admin = board.browsers["admin"]
    check = await admin.get(f"/c/{board.slug}/board/seats/{seat_id}/end")
    assert (
        check.status_code == 200
        and "This term is over." in text(check)
        and "<form method" not in check.text.split("</header>")[1]
    )
    response = await admin.post(f"/c/{board.slug}/board/seats/{seat_id}/end", {"term_end": "1.1.2026"})
    assert response.status_code == 409
    assert await board_rows(board.id) == before


async def test_missing_seat_is_not_found(board: BoardCoop) -> None:
    admin = board.browsers["admin"]
    assert (await admin.get(f"/c/{board.slug}/board/seats/{2**62}/end")).status_code == 404
    assert (await admin.post(f"/c/{board.slug}/board/seats/{2**62}/end", {"term_end": "1.1.2026"})).status_code == 404


# --- the plan ---------------------------------------------------------------------------------------------------


async def test_change_the_plan(board: BoardCoop) -> None:
    admin = board.browsers["admin"]
    form = await admin.get(f"/c/{board.slug}/board/target")
    assert form.status_code == 200
    assert 'id="seats_partial_work_ability" name="seats_partial_work_ability" type="text" value="2"' in form.text
    assert 'name="seats_other" type="text" value="0"' in form.text
    assert "seats_business_mentor" not in form.text

    data = {
        "seats_partial_work_ability": "3",
        "seats_job_coach": "1",
        "seats_unit_director": "0",
        "seats_relative": "1",
        "seats_other": "0",
    }
    response = await board.browsers["board"].post(f"/c/{board.slug}/board/target", data)

    assert response.status_code == 303
    async with coop_unit(board.id):
        rows = await BoardTarget.select(BoardTarget.kind, BoardTarget.seats).where(BoardTarget.coop == board.id).run()
    assert {r["kind"]: r["seats"] for r in rows} == {
        "partial_work_ability": 3,
        "job_coach": 1,
        "unit_director": 0,
        "relative": 1,
        "other": 0,
    }
    audit = [r for r in (await board_rows(board.id))["audit_log"] if r["action"] == "board.target_changed"][-1]
    assert audit["actor_id"] == board.users["board"]
    page = text(await admin.get(f"/c/{board.slug}/board"))
    assert "The board needs 3 more members with partial work ability." in page
    assert "usual plan" not in page


async def test_change_the_plan_bad_input(board: BoardCoop) -> None:
    before = await board_rows(board.id)
    data = {
        "seats_partial_work_ability": "21",
        "seats_job_coach": "",
        "seats_unit_director": "-1",
        "seats_relative": "1",
        "seats_other": "0",
    }

    response = await board.browsers["admin"].post(f"/c/{board.slug}/board/target", data)

    assert response.status_code == 400
    page = text(response)
    assert_error(page, "seats_partial_work_ability", "The number must be from 0 to 20")
    assert_error(page, "seats_job_coach", "Write a number from 0 to 20")
    assert_error(page, "seats_unit_director", "Write the number with digits, for example 2")
    assert 'name="seats_partial_work_ability" type="text" value="21"' in response.text
    assert 'name="seats_unit_director" type="text" value="-1"' in response.text
    assert await board_rows(board.id) == before


# --- the monitor's read -----------------------------------------------------------------------------------------


async def test_leading_positions_in_unit(board: BoardCoop) -> None:
    member = await make_member(board.id, "Maija Virtanen")
    on = dt.date(2026, 6, 1)
    await make_seat(board.id, "Maija", role="chair", member_id=member, start=dt.date(2026, 1, 1), end=on)
    await make_seat(board.id, "Kummi", kind="business_mentor", has_vote=False, start=on)
    await make_seat(board.id, "Loppunut", start=dt.date(2025, 1, 1), end=on - dt.timedelta(days=1))
    await make_seat(board.id, "Tuleva", start=on + dt.timedelta(days=1))

    async with coop_unit(board.id):
        positions = await leading_positions_in_unit(board.id, on)
    assert positions == [LeadingPosition(member, "chair", True), LeadingPosition(None, "member", False)]

    with pytest.raises(TenancyError):
        await leading_positions_in_unit(board.id, on)  # no unit open
    other_id, _ = await _other_coop()
    with pytest.raises(TenancyError):
        async with coop_unit(other_id):
            await leading_positions_in_unit(board.id, on)  # another coop's unit


async def _other_coop() -> tuple[int, str]:
    from tests.fixtures import make_coop, make_region

    return await make_coop(await make_region())
