"""Share register pages under /c/{slug}/shares: the register, the share fee, plans, payments, CSV and PDFs."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.dates import format_date, today
from osuus.platform.http import Form, client_ip, page
from osuus.tenants.shares import pdf, service
from osuus.tenants.shares.money import format_euros

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
DONE = ("policy", "plan", "payment")


def _done(request: Request) -> str:  # type: ignore[type-arg]
    done = request.query_params.get("done", "")
    return done if done in DONE else ""


@get("/shares")
async def share_register(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    register = await service.register(coop)
    return page(
        request,
        "shares/register.html",
        coop=coop,
        register=register,
        can_decide=service.can_decide(coop),
        done=_done(request),
    )


@get("/shares/register.csv")
async def register_csv(request: Request, coop: CoopContext) -> Response[bytes]:  # type: ignore[type-arg]
    text = await service.export_register(coop, client_ip(request))
    return Response(
        text.encode("utf-8"),
        media_type="text/csv",  # Litestar adds "; charset=utf-8"
        headers={
            "content-disposition": f'attachment; filename="osuusrekisteri-{coop.slug}.csv"',
            "cache-control": "no-store",
        },
    )


@get("/shares/policy")
async def policy_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require(*service.DECIDERS)
    register = await service.register(coop)
    form = Form()
    if register.policy:  # pre-fill with the fee in force: the board usually changes one figure
        form.values.update(
            share_price=format_euros(register.policy.share_price_cents),
            shares_required=str(register.policy.shares_required),
            supporting_fee=format_euros(register.policy.supporting_fee_cents),
        )
    return page(request, "shares/policy.html", coop=coop, register=register, form=form)


@post("/shares/policy")
async def policy_save(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.set_policy(coop, form, client_ip(request)):
        register = await service.register(coop)
        return page(request, "shares/policy.html", status=400, coop=coop, register=register, form=form)
    return Redirect(f"/c/{coop.slug}/shares?done=policy", status_code=303)


@get("/shares/members/{member_id:int}")
async def member_shares(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    statement = await service.member_statement(coop, member_id)
    return page(
        request,
        "shares/member.html",
        coop=coop,
        s=statement,
        can_decide=service.can_decide(coop),
        done=_done(request),
    )


@get("/shares/members/{member_id:int}/plan")
async def plan_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    info = await service.plan_form(coop, member_id)
    form = Form(values={"shares": str(info.suggested_shares), "starts_on": format_date(today())})
    return page(request, "shares/plan.html", coop=coop, s=info.statement, form=form)


@post("/shares/members/{member_id:int}/plan")
async def plan_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.create_plan(coop, member_id, form, client_ip(request)):
        info = await service.plan_form(coop, member_id)
        return page(request, "shares/plan.html", status=400, coop=coop, s=info.statement, form=form)
    return Redirect(f"/c/{coop.slug}/shares/members/{member_id}?done=plan", status_code=303)


@get("/shares/members/{member_id:int}/payment")
async def payment_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    statement = await service.payment_form(coop, member_id)
    form = Form(values={"kind": "payment", "source": "bank", "paid_on": format_date(today())})
    return page(request, "shares/payment.html", coop=coop, s=statement, form=form)


@post("/shares/members/{member_id:int}/payment")
async def payment_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.record_payment(coop, member_id, form, client_ip(request)):
        statement = await service.payment_form(coop, member_id)
        return page(request, "shares/payment.html", status=400, coop=coop, s=statement, form=form)
    return Redirect(f"/c/{coop.slug}/shares/members/{member_id}?done=payment", status_code=303)


def _pdf(body: bytes, name: str) -> Response[bytes]:
    return Response(
        body,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"},
    )


@get("/shares/members/{member_id:int}/statement.pdf")
async def statement_pdf(coop: CoopContext, member_id: int) -> Response[bytes]:
    statement = await service.statement_for_download(coop, member_id)
    return _pdf(pdf.statement_pdf(statement), f"osuusote-{member_id}.pdf")


@get("/shares/members/{member_id:int}/certificate.pdf")
async def certificate_pdf(coop: CoopContext, member_id: int) -> Response[bytes]:
    statement = await service.statement_for_download(coop, member_id)
    if statement.balance.shares <= 0:  # no shares, nothing to certify
        raise NotFoundException()
    return _pdf(pdf.certificate_pdf(statement), f"osuustodistus-{member_id}.pdf")


@get("/shares/mine")
async def my_shares(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    statement = await service.my_statement(coop)
    return page(request, "shares/mine.html", coop=coop, s=statement)


HANDLERS = [
    share_register,
    register_csv,
    policy_form,
    policy_save,
    member_shares,
    plan_form,
    plan_save,
    payment_form,
    payment_save,
    statement_pdf,
    certificate_pdf,
    my_shares,
]
