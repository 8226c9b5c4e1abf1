"""Notice board pages under /c/{slug}/notices and the read API under /api/v1/coops/{slug}/notices."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip, page
from osuus.tenants.noticeboard import service

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/notices/new")
async def new_notice_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require(*service.WRITERS)
    partners = await service.partner_choices(coop)
    return page(request, "noticeboard/new.html", coop=coop, partners=partners)


@post("/notices/new")
async def new_notice(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    notice_id = await service.post_notice(coop, form, client_ip(request))
    if notice_id is None:
        partners = await service.partner_choices(coop)
        return page(request, "noticeboard/new.html", status=400, coop=coop, partners=partners, form=form)
    return Redirect(f"/c/{coop.slug}/notices/{notice_id}", status_code=303)


@get("/notices/{notice_id:int}")
async def notice_detail(request: Request, coop: CoopContext, notice_id: int) -> Template:  # type: ignore[type-arg]
    notice = await service.get_notice(coop, notice_id)
    return page(request, "noticeboard/detail.html", coop=coop, notice=notice)


@get("/notices/{notice_id:int}/delete")
async def delete_notice_confirm(request: Request, coop: CoopContext, notice_id: int) -> Template:  # type: ignore[type-arg]
    notice = await service.get_notice(coop, notice_id)
    if not notice.can_delete:
        from litestar.exceptions import PermissionDeniedException

        raise PermissionDeniedException()
    return page(request, "noticeboard/delete.html", coop=coop, notice=notice)


@post("/notices/{notice_id:int}/delete")
async def delete_notice(request: Request, coop: CoopContext, notice_id: int) -> Redirect:  # type: ignore[type-arg]
    await service.delete_notice(coop, notice_id, client_ip(request))
    return Redirect(f"/c/{coop.slug}/", status_code=303)


HANDLERS = [new_notice_form, new_notice, notice_detail, delete_notice_confirm, delete_notice]


class NoticeOut(msgspec.Struct):
    id: int
    title: str
    body: str
    author: str
    created_at: str
    organisation: str | None


def _out(view: service.NoticeView) -> NoticeOut:
    return NoticeOut(view.id, view.title, view.body, view.author, view.created_at.isoformat(), view.organisation)


@get("/notices", summary="The coop's recent notices")
async def api_notices(coop: CoopContext) -> list[NoticeOut]:
    return [_out(n) for n in await service.recent_notices(coop, limit=100)]


@get("/notices/{notice_id:int}", summary="One notice of the coop")
async def api_notice(coop: CoopContext, notice_id: int) -> NoticeOut:
    return _out(await service.get_notice(coop, notice_id))


API_HANDLERS = [api_notices, api_notice]
