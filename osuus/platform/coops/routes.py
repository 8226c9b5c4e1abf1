"""Coop pages in the shared layer: /c/{slug}/ (home) and /c/{slug}/people (roles and invitations)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.coops import service
from osuus.platform.http import Form, client_ip, page
from osuus.platform.invitations import invite_to_coop
from osuus.platform.tables import COOP_ROLES
from osuus.tenants.noticeboard.service import WRITERS, recent_activity, recent_notices
from osuus.tenants.profile.service import get_profile

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/")
async def coop_home(request: Request, coop: CoopContext, saved: str | None = None) -> Template:  # type: ignore[type-arg]
    notices = await recent_notices(coop)
    activity = await recent_activity(coop) if coop.has("admin", "board", "coach") else []
    profile = await get_profile(coop)
    counts = await service.counts(coop)
    return page(
        request,
        "coops/home.html",
        coop=coop,
        notices=notices,
        activity=activity,
        profile=profile,
        counts=counts,
        can_write=coop.has(*WRITERS),
        saved=saved,
    )


@get("/people")
async def people(request: Request, coop: CoopContext, sent: str | None = None) -> Template:  # type: ignore[type-arg]
    coop.require("admin")
    roles, pending = await service.people(coop)
    return page(request, "coops/people.html", coop=coop, roles=roles, pending=pending, sent=sent)


@get("/people/invite")
async def invite_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require("admin")
    return page(request, "coops/invite.html", coop=coop, roles=COOP_ROLES)


@post("/people/invite")
async def invite(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await invite_to_coop(coop, form, client_ip(request)):
        return page(request, "coops/invite.html", status=400, coop=coop, roles=COOP_ROLES, form=form)
    return Redirect(f"/c/{coop.slug}/people?sent=1", status_code=303)


@get("/people/{role_id:int}/remove")
async def remove_confirm(request: Request, coop: CoopContext, role_id: int) -> Template:  # type: ignore[type-arg]
    coop.require("admin")
    role = await service.get_role(coop, role_id)
    return page(request, "coops/remove_role.html", coop=coop, role=role)


@post("/people/{role_id:int}/remove")
async def remove(request: Request, coop: CoopContext, role_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    try:
        await service.remove_role(coop, role_id, client_ip(request))
    except service.LastAdminError:
        role = await service.get_role(coop, role_id)
        return page(request, "coops/remove_role.html", status=409, coop=coop, role=role, last_admin=True)
    return Redirect(f"/c/{coop.slug}/people", status_code=303)


HANDLERS = [coop_home, people, invite_form, invite, remove_confirm, remove]
