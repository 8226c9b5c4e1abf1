"""Counting votes, scenario by scenario (no database): majorities, empty ballots, ties, lots and quorums."""

from __future__ import annotations

import random

import pytest

from osuus.tenants.votes.rules import (
    ELECTED,
    ELECTION,
    FAILED,
    NO_DECISION,
    PASSED,
    SIMPLE,
    TWO_THIRDS,
    CastingVoteNeeded,
    Counts,
    Quorum,
    Result,
    decide,
    tally,
)


def ballots(yes: int = 0, no: int = 0, empty: int = 0) -> list[str]:
    return ["yes"] * yes + ["no"] * no + ["empty"] * empty


# --- simple majority -----------------------------------------------------------------------------------------


def test_five_yes_two_no_passes() -> None:
    result = tally(SIMPLE, ballots(5, 2), entitled=7)

    assert result.outcome == PASSED and result.passed is True
    assert result.counts == (("yes", 5), ("no", 2))
    assert (result.cast, result.empty, result.counted) == (7, 0, 7)
    assert result.tie == "" and result.lot_seed is None


def test_two_yes_five_no_fails() -> None:
    result = tally(SIMPLE, ballots(2, 5), entitled=7)
    assert result.outcome == FAILED and result.passed is False


def test_empty_ballots_are_not_counted_in_the_majority() -> None:
    """4 yes, 3 no, 5 empty: the proposal passes, though fewer than half of those who voted said yes."""
    result = tally(SIMPLE, ballots(4, 3, 5), entitled=12)

    assert result.outcome == PASSED
    assert (result.cast, result.empty, result.counted) == (12, 5, 7)
    assert result.count("yes") == 4 and result.count("no") == 3


def test_only_empty_ballots_is_no_majority() -> None:
    result = tally(SIMPLE, ballots(empty=3), entitled=3, chair_vote="yes")
    assert result.outcome == FAILED and result.tie == ""


def test_tie_with_the_chair_voting_yes_passes() -> None:
    result = tally(SIMPLE, ballots(3, 3), entitled=6, chair_vote="yes")

    assert result.outcome == PASSED
    assert (result.tie, result.chair_vote) == ("chair", "yes")


def test_tie_with_the_chair_voting_no_fails() -> None:
    result = tally(SIMPLE, ballots(3, 3), entitled=6, chair_vote="no")

    assert result.outcome == FAILED
    assert (result.tie, result.chair_vote) == ("chair", "no")


def test_tie_without_the_chairs_vote_asks_for_it() -> None:
    with pytest.raises(CastingVoteNeeded):
        tally(SIMPLE, ballots(3, 3, 1), entitled=7)


def test_the_chairs_vote_is_ignored_without_a_tie() -> None:
    result = tally(SIMPLE, ballots(4, 3), entitled=7, chair_vote="no")
    assert result.outcome == PASSED and result.tie == "" and result.chair_vote == ""


def test_tie_rule_fails_means_a_tie_is_no_majority() -> None:
    result = tally(SIMPLE, ballots(2, 2), entitled=4, tie="fails")
    assert result.outcome == FAILED and result.tie == "fails"


def test_tie_rule_lot_is_drawn_with_the_seed_and_reproducible() -> None:
    first = tally(SIMPLE, ballots(2, 2), entitled=4, tie="lot", seed=42)
    again = tally(SIMPLE, ballots(2, 2), entitled=4, tie="lot", seed=42)

    assert first == again
    assert first.tie == "lot" and first.lot_seed == 42 and first.lot_among == ("no", "yes")
    expected = random.Random(42).choice(["yes", "no"])
    assert first.lot_drawn == (expected,)
    assert first.outcome == (PASSED if expected == "yes" else FAILED)


# --- two-thirds majority -------------------------------------------------------------------------------------


def test_two_thirds_six_of_nine_passes() -> None:
    result = tally(TWO_THIRDS, ballots(6, 3), entitled=9)
    assert result.outcome == PASSED


def test_two_thirds_five_of_eight_fails() -> None:
    result = tally(TWO_THIRDS, ballots(5, 3), entitled=8)
    assert result.outcome == FAILED


def test_two_thirds_excludes_empty_ballots() -> None:
    """6 yes, 3 no and 4 empty: 6 of the 9 counted is two thirds, although 6 of 13 cast is not."""
    result = tally(TWO_THIRDS, ballots(6, 3, 4), entitled=13)
    assert result.outcome == PASSED and result.counted == 9


def test_two_thirds_has_no_tie_and_needs_no_chair() -> None:
    result = tally(TWO_THIRDS, ballots(3, 3), entitled=6)
    assert result.outcome == FAILED and result.tie == ""


# --- quorum ----------------------------------------------------------------------------------------------------


def test_quorum_not_met_is_no_decision() -> None:
    """A board of 5: two ballots are not more than half of the voting seats."""
    result = tally(SIMPLE, ballots(2), entitled=5, quorum=Quorum(more_than_half=True))

    assert result.outcome == NO_DECISION and result.passed is None
    assert result.quorum_met is False
    assert result.counts == (("yes", 2), ("no", 0))  # the counts are still shown


def test_quorum_met_with_more_than_half_including_empty_ballots() -> None:
    result = tally(SIMPLE, ballots(1, 1, 1), entitled=5, quorum=Quorum(more_than_half=True), chair_vote="no")
    assert result.quorum_met is True and result.outcome == FAILED and result.tie == "chair"


def test_exactly_half_is_not_a_quorum() -> None:
    assert tally(SIMPLE, ballots(3), entitled=6, quorum=Quorum(more_than_half=True)).outcome == NO_DECISION


def test_quorum_of_a_number_of_members() -> None:
    assert tally(SIMPLE, ballots(4), entitled=20, quorum=Quorum(at_least=5)).outcome == NO_DECISION
    assert tally(SIMPLE, ballots(4, 0, 1), entitled=20, quorum=Quorum(at_least=5)).outcome == PASSED


def test_no_quorum_wins_over_a_tie() -> None:
    """Without a quorum nothing is decided, so the chair is not asked."""
    result = tally(SIMPLE, ballots(1, 1), entitled=5, quorum=Quorum(more_than_half=True))
    assert result.outcome == NO_DECISION and result.tie == ""


# --- elections ---------------------------------------------------------------------------------------------------

CANDIDATES = ("Aino", "Bertta", "Cecilia", "Daniel")


def test_election_two_seats_clear_winners() -> None:
    cast = [("Aino", "Bertta"), ("Aino", "Cecilia"), ("Aino", "Bertta"), ("Daniel",), ()]
    result = tally(ELECTION, cast, entitled=5, seats=2, candidates=CANDIDATES, seed=7)

    assert result.outcome == ELECTED and result.passed is True
    assert result.elected == ("Aino", "Bertta")
    assert result.counts == (("Aino", 3), ("Bertta", 2), ("Cecilia", 1), ("Daniel", 1))
    assert (result.cast, result.empty) == (5, 1)
    assert result.tie == ""


def test_election_tie_for_the_second_seat_is_drawn_by_lot_reproducibly() -> None:
    cast = [("Aino", "Bertta"), ("Aino", "Cecilia"), ("Aino", "Daniel"), ("Bertta",), ("Cecilia",)]

    first = tally(ELECTION, cast, entitled=5, seats=2, candidates=CANDIDATES, seed=2026)
    again = tally(ELECTION, list(reversed(cast)), entitled=5, seats=2, candidates=CANDIDATES, seed=2026)

    assert first.elected == again.elected  # the same seed draws the same name, whatever the order of the ballots
    assert first.tie == "lot" and first.lot_seed == 2026
    assert first.lot_among == ("Bertta", "Cecilia")
    drawn = random.Random(2026).sample(["Bertta", "Cecilia"], 1)
    assert first.lot_drawn == tuple(drawn)
    assert first.elected == ("Aino", *drawn)
    # Another seed may draw the other name, and the draw is recorded either way.
    other = {tally(ELECTION, cast, entitled=5, seats=2, candidates=CANDIDATES, seed=s).elected[1] for s in range(40)}
    assert other == {"Bertta", "Cecilia"}


def test_election_tie_that_fits_the_seats_needs_no_lot() -> None:
    cast = [("Aino", "Bertta"), ("Aino", "Bertta"), ("Cecilia",)]
    result = tally(ELECTION, cast, entitled=3, seats=2, candidates=CANDIDATES)
    assert result.elected == ("Aino", "Bertta") and result.tie == ""


def test_election_candidates_without_votes_are_not_elected() -> None:
    result = tally(ELECTION, [("Aino",), ()], entitled=2, seats=3, candidates=CANDIDATES)
    assert result.elected == ("Aino",) and result.outcome == ELECTED


def test_election_with_only_empty_ballots_elects_nobody() -> None:
    result = tally(ELECTION, [(), ()], entitled=2, seats=1, candidates=CANDIDATES)
    assert result.elected == () and result.outcome == FAILED


def test_election_without_quorum_elects_nobody() -> None:
    result = tally(ELECTION, [("Aino",)], entitled=10, seats=1, candidates=CANDIDATES, quorum=Quorum(at_least=2))
    assert result.outcome == NO_DECISION and result.elected == ()


@pytest.mark.parametrize("ballot", [("Aino", "Aino"), ("Aino", "Bertta", "Cecilia"), ("Eero",), "Aino"], ids=str)
def test_invalid_election_ballots_are_refused(ballot: object) -> None:
    with pytest.raises(ValueError):
        tally(ELECTION, [ballot], entitled=1, seats=2, candidates=CANDIDATES)  # type: ignore[list-item]


def test_invalid_yes_no_ballot_is_refused() -> None:
    with pytest.raises(ValueError):
        tally(SIMPLE, ["maybe"], entitled=1)


# --- counts and the stored form ----------------------------------------------------------------------------------


def test_decide_from_counts_equals_tally_of_ballots() -> None:
    counted = decide(SIMPLE, Counts({"yes": 5, "no": 2}, empty=1, cast=8), entitled=9)
    assert counted == tally(SIMPLE, ballots(5, 2, 1), entitled=9)


@pytest.mark.parametrize(
    "result",
    [
        tally(SIMPLE, ballots(3, 3), entitled=6, chair_vote="yes"),
        tally(SIMPLE, ballots(1), entitled=5, quorum=Quorum(more_than_half=True)),
        tally(ELECTION, [("Aino", "Bertta"), ("Cecilia",)], entitled=3, seats=2, candidates=CANDIDATES, seed=1),
    ],
)
def test_result_survives_json(result: Result) -> None:
    import json

    assert Result.from_json(json.loads(json.dumps(result.to_json()))) == result
