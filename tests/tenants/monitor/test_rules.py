"""The entrepreneur-status rules, scenario by scenario, with exact fractions (no database)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from itertools import combinations

from osuus.platform import i18n
from osuus.tenants.monitor.rules import (
    AT_RISK,
    FAMILY_MAJORITY,
    FLAGGED,
    LEADING_ALONE,
    LEADING_FAMILY,
    OK,
    WARNING,
    Evaluation,
    Family,
    Finding,
    MemberResult,
    Person,
    Seat,
    evaluate,
    voters_to_fall_below,
)

TODAY = dt.date(2026, 11, 23)
START = dt.date(2026, 1, 1)
ALONE, WITH_FAMILY, MAJORITY = Fraction(15, 100), Fraction(30, 100), Fraction(50, 100)


def members(n: int, start: int = 1, member_class: str = "member") -> list[Person]:
    return [Person(i, member_class, "active") for i in range(start, start + n)]


def seat(member_id: int | None, role: str = "member", **kwargs: object) -> Seat:
    return Seat(member_id, role, kwargs.pop("term_start", START), **kwargs)  # type: ignore[arg-type]


def family(*ids: int) -> list[Family]:
    """Everyone in `ids` linked directly with everyone else (family is not transitive)."""
    return [Family(a, b) for a, b in combinations(ids, 2)]


def by_id(evaluation: Evaluation, member_id: int) -> MemberResult:
    return next(m for m in evaluation.members if m.member_id == member_id)


def test_seven_equal_members_two_on_the_board_are_at_risk_and_nobody_is_flagged() -> None:
    result = evaluate(members(7), [], [seat(1, "chair"), seat(2)], TODAY)

    assert (result.level, result.voters, result.leading) == (AT_RISK, 7, 2)
    assert result.flagged_ids == frozenset()
    assert all(m.share_alone == Fraction(1, 7) for m in result.members)
    # One resignation would leave 1/6 ≥ 15 % for both board members; one more member keeps them safe.
    close = Finding(LEADING_ALONE, 1, 6, ALONE, 1, True)
    assert [(m.member_id, m.roles, m.close) for m in result.notable] == [
        (1, ("chair",), (close,)),
        (2, ("member",), (close,)),
    ]


def test_eight_equal_members_are_ok() -> None:
    result = evaluate(members(8), [], [seat(1, "chair"), seat(2)], TODAY)
    assert (result.level, result.voters, result.flagged_ids, result.notable) == (OK, 8, frozenset(), ())


def test_six_members_with_nobody_on_the_board_is_a_warning_without_flags() -> None:
    result = evaluate(members(6), [], [], TODAY)
    assert (result.level, result.voters, result.leading, result.flagged_ids) == (WARNING, 6, 0, frozenset())
    assert result.notable == ()
    assert result.more_voters_needed == 1


def test_six_members_one_on_the_board_flags_that_member_at_16_7_percent() -> None:
    result = evaluate(members(6), [], [seat(3, "chair")], TODAY)

    assert (result.level, result.flagged_ids) == (FLAGGED, frozenset({3}))
    chair = by_id(result, 3)
    assert chair.share_alone == Fraction(1, 6) >= ALONE
    assert chair.flags == (Finding(LEADING_ALONE, 1, 6, ALONE, 1, True),)
    with i18n.language("fi"):
        assert i18n.percent(chair.share_alone) == "16,7\u00a0%"


def test_fix_counts_the_members_needed() -> None:
    """Five members, the chair holds 1/5: two more members bring the share to 1/7, below 15 %."""
    result = evaluate(members(5), [], [seat(1, "chair")], TODAY)
    assert by_id(result, 1).flags == (Finding(LEADING_ALONE, 1, 5, ALONE, 2, True),)
    assert voters_to_fall_below(1, 5, ALONE) == 2
    assert voters_to_fall_below(3, 10, WITH_FAMILY) == 1  # 3/11 < 30 %
    assert voters_to_fall_below(1, 8, ALONE) == 0


def test_married_couple_with_two_of_seven_votes_one_on_the_board_is_not_flagged() -> None:
    result = evaluate(members(7), [Family(1, 2)], [seat(1, "chair")], TODAY)

    assert (result.level, result.flagged_ids) == (AT_RISK, frozenset())
    chair = by_id(result, 1)
    assert chair.share_with_family == Fraction(2, 7) < WITH_FAMILY
    assert chair.relatives == (2,)
    with i18n.language("fi"):
        assert i18n.percent(chair.share_with_family) == "28,6\u00a0%"
    # Close: if one other member leaves, 1/6 alone and 2/6 with family are both over the limits.
    assert chair.close == (
        Finding(LEADING_ALONE, 1, 6, ALONE, 1, True),
        Finding(LEADING_FAMILY, 2, 6, WITH_FAMILY, 1, True),
    )
    assert by_id(result, 2).notable is False


def test_three_family_members_of_ten_votes_one_on_the_board_is_flagged_at_exactly_30_percent() -> None:
    result = evaluate(members(10), [Family(1, 2), Family(3, 1)], [seat(1, "vice_chair")], TODAY)

    assert (result.level, result.flagged_ids) == (FLAGGED, frozenset({1}))
    assert by_id(result, 1).share_with_family == Fraction(3, 10) == WITH_FAMILY
    assert by_id(result, 1).flags == (Finding(LEADING_FAMILY, 3, 10, WITH_FAMILY, 1, True),)


def test_family_is_not_transitive() -> None:
    """2 is linked to 1 only: 3 (linked to 1) is not 2's family, so 2 on the board holds 2/10, not 3/10."""
    result = evaluate(members(10), [Family(1, 2), Family(1, 3)], [seat(2, "chair")], TODAY)
    assert by_id(result, 2).relatives == (1,)
    assert result.flagged_ids == frozenset()
    assert result.level == OK


def test_a_link_recorded_both_ways_counts_once() -> None:
    result = evaluate(members(7), [Family(1, 2), Family(2, 1)], [seat(1)], TODAY)
    assert by_id(result, 1).votes_with_family == 2


def test_five_family_members_of_ten_without_a_seat_are_all_flagged() -> None:
    result = evaluate(members(10), family(1, 2, 3, 4, 5), [], TODAY)

    assert (result.level, result.flagged_ids) == (FLAGGED, frozenset({1, 2, 3, 4, 5}))
    for member_id in (1, 2, 3, 4, 5):
        assert by_id(result, member_id).flags == (Finding(FAMILY_MAJORITY, 5, 10, MAJORITY, 1, False),)
    assert by_id(result, 6).notable is False


def test_deputy_and_business_mentor_are_not_leading_positions() -> None:
    """Six members: one is a deputy, one sits as the business mentor without a vote; the mentor from outside the
    register has no vote at all. Nobody leads, so nobody is flagged."""
    seats = [
        seat(1, "deputy"),
        seat(2, "member", has_vote=False),
        seat(None, "member", has_vote=False),
    ]
    result = evaluate(members(6), [], seats, TODAY)
    assert (result.level, result.leading, result.flagged_ids) == (WARNING, 0, frozenset())

    # The same member with a vote on the board leads, and at 1/6 is flagged.
    assert evaluate(members(6), [], [seat(2, "member")], TODAY).flagged_ids == frozenset({2})
    # The managing director leads whether or not the post votes on the board.
    assert evaluate(members(6), [], [seat(1, "managing_director", has_vote=False)], TODAY).flagged_ids == {1}


def test_only_current_seats_lead() -> None:
    yesterday, tomorrow = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)
    seats = [seat(1, term_end=yesterday), seat(2, term_start=tomorrow), seat(3, term_end=TODAY)]
    result = evaluate(members(6), [], seats, TODAY)
    assert result.flagged_ids == frozenset({3})


def test_a_supporting_organisation_counts_as_a_vote() -> None:
    register = [*members(6), Person(7, "supporting", "active")]
    result = evaluate(register, [], [seat(1, "chair")], TODAY)
    assert (result.level, result.voters, result.flagged_ids) == (AT_RISK, 7, frozenset())


def test_members_who_left_and_people_without_a_vote_do_not_count() -> None:
    register = [
        *members(6),
        Person(7, "member", "left", left_on=TODAY - dt.timedelta(days=3)),
        Person(8, "member", "active", left_on=TODAY),  # resigned today: the vote ends today
        Person(9, "member", "rejected"),
        Person(10, "trial", "active"),
        Person(11, "applicant", "applied"),
        Person(12, "employee", "active"),
        Person(13, "member", "active", joined_on=TODAY + dt.timedelta(days=1)),  # joins tomorrow
    ]
    result = evaluate(register, [Family(1, 7), Family(1, 10)], [seat(1, "chair"), seat(10, "member")], TODAY)

    assert (result.voters, result.level) == (6, FLAGGED)
    assert [m.member_id for m in result.members] == [1, 2, 3, 4, 5, 6]
    assert by_id(result, 1).relatives == ()
    assert by_id(result, 1).flags == (Finding(LEADING_ALONE, 1, 6, ALONE, 1, True),)


def test_no_votes_at_all_is_a_warning() -> None:
    result = evaluate([], [], [], TODAY)
    assert (result.level, result.voters, result.members, result.share_each) == (WARNING, 0, (), None)


def test_two_members_hold_half_each_and_count_as_entrepreneurs() -> None:
    result = evaluate(members(2), [], [], TODAY)
    assert result.flagged_ids == frozenset({1, 2})
    assert by_id(result, 1).flags == (Finding(FAMILY_MAJORITY, 1, 2, MAJORITY, 1, False),)


def test_shares_compare_exactly() -> None:
    """No floating point: 3/10 is exactly 30 % (0.1 * 3 in floats is 0.30000000000000004)."""
    assert Fraction(3, 10) >= WITH_FAMILY and not Fraction(3, 10) > WITH_FAMILY
    assert not Fraction(29, 100) >= WITH_FAMILY
