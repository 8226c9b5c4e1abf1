"""The coop profile page under /c/{slug}/profile."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip, page
from osuus.tenants.profile import service

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/profile")
async def profile_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require("admin")
    profile = await service.get_profile(coop)
    return page(request, "profile/edit.html", coop=coop, form=Form(values=asdict(profile)))


@post("/profile")
async def save_profile(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.save_profile(coop, form, client_ip(request)):
        return page(request, "profile/edit.html", status=400, coop=coop, form=form)
    return Redirect(f"/c/{coop.slug}/?saved=profile", status_code=303)


HANDLERS = [profile_form, save_profile]
