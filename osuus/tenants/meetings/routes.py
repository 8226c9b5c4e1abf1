"""Meeting pages under /c/{slug}/meetings: the list, a meeting, its agenda, attendance, notice, decisions, minutes,
"My meetings" and the coop's meeting rules. One thing per page; every change is a plain form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip, page
from osuus.platform.i18n import N_
from osuus.tenants.meetings import pdf, service
from osuus.tenants.meetings.tables import ITEM_KINDS, MEETING_KINDS

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
DONE = {
    "created",
    "changed",
    "item_added",
    "item_changed",
    "item_removed",
    "item_moved",
    "decided",
    "noticed",
    "cancelled",
    "attendance",
    "attendance_removed",
    "applicants",
    "roles",
    "approved",
}


def _meeting_url(coop: CoopContext, meeting_id: int) -> str:
    return f"/c/{coop.slug}/meetings/{meeting_id}"


def _done(coop: CoopContext, meeting_id: int, done: str, anchor: str = "") -> Redirect:
    return Redirect(f"{_meeting_url(coop, meeting_id)}?done={done}{anchor}", status_code=303)


def _refused(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting: service.MeetingView,
    message: str,
    status: int = 409,
) -> Template:
    return page(request, "meetings/refused.html", status=status, coop=coop, meeting=meeting, message=message)


async def _frozen(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    meeting = await service.get_meeting(coop, meeting_id)
    if meeting.status == "cancelled":
        return _refused(request, coop, meeting, N_("The meeting is cancelled. Nothing can be changed."))
    return _refused(request, coop, meeting, N_("The minutes are approved. Nothing can be changed."))


async def _manager_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    template: str,
    form: Callable[[service.MeetingView], Form] | None = None,
) -> Template:
    """The page of one change to the meeting, for the managers, with `form(meeting)` when given; once the meeting is
    frozen, the page that says so."""
    coop.require(*service.MANAGERS)
    meeting = await service.get_meeting(coop, meeting_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    context: dict[str, Any] = {} if form is None else {"form": form(meeting)}
    return page(request, template, coop=coop, meeting=meeting, **context)


async def _change(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    action: Awaitable[object],
    done: Redirect,
    again: Callable[[], Awaitable[Template]] | None = None,
) -> Template | Redirect:
    """Make one change to the meeting and answer: `done` when it went through; the refusal page when the meeting is
    frozen or the change is not possible now; with a form, `again()` (the form and its errors) when the service
    refused it (returned False or None)."""
    try:
        result = await action
    except service.MeetingFrozen:
        return await _frozen(request, coop, meeting_id)
    except service.NotPossible as refused:
        return _refused(request, coop, await service.get_meeting(coop, meeting_id), refused.message)
    if again is None or (result is not None and result is not False):
        return done
    return await again()


async def _form_again(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    template: str,
    form: Form,
) -> Template:
    """The form of a change to the meeting again, with its errors (400)."""
    meeting = await service.get_meeting(coop, meeting_id)
    return page(request, template, status=400, coop=coop, meeting=meeting, form=form)


# --- the list, a new meeting, the meeting page --------------------------------------------------------------------


@get("/meetings")
async def meeting_list(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    found = await service.meetings(coop)
    return page(request, "meetings/list.html", coop=coop, meetings=found, can_manage=coop.has(*service.MANAGERS))


def _new_page(request: Request, coop: CoopContext, form: Form, status: int = 200) -> Template:  # type: ignore[type-arg]
    return page(request, "meetings/new.html", status=status, coop=coop, form=form, kinds=MEETING_KINDS)


@get("/meetings/new")
async def new_meeting_form(request: Request, coop: CoopContext, kind: str = "general") -> Template:  # type: ignore[type-arg]
    coop.require(*service.MANAGERS)
    return _new_page(request, coop, service.new_meeting_form(kind))


@post("/meetings/new")
async def new_meeting(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    meeting_id = await service.create_meeting(coop, form, client_ip(request))
    if meeting_id is None:
        return _new_page(request, coop, form, status=400)
    return _done(coop, meeting_id, "created")


@get("/meetings/{meeting_id:int}")
async def meeting_detail(request: Request, coop: CoopContext, meeting_id: int, done: str = "") -> Template:  # type: ignore[type-arg]
    found = await service.meeting_page(coop, meeting_id)
    return page(
        request,
        "meetings/detail.html",
        coop=coop,
        page=found,
        meeting=found.meeting,
        can_manage=coop.has(*service.MANAGERS) and not found.meeting.frozen,
        done=done if done in DONE else "",
    )


@get("/meetings/{meeting_id:int}/edit")
async def edit_meeting_form(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    return await _manager_page(request, coop, meeting_id, "meetings/edit.html", service.edit_meeting_form)


@post("/meetings/{meeting_id:int}/edit")
async def edit_meeting(request: Request, coop: CoopContext, meeting_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    action = service.edit_meeting(coop, meeting_id, form, client_ip(request))
    done = _done(coop, meeting_id, "changed")
    return await _change(
        request,
        coop,
        meeting_id,
        action,
        done,
        lambda: _form_again(request, coop, meeting_id, "meetings/edit.html", form),
    )


# --- the agenda --------------------------------------------------------------------------------------------------


async def _item_new_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    form: Form,
    status: int = 200,
) -> Template:
    meeting = await service.get_meeting(coop, meeting_id)
    applicants = await service.applicant_choices(coop)
    return page(
        request,
        "meetings/item_new.html",
        status=status,
        coop=coop,
        meeting=meeting,
        form=form,
        kinds=ITEM_KINDS,
        applicants=applicants,
    )


@get("/meetings/{meeting_id:int}/items/new")
async def new_item_form(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.MANAGERS)
    meeting = await service.get_meeting(coop, meeting_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    kind = "board_decision" if meeting.is_board else "ordinary"
    return await _item_new_page(request, coop, meeting_id, Form(values={"kind": kind}))


@post("/meetings/{meeting_id:int}/items/new")
async def new_item(request: Request, coop: CoopContext, meeting_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    try:
        item_id = await service.add_item(coop, meeting_id, form, client_ip(request))
    except service.MeetingFrozen:
        return await _frozen(request, coop, meeting_id)
    if item_id is None:
        return await _item_new_page(request, coop, meeting_id, form, status=400)
    return _done(coop, meeting_id, "item_added", f"#item-{item_id}")


@get("/meetings/{meeting_id:int}/items/{item_id:int}/edit")
async def edit_item_form(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template:  # type: ignore[type-arg]
    meeting, item = await service.get_item(coop, meeting_id, item_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    form = service.item_form(item)
    return page(request, "meetings/item_edit.html", coop=coop, meeting=meeting, item=item, form=form)


@post("/meetings/{meeting_id:int}/items/{item_id:int}/edit")
async def edit_item(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)

    async def again() -> Template:
        meeting, item = await service.get_item(coop, meeting_id, item_id)
        return page(request, "meetings/item_edit.html", status=400, coop=coop, meeting=meeting, item=item, form=form)

    action = service.edit_item(coop, meeting_id, item_id, form, client_ip(request))
    return await _change(
        request, coop, meeting_id, action, _done(coop, meeting_id, "item_changed", f"#item-{item_id}"), again
    )


@get("/meetings/{meeting_id:int}/items/{item_id:int}/remove")
async def remove_item_confirm(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template:  # type: ignore[type-arg]
    meeting, item = await service.get_item(coop, meeting_id, item_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    return page(request, "meetings/item_remove.html", coop=coop, meeting=meeting, item=item)


@post("/meetings/{meeting_id:int}/items/{item_id:int}/remove")
async def remove_item(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    action = service.remove_item(coop, meeting_id, item_id, client_ip(request))
    return await _change(request, coop, meeting_id, action, _done(coop, meeting_id, "item_removed", "#agenda-title"))


async def _move_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    meeting, item = await service.get_item(coop, meeting_id, item_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    items = (await service.meeting_page(coop, meeting_id)).items
    form = form or Form(values={"position": str(item.position)})
    return page(
        request, "meetings/item_move.html", status=status, coop=coop, meeting=meeting, item=item, items=items, form=form
    )


@get("/meetings/{meeting_id:int}/items/{item_id:int}/move")
async def move_item_form(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template:  # type: ignore[type-arg]
    return await _move_page(request, coop, meeting_id, item_id)


@post("/meetings/{meeting_id:int}/items/{item_id:int}/move")
async def move_item(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    action = service.move_item(coop, meeting_id, item_id, form, client_ip(request))
    done = _done(coop, meeting_id, "item_moved", f"#item-{item_id}")
    return await _change(
        request,
        coop,
        meeting_id,
        action,
        done,
        lambda: _move_page(request, coop, meeting_id, item_id, form, status=400),
    )


@get("/meetings/{meeting_id:int}/applicants")
async def applicants_confirm(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    meeting, waiting = await service.applicants_to_add(coop, meeting_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    return page(request, "meetings/applicants.html", coop=coop, meeting=meeting, waiting=waiting)


@post("/meetings/{meeting_id:int}/applicants")
async def add_applicants(request: Request, coop: CoopContext, meeting_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    action = service.add_applicants(coop, meeting_id, client_ip(request))
    return await _change(request, coop, meeting_id, action, _done(coop, meeting_id, "applicants", "#agenda-title"))


# --- decisions ---------------------------------------------------------------------------------------------------


async def _decide_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    meeting, item = await service.get_item(coop, meeting_id, item_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    return page(
        request,
        "meetings/item_decide.html",
        status=status,
        coop=coop,
        meeting=meeting,
        item=item,
        form=form or service.decide_form(item),
        decided_by=service.decided_by_text(meeting, item),
    )


@get("/meetings/{meeting_id:int}/items/{item_id:int}/decide")
async def decide_form(request: Request, coop: CoopContext, meeting_id: int, item_id: int) -> Template:  # type: ignore[type-arg]
    return await _decide_page(request, coop, meeting_id, item_id)


@post("/meetings/{meeting_id:int}/items/{item_id:int}/decide")
async def decide(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    item_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    action = service.decide_item(coop, meeting_id, item_id, form, client_ip(request))
    done = _done(coop, meeting_id, "decided", f"#item-{item_id}")
    return await _change(
        request,
        coop,
        meeting_id,
        action,
        done,
        lambda: _decide_page(request, coop, meeting_id, item_id, form, status=400),
    )


# --- attendance --------------------------------------------------------------------------------------------------


async def _attendance_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    form: Form | None = None,
    status: int = 200,
    done: str = "",
) -> Template:
    found = await service.attendance_page(coop, meeting_id)
    return page(
        request,
        "meetings/attendance.html",
        status=status,
        coop=coop,
        meeting=found.meeting,
        att=found,
        form=form or Form(values={"mode": "in_person"}),
        can_change=not found.meeting.frozen,
        done=done if done in DONE else "",
    )


@get("/meetings/{meeting_id:int}/attendance")
async def attendance_form(request: Request, coop: CoopContext, meeting_id: int, done: str = "") -> Template:  # type: ignore[type-arg]
    return await _attendance_page(request, coop, meeting_id, done=done)


@post("/meetings/{meeting_id:int}/attendance")
async def record_attendance(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    action = service.record_attendance(coop, meeting_id, form, client_ip(request))
    done = Redirect(f"{_meeting_url(coop, meeting_id)}/attendance?done=attendance", status_code=303)
    return await _change(
        request, coop, meeting_id, action, done, lambda: _attendance_page(request, coop, meeting_id, form, status=400)
    )


@get("/meetings/{meeting_id:int}/attendance/{attendance_id:int}/remove")
async def remove_attendance_confirm(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    attendance_id: int,
) -> Template:
    meeting, row = await service.get_attendance(coop, meeting_id, attendance_id)
    if meeting.frozen:
        return await _frozen(request, coop, meeting_id)
    return page(request, "meetings/attendance_remove.html", coop=coop, meeting=meeting, row=row)


@post("/meetings/{meeting_id:int}/attendance/{attendance_id:int}/remove")
async def remove_attendance(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    meeting_id: int,
    attendance_id: int,
) -> Template | Redirect:
    action = service.remove_attendance(coop, meeting_id, attendance_id, client_ip(request))
    done = Redirect(f"{_meeting_url(coop, meeting_id)}/attendance?done=attendance_removed", status_code=303)
    return await _change(request, coop, meeting_id, action, done)


# --- notice and cancellation -------------------------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/notice")
async def notice_confirm(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    plan = await service.notice_plan(coop, meeting_id)
    return page(request, "meetings/notice.html", coop=coop, meeting=plan.meeting, plan=plan)


@post("/meetings/{meeting_id:int}/notice")
async def send_notice(request: Request, coop: CoopContext, meeting_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    plan = await service.send_notice(coop, meeting_id, client_ip(request))
    if plan.already_sent:
        return page(request, "meetings/notice.html", status=409, coop=coop, meeting=plan.meeting, plan=plan)
    if plan.problem:
        return page(request, "meetings/notice.html", status=400, coop=coop, meeting=plan.meeting, plan=plan)
    return _done(coop, meeting_id, "noticed")


@get("/meetings/{meeting_id:int}/cancel")
async def cancel_confirm(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    return await _manager_page(request, coop, meeting_id, "meetings/cancel.html")


@post("/meetings/{meeting_id:int}/cancel")
async def cancel(request: Request, coop: CoopContext, meeting_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    action = service.cancel_meeting(coop, meeting_id, client_ip(request))
    return await _change(request, coop, meeting_id, action, _done(coop, meeting_id, "cancelled"))


# --- minutes -----------------------------------------------------------------------------------------------------


@get("/meetings/{meeting_id:int}/minutes")
async def minutes(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    found = await service.minutes(coop, meeting_id)
    return page(
        request,
        "meetings/minutes.html",
        coop=coop,
        minutes=found,
        meeting=found.meeting,
        can_manage=coop.has(*service.MANAGERS) and not found.meeting.frozen,
    )


@get("/meetings/{meeting_id:int}/minutes.pdf")
async def minutes_pdf(coop: CoopContext, meeting_id: int) -> Response[bytes]:
    found = await service.minutes(coop, meeting_id)
    return Response(
        content=pdf.minutes_pdf(coop.name, found),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="poytakirja-{meeting_id}.pdf"'},
    )


@get("/meetings/{meeting_id:int}/minutes/roles")
async def roles_form(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    return await _manager_page(request, coop, meeting_id, "meetings/roles.html", service.roles_form)


@post("/meetings/{meeting_id:int}/minutes/roles")
async def save_roles(request: Request, coop: CoopContext, meeting_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    action = service.save_roles(coop, meeting_id, form, client_ip(request))
    done = Redirect(f"{_meeting_url(coop, meeting_id)}/minutes", status_code=303)
    return await _change(
        request,
        coop,
        meeting_id,
        action,
        done,
        lambda: _form_again(request, coop, meeting_id, "meetings/roles.html", form),
    )


@get("/meetings/{meeting_id:int}/minutes/approve")
async def approve_confirm(request: Request, coop: CoopContext, meeting_id: int) -> Template:  # type: ignore[type-arg]
    return await _manager_page(request, coop, meeting_id, "meetings/approve.html")


@post("/meetings/{meeting_id:int}/minutes/approve")
async def approve(request: Request, coop: CoopContext, meeting_id: int) -> Template | Redirect:  # type: ignore[type-arg]
    action = service.approve_minutes(coop, meeting_id, client_ip(request))
    return await _change(request, coop, meeting_id, action, _done(coop, meeting_id, "approved"))


# --- my meetings and the rules -----------------------------------------------------------------------------------


@get("/meetings/mine")
async def my_meetings(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    mine = await service.my_meetings(coop)
    return page(request, "meetings/mine.html", coop=coop, mine=mine)


@get("/meetings/rules")
async def rules_form(request: Request, coop: CoopContext, saved: str = "") -> Template:  # type: ignore[type-arg]
    rules = await service.get_rules(coop)
    return page(
        request, "meetings/rules.html", coop=coop, rules=rules, form=service.rules_form(rules), saved=saved == "yes"
    )


@post("/meetings/rules")
async def save_rules(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if await service.save_rules(coop, form, client_ip(request)):
        return Redirect(f"/c/{coop.slug}/meetings/rules?saved=yes", status_code=303)
    rules = await service.get_rules(coop)
    return page(request, "meetings/rules.html", status=400, coop=coop, rules=rules, form=form, saved=False)


HANDLERS = [
    meeting_list,
    new_meeting_form,
    new_meeting,
    my_meetings,
    rules_form,
    save_rules,
    meeting_detail,
    edit_meeting_form,
    edit_meeting,
    new_item_form,
    new_item,
    edit_item_form,
    edit_item,
    remove_item_confirm,
    remove_item,
    move_item_form,
    move_item,
    applicants_confirm,
    add_applicants,
    decide_form,
    decide,
    attendance_form,
    record_attendance,
    remove_attendance_confirm,
    remove_attendance,
    notice_confirm,
    send_notice,
    cancel_confirm,
    cancel,
    minutes,
    minutes_pdf,
    roles_form,
    save_roles,
    approve_confirm,
    approve,
]
