"""Vote pages under /c/{slug}/meetings/{meeting_id}/items/{item_id}/vote: the ballot and its check page, opening
and closing a vote, assisted voting and the result. One thing per page; every step is a plain form."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip, page
from osuus.tenants.votes import service

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
VOTE = "/meetings/{meeting_id:int}/items/{item_id:int}/vote"
DONE = {"cast", "opened", "assisted", "closed"}


def vote_url(coop: CoopContext, meeting_id: int, item_id: int, tail: str = "") -> str:
    return f"/c/{coop.slug}/meetings/{meeting_id}/items/{item_id}/vote{tail}"


def _not_possible(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    exc: service.NotPossible,
) -> Template:
    return page(
        request,
        "votes/not_possible.html",
        status=exc.status,
        coop=coop,
        message=exc.message,
        base=vote_url(coop, meeting_id, item_id),
        meeting_url=f"/c/{coop.slug}/meetings/{meeting_id}",
    )


def _context(coop: CoopContext, meeting_id: int, item_id: int) -> dict[str, Any]:
    return {
        "coop": coop,
        "base": vote_url(coop, meeting_id, item_id),
        "meeting_url": f"/c/{coop.slug}/meetings/{meeting_id}",
        "can_manage": coop.has(*service.MANAGERS),
        "can_assist": coop.has(*service.ASSISTANTS),
    }


# --- the ballot ---------------------------------------------------------------------------------------------------


@get(VOTE)
async def vote_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    done: str | None = None,
) -> Template | Redirect:
    found = await service.vote_page(coop, meeting_id, item_id)
    if found.vote is not None and not found.vote.is_open:
        return Redirect(vote_url(coop, meeting_id, item_id, "/result"), status_code=303)
    return page(
        request,
        "votes/vote.html",
        vp=found,
        done=done if done in DONE else "",
        **_context(coop, meeting_id, item_id),
    )


@post(VOTE)
async def cast(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    return await _cast(request, coop, meeting_id, item_id, data, assisted=False)


async def _cast(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
    assisted: bool,
) -> Template | Redirect:
    """A ballot, the voter's own (`vp`, the ballot page) or cast with help (`ap`, the assisted page): done, the check
    page that waits for the confirmation, or the form again with its errors."""
    form = Form.from_data(data)
    confirmed = form.values.pop("confirmed", "") == "yes"
    outcome: service.CastOutcome | service.AssistOutcome
    try:
        if assisted:
            outcome = await service.cast_assisted(coop, meeting_id, item_id, form, client_ip(request), confirmed)
        else:
            outcome = await service.cast_ballot(coop, meeting_id, item_id, form, client_ip(request), confirmed)
    except service.NotPossible as exc:
        return _not_possible(request, coop, meeting_id, item_id, exc)
    if outcome.state == "cast":
        done = "/assisted?done=assisted" if assisted else "?done=cast"
        return Redirect(vote_url(coop, meeting_id, item_id, done), status_code=303)
    context = _context(coop, meeting_id, item_id) | {"ap" if assisted else "vp": outcome.page}
    if outcome.state == "check":
        return page(request, "votes/check.html", outcome=outcome, assisted=assisted, **context)
    template = "votes/assisted.html" if assisted else "votes/vote.html"
    return page(request, template, status=400, form=form, done="", **context)


# --- opening a vote -----------------------------------------------------------------------------------------------


@get(f"{VOTE}/open")
async def open_form(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    try:
        item, exists = await service.open_form_item(coop, meeting_id, item_id)
    except service.NotPossible as exc:
        return _not_possible(request, coop, meeting_id, item_id, exc)
    if exists:
        return Redirect(vote_url(coop, meeting_id, item_id), status_code=303)
    form = service.open_form_defaults(item)
    return page(request, "votes/open.html", item=item, form=form, **_context(coop, meeting_id, item_id))


@post(f"{VOTE}/open")
async def open_vote(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        if await service.open_vote(coop, meeting_id, item_id, form, client_ip(request)) is not None:
            return Redirect(vote_url(coop, meeting_id, item_id, "?done=opened"), status_code=303)
    except service.NotPossible as exc:
        return _not_possible(request, coop, meeting_id, item_id, exc)
    item = await service.get_item(coop, meeting_id, item_id)
    return page(request, "votes/open.html", status=400, item=item, form=form, **_context(coop, meeting_id, item_id))


# --- assisted voting ----------------------------------------------------------------------------------------------


@get(f"{VOTE}/assisted")
async def assisted_form(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    done: str | None = None,
) -> Template:
    try:
        found = await service.assist_page(coop, meeting_id, item_id)
    except service.NotPossible as exc:
        return _not_possible(request, coop, meeting_id, item_id, exc)
    return page(
        request,
        "votes/assisted.html",
        ap=found,
        done=done if done in DONE else "",
        **_context(coop, meeting_id, item_id),
    )


@post(f"{VOTE}/assisted")
async def assisted(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    return await _cast(request, coop, meeting_id, item_id, data, assisted=True)


# --- closing and the result ---------------------------------------------------------------------------------------


@get(f"{VOTE}/close")
async def close_form(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template:  # type: ignore[type-arg]
    try:
        found = await service.close_page(coop, meeting_id, item_id)
    except service.NotPossible as exc:
        return _not_possible(request, coop, meeting_id, item_id, exc)
    return page(request, "votes/close.html", vp=found, **_context(coop, meeting_id, item_id))


@post(f"{VOTE}/close")
async def close(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        if await service.close_vote(coop, meeting_id, item_id, form, client_ip(request)) is not None:
            return Redirect(vote_url(coop, meeting_id, item_id, "/result?done=closed"), status_code=303)
        found = await service.close_page(coop, meeting_id, item_id)
    except service.NotPossible as exc:
        return _not_possible(request, coop, meeting_id, item_id, exc)
    return page(request, "votes/close.html", status=400, vp=found, form=form, **_context(coop, meeting_id, item_id))


@get(f"{VOTE}/result")
async def result(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    done: str | None = None,
) -> Template:
    found = await service.result_page(coop, meeting_id, item_id)
    vote = found.vote
    assert vote is not None  # result_page raises 404 when no vote was opened
    return page(
        request,
        "votes/result.html",
        vp=found,
        summary=service.summary(vote, vote.result, found.cast, found.entitled),
        done=done if done in DONE else "",
        **_context(coop, meeting_id, item_id),
    )


HANDLERS = [vote_page, cast, open_form, open_vote, assisted_form, assisted, close_form, close, result]
