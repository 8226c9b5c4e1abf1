"""Pure board rules: composition against the plan, terms that end soon, the chair, Finnish dates, the seat form."""

from __future__ import annotations

import datetime as dt

from osuus.platform.http import Form
from osuus.tenants.governance.service import (
    END_BEFORE_START,
    MENTOR_VOTE,
    START_EMPTY,
    CompositionGap,
    NewSeat,
    SeatView,
    TermEnding,
    board_warnings,
    check_seat_form,
    check_target_form,
    composition_warnings,
    term_warnings,
)

ON = dt.date(2026, 11, 23)


def seat(
    kind: str = "partial_work_ability",
    has_vote: bool = True,
    role: str = "member",
    start: dt.date = dt.date(2025, 1, 1),
    end: dt.date | None = None,
    holder: str = "Hanna",
    seat_id: int = 1,
) -> SeatView:
    return SeatView(seat_id, holder, None, role, kind, has_vote, start, end)


FULL_DEFAULT = [
    seat("partial_work_ability"),
    seat("partial_work_ability"),
    seat("job_coach"),
    seat("unit_director"),
    seat("relative"),
]


# --- composition -----------------------------------------------------------------------------------------------


def test_default_plan_met_gives_no_warnings() -> None:
    assert composition_warnings(FULL_DEFAULT) == []
    assert composition_warnings(FULL_DEFAULT, {}) == []


def test_empty_board_misses_every_default_seat() -> None:
    assert composition_warnings([]) == [
        CompositionGap("partial_work_ability", 0, 2),
        CompositionGap("job_coach", 0, 1),
        CompositionGap("unit_director", 0, 1),
        CompositionGap("relative", 0, 1),
    ]


def test_only_voting_seats_count() -> None:
    seats = [*FULL_DEFAULT[1:], seat("partial_work_ability", has_vote=False), seat("business_mentor", False)]
    gaps = composition_warnings(seats)
    assert gaps == [CompositionGap("partial_work_ability", 1, 2)]
    assert (gaps[0].missing, gaps[0].extra) == (1, 0)


def test_extra_seats_are_reported() -> None:
    gaps = composition_warnings([*FULL_DEFAULT, seat("job_coach"), seat("other")])
    assert gaps == [CompositionGap("job_coach", 2, 1), CompositionGap("other", 1, 0)]
    assert (gaps[0].missing, gaps[0].extra) == (0, 1)


def test_own_plan_replaces_the_default() -> None:
    plan = {"partial_work_ability": 3, "job_coach": 1, "unit_director": 0, "relative": 0, "other": 1}
    seats = [seat("partial_work_ability"), seat("job_coach"), seat("unit_director")]
    assert composition_warnings(seats, plan) == [
        CompositionGap("partial_work_ability", 1, 3),
        CompositionGap("unit_director", 1, 0),
        CompositionGap("other", 0, 1),
    ]


# --- terms and the chair ------------------------------------------------------------------------------------


def test_terms_ending_within_60_days_soonest_first() -> None:
    seats = [
        seat(end=ON + dt.timedelta(days=60), holder="Sixty", seat_id=1),
        seat(end=ON + dt.timedelta(days=61), holder="Sixty-one", seat_id=2),
        seat(end=ON, holder="Today", seat_id=3),
        seat(end=ON - dt.timedelta(days=1), holder="Yesterday", seat_id=4),
        seat(end=None, holder="Open", seat_id=5),
        seat(start=ON + dt.timedelta(days=1), end=ON + dt.timedelta(days=10), holder="Later", seat_id=6),
    ]
    assert term_warnings(seats, ON) == [
        TermEnding(3, "Today", "member", ON, 0),
        TermEnding(1, "Sixty", "member", ON + dt.timedelta(days=60), 60),
    ]


def test_board_warnings_name_a_missing_chair() -> None:
    with_chair = [seat(role="chair"), *FULL_DEFAULT[1:]]
    assert board_warnings(with_chair, None, ON).no_chair is False
    assert not board_warnings(with_chair, None, ON)
    ended_chair = [seat(role="chair", end=ON - dt.timedelta(days=1)), *FULL_DEFAULT]
    warnings = board_warnings(ended_chair, None, ON)
    assert warnings.no_chair is True
    assert warnings.gaps == [] and warnings.terms == []  # the ended seat counts for nothing


# --- the seat form ------------------------------------------------------------------------------------------


MEMBERS = [(7, "Maija Virtanen"), (8, "Pekka Laine")]


def seat_form(**values: str) -> Form:
    base = {"member_id": "7", "role": "member", "kind": "partial_work_ability", "term_start": "1.2.2026"}
    return Form(values={**base, **values})


def test_seat_form_from_register_votes_by_default() -> None:
    form = seat_form()
    assert check_seat_form(form, MEMBERS) == NewSeat(
        7, "Maija Virtanen", "member", "partial_work_ability", True, dt.date(2026, 2, 1), None
    )
    assert form.errors == {}


def test_seat_form_outside_register_with_end() -> None:
    form = seat_form(member_id="", holder_name="Ulla Yksikkö", kind="unit_director", term_end="31.12.2027")
    new = check_seat_form(form, MEMBERS)
    assert new == NewSeat(
        None, "Ulla Yksikkö", "member", "unit_director", True, dt.date(2026, 2, 1), dt.date(2027, 12, 31)
    )


def test_business_mentor_has_no_vote_by_default_and_never_one() -> None:
    quiet = check_seat_form(seat_form(kind="business_mentor"), MEMBERS)
    assert quiet is not None and quiet.has_vote is False
    form = seat_form(kind="business_mentor", vote="yes")
    assert check_seat_form(form, MEMBERS) is None
    assert form.errors == {"vote": MENTOR_VOTE}
    relative_without_vote = check_seat_form(seat_form(kind="relative", vote="no"), MEMBERS)
    assert relative_without_vote is not None and relative_without_vote.has_vote is False


def test_seat_form_errors_name_each_field() -> None:
    form = Form(values={})
    assert check_seat_form(form, MEMBERS) is None
    assert form.errors == {
        "member_id": "Choose a person from the register, or write a name",
        "role": "Choose the person's role on the board",
        "kind": "Choose who the person is",
        "term_start": START_EMPTY,
    }
    form = seat_form(member_id="99", role="king", term_start="1.2.2026", term_end="31.1.2026")
    assert check_seat_form(form, MEMBERS) is None
    assert form.errors == {
        "member_id": "Choose a person from the list",
        "role": "Choose the person's role on the board",
        "term_end": END_BEFORE_START,
    }
    form = seat_form(holder_name="Toinen")
    assert check_seat_form(form, MEMBERS) is None
    assert form.errors == {"holder_name": "Give only one: a person from the register or a name"}


def test_target_form() -> None:
    good = {"seats_partial_work_ability": "2", "seats_job_coach": "1", "seats_unit_director": "0"}
    form = Form(values={**good, "seats_relative": "1", "seats_other": "0"})
    assert check_target_form(form) == {
        "partial_work_ability": 2,
        "job_coach": 1,
        "unit_director": 0,
        "relative": 1,
        "other": 0,
    }
    form = Form(values={**good, "seats_relative": "21", "seats_other": "kaksi"})
    assert check_target_form(form) is None
    assert form.errors == {
        "seats_relative": "The number must be from 0 to 20",
        "seats_other": "Write the number with digits, for example 2",
    }
    zeros = Form(
        values={f"seats_{k}": "0" for k in ("partial_work_ability", "job_coach", "unit_director", "relative", "other")}
    )
    assert check_target_form(zeros) is None
    assert zeros.errors == {"seats_partial_work_ability": "The board needs at least one seat with a vote"}
