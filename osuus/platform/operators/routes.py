"""Operator console pages under /ops/."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform import audit
from osuus.platform.context import Viewer
from osuus.platform.http import Form, client_ip, page
from osuus.platform.invitations import invite_coop_admin
from osuus.platform.operators import service
from osuus.platform.tables import COOP_ROLES, COOP_STATUSES, ORG_KINDS
from osuus.platform.tenancy import operator_unit
from osuus.workers import deadletters

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/")
async def ops_home(request: Request, operator: Viewer) -> Template:  # type: ignore[type-arg]
    regions = await service.overview(operator)
    orgs = await service.organisations(operator) if operator.is_operator else []
    return page(request, "operators/home.html", regions=regions, organisations=orgs)


@get("/regions/new")
async def region_form(request: Request, operator: Viewer) -> Template:  # type: ignore[type-arg]
    service.require_operator(operator)
    return page(request, "operators/region_new.html")


@post("/regions/new")
async def region_create(request: Request, operator: Viewer, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.create_region(operator, form, client_ip(request)):
        return page(request, "operators/region_new.html", status=400, form=form)
    return Redirect("/ops/", status_code=303)


@get("/coops/new")
async def coop_form(request: Request, operator: Viewer) -> Template:  # type: ignore[type-arg]
    service.require_operator(operator)
    return page(request, "operators/coop_new.html", regions=await service.region_choices(operator))


@post("/coops/new")
async def coop_create(request: Request, operator: Viewer, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    coop_id = await service.create_coop(operator, form, client_ip(request))
    if coop_id is None:
        return page(
            request,
            "operators/coop_new.html",
            status=400,
            form=form,
            regions=await service.region_choices(operator),
        )
    return Redirect(f"/ops/coops/{coop_id}", status_code=303)


@get("/coops/{coop_id:int}")
async def coop_detail(request: Request, operator: Viewer, coop_id: int, sent: str | None = None) -> Template:  # type: ignore[type-arg]
    coop = await service.coop_detail(operator, coop_id)
    return _coop_page(request, coop, Form(values={"status": coop["status"], "role": "admin"}), sent=sent)


def _coop_page(request: Request, coop: dict[str, Any], form: Form, status: int = 200, **extra: Any) -> Template:  # type: ignore[type-arg]
    return page(
        request,
        "operators/coop_detail.html",
        status=status,
        coop=coop,
        statuses=COOP_STATUSES,
        roles=COOP_ROLES,
        form=form,
        **extra,
    )


@post("/coops/{coop_id:int}/status")
async def coop_status(request: Request, operator: Viewer, coop_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    coop = await service.coop_detail(operator, coop_id)
    form = Form.from_data(data)
    if not await service.set_coop_status(operator, coop_id, form, client_ip(request)):
        return _coop_page(request, coop, form, status=400)
    return Redirect(f"/ops/coops/{coop_id}", status_code=303)


@post("/coops/{coop_id:int}/invite")
async def coop_invite(request: Request, operator: Viewer, coop_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    coop = await service.coop_detail(operator, coop_id)
    service.require_operator(operator)
    form = Form.from_data(data)
    if not await invite_coop_admin(operator.id, coop_id, form, client_ip(request)):
        form.values.setdefault("status", coop["status"])
        return _coop_page(request, coop, form, status=400)
    return Redirect(f"/ops/coops/{coop_id}?sent=1", status_code=303)


@get("/organisations/new")
async def org_form(request: Request, operator: Viewer) -> Template:  # type: ignore[type-arg]
    service.require_operator(operator)
    return page(
        request,
        "operators/org_new.html",
        kinds=ORG_KINDS,
        regions=await service.region_choices(operator),
        chosen=[],
    )


@post("/organisations/new")
async def org_create(request: Request, operator: Viewer) -> Template | Redirect:  # type: ignore[type-arg]
    raw = await request.form()
    region_ids = [str(v) for v in raw.getall("regions")] if "regions" in raw else []
    form = Form.from_data({k: v for k, v in raw.items() if k != "regions"})
    if not await service.create_organisation(operator, form, region_ids, client_ip(request)):
        return page(
            request,
            "operators/org_new.html",
            status=400,
            form=form,
            kinds=ORG_KINDS,
            regions=await service.region_choices(operator),
            chosen=region_ids,
        )
    return Redirect("/ops/", status_code=303)


@get("/audit")
async def audit_search(request: Request, operator: Viewer, q: str = "", action: str = "") -> Template:  # type: ignore[type-arg]
    rows = await service.search_audit(operator, q.strip()[:200], action.strip()[:60], client_ip(request))
    return page(request, "operators/audit.html", rows=rows, q=q, action=action)


@get("/jobs")
async def jobs(request: Request, operator: Viewer) -> Template:  # type: ignore[type-arg]
    service.require_operator(operator)
    dead = await anyio.to_thread.run_sync(deadletters.list_dead_letters)
    return page(request, "operators/jobs.html", dead=dead)


@post("/jobs/{message_id:str}/retry")
async def job_retry(request: Request, operator: Viewer, message_id: str) -> Redirect:  # type: ignore[type-arg]
    service.require_operator(operator)
    ok = await anyio.to_thread.run_sync(deadletters.retry_dead_letter, message_id)
    if ok:
        async with operator_unit(operator.id):
            await audit.record("ops.job_retried", actor_id=operator.id, target=message_id, ip=client_ip(request))
    return Redirect("/ops/jobs", status_code=303)


HANDLERS = [
    ops_home,
    region_form,
    region_create,
    coop_form,
    coop_create,
    coop_detail,
    coop_status,
    coop_invite,
    org_form,
    org_create,
    audit_search,
    jobs,
    job_retry,
]
