"""Employment pages under /c/{slug}/employment: workers and their contracts, the benefit profile, earnings of a
month ("My earnings" at /employment/mine), other pay, the worker's coaches and the monthly statement."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.dates import format_date, parse_date, today
from osuus.platform.http import Form, client_ip, page
from osuus.platform.money import format_euros
from osuus.tenants.employment import pdf, service
from osuus.tenants.employment.earnings import Month

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
DONE = ("contract", "amended", "ended", "benefit", "pay", "coach", "coach_removed")
WORKER = "/employment/workers/{member_id:int}"
CONTRACT = WORKER + "/contracts/{contract_id:int}"


def _done(request: Request) -> str:  # type: ignore[type-arg]
    done = request.query_params.get("done", "")
    return done if done in DONE else ""


def _base(coop: CoopContext, member_id: int) -> str:
    return f"/c/{coop.slug}/employment/workers/{member_id}"


def _download(body: bytes, media_type: str, name: str) -> Response[bytes]:
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"},
    )


# --- workers and contracts ----------------------------------------------------------------------------------------


@get("/employment/workers")
async def workers_list(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    rows = await service.workers(coop)
    return page(request, "employment/workers.html", coop=coop, rows=rows, can_manage=coop.has(*service.MANAGERS))


@get(WORKER + "/contracts")
async def worker_contracts(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.worker_page(coop, member_id)
    return page(request, "employment/worker.html", coop=coop, w=found, done=_done(request))


def _contract_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    worker: service.WorkerView,
    form: Form,
    status: int = 200,
) -> Template:
    return page(request, "employment/contract_new.html", status=status, coop=coop, worker=worker, form=form)


@get(WORKER + "/contracts/new")
async def contract_new_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    worker = await service.contract_form(coop, member_id)
    return _contract_page(request, coop, worker, Form(values={"kind": "indefinite", "starts_on": format_date(today())}))


@post(WORKER + "/contracts/new")
async def contract_new_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    contract_id = await service.create_contract(coop, member_id, form, client_ip(request))
    if contract_id is None:
        worker = await service.contract_form(coop, member_id)
        return _contract_page(request, coop, worker, form, status=400)
    return Redirect(f"{_base(coop, member_id)}/contracts/{contract_id}?done=contract", status_code=303)


@get(CONTRACT)
async def contract_detail(request: Request, coop: CoopContext, member_id: int, contract_id: int) -> Template:  # type: ignore[type-arg]
    worker, contract = await service.contract_page(coop, member_id, contract_id)
    return page(
        request,
        "employment/contract.html",
        coop=coop,
        worker=worker,
        c=contract,
        can_manage=coop.has(*service.MANAGERS),
        done=_done(request),
    )


@get(CONTRACT + "/amend")
async def amend_form(request: Request, coop: CoopContext, member_id: int, contract_id: int) -> Template:  # type: ignore[type-arg]
    worker, contract = await service.amend_form(coop, member_id, contract_id)
    form = service.amend_defaults(contract)
    return page(request, "employment/amend.html", coop=coop, worker=worker, c=contract, form=form)


@post(CONTRACT + "/amend")
async def amend_save(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    contract_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    if not await service.amend_contract(coop, member_id, contract_id, form, client_ip(request)):
        worker, contract = await service.amend_form(coop, member_id, contract_id)
        return page(request, "employment/amend.html", status=400, coop=coop, worker=worker, c=contract, form=form)
    return Redirect(f"{_base(coop, member_id)}/contracts/{contract_id}?done=amended", status_code=303)


@get(CONTRACT + "/end")
async def end_form(request: Request, coop: CoopContext, member_id: int, contract_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.end_form(coop, member_id, contract_id)
    return page(request, "employment/end.html", coop=coop, e=found, form=Form())


@post(CONTRACT + "/end")
async def end_save(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    contract_id: int,
    data: FormData,
) -> Template | Redirect:
    """The form, then the check page ("Are you sure?"), then the ending; "Change the answers" goes back."""
    form = Form.from_data(data)
    confirmed = form.values.pop("confirmed", "") == "yes"
    change = form.values.pop("change", "") == "yes"
    if change:
        found = await service.end_form(coop, member_id, contract_id)
        return page(request, "employment/end.html", coop=coop, e=found, form=form)
    if confirmed:
        if await service.end_contract(coop, member_id, contract_id, form, client_ip(request)):
            return Redirect(f"{_base(coop, member_id)}/contracts/{contract_id}?done=ended", status_code=303)
        found = await service.end_form(coop, member_id, contract_id)
        return page(request, "employment/end.html", status=400, coop=coop, e=found, form=form)
    checked = await service.check_ending(coop, member_id, contract_id, form)
    if checked is None:
        found = await service.end_form(coop, member_id, contract_id)
        return page(request, "employment/end.html", status=400, coop=coop, e=found, form=form)
    return page(request, "employment/end_check.html", coop=coop, e=checked, form=form)


@get(CONTRACT + "/contract.pdf")
async def contract_pdf(request: Request, coop: CoopContext, member_id: int, contract_id: int) -> Response[bytes]:  # type: ignore[type-arg]
    document = await service.contract_for_download(coop, member_id, contract_id, client_ip(request))
    return _download(pdf.contract_pdf(document), "application/pdf", f"tyosopimus-{member_id}-{contract_id}.pdf")


# --- the benefit profile ------------------------------------------------------------------------------------------


@get(WORKER + "/benefit")
async def benefit_view(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.benefit_page(coop, member_id, client_ip(request))
    return page(request, "employment/benefit.html", coop=coop, b=found, done=_done(request))


@get(WORKER + "/benefit/new")
async def benefit_new_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.benefit_form(coop, member_id, client_ip(request))
    form = Form(values={"valid_from": format_date(today())})
    if found.current is not None:
        form.values["kind"] = found.current.kind
        if found.current.limit_cents is not None:
            form.values["limit"] = format_euros(found.current.limit_cents)
    return page(request, "employment/benefit_new.html", coop=coop, b=found, form=form)


@post(WORKER + "/benefit/new")
async def benefit_new_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.save_benefit(coop, member_id, form, client_ip(request)):
        found = await service.benefit_form(coop, member_id, client_ip(request))
        return page(request, "employment/benefit_new.html", status=400, coop=coop, b=found, form=form)
    return Redirect(f"{_base(coop, member_id)}/benefit?done=benefit", status_code=303)


# --- earnings, other pay and the statement ------------------------------------------------------------------------


@get(WORKER + "/earnings")
async def worker_earnings(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    month = service.parse_month(request.query_params.get("month"))
    found = await service.worker_earnings(coop, member_id, month, client_ip(request))
    return page(request, "employment/earnings.html", coop=coop, e=found, done=_done(request), h=service.hours_number)


@get("/employment/mine")
async def my_earnings(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    month = service.parse_month(request.query_params.get("month"))
    found = await service.my_earnings(coop, month, client_ip(request))
    return page(request, "employment/earnings.html", coop=coop, e=found, mine=True, h=service.hours_number)


@get(WORKER + "/pay/new")
async def pay_new_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    worker = await service.pay_form(coop, member_id)
    form = Form(values={"on_date": format_date(today())})
    return page(request, "employment/pay_new.html", coop=coop, worker=worker, form=form)


@post(WORKER + "/pay/new")
async def pay_new_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.add_other_pay(coop, member_id, form, client_ip(request)):
        worker = await service.pay_form(coop, member_id)
        return page(request, "employment/pay_new.html", status=400, coop=coop, worker=worker, form=form)
    month = Month.of(parse_date(form.get("on_date")))
    return Redirect(f"{_base(coop, member_id)}/earnings?month={month}&done=pay", status_code=303)


@get(WORKER + "/statement.pdf")
async def statement_pdf(request: Request, coop: CoopContext, member_id: int) -> Response[bytes]:  # type: ignore[type-arg]
    month = service.parse_month(request.query_params.get("month"))
    found = await service.statement(coop, member_id, month, client_ip(request), "pdf")
    return _download(pdf.statement_pdf(found), "application/pdf", f"ansioerittely-{member_id}-{month}.pdf")


@get(WORKER + "/statement.csv")
async def statement_csv(request: Request, coop: CoopContext, member_id: int) -> Response[bytes]:  # type: ignore[type-arg]
    month = service.parse_month(request.query_params.get("month"))
    found = await service.statement(coop, member_id, month, client_ip(request), "csv")
    return _download(service.statement_csv(found).encode("utf-8"), "text/csv", f"ansioerittely-{member_id}-{month}.csv")


# --- the worker's job coaches ---------------------------------------------------------------------------------------


@get(WORKER + "/coaches")
async def coaches_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.coaches_page(coop, member_id)
    return page(request, "employment/coaches.html", coop=coop, p=found, done=_done(request))


@post(WORKER + "/coaches")
async def coaches_add(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.add_coach(coop, member_id, form, client_ip(request)):
        found = await service.coaches_page(coop, member_id)
        return page(request, "employment/coaches.html", status=400, coop=coop, p=found, form=form)
    return Redirect(f"{_base(coop, member_id)}/coaches?done=coach", status_code=303)


@post(WORKER + "/coaches/{coach_id:int}/remove")
async def coaches_remove(request: Request, coop: CoopContext, member_id: int, coach_id: int) -> Redirect:  # type: ignore[type-arg]
    await service.remove_coach(coop, member_id, coach_id, client_ip(request))
    return Redirect(f"{_base(coop, member_id)}/coaches?done=coach_removed", status_code=303)


HANDLERS = [
    workers_list,
    worker_contracts,
    contract_new_form,
    contract_new_save,
    contract_detail,
    amend_form,
    amend_save,
    end_form,
    end_save,
    contract_pdf,
    benefit_view,
    benefit_new_form,
    benefit_new_save,
    worker_earnings,
    my_earnings,
    pay_new_form,
    pay_new_save,
    statement_pdf,
    statement_csv,
    coaches_form,
    coaches_add,
    coaches_remove,
]
