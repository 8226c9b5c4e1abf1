"""Work pages under /c/{slug}/work: orders and their steps, offers, hours to approve, and each person's "My work"
(offers to answer, the clock, the quick entry, my hours). Thin handlers: parse, call one service, render."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip, page, query_id
from osuus.tenants.catalogue import storefront
from osuus.tenants.work import hours, service, substitutes, week
from osuus.tenants.work.service import NotPossible
from osuus.tenants.work.tables import ORDER_STATUSES

Req = Request[Any, Any, Any]
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _orders(coop: CoopContext) -> str:
    return f"/c/{coop.slug}/work/orders"


def _order_url(coop: CoopContext, order_id: int) -> str:
    return f"{_orders(coop)}/{order_id}"


def _mine(coop: CoopContext) -> str:
    return f"/c/{coop.slug}/work/mine"


def _refused(request: Req, coop: CoopContext, problem: NotPossible, back: str, title: str = "") -> Template:
    """The "not possible now" page (409): what is wrong, that nothing changed, and the way back."""
    return page(request, "work/refused.html", status=409, coop=coop, message=problem.message, back=back, title=title)


# --- orders ----------------------------------------------------------------------------------------------------


@get("/work/orders")
async def order_list(request: Req, coop: CoopContext, status: str = "open", week: str = "") -> Template:
    found = await service.order_list(coop, status, week)
    requests = (await storefront.request_list(coop, "new")).requests if coop.has(*storefront.HANDLERS) else []
    return page(
        request,
        "work/orders.html",
        coop=coop,
        found=found,
        statuses=ORDER_STATUSES,
        requests=requests,
        form=Form(values={"status": found.status, "week": found.week}),
    )


async def _order_form_page(
    request: Req,
    coop: CoopContext,
    form: Form,
    order: service.OrderView | None = None,
    found: storefront.RequestView | None = None,
    status: int = 200,
) -> Template:
    choices = await service.order_choices(coop, order.id if order else None, found.id if found else None)
    return page(
        request, "work/order_form.html", status=status, coop=coop, form=form, order=order, found=found,
        choices=choices,
    )  # fmt: skip


@get("/work/orders/new")
async def order_new_form(
    request: Req,
    coop: CoopContext,
    request_id: Annotated[str, Parameter(query="request")] = "",
) -> Template:
    form, found = await service.new_order_form(coop, query_id(request_id))
    return await _order_form_page(request, coop, form, found=found)


@post("/work/orders/new")
async def order_new(request: Req, coop: CoopContext, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        order_id = await service.add_order(coop, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _orders(coop))
    if order_id is None:
        request_id = service.request_id_of(form)
        found = None
        if request_id is not None:
            found = (await service.new_order_form(coop, request_id))[1]
        return await _order_form_page(request, coop, form, found=found, status=400)
    return Redirect(f"{_order_url(coop, order_id)}?done=added", status_code=303)


@get("/work/orders/{order_id:int}")
async def order_detail(request: Req, coop: CoopContext, order_id: int, done: str = "") -> Template:
    found = await service.order_page(coop, order_id)
    return page(request, "work/order.html", coop=coop, found=found, order=found.order, done=done)


@get("/work/orders/{order_id:int}/edit")
async def order_edit_form(request: Req, coop: CoopContext, order_id: int) -> Template:
    order = await service.get_order(coop, order_id)
    if order.status not in service.EDITABLE:
        return _refused(request, coop, NotPossible(service.NOT_EDITABLE), _order_url(coop, order_id), order.title)
    return await _order_form_page(request, coop, service.order_form(order), order)


@post("/work/orders/{order_id:int}/edit")
async def order_edit(request: Req, coop: CoopContext, order_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        saved = await service.edit_order(coop, order_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _order_url(coop, order_id))
    if not saved:
        order = await service.get_order(coop, order_id)
        return await _order_form_page(request, coop, form, order, status=400)
    return Redirect(f"{_order_url(coop, order_id)}?done=changed", status_code=303)


@get("/work/orders/{order_id:int}/steps/{name:str}")
async def step_confirm(request: Req, coop: CoopContext, order_id: int, name: str) -> Template:
    found = service.step(name)
    coop.require(*found.roles)
    order = await service.get_order(coop, order_id)
    if order.status not in found.from_:
        problem = NotPossible(service.wrong_step(order.status))
        return _refused(request, coop, problem, _order_url(coop, order_id), order.title)
    return page(request, "work/step.html", coop=coop, order=order, step=found)


@post("/work/orders/{order_id:int}/steps/{name:str}")
async def step_take(request: Req, coop: CoopContext, order_id: int, name: str, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        order = await service.take_step(coop, order_id, name, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _order_url(coop, order_id))
    if order is None:
        current = await service.get_order(coop, order_id)
        return page(request, "work/step.html", status=400, coop=coop, order=current, step=service.step(name), form=form)
    return Redirect(f"{_order_url(coop, order_id)}?done={service.step(name).to}", status_code=303)


# --- offers and coaches ----------------------------------------------------------------------------------------


async def _offer_page(request: Req, coop: CoopContext, order_id: int, form: Form | None, status: int = 200) -> Template:
    found = await service.offer_page(coop, order_id)
    if found.order.status not in service.OFFERABLE:
        problem = NotPossible(service.not_open(found.order.status))
        return _refused(request, coop, problem, _order_url(coop, order_id), found.order.title)
    form = form or service.offer_form(found.order)
    return page(request, "work/offer.html", status=status, coop=coop, found=found, order=found.order, form=form)


@get("/work/orders/{order_id:int}/offer")
async def offer_form(request: Req, coop: CoopContext, order_id: int) -> Template:
    return await _offer_page(request, coop, order_id, None)


@post("/work/orders/{order_id:int}/offer")
async def offer(request: Req, coop: CoopContext, order_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        made = await service.offer_work(coop, order_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _order_url(coop, order_id))
    if made is None:
        return await _offer_page(request, coop, order_id, form, status=400)
    return Redirect(f"{_order_url(coop, order_id)}?done=offered", status_code=303)


async def _join_page(request: Req, coop: CoopContext, order_id: int, form: Form | None, status: int = 200) -> Template:
    coop.require(*service.COACHES)
    order = await service.get_order(coop, order_id)
    if order.status not in service.OFFERABLE:
        return _refused(
            request, coop, NotPossible(service.not_open(order.status)), _order_url(coop, order_id), order.title
        )
    form = form or service.join_form(order)
    return page(request, "work/join.html", status=status, coop=coop, order=order, form=form)


@get("/work/orders/{order_id:int}/join")
async def join_form(request: Req, coop: CoopContext, order_id: int) -> Template:
    return await _join_page(request, coop, order_id, None)


@post("/work/orders/{order_id:int}/join")
async def join(request: Req, coop: CoopContext, order_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        made = await service.join_job(coop, order_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _order_url(coop, order_id))
    if made is None:
        return await _join_page(request, coop, order_id, form, status=400)
    return Redirect(f"{_order_url(coop, order_id)}?done=joined", status_code=303)


@get("/work/assignments/{assignment_id:int}/withdraw")
async def withdraw_confirm(request: Req, coop: CoopContext, assignment_id: int) -> Template:
    found = await service.get_assignment(coop, assignment_id)
    if not service.can_withdraw(coop, found):
        problem = NotPossible(service.not_withdrawable(found))
        return _refused(request, coop, problem, _order_url(coop, found.order_id), found.title)
    return page(request, "work/withdraw.html", coop=coop, assignment=found)


@post("/work/assignments/{assignment_id:int}/withdraw")
async def withdraw(request: Req, coop: CoopContext, assignment_id: int) -> Template | Redirect:
    try:
        found = await service.withdraw(coop, assignment_id, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _orders(coop))
    return Redirect(f"{_order_url(coop, found.order_id)}?done=withdrawn", status_code=303)


# --- hours to approve, history and corrections -----------------------------------------------------------------


@get("/work/hours")
async def approval_list(request: Req, coop: CoopContext, done: str = "") -> Template:
    found = await hours.approval_list(coop)
    return page(request, "work/approve.html", coop=coop, found=found, done=done, can_approve=hours.can_approve)


@post("/work/hours/{entry_id:int}/approve")
async def approve(request: Req, coop: CoopContext, entry_id: int) -> Template | Redirect:
    try:
        await hours.approve_entry(coop, entry_id, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, f"/c/{coop.slug}/work/hours")
    return Redirect(f"/c/{coop.slug}/work/hours?done=approved", status_code=303)


@get("/work/hours/{entry_id:int}/return")
async def return_form(request: Req, coop: CoopContext, entry_id: int) -> Template:
    coop.require(*hours.APPROVERS)
    found = await hours.entry_history(coop, entry_id)
    if not found.can_approve or found.latest.id != entry_id:
        problem = NotPossible(hours.not_returnable(found.latest))
        return _refused(request, coop, problem, f"/c/{coop.slug}/work/hours")
    return page(request, "work/return.html", coop=coop, entry=found.latest)


@post("/work/hours/{entry_id:int}/return")
async def return_entry(request: Req, coop: CoopContext, entry_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        sent = await hours.return_entry(coop, entry_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, f"/c/{coop.slug}/work/hours")
    if not sent:
        entry = (await hours.entry_history(coop, entry_id)).latest
        return page(request, "work/return.html", status=400, coop=coop, entry=entry, form=form)
    return Redirect(f"/c/{coop.slug}/work/hours?done=returned", status_code=303)


@get("/work/hours/{entry_id:int}")
async def entry_detail(request: Req, coop: CoopContext, entry_id: int, done: str = "") -> Template:
    found = await hours.entry_history(coop, entry_id)
    return page(request, "work/entry.html", coop=coop, found=found, done=done)


@get("/work/hours/{entry_id:int}/correct")
async def correct_form(request: Req, coop: CoopContext, entry_id: int) -> Template:
    try:
        entry, form = await hours.correct_page(coop, entry_id)
    except NotPossible as problem:
        return _refused(request, coop, problem, f"/c/{coop.slug}/work/hours/{entry_id}")
    return page(request, "work/correct.html", coop=coop, entry=entry, form=form)


@post("/work/hours/{entry_id:int}/correct")
async def correct(request: Req, coop: CoopContext, entry_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        new_id = await hours.correct_entry(coop, entry_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, f"/c/{coop.slug}/work/hours/{entry_id}")
    if new_id is None:
        entry = (await hours.entry_history(coop, entry_id)).latest
        return page(request, "work/correct.html", status=400, coop=coop, entry=entry, form=form)
    return Redirect(f"/c/{coop.slug}/work/hours/{new_id}?done=corrected", status_code=303)


# --- My work ---------------------------------------------------------------------------------------------------


@get("/work/mine")
async def my_work(request: Req, coop: CoopContext, done: str = "") -> Template:
    found = await hours.my_work(coop)
    return page(request, "work/mine.html", coop=coop, found=found, done=done)


async def _answer_page(
    request: Req,
    coop: CoopContext,
    assignment_id: int,
    accepting: bool,
) -> Template:
    try:
        found = await service.answer_page(coop, assignment_id, accepting)
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    template = "work/accept.html" if accepting else "work/decline.html"
    return page(request, template, coop=coop, assignment=found.assignment, warning=found.warning)


@get("/work/mine/{assignment_id:int}/accept")
async def accept_confirm(request: Req, coop: CoopContext, assignment_id: int) -> Template:
    return await _answer_page(request, coop, assignment_id, accepting=True)


@post("/work/mine/{assignment_id:int}/accept")
async def accept(request: Req, coop: CoopContext, assignment_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        outcome = await service.accept_assignment(coop, assignment_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    if outcome.state == "warn":  # the warning came up after the page was opened: show it first
        return page(request, "work/accept.html", coop=coop, assignment=outcome.assignment, warning=outcome.warning)
    return Redirect(f"{_mine(coop)}?done=accepted", status_code=303)


@get("/work/mine/{assignment_id:int}/decline")
async def decline_confirm(request: Req, coop: CoopContext, assignment_id: int) -> Template:
    return await _answer_page(request, coop, assignment_id, accepting=False)


@post("/work/mine/{assignment_id:int}/decline")
async def decline(request: Req, coop: CoopContext, assignment_id: int) -> Template | Redirect:
    try:
        await service.decline_assignment(coop, assignment_id, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    return Redirect(f"{_mine(coop)}?done=declined", status_code=303)


@post("/work/mine/{assignment_id:int}/start")
async def start(request: Req, coop: CoopContext, assignment_id: int) -> Template | Redirect:
    try:
        await hours.start_clock(coop, assignment_id, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    return Redirect(f"{_mine(coop)}?done=started", status_code=303)


@post("/work/mine/stop")
async def stop(request: Req, coop: CoopContext) -> Template | Redirect:
    try:
        await hours.stop_clock(coop, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    return Redirect(f"{_mine(coop)}?done=stopped", status_code=303)


@get("/work/mine/{assignment_id:int}/log")
async def log_form(request: Req, coop: CoopContext, assignment_id: int) -> Template:
    try:
        assignment, form = await hours.log_page(coop, assignment_id)
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    return page(request, "work/log.html", coop=coop, assignment=assignment, form=form)


@post("/work/mine/{assignment_id:int}/log")
async def log(request: Req, coop: CoopContext, assignment_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        entry_id = await hours.log_hours(coop, assignment_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    if entry_id is None:
        assignment, _ = await hours.log_page(coop, assignment_id)
        return page(request, "work/log.html", status=400, coop=coop, assignment=assignment, form=form)
    return Redirect(f"{_mine(coop)}?done=logged", status_code=303)


@get("/work/mine/hours")
async def my_hours(request: Req, coop: CoopContext, month: str = "") -> Template:
    found = await hours.my_hours(coop, month)
    return page(request, "work/my_hours.html", coop=coop, found=found)


# --- the coop's week -------------------------------------------------------------------------------------------


@get("/work/week")
async def week_page(request: Req, coop: CoopContext, week_: Annotated[str, Parameter(query="week")] = "") -> Template:
    found = await week.week_page(coop, week_)
    return page(request, "work/week.html", status=200 if found else 400, coop=coop, found=found)


# --- substitutes -----------------------------------------------------------------------------------------------


def _substitutes(coop: CoopContext) -> str:
    return f"/c/{coop.slug}/work/substitutes"


async def _cant_come_page(
    request: Req, coop: CoopContext, assignment_id: int, form: Form | None, status: int = 200
) -> Template:
    try:
        found = await substitutes.cant_come_page(coop, assignment_id)
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    return page(request, "work/cant_come.html", status=status, coop=coop, assignment=found, form=form or Form())


@get("/work/mine/{assignment_id:int}/cant-come")
async def cant_come_form(request: Req, coop: CoopContext, assignment_id: int) -> Template:
    return await _cant_come_page(request, coop, assignment_id, None)


@post("/work/mine/{assignment_id:int}/cant-come")
async def cant_come(request: Req, coop: CoopContext, assignment_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    try:
        made = await substitutes.cant_come(coop, assignment_id, form, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, _mine(coop))
    if made is None:
        return await _cant_come_page(request, coop, assignment_id, form, status=400)
    return Redirect(f"{_mine(coop)}?done=cant_come", status_code=303)


@get("/work/substitutes")
async def substitute_list(request: Req, coop: CoopContext, done: str = "") -> Template:
    found = await substitutes.substitution_list(coop)
    return page(request, "work/substitutes.html", coop=coop, found=found, done=done)


@post("/work/substitutes/rule")
async def substitute_rule(request: Req, coop: CoopContext, data: FormData) -> Redirect:
    await substitutes.set_approval(coop, Form.from_data(data), client_ip(request))
    return Redirect(f"{_substitutes(coop)}?done=rule", status_code=303)


@get("/work/substitutes/{substitution_id:int}")
async def substitute_detail(request: Req, coop: CoopContext, substitution_id: int, done: str = "") -> Template:
    found = await substitutes.substitution_page(coop, substitution_id)
    return page(request, "work/substitute.html", coop=coop, found=found, done=done)


async def _search_step(request: Req, coop: CoopContext, substitution_id: int, action: str) -> Template | Redirect:
    try:
        await substitutes.SEARCH_STEPS[action](coop, substitution_id, client_ip(request))
    except NotPossible as problem:
        return _refused(request, coop, problem, f"{_substitutes(coop)}/{substitution_id}")
    return Redirect(f"{_substitutes(coop)}/{substitution_id}?done={action}", status_code=303)


@post("/work/substitutes/{substitution_id:int}/offers")
async def substitute_offers(request: Req, coop: CoopContext, substitution_id: int) -> Template | Redirect:
    return await _search_step(request, coop, substitution_id, "offers")


@post("/work/substitutes/{substitution_id:int}/approve")
async def substitute_approve(request: Req, coop: CoopContext, substitution_id: int) -> Template | Redirect:
    return await _search_step(request, coop, substitution_id, "approve")


@post("/work/substitutes/{substitution_id:int}/refuse")
async def substitute_refuse(request: Req, coop: CoopContext, substitution_id: int) -> Template | Redirect:
    return await _search_step(request, coop, substitution_id, "refuse")


@get("/work/substitutes/{substitution_id:int}/stop")
async def substitute_stop_confirm(request: Req, coop: CoopContext, substitution_id: int) -> Template:
    found = await substitutes.get_substitution(coop, substitution_id)
    if found.status != "open":
        problem = NotPossible(substitutes.search_state(found.status))
        return _refused(request, coop, problem, f"{_substitutes(coop)}/{substitution_id}", found.title)
    return page(request, "work/substitute_stop.html", coop=coop, search=found)


@post("/work/substitutes/{substitution_id:int}/stop")
async def substitute_stop(request: Req, coop: CoopContext, substitution_id: int) -> Template | Redirect:
    return await _search_step(request, coop, substitution_id, "stop")


@get("/work/people")
async def people(request: Req, coop: CoopContext, done: str = "") -> Template:
    found = await substitutes.people_page(coop)
    return page(request, "work/people.html", coop=coop, found=found, done=done)


@get("/work/people/{member_id:int}")
async def skills_form(request: Req, coop: CoopContext, member_id: int) -> Template:
    found, form = await substitutes.skills_page(coop, member_id)
    return page(request, "work/skills.html", coop=coop, found=found, form=form)


@post("/work/people/{member_id:int}")
async def skills_save(request: Req, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:
    form = Form.from_data(data)
    if not await substitutes.save_skills(coop, member_id, form, client_ip(request)):
        found, _ = await substitutes.skills_page(coop, member_id)
        return page(request, "work/skills.html", status=400, coop=coop, found=found, form=form)
    return Redirect(f"/c/{coop.slug}/work/people?done=saved", status_code=303)


HANDLERS = [
    order_list,
    order_new_form,
    order_new,
    order_detail,
    order_edit_form,
    order_edit,
    step_confirm,
    step_take,
    offer_form,
    offer,
    join_form,
    join,
    withdraw_confirm,
    withdraw,
    approval_list,
    approve,
    return_form,
    return_entry,
    entry_detail,
    correct_form,
    correct,
    my_work,
    accept_confirm,
    accept,
    decline_confirm,
    decline,
    start,
    stop,
    log_form,
    log,
    my_hours,
    week_page,
    cant_come_form,
    cant_come,
    substitute_list,
    substitute_rule,
    substitute_detail,
    substitute_offers,
    substitute_approve,
    substitute_refuse,
    substitute_stop_confirm,
    substitute_stop,
    people,
    skills_form,
    skills_save,
]
