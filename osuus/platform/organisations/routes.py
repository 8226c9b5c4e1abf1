"""Organisation pages: /o/{slug}/ and its people."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import OrgContext
from osuus.platform.http import Form, client_ip, page
from osuus.platform.invitations import invite_to_org
from osuus.platform.organisations.service import org_people
from osuus.platform.tables import ORG_ROLES
from osuus.tenants.noticeboard.service import notice_for_organisation, notices_for_organisation

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/")
async def org_home(request: Request, org: OrgContext, sent: str | None = None) -> Template:  # type: ignore[type-arg]
    notices = await notices_for_organisation(org)
    people = await org_people(org) if "admin" in org.roles else []
    return page(request, "organisations/home.html", org=org, notices=notices, people=people, sent=sent)


@get("/notices/{notice_id:int}")
async def org_notice(request: Request, org: OrgContext, notice_id: int) -> Template:  # type: ignore[type-arg]
    notice = await notice_for_organisation(org, notice_id)
    return page(request, "organisations/notice.html", org=org, notice=notice)


@get("/people/invite")
async def org_invite_form(request: Request, org: OrgContext) -> Template:  # type: ignore[type-arg]
    org.require("admin")
    return page(request, "organisations/invite.html", org=org, roles=ORG_ROLES)


@post("/people/invite")
async def org_invite(request: Request, org: OrgContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await invite_to_org(org, form, client_ip(request)):
        return page(request, "organisations/invite.html", status=400, org=org, roles=ORG_ROLES, form=form)
    return Redirect(f"/o/{org.slug}/?sent=1", status_code=303)


HANDLERS = [org_home, org_notice, org_invite_form, org_invite]
