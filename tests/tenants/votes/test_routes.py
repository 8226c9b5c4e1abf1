"""The vote pages end to end in a browser-like client: ballot, check page, refusals, opening, assisted voting,
closing and the result."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.tenants.votes.conftest import VoteCoop, make_item, make_meeting, make_member, rows_of


def text(response: Any) -> str:
    return html.unescape(response.text)


def assert_error(page: str, field: str, message: str) -> None:
    """The message in the error summary (a link to the field) and next to the field itself."""
    assert f'<li><a href="#{field}">{message}</a></li>' in page
    assert f'id="{field}-error"><span class="visually-hidden">Error:</span> {message}</p>' in page


async def vote_on_new_item(coop: VoteCoop, **values: str) -> str:
    """A general meeting with one item and an open vote on it; returns the vote page's address."""
    meeting_id = await make_meeting(coop.id)
    item_id = await make_item(coop.id, meeting_id, title="Ostetaanko ruohonleikkuri?")
    base = f"/c/{coop.slug}/meetings/{meeting_id}/items/{item_id}/vote"
    admin = await coop.browser("admin")
    data = {"question": "Ostetaanko uusi ruohonleikkuri?", "method": "simple", "anonymous": "no", **values}
    response = await admin.post(f"{base}/open", data)
    assert response.status_code == 303, text(response)[:2000]
    assert response.headers["location"] == f"{base}?done=opened"
    return base


async def test_member_votes_yes_checks_and_confirms(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter("Veera Vakaa")
    await vcoop.voter()
    base = await vote_on_new_item(vcoop)
    browser = await vcoop.browser(voter.email)

    page = text(await browser.get(base))
    assert "<h1>Ostetaanko uusi ruohonleikkuri?</h1>" in page
    assert "0 of 2 people with a vote have voted." in page
    assert '<button type="submit" id="choice" name="choice" value="yes" class="button vote-button">Yes</button>' in page
    assert "This vote is not secret. The result shows what each person voted." in page
    assert "Close the vote" not in page and "assisted voting" not in page

    check = await browser.post(base, {"voter": f"m{voter.member_id}", "choice": "yes"})
    assert check.status_code == 200
    assert "Check your vote" in text(check) and "<strong>Yes</strong>" in text(check)
    assert '<input type="hidden" name="confirmed" value="yes">' in text(check)

    done = await browser.post(base, {"voter": f"m{voter.member_id}", "choice": "yes", "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"{base}?done=cast"
    after = text(await browser.get(f"{base}?done=cast"))
    assert "Your vote has been given. Thank you." in after and "1 of 2 people with a vote have voted." in after
    assert 'name="choice"' not in after


async def test_second_vote_is_refused_with_a_clear_message(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter()
    base = await vote_on_new_item(vcoop)
    browser = await vcoop.browser(voter.email)
    data = {"voter": f"m{voter.member_id}", "choice": "no", "confirmed": "yes"}
    assert (await browser.post(base, data)).status_code == 303
    before = await rows_of(vcoop.id)

    again = await browser.post(base, {**data, "choice": "yes"})

    assert again.status_code == 409
    assert "A person can vote only once, and a vote cannot be changed." in text(again)
    assert await rows_of(vcoop.id) == before


async def test_closed_vote_refuses_ballots_and_shows_the_result(vcoop: VoteCoop) -> None:
    yes_voter, late = await vcoop.voter("Yrjö Kyllä"), await vcoop.voter()
    base = await vote_on_new_item(vcoop)
    await (await vcoop.browser(yes_voter.email)).post(
        base, {"voter": f"m{yes_voter.member_id}", "choice": "yes", "confirmed": "yes"}
    )
    board = await vcoop.browser("board")
    close_page = await board.get(f"{base}/close")
    assert close_page.status_code == 200 and "1 of 2 people with a vote have voted." in text(close_page)
    closed = await board.post(f"{base}/close", {})
    assert closed.status_code == 303 and closed.headers["location"] == f"{base}/result?done=closed"
    before = await rows_of(vcoop.id)

    browser = await vcoop.browser(late.email)
    refused = await browser.post(base, {"voter": f"m{late.member_id}", "choice": "no", "confirmed": "yes"})

    assert refused.status_code == 409 and "This vote has closed." in text(refused)
    assert await rows_of(vcoop.id) == before
    redirect = await browser.get(base)
    assert redirect.status_code == 303 and redirect.headers["location"] == f"{base}/result"
    result = text(await browser.get(f"{base}/result"))
    assert "Yes 1, No 0, empty 0. The proposal passed." in result
    assert re.search(r"<tr><td>Yes</td><td>1</td></tr>\s*<tr><td>No</td><td>0</td></tr>", result)
    assert "<tr><td>Yrjö Kyllä</td><td>Yes</td><td>Self</td></tr>" in result
    assert (await board.post(f"{base}/close", {})).status_code == 409


async def test_secret_vote_result_shows_only_counts(vcoop: VoteCoop) -> None:
    voter = await vcoop.voter("Salla Salainen")
    base = await vote_on_new_item(vcoop, anonymous="yes")
    await (await vcoop.browser(voter.email)).post(
        base, {"voter": f"m{voter.member_id}", "choice": "no", "confirmed": "yes"}
    )
    admin = await vcoop.browser("admin")
    assert (await admin.post(f"{base}/close", {})).status_code == 303

    result = text(await admin.get(f"{base}/result"))

    assert "This vote was secret. Only the numbers of votes are shown." in result
    assert "Salla Salainen" not in result
    assert "Yes 0, No 1, empty 0. The proposal did not pass." in result


async def test_open_form_keeps_the_answers_and_shows_errors(vcoop: VoteCoop) -> None:
    meeting_id = await make_meeting(vcoop.id)
    item_id = await make_item(vcoop.id, meeting_id, title="Hallituksen valinta", kind="election")
    base = f"/c/{vcoop.slug}/meetings/{meeting_id}/items/{item_id}/vote"
    admin = await vcoop.browser("admin")
    form = text(await admin.get(f"{base}/open"))
    assert 'value="election" checked' in form and "Hallituksen valinta</textarea>" in form
    before = await rows_of(vcoop.id)

    refused = await admin.post(
        f"{base}/open", {"question": "Keitä valitaan?", "method": "election", "anonymous": "yes", "seats": "2"}
    )

    assert refused.status_code == 400
    assert_error(text(refused), "candidates", "Write the names of the candidates, one name on each line")
    assert "Keitä valitaan?</textarea>" in text(refused)
    assert await rows_of(vcoop.id) == before
    opened = await admin.post(
        f"{base}/open",
        {"question": "Keitä valitaan?", "method": "election", "anonymous": "yes", "seats": "2", "candidates": "A\nB"},
    )
    assert opened.status_code == 303
    assert (await admin.get(f"{base}/open")).status_code == 303  # the vote exists: the form leads to it


async def test_assisted_vote_form_check_and_record(vcoop: VoteCoop) -> None:
    member = await make_member(vcoop.id, "Ville Avustettava")
    base = await vote_on_new_item(vcoop)
    coach = await vcoop.browser("coach")
    form = text(await coach.get(f"{base}/assisted"))
    assert f'<option value="m{member}">Ville Avustettava</option>' in form
    before = await rows_of(vcoop.id)

    refused = await coach.post(f"{base}/assisted", {"voter": f"m{member}", "choice": "yes"})
    assert refused.status_code == 400
    assert_error(text(refused), "witness_name", "Write the name of the witness")
    assert_error(text(refused), "member_confirmed", "Tick the box when the person has confirmed the choice")
    assert await rows_of(vcoop.id) == before

    data = {"voter": f"m{member}", "choice": "yes", "witness_name": "Liisa Todistaja", "member_confirmed": "yes"}
    check = await coach.post(f"{base}/assisted", data)
    assert check.status_code == 200 and "Check the vote you record" in text(check)
    assert "<dd>Liisa Todistaja</dd>" in text(check) and "<dd>Ville Avustettava</dd>" in text(check)
    assert await rows_of(vcoop.id) == before
    done = await coach.post(f"{base}/assisted", {**data, "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"{base}/assisted?done=assisted"
    after = text(await coach.get(done.headers["location"]))
    assert "The vote has been recorded." in after and "Ville Avustettava" not in after


async def test_roles_on_the_manager_pages(vcoop: VoteCoop) -> None:
    base = await vote_on_new_item(vcoop)
    member, coach = await vcoop.browser("member"), await vcoop.browser("coach")
    assert (await member.get(f"{base}/open")).status_code == 403
    assert (await member.get(f"{base}/close")).status_code == 403
    assert (await member.get(f"{base}/assisted")).status_code == 403
    assert (await coach.get(f"{base}/close")).status_code == 403
    assert (await coach.get(f"{base}/assisted")).status_code == 200
    page = text(await member.get(base))
    assert "You do not have a vote in this vote." in page  # the member role without a row in the register


async def test_item_without_a_vote(vcoop: VoteCoop) -> None:
    meeting_id = await make_meeting(vcoop.id)
    item_id = await make_item(vcoop.id, meeting_id)
    base = f"/c/{vcoop.slug}/meetings/{meeting_id}/items/{item_id}/vote"
    admin, member = await vcoop.browser("admin"), await vcoop.browser("member")

    assert "No vote has been opened on this item." in text(await admin.get(base))
    assert f'href="{base}/open"' in text(await admin.get(base))
    assert f'href="{base}/open"' not in text(await member.get(base))
    assert (await member.get(f"{base}/result")).status_code == 404
    assert (await admin.post(base, {"choice": "yes", "confirmed": "yes"})).status_code == 404
