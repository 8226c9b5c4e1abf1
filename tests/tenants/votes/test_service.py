"""Votes end to end through the service: exact counts, refusals that change nothing, secrecy, assisted and proxy
votes, board votes by seat, frozen results and the contracts the meetings context calls."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest
from litestar.exceptions import NotFoundException, PermissionDeniedException

from osuus.platform.http import Form
from osuus.platform.i18n import reset_language, set_language
from osuus.platform.tenancy import TenancyError, coop_unit
from osuus.tenants.meetings.tables import AgendaItem
from osuus.tenants.members.tables import Member
from osuus.tenants.votes import rules, service
from osuus.tenants.votes.tables import Ballot, Vote, VoteCast, VoteTally
from tests.tenants.votes.conftest import (
    Person,
    VoteCoop,
    make_attendance,
    make_item,
    make_meeting,
    make_member,
    make_seat,
    rows_of,
    set_rules,
)

IP = "127.0.0.1"


async def open_vote(coop: VoteCoop, meeting_id: int, item_id: int, **values: str) -> int:
    form = Form(values={"question": "Ostetaanko ruohonleikkuri?", "method": "simple", "anonymous": "no", **values})
    vote_id = await service.open_vote(coop.ctx["admin"], meeting_id, item_id, form, IP)
    assert vote_id is not None, form.errors
    return vote_id


async def cast(person: Person, meeting_id: int, item_id: int, **values: str) -> service.CastOutcome:
    return await service.cast_ballot(person.ctx, meeting_id, item_id, Form(values=dict(values)), IP, confirmed=True)


async def close(coop: VoteCoop, meeting_id: int, item_id: int, **values: str) -> rules.Result:
    form = Form(values=dict(values))
    result = await service.close_vote(coop.ctx["admin"], meeting_id, item_id, form, IP)
    assert result is not None, form.errors
    return result


async def general_item(coop: VoteCoop, kind: str = "ordinary", member_id: int | None = None) -> tuple[int, int]:
    meeting_id = await make_meeting(coop.id)
    return meeting_id, await make_item(coop.id, meeting_id, kind=kind, member_id=member_id)


async def results(coop: VoteCoop, meeting_id: int) -> dict[int, service.ItemResult]:
    token = set_language("en")
    try:
        async with coop_unit(coop.id):
            return await service.results_in_unit(coop.id, meeting_id)
    finally:
        reset_language(token)


async def item_outcome(coop_id: int, item_id: int) -> dict[str, Any]:
    async with coop_unit(coop_id):
        row = (
            await AgendaItem.select(AgendaItem.outcome, AgendaItem.decision)
            .where(AgendaItem.id == item_id)
            .first()
            .run()
        )
    assert row is not None
    return row


async def audit_rows(coop_id: int, action: str) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await Member.raw(
            "SELECT actor_id, target, detail FROM audit_log WHERE coop_id = {} AND action = {} ORDER BY id",
            coop_id,
            action,
        ).run()


# --- exact counts ---------------------------------------------------------------------------------------------


async def test_five_yes_two_no_one_empty_passes_and_records_the_outcome(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(9)
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    for person, choice in zip(people, ["yes"] * 5 + ["no"] * 2 + ["empty"], strict=False):
        assert (await cast(person, meeting_id, item_id, choice=choice)).state == "cast"

    result = await close(vcoop, meeting_id, item_id)

    assert result.counts == (("yes", 5), ("no", 2))
    assert (result.cast, result.empty, result.entitled, result.outcome) == (8, 1, 9, "passed")
    assert (await results(vcoop, meeting_id)) == {
        item_id: service.ItemResult(item_id, "closed", "Yes 5, No 2, empty 1. The proposal passed.", True)
    }
    outcome = await item_outcome(vcoop.id, item_id)
    assert outcome["outcome"] == "approved"
    async with coop_unit(vcoop.id):
        assert await Ballot.count().where(Ballot.coop == vcoop.id).run() == 8
        vote = await Vote.select(Vote.status, Vote.closed_by).where(Vote.item == item_id).first().run()
    assert vote == {"status": "closed", "closed_by": vcoop.users["admin"]}
    closed = await audit_rows(vcoop.id, "vote.closed")
    assert len(closed) == 1 and closed[0]["actor_id"] == vcoop.users["admin"]


async def test_open_vote_shows_progress_in_the_results(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(3)
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    await cast(people[0], meeting_id, item_id, choice="no")

    assert await results(vcoop, meeting_id) == {
        item_id: service.ItemResult(item_id, "open", "Voting is open. 1 of 3 have voted.", None)
    }


async def test_two_thirds_with_six_of_nine(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(9)
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id, method="two_thirds", anonymous="yes")
    for person, choice in zip(people, ["yes"] * 6 + ["no"] * 3, strict=True):
        await cast(person, meeting_id, item_id, choice=choice)

    result = await close(vcoop, meeting_id, item_id)

    assert result.outcome == "passed" and result.counts == (("yes", 6), ("no", 3))


# --- refusals -------------------------------------------------------------------------------------------------


async def test_second_ballot_is_refused_and_changes_nothing(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    await cast(voter, meeting_id, item_id, choice="yes")
    before = await rows_of(vcoop.id)

    with pytest.raises(service.NotPossible) as refused:
        await cast(voter, meeting_id, item_id, choice="no")

    assert refused.value.message == service.ALREADY_VOTED and refused.value.status == 409
    assert await rows_of(vcoop.id) == before


async def test_the_database_refuses_a_second_cast_by_the_same_voter(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    meeting_id, item_id = await general_item(vcoop)
    vote_id = await open_vote(vcoop, meeting_id, item_id)
    await cast(voter, meeting_id, item_id, choice="yes")

    with pytest.raises(asyncpg.UniqueViolationError):
        async with coop_unit(vcoop.id):
            await VoteCast.insert(
                VoteCast(coop=vcoop.id, vote=vote_id, member=voter.member_id, cast_by=voter.user_id)
            ).run()


async def test_closed_vote_refuses_ballots_and_changes_nothing(vcoop: VoteCoop) -> None:
    first, late = await vcoop.voters(2)
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    await cast(first, meeting_id, item_id, choice="yes")
    await close(vcoop, meeting_id, item_id)
    before = await rows_of(vcoop.id)

    with pytest.raises(service.NotPossible) as refused:
        await cast(late, meeting_id, item_id, choice="no")

    assert refused.value.message == service.VOTE_CLOSED
    with pytest.raises(service.NotPossible):
        await close(vcoop, meeting_id, item_id)
    assert await rows_of(vcoop.id) == before


async def test_people_without_a_vote_cannot_vote(vcoop: VoteCoop) -> None:
    """Trial members, applicants, employees and people who left have no vote; a supporting member has one."""
    trial = await vcoop.voter(member_class="trial")
    employee = await vcoop.voter(member_class="employee")
    left = await vcoop.voter(status="left")
    supporting = await vcoop.voter(member_class="supporting")
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    before = await rows_of(vcoop.id)

    for person in (trial, employee, left):
        page = await service.vote_page(person.ctx, meeting_id, item_id)
        assert page.options == () and page.reason == "You do not have a vote in this vote."
        with pytest.raises(service.NotPossible) as refused:
            await cast(person, meeting_id, item_id, choice="yes")
        assert refused.value.status == 403
    assert await rows_of(vcoop.id) == before
    assert (await cast(supporting, meeting_id, item_id, choice="yes")).state == "cast"
    page = await service.vote_page(vcoop.ctx["admin"], meeting_id, item_id)
    assert (page.cast, page.entitled) == (1, 1)


async def test_a_ballot_without_a_choice_is_refused(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    before = await rows_of(vcoop.id)
    form = Form(values={"choice": "maybe"})

    outcome = await service.cast_ballot(voter.ctx, meeting_id, item_id, form, IP, confirmed=True)

    assert outcome.state == "invalid" and form.errors == {"choice": "Choose Yes, No or Empty vote"}
    assert await rows_of(vcoop.id) == before


async def test_nothing_is_written_before_the_ballot_is_confirmed(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    before = await rows_of(vcoop.id)

    outcome = await service.cast_ballot(voter.ctx, meeting_id, item_id, Form(values={"choice": "no"}), IP)

    assert outcome.state == "check" and outcome.choice == service.Choice("no")
    assert outcome.voter is not None and outcome.voter.member_id == voter.member_id
    assert await rows_of(vcoop.id) == before


async def test_only_managers_open_and_close(vcoop: VoteCoop) -> None:
    meeting_id, item_id = await general_item(vcoop)
    for role in ("coach", "member"):
        with pytest.raises(PermissionDeniedException):
            await service.open_vote(vcoop.ctx[role], meeting_id, item_id, Form(values={"method": "simple"}), IP)
    await open_vote(vcoop, meeting_id, item_id)
    for role in ("coach", "member"):
        with pytest.raises(PermissionDeniedException):
            await service.close_vote(vcoop.ctx[role], meeting_id, item_id, Form(), IP)


async def test_a_second_vote_on_an_item_is_refused(vcoop: VoteCoop) -> None:
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    with pytest.raises(service.NotPossible):
        await open_vote(vcoop, meeting_id, item_id)


async def test_no_vote_opens_in_a_cancelled_meeting(vcoop: VoteCoop) -> None:
    meeting_id = await make_meeting(vcoop.id, status="cancelled")
    item_id = await make_item(vcoop.id, meeting_id)
    with pytest.raises(service.NotPossible):
        await open_vote(vcoop, meeting_id, item_id)


async def test_open_form_errors(vcoop: VoteCoop) -> None:
    meeting_id, item_id = await general_item(vcoop)
    form = Form(values={"question": "", "method": "election", "anonymous": "", "seats": "0", "candidates": "A\na"})

    assert await service.open_vote(vcoop.ctx["admin"], meeting_id, item_id, form, IP) is None

    assert form.errors == {
        "question": "Write the question that people vote on",
        "anonymous": "Choose whether the vote is secret",
        "seats": "Write the number of people to elect, from 1 to 20",
        "candidates": "Write each candidate only once",
    }
    async with coop_unit(vcoop.id):
        assert await Vote.count().where(Vote.item == item_id).run() == 0


# --- secrecy --------------------------------------------------------------------------------------------------


async def test_secret_vote_keeps_only_counts_and_no_choice_is_linked_to_a_person(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(4)
    meeting_id, item_id = await general_item(vcoop)
    vote_id = await open_vote(vcoop, meeting_id, item_id, anonymous="yes")

    for person, choice in zip(people, ("yes", "no", "yes", "empty"), strict=True):
        await cast(person, meeting_id, item_id, choice=choice)
        async with coop_unit(vcoop.id):
            xmins = await Vote.raw("SELECT DISTINCT xmin::text FROM vote_tally WHERE vote_id = {}", vote_id).run()
        assert len(xmins) == 1  # every counter was rewritten by the same ballot: none tells which one it raised

    async with coop_unit(vcoop.id):
        assert await Ballot.count().where(Ballot.vote == vote_id).run() == 0
        tallies = await VoteTally.select(VoteTally.choice, VoteTally.total).where(VoteTally.vote == vote_id).run()
        casts = await VoteCast.raw("SELECT * FROM vote_cast WHERE vote_id = {}", vote_id).run()
    assert {t["choice"]: t["total"] for t in tallies} == {"yes": 2, "no": 1, "empty": 1}
    assert {c["member_id"] for c in casts} == {p.member_id for p in people}
    assert all(set(c) & {"choice", "candidate_id"} == set() for c in casts)  # who voted, never what
    assert [
        row["detail"] for row in await audit_rows(vcoop.id, "vote.cast") if '"choice": null' not in row["detail"]
    ] == []
    result = await close(vcoop, meeting_id, item_id)
    assert result.counts == (("yes", 2), ("no", 1)) and result.empty == 1
    async with coop_unit(vcoop.id):
        stored = await Vote.select(Vote.result).where(Vote.id == vote_id).output(load_json=True).first().run()
    assert stored is not None and "ballots" not in stored["result"]
    page = await service.result_page(vcoop.ctx["member"], meeting_id, item_id)
    assert page.vote is not None and page.vote.ballots == ()


async def test_open_vote_result_lists_each_voter_frozen(vcoop: VoteCoop) -> None:
    anna, bertta = await vcoop.voter("Anna Avoin"), await vcoop.voter("Bertta Avoin")
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    await cast(anna, meeting_id, item_id, choice="yes")
    await cast(bertta, meeting_id, item_id, choice="no")
    await close(vcoop, meeting_id, item_id, chair_vote="yes")
    before = await results(vcoop, meeting_id)

    # The register changes after the close: a name changes, a member leaves, new members join.
    async with coop_unit(vcoop.id):
        await Member.update({Member.name: "Anna Uusinimi"}).where(Member.id == anna.member_id).run()
        await (
            Member.update({Member.status: "left", Member.left_on: dt.date(2025, 6, 1)})
            .where(Member.id == bertta.member_id)
            .run()
        )
    await vcoop.voters(2)

    page = await service.result_page(vcoop.ctx["member"], meeting_id, item_id)
    assert page.vote is not None and page.vote.result is not None
    assert [(b.voter, b.choice) for b in page.vote.ballots] == [("Anna Avoin", "yes"), ("Bertta Avoin", "no")]
    assert page.vote.result.entitled == 2
    assert await results(vcoop, meeting_id) == before


# --- assisted voting ------------------------------------------------------------------------------------------


async def test_assisted_vote_stores_the_witness_and_an_audit_row(vcoop: VoteCoop) -> None:
    member = await make_member(vcoop.id, "Ville Avustettava")
    meeting_id, item_id = await general_item(vcoop)
    vote_id = await open_vote(vcoop, meeting_id, item_id)
    coach = vcoop.ctx["coach"]
    values = {"voter": f"m{member}", "choice": "yes", "witness_name": "Liisa Todistaja", "member_confirmed": "yes"}

    check = await service.cast_assisted(coach, meeting_id, item_id, Form(values=dict(values)), IP)
    assert check.state == "check" and check.witness == "Liisa Todistaja"
    outcome = await service.cast_assisted(coach, meeting_id, item_id, Form(values=dict(values)), IP, confirmed=True)

    assert outcome.state == "cast"
    async with coop_unit(vcoop.id):
        casts = (
            await VoteCast.select(VoteCast.member, VoteCast.cast_by, VoteCast.assisted_by, VoteCast.witness_name)
            .where(VoteCast.vote == vote_id)
            .run()
        )
    coach_id = vcoop.users["coach"]
    assert casts == [
        {"member_id": member, "cast_by": coach_id, "assisted_by": coach_id, "witness_name": "Liisa Todistaja"}
    ]
    audited = await audit_rows(vcoop.id, "vote.cast_assisted")
    assert len(audited) == 1 and audited[0]["actor_id"] == coach_id
    assert '"witness_name": "Liisa Todistaja"' in audited[0]["detail"]
    assert '"voter_name": "Ville Avustettava"' in audited[0]["detail"]
    assert f'"recorded_by": {coach_id}' in audited[0]["detail"]


async def test_assisted_vote_needs_a_witness_and_the_tick(vcoop: VoteCoop) -> None:
    member = await make_member(vcoop.id, "Ville Avustettava")
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    before = await rows_of(vcoop.id)
    form = Form(values={"voter": f"m{member}", "choice": "yes", "witness_name": ""})

    outcome = await service.cast_assisted(vcoop.ctx["admin"], meeting_id, item_id, form, IP, confirmed=True)

    assert outcome.state == "invalid"
    assert form.errors == {
        "witness_name": "Write the name of the witness",
        "member_confirmed": "Tick the box when the person has confirmed the choice",
    }
    assert await rows_of(vcoop.id) == before


@pytest.mark.parametrize("role", ["board", "member"])
async def test_only_coach_and_admin_record_assisted_votes(vcoop: VoteCoop, role: str) -> None:
    member = await make_member(vcoop.id, "Ville Avustettava")
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    values = {"voter": f"m{member}", "choice": "yes", "witness_name": "Liisa", "member_confirmed": "yes"}
    with pytest.raises(PermissionDeniedException):
        await service.cast_assisted(vcoop.ctx[role], meeting_id, item_id, Form(values=values), IP, confirmed=True)


async def test_assisted_vote_for_someone_who_voted_is_refused(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    await cast(voter, meeting_id, item_id, choice="no")
    before = await rows_of(vcoop.id)
    values = {"voter": f"m{voter.member_id}", "choice": "yes", "witness_name": "Liisa", "member_confirmed": "yes"}

    with pytest.raises(service.NotPossible) as refused:
        await service.cast_assisted(vcoop.ctx["coach"], meeting_id, item_id, Form(values=values), IP, confirmed=True)

    assert refused.value.message == service.ALREADY_VOTED
    assert await rows_of(vcoop.id) == before


# --- proxies --------------------------------------------------------------------------------------------------


async def test_proxy_holder_votes_for_the_member_within_the_limit(vcoop: VoteCoop) -> None:
    holder, first, second = await vcoop.voters(3)
    meeting_id, item_id = await general_item(vcoop)
    await set_rules(vcoop.id, max_proxies=1)
    await make_attendance(vcoop.id, meeting_id, holder.member_id)
    await make_attendance(vcoop.id, meeting_id, first.member_id, "proxy", holder.member_id)
    await make_attendance(vcoop.id, meeting_id, second.member_id, "proxy", holder.member_id)  # over the limit
    vote_id = await open_vote(vcoop, meeting_id, item_id)

    page = await service.vote_page(holder.ctx, meeting_id, item_id)
    assert [(o.key, o.proxy) for o in page.options] == [(f"m{holder.member_id}", False), (f"m{first.member_id}", True)]
    assert (page.entitled, page.cast) == (3, 0)
    # The represented members do not vote themselves: their holder does.
    represented = await service.vote_page(first.ctx, meeting_id, item_id)
    assert represented.options == () and represented.reason.startswith("A proxy holder represents you")

    before = await rows_of(vcoop.id)
    with pytest.raises(service.NotPossible):
        await cast(first, meeting_id, item_id, choice="yes")
    outcome = await cast(holder, meeting_id, item_id, voter=f"m{second.member_id}", choice="yes")
    assert outcome.state == "invalid"  # the proxy beyond the limit is not one of the holder's choices
    assert await rows_of(vcoop.id) == before

    await cast(holder, meeting_id, item_id, voter=f"m{first.member_id}", choice="no")
    await cast(holder, meeting_id, item_id, voter=f"m{holder.member_id}", choice="yes")
    async with coop_unit(vcoop.id):
        casts = (
            await VoteCast.select(VoteCast.member, VoteCast.proxy_holder, VoteCast.cast_by)
            .where(VoteCast.vote == vote_id)
            .order_by(VoteCast.id)
            .run()
        )
    assert casts == [
        {"member_id": first.member_id, "proxy_holder_id": holder.member_id, "cast_by": holder.user_id},
        {"member_id": holder.member_id, "proxy_holder_id": None, "cast_by": holder.user_id},
    ]
    result = await close(vcoop, meeting_id, item_id, chair_vote="no")
    assert result.counts == (("yes", 1), ("no", 1)) and result.outcome == "failed" and result.tie == "chair"
    page_after = await service.result_page(vcoop.ctx["admin"], meeting_id, item_id)
    assert page_after.vote is not None
    assert {b.voter: b.proxy_holder for b in page_after.vote.ballots} == {first.name: holder.name, holder.name: ""}


async def test_with_attendance_only_people_present_or_represented_vote(vcoop: VoteCoop) -> None:
    present, absent = await vcoop.voters(2)
    meeting_id, item_id = await general_item(vcoop)
    await make_attendance(vcoop.id, meeting_id, present.member_id, "remote")
    await open_vote(vcoop, meeting_id, item_id)

    assert [o.key for o in (await service.vote_page(present.ctx, meeting_id, item_id)).options] == [
        f"m{present.member_id}"
    ]
    away = await service.vote_page(absent.ctx, meeting_id, item_id)
    assert away.options == () and away.entitled == 1


# --- board votes ----------------------------------------------------------------------------------------------


async def test_board_vote_by_voting_seats_only(vcoop: VoteCoop) -> None:
    chair, member, mentor = (
        await vcoop.voter("Paula Puheenjohtaja"),
        await vcoop.voter(),
        await vcoop.voter("Kalle Kummi"),
    )
    chair_seat = await make_seat(vcoop.id, chair.name, chair.member_id, role="chair")
    member_seat = await make_seat(vcoop.id, member.name, member.member_id)
    await make_seat(vcoop.id, "Ulla Ulkopuolinen", None, kind="unit_director")
    await make_seat(vcoop.id, mentor.name, mentor.member_id, kind="business_mentor", has_vote=False)
    outsider = await vcoop.voter()  # a member, but not on the board
    meeting_id = await make_meeting(vcoop.id, kind="board")
    item_id = await make_item(vcoop.id, meeting_id, kind="board_decision")
    vote_id = await open_vote(vcoop, meeting_id, item_id)

    assert [o.key for o in (await service.vote_page(chair.ctx, meeting_id, item_id)).options] == [f"s{chair_seat}"]
    mentor_page = await service.vote_page(mentor.ctx, meeting_id, item_id)
    assert mentor_page.options == () and mentor_page.entitled == 3
    with pytest.raises(service.NotPossible):
        await cast(mentor, meeting_id, item_id, choice="yes")
    with pytest.raises(NotFoundException):  # board meetings are not shown to members without a seat
        await service.vote_page(outsider.ctx, meeting_id, item_id)

    await cast(chair, meeting_id, item_id, choice="yes")
    await cast(member, meeting_id, item_id, choice="yes")
    async with coop_unit(vcoop.id):
        casts = await VoteCast.select(VoteCast.seat, VoteCast.member).where(VoteCast.vote == vote_id).run()
    assert sorted(c["seat_id"] for c in casts) == sorted([chair_seat, member_seat])
    assert {c["member_id"] for c in casts} == {None}
    result = await close(vcoop, meeting_id, item_id)
    assert (result.entitled, result.cast, result.quorum_met, result.outcome) == (3, 2, True, "passed")


async def test_board_vote_without_quorum_is_no_decision(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(4)
    for p in people:
        await make_seat(vcoop.id, p.name, p.member_id)
    meeting_id = await make_meeting(vcoop.id, kind="board")
    item_id = await make_item(vcoop.id, meeting_id, kind="board_decision")
    await open_vote(vcoop, meeting_id, item_id)
    await cast(people[0], meeting_id, item_id, choice="yes")
    await cast(people[1], meeting_id, item_id, choice="yes")

    result = await close(vcoop, meeting_id, item_id)

    assert (result.outcome, result.quorum_met, result.entitled) == ("no_decision", False, 4)
    assert (await item_outcome(vcoop.id, item_id))["outcome"] == ""  # no decision: nothing recorded in the meeting
    found = await results(vcoop, meeting_id)
    assert found[item_id].summary == "Too few people voted (2 of 4). No decision was made."
    assert found[item_id].passed is None


async def test_assisted_vote_for_a_seat_outside_the_register(vcoop: VoteCoop) -> None:
    seat = await make_seat(vcoop.id, "Ulla Ulkopuolinen", None, kind="unit_director")
    meeting_id = await make_meeting(vcoop.id, kind="board")
    item_id = await make_item(vcoop.id, meeting_id, kind="board_decision")
    vote_id = await open_vote(vcoop, meeting_id, item_id)
    values = {"voter": f"s{seat}", "choice": "no", "witness_name": "Liisa", "member_confirmed": "yes"}

    await service.cast_assisted(vcoop.ctx["admin"], meeting_id, item_id, Form(values=values), IP, confirmed=True)

    async with coop_unit(vcoop.id):
        casts = await VoteCast.select(VoteCast.seat, VoteCast.member).where(VoteCast.vote == vote_id).run()
    assert casts == [{"seat_id": seat, "member_id": None}]


# --- ties, elections, applications ----------------------------------------------------------------------------


async def test_tie_asks_for_the_chairs_vote_then_it_decides(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(2)
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)
    await cast(people[0], meeting_id, item_id, choice="yes")
    await cast(people[1], meeting_id, item_id, choice="no")
    before = await rows_of(vcoop.id)
    form = Form()

    assert await service.close_vote(vcoop.ctx["admin"], meeting_id, item_id, form, IP) is None
    assert form.errors == {"chair_vote": "The votes are tied. Choose the chair's vote: it decides."}
    assert await rows_of(vcoop.id) == before

    result = await close(vcoop, meeting_id, item_id, chair_vote="yes")
    assert (result.outcome, result.tie, result.chair_vote) == ("passed", "chair", "yes")
    line = (await results(vcoop, meeting_id))[item_id].summary
    assert line == "Yes 1, No 1, empty 0. The votes were tied, so the chair's vote decided. The proposal passed."


async def test_election_tie_is_drawn_by_lot_with_a_recorded_seed(vcoop: VoteCoop) -> None:
    people = await vcoop.voters(3)
    meeting_id, item_id = await general_item(vcoop, kind="election")
    vote_id = await open_vote(
        vcoop, meeting_id, item_id, method="election", seats="2", anonymous="yes", candidates="Aino\nBertta\nCecilia"
    )
    candidates = {c.name: c.id for c in (await service.vote_page(people[0].ctx, meeting_id, item_id)).vote.candidates}  # type: ignore[union-attr]
    marks = [("Aino", "Bertta"), ("Aino", "Cecilia"), ()]
    for person, names in zip(people, marks, strict=True):
        values = {f"candidate_{candidates[n]}": "yes" for n in names} or {"choice": "empty"}
        assert (await cast(person, meeting_id, item_id, **values)).state == "cast"

    result = await close(vcoop, meeting_id, item_id)

    assert result.counts == (("Aino", 2), ("Bertta", 1), ("Cecilia", 1)) and result.empty == 1
    assert result.tie == "lot" and result.lot_among == ("Bertta", "Cecilia") and result.lot_seed is not None
    async with coop_unit(vcoop.id):
        row = await Vote.select(Vote.lot_seed).where(Vote.id == vote_id).first().run()
    assert row is not None and row["lot_seed"] == result.lot_seed
    again = rules.decide(
        "election",
        rules.Counts({"Aino": 2, "Bertta": 1, "Cecilia": 1}, 1, 3),
        entitled=3,
        seats=2,
        candidates=["Aino", "Bertta", "Cecilia"],
        seed=result.lot_seed,
    )
    assert again.elected == result.elected and result.elected[0] == "Aino"
    audited = await audit_rows(vcoop.id, "vote.closed")
    assert f'"lot_seed": {result.lot_seed}' in audited[0]["detail"]


async def test_election_ballot_with_too_many_names_is_refused(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    meeting_id, item_id = await general_item(vcoop, kind="election")
    await open_vote(vcoop, meeting_id, item_id, method="election", seats="1", candidates="Aino\nBertta")
    page = await service.vote_page(voter.ctx, meeting_id, item_id)
    assert page.vote is not None
    a, b = page.vote.candidates
    form = Form(values={f"candidate_{a.id}": "yes", f"candidate_{b.id}": "yes"})

    outcome = await service.cast_ballot(voter.ctx, meeting_id, item_id, form, IP, confirmed=True)

    assert outcome.state == "invalid"
    assert form.errors == {"candidate": "Choose at most as many candidates as there are people to elect"}


async def test_passed_application_vote_admits_the_applicant(vcoop: VoteCoop) -> None:
    voters = await vcoop.voters(2)
    applicant = await make_member(vcoop.id, "Hanna Hakija", "applicant", "applied")
    meeting_id = await make_meeting(vcoop.id, kind="board")
    for v in voters:
        await make_seat(vcoop.id, v.name, v.member_id)
    item_id = await make_item(vcoop.id, meeting_id, kind="member_application", member_id=applicant)
    await open_vote(vcoop, meeting_id, item_id)
    for v in voters:
        await cast(v, meeting_id, item_id, choice="yes")

    await close(vcoop, meeting_id, item_id)

    async with coop_unit(vcoop.id):
        row = await Member.select(Member.status, Member.member_class).where(Member.id == applicant).first().run()
    assert row == {"status": "active", "member_class": "member"}
    assert (await item_outcome(vcoop.id, item_id))["outcome"] == "approved"


# --- contracts ------------------------------------------------------------------------------------------------


async def test_open_votes_for_member(vcoop: VoteCoop) -> None:
    voter, other = await vcoop.voters(2)
    meeting_id, item_id = await general_item(vcoop)
    await open_vote(vcoop, meeting_id, item_id)

    async with coop_unit(vcoop.id):
        found = await service.open_votes_for_member_in_unit(vcoop.id, voter.member_id)
    assert found == [
        service.OpenVote(
            meeting_id,
            item_id,
            "Ostetaanko ruohonleikkuri?",
            f"/c/{vcoop.slug}/meetings/{meeting_id}/items/{item_id}/vote",
        )
    ]
    await cast(voter, meeting_id, item_id, choice="yes")
    async with coop_unit(vcoop.id):
        assert await service.open_votes_for_member_in_unit(vcoop.id, voter.member_id) == []
        assert len(await service.open_votes_for_member_in_unit(vcoop.id, other.member_id)) == 1
    await close(vcoop, meeting_id, item_id)
    async with coop_unit(vcoop.id):
        assert await service.open_votes_for_member_in_unit(vcoop.id, other.member_id) == []


async def test_in_unit_functions_refuse_another_coops_unit(vcoop: VoteCoop) -> None:
    meeting_id, _item_id = await general_item(vcoop)
    other_id = vcoop.id + 100000
    async with coop_unit(vcoop.id):
        with pytest.raises(TenancyError):
            await service.results_in_unit(other_id, meeting_id)
        with pytest.raises(TenancyError):
            await service.open_votes_for_member_in_unit(other_id, 1)


async def test_one_seat_election_by_radio_button_and_empty_radio(vcoop: VoteCoop) -> None:
    first, second = await vcoop.voters(2)
    meeting_id, item_id = await general_item(vcoop, kind="election")
    await open_vote(vcoop, meeting_id, item_id, method="election", seats="1", candidates="Aino\nBertta")
    page = await service.vote_page(first.ctx, meeting_id, item_id)
    assert page.vote is not None
    aino = page.vote.candidates[0]

    assert (await cast(first, meeting_id, item_id, candidate=str(aino.id))).state == "cast"
    assert (await cast(second, meeting_id, item_id, candidate="empty")).state == "cast"

    result = await close(vcoop, meeting_id, item_id)
    assert result.counts == (("Aino", 1), ("Bertta", 0)) and result.empty == 1 and result.elected == ("Aino",)
    page_after = await service.result_page(vcoop.ctx["admin"], meeting_id, item_id)
    assert page_after.vote is not None
    assert sorted((b.choice, b.names) for b in page_after.vote.ballots) == [("candidates", ("Aino",)), ("empty", ())]
