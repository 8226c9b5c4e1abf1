"""Share register pages under /c/{slug}/shares: the register, the share fee, plans, payments, refunds to members
who left, transfers, supporting-member fees, CSV and PDFs."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.dates import format_date, today
from osuus.platform.http import Form, client_ip, page
from osuus.platform.money import format_euros
from osuus.tenants.shares import pdf, service

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
DONE = ("policy", "plan", "payment", "refund", "cancelled", "transfer", "fee")


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
            year_end=register.policy.year_end,
            refund_months=str(register.policy.refund_months),
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
async def statement_pdf(request: Request, coop: CoopContext, member_id: int) -> Response[bytes]:  # type: ignore[type-arg]
    statement = await service.statement_for_download(coop, member_id, client_ip(request), "statement")
    return _pdf(pdf.statement_pdf(statement), f"osuusote-{member_id}.pdf")


@get("/shares/members/{member_id:int}/certificate.pdf")
async def certificate_pdf(request: Request, coop: CoopContext, member_id: int) -> Response[bytes]:  # type: ignore[type-arg]
    # No shares, nothing to certify: the service answers 404 before anything is logged.
    statement = await service.statement_for_download(coop, member_id, client_ip(request), "certificate")
    return _pdf(pdf.certificate_pdf(statement), f"osuustodistus-{member_id}.pdf")


def _not_possible(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    name: str,
    message: str,
) -> Template:
    return page(
        request, "shares/not_possible.html", status=409, coop=coop, member_id=member_id, name=name, message=message
    )


# --- refunds to members who left --------------------------------------------------------------------------------


def _refund_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    statement: service.Statement,
    form: Form,
    status: int = 200,
) -> Template:
    problem = service.refund_problem(statement)
    if problem:
        return _not_possible(request, coop, statement.member.id, statement.member.name, problem)
    return page(request, "shares/refund.html", status=status, coop=coop, s=statement, form=form)


@get("/shares/members/{member_id:int}/refund")
async def refund_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    statement = await service.refund_form(coop, member_id)
    form = Form(values={"source": "bank", "paid_on": format_date(today())})
    if statement.refund is not None:
        form.values["amount"] = format_euros(statement.refund.owed_cents)
    return _refund_page(request, coop, statement, form)


@post("/shares/members/{member_id:int}/refund")
async def refund_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    try:
        saved = await service.record_refund(coop, member_id, form, client_ip(request))
    except service.NotPossibleNow:
        saved = False
    if not saved:
        return _refund_page(request, coop, await service.refund_form(coop, member_id), form, status=400)
    return Redirect(f"/c/{coop.slug}/shares/members/{member_id}?done=refund", status_code=303)


# --- cancelling a payment plan -------------------------------------------------------------------------------------


@get("/shares/members/{member_id:int}/plan/{plan_id:int}/cancel")
async def plan_cancel_form(request: Request, coop: CoopContext, member_id: int, plan_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.plan_to_cancel(coop, member_id, plan_id)
    if found.plan.status != "active":
        return _not_possible(request, coop, member_id, found.statement.member.name, service.PLAN_NOT_ACTIVE)
    return page(request, "shares/plan_cancel.html", coop=coop, s=found.statement, plan=found.plan)


@post("/shares/members/{member_id:int}/plan/{plan_id:int}/cancel")
async def plan_cancel(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    plan_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        if await service.cancel_plan(coop, member_id, plan_id, form, client_ip(request)):
            return Redirect(f"/c/{coop.slug}/shares/members/{member_id}?done=cancelled", status_code=303)
    except service.NotPossibleNow as problem:
        found = await service.plan_to_cancel(coop, member_id, plan_id)
        return _not_possible(request, coop, member_id, found.statement.member.name, problem.message)
    found = await service.plan_to_cancel(coop, member_id, plan_id)
    return page(
        request, "shares/plan_cancel.html", status=400, coop=coop, s=found.statement, plan=found.plan, form=form
    )


# --- moving shares to another member -------------------------------------------------------------------------------


@get("/shares/members/{member_id:int}/transfer")
async def transfer_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.transfer_form(coop, member_id)
    form = Form(values={"shares": str(found.statement.balance.shares or 1), "on_date": format_date(today())})
    return page(request, "shares/transfer.html", coop=coop, s=found.statement, receivers=found.receivers, form=form)


@post("/shares/members/{member_id:int}/transfer")
async def transfer_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.transfer_shares(coop, member_id, form, client_ip(request)):
        found = await service.transfer_form(coop, member_id)
        return page(
            request,
            "shares/transfer.html",
            status=400,
            coop=coop,
            s=found.statement,
            receivers=found.receivers,
            form=form,
        )
    return Redirect(f"/c/{coop.slug}/shares/members/{member_id}?done=transfer", status_code=303)


# --- the supporting-member fee -------------------------------------------------------------------------------------


@get("/shares/members/{member_id:int}/fee")
async def fee_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    statement = await service.fee_form(coop, member_id)
    form = Form(values={"year": str(today().year), "paid_on": format_date(today())})
    if statement.fee_year and statement.fee_year.left_cents:
        form.values["amount"] = format_euros(statement.fee_year.left_cents)
    return page(request, "shares/fee.html", coop=coop, s=statement, form=form)


@post("/shares/members/{member_id:int}/fee")
async def fee_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.record_fee(coop, member_id, form, client_ip(request)):
        statement = await service.fee_form(coop, member_id)
        return page(request, "shares/fee.html", status=400, coop=coop, s=statement, form=form)
    return Redirect(f"/c/{coop.slug}/shares/members/{member_id}?done=fee", status_code=303)


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
    refund_form,
    refund_save,
    plan_cancel_form,
    plan_cancel,
    transfer_form,
    transfer_save,
    fee_form,
    fee_save,
]
