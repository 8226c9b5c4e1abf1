"""Votes through the JSON API: open, give votes (own, assisted), close, read; the same roles as the pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fixtures import ApiPlace, make_api_place
from tests.tenants.votes.conftest import make_item, make_meeting, make_member, rows_of


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    p = await make_api_place(app)
    yield p
    await p.close()


async def new_item(place: ApiPlace) -> str:
    meeting_id = await make_meeting(place.id)
    item_id = await make_item(place.id, meeting_id)
    return f"/api/v1/coops/{place.slug}/meetings/{meeting_id}/items/{item_id}/vote"


async def test_open_vote_close_and_read(place: ApiPlace) -> None:
    mine = await make_member(place.id, "Mirja Jäsen", user_id=place.users["member"])
    helped = await make_member(place.id, "Ville Avustettava")
    base = await new_item(place)

    opened = await place.api["admin"].post(base, {"question": "Ostetaanko?", "method": "simple", "anonymous": False})
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert {k: body[k] for k in ("question", "method", "seats", "anonymous", "status", "cast", "entitled")} == {
        "question": "Ostetaanko?",
        "method": "simple",
        "seats": 1,
        "anonymous": False,
        "status": "open",
        "cast": 0,
        "entitled": 2,
    }
    assert body["result"] is None and body["summary"] == "Voting is open. 0 of 2 have voted."

    member = place.api["member"]
    assert (await member.get(base)).json()["my_options"] == [
        {"voter": f"m{mine}", "name": "Mirja Jäsen", "proxy": False}
    ]
    unconfirmed = await member.post(f"{base}/ballots", {"choice": "yes"})
    assert unconfirmed.status_code == 409
    assert unconfirmed.json()["error"] == 'A vote cannot be changed after it is given. Send "confirm": true to give it.'
    given = await member.post(f"{base}/ballots", {"choice": "yes", "confirm": True})
    assert given.status_code == 201 and given.json()["cast"] == 1 and given.json()["my_options"] == []
    before = await rows_of(place.id)
    again = await member.post(f"{base}/ballots", {"choice": "no", "confirm": True})
    assert again.status_code == 409 and "A person can vote only once" in again.json()["error"]
    assert await rows_of(place.id) == before

    assisted = await place.api["coach"].post(
        f"{base}/ballots",
        {
            "assisted": True,
            "voter": f"m{helped}",
            "choice": "no",
            "witness_name": "Liisa Todistaja",
            "member_confirmed": True,
            "confirm": True,
        },
    )
    assert assisted.status_code == 201, assisted.text

    closed = await place.api["board"].post(f"{base}/close", {"chair_vote": "yes"})
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    assert result["counts"] == [{"choice": "yes", "votes": 1}, {"choice": "no", "votes": 1}]
    assert (result["outcome"], result["tie"], result["chair_vote"], result["entitled"]) == ("passed", "chair", "yes", 2)
    assert sorted((b["voter"], b["choice"], b["assisted"], b["witness"]) for b in result["ballots"]) == [
        ("Mirja Jäsen", "yes", False, ""),
        ("Ville Avustettava", "no", True, "Liisa Todistaja"),
    ]
    late = await place.api["admin"].post(f"{base}/ballots", {"choice": "yes", "confirm": True})
    assert late.status_code == 409 and late.json()["error"].startswith("This vote has closed.")
    assert (await place.api["admin"].post(f"{base}/close", {})).status_code == 409


async def test_refused_input_and_roles(place: ApiPlace) -> None:
    base = await new_item(place)
    before = await rows_of(place.id)

    assert (
        await place.api["member"].post(base, {"question": "Q", "method": "simple", "anonymous": True})
    ).status_code == 403
    assert (
        await place.api["coach"].post(base, {"question": "Q", "method": "simple", "anonymous": True})
    ).status_code == 403
    bad = await place.api["admin"].post(base, {"question": "", "method": "ranked", "anonymous": None})
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": {
            "question": "Write the question that people vote on",
            "method": "Choose how the vote is decided",
            "anonymous": "Choose whether the vote is secret",
        }
    }
    assert (await place.api["member"].get(base)).status_code == 404  # no vote yet
    assert await rows_of(place.id) == before

    election = await place.api["admin"].post(
        base,
        {"question": "Ketkä?", "method": "election", "anonymous": True, "seats": 1, "candidates": ["Aino", "Bertta"]},
    )
    assert election.status_code == 201
    assert [c["name"] for c in election.json()["candidates"]] == ["Aino", "Bertta"]
    assert (await place.api["coach"].post(f"{base}/close", {})).status_code == 403
    assert (await place.api["board"].post(f"{base}/ballots", {"assisted": True, "confirm": True})).status_code == 403


async def test_election_ballot_by_candidate_ids(place: ApiPlace) -> None:
    await make_member(place.id, "Mirja Jäsen", user_id=place.users["member"])
    base = await new_item(place)
    opened = await place.api["admin"].post(
        base, {"question": "Ketkä?", "method": "election", "anonymous": True, "seats": 2, "candidates": ["A", "B", "C"]}
    )
    ids = [c["id"] for c in opened.json()["candidates"]]

    too_many = await place.api["member"].post(f"{base}/ballots", {"candidates": ids, "confirm": True})
    assert too_many.status_code == 400
    given = await place.api["member"].post(f"{base}/ballots", {"candidates": ids[:2], "confirm": True})
    assert given.status_code == 201

    closed = (await place.api["admin"].post(f"{base}/close", {})).json()["result"]
    assert closed["counts"] == [{"choice": "A", "votes": 1}, {"choice": "B", "votes": 1}, {"choice": "C", "votes": 0}]
    assert closed["elected"] == ["A", "B"] and closed["ballots"] == []
