"""Board pages under /c/{slug}/board: the board and its warnings, adding and ending seats, the plan for the board."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.dates import format_date, today
from osuus.platform.http import Form, client_ip, page
from osuus.tenants.governance import service
from osuus.tenants.governance.tables import SEAT_KINDS, SEAT_ROLES

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/board")
async def board(request: Request, coop: CoopContext, saved: str | None = None) -> Template:  # type: ignore[type-arg]
    overview = await service.board_overview(coop)
    return page(
        request,
        "governance/board.html",
        coop=coop,
        board=overview,
        can_manage=coop.has(*service.MANAGERS),
        saved=saved if saved in {"added", "ended", "target"} else None,
    )


def _seat_page(request: Request, coop: CoopContext, members: list[tuple[int, str]], **context: Any) -> Template:  # type: ignore[type-arg]
    return page(
        request, "governance/seat_new.html", coop=coop, members=members, roles=SEAT_ROLES, kinds=SEAT_KINDS, **context
    )


@get("/board/seats/new")
async def new_seat_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require(*service.MANAGERS)
    return _seat_page(request, coop, await service.member_choices(coop), form=Form(values={"role": "member"}))


@post("/board/seats/new")
async def new_seat(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if await service.add_seat(coop, form, client_ip(request)) is None:
        return _seat_page(request, coop, await service.member_choices(coop), status=400, form=form)
    return Redirect(f"/c/{coop.slug}/board?saved=added", status_code=303)


@get("/board/seats/{seat_id:int}/end")
async def end_seat_confirm(request: Request, coop: CoopContext, seat_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.MANAGERS)
    seat = await service.get_seat(coop, seat_id)
    on = today()
    form = Form(values={"term_end": format_date(on)})
    return page(request, "governance/seat_end.html", coop=coop, seat=seat, form=form, ended=seat.has_ended(on))


@post("/board/seats/{seat_id:int}/end")
async def end_seat(request: Request, coop: CoopContext, seat_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    try:
        if await service.end_seat(coop, seat_id, form, client_ip(request)):
            return Redirect(f"/c/{coop.slug}/board?saved=ended", status_code=303)
    except service.SeatAlreadyEnded as exc:
        return page(request, "governance/seat_end.html", status=409, coop=coop, seat=exc.seat, ended=True)
    seat = await service.get_seat(coop, seat_id)
    return page(request, "governance/seat_end.html", status=400, coop=coop, seat=seat, form=form, ended=False)


@get("/board/target")
async def target_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require(*service.MANAGERS)
    form = await service.target_form(coop)
    return page(request, "governance/target.html", coop=coop, kinds=service.TARGET_KINDS, form=form)


@post("/board/target")
async def save_target(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.save_target(coop, form, client_ip(request)):
        return page(request, "governance/target.html", status=400, coop=coop, kinds=service.TARGET_KINDS, form=form)
    return Redirect(f"/c/{coop.slug}/board?saved=target", status_code=303)


HANDLERS = [board, new_seat_form, new_seat, end_seat_confirm, end_seat, target_form, save_target]
