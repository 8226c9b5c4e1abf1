"""Member register pages under /c/{slug}/members, "My membership" at /c/{slug}/me, and the public /join/{slug}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from osuus.platform.accounts.service import normal_email
from osuus.platform.context import CoopContext, Viewer
from osuus.platform.dates import format_date, today
from osuus.platform.http import Form, client_ip, page
from osuus.platform.i18n import N_, get_language
from osuus.platform.ratelimit import Limiter
from osuus.tenants.members import service
from osuus.tenants.members.tables import MEMBER_CLASSES, MEMBER_STATUSES, RELATIONS
from osuus.tenants.noticeboard.service import partner_choices
from osuus.tenants.shares import pdf
from osuus.tenants.shares.service import my_statement

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _back(coop: CoopContext, member_id: int) -> str:
    return f"/c/{coop.slug}/members/{member_id}"


@get("/members")
async def register(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_class: str = "",
    status: str = "",
) -> Template:
    found = await service.register(coop, member_class, status)
    return page(
        request,
        "members/list.html",
        coop=coop,
        register=found,
        classes=MEMBER_CLASSES,
        statuses=MEMBER_STATUSES,
        form=Form(values={"member_class": found.member_class, "status": found.status}),
        can_decide=coop.has(*service.DECIDERS),
    )


def _new_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    partners: list[tuple[int, str]],
    form: Form,
    status: int = 200,
) -> Template:
    return page(
        request, "members/new.html", status=status, coop=coop, partners=partners, classes=service.ADD_CLASSES, form=form
    )


@get("/members/new")
async def new_member_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require(*service.DECIDERS)
    partners = await partner_choices(coop)
    form = Form(values={"kind": "person", "on_date": format_date(today())})
    return _new_page(request, coop, partners, form)


@post("/members/new")
async def new_member(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    member_id = await service.add_member(coop, form, client_ip(request))
    if member_id is None:
        return _new_page(request, coop, await partner_choices(coop), form, status=400)
    return Redirect(f"/c/{coop.slug}/members/{member_id}?done=added", status_code=303)


@get("/members/{member_id:int}")
async def member_detail(request: Request, coop: CoopContext, member_id: int, done: str = "") -> Template:  # type: ignore[type-arg]
    found = await service.member_page(coop, member_id)
    decisions = service.decisions_for(found.member) if coop.has(*service.DECIDERS) else []
    return page(
        request,
        "members/detail.html",
        coop=coop,
        page=found,
        member=found.member,
        decisions=decisions,
        can_edit_family=coop.has(*service.FAMILY_EDITORS),
        can_link=coop.has(*service.LINKERS),
        can_edit_contact=coop.has(*service.CONTACT_EDITORS),
        can_certify=service.can_certify(found.member),
        done=done,
    )


def _decide_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member: service.MemberView,
    d: service.Decision,
    form: Form,
    status: int = 200,
    template: str = "members/decide.html",
    **extra: Any,
) -> Template:
    return page(
        request,
        template,
        status=status,
        coop=coop,
        member=member,
        decision=d,
        class_choices=d.class_choices(member),
        form=form,
        **extra,
    )


@get("/members/{member_id:int}/decide/{action:str}")
async def decide_form(request: Request, coop: CoopContext, member_id: int, action: str) -> Template:  # type: ignore[type-arg]
    coop.require(*service.DECIDERS)
    d = service.decision(action)
    member = await service.get_member(coop, member_id)
    form = Form(values={"on_date": format_date(today())})
    if not d.applies_to(member):
        return _decide_page(request, coop, member, d, form, status=409, not_possible=True)
    return _decide_page(request, coop, member, d, form)


@post("/members/{member_id:int}/decide/{action:str}")
async def decide(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    action: str,
    data: FormData,
) -> Template | Redirect:
    form = Form.from_data(data)
    confirmed = form.values.pop("confirmed", "") == "yes"
    if form.values.pop("change", "") == "yes":  # back from the check page to the form, every answer kept
        coop.require(*service.DECIDERS)
        d = service.decision(action)
        return _decide_page(request, coop, await service.get_member(coop, member_id), d, form)
    outcome = await service.decide(coop, member_id, action, form, client_ip(request), confirmed=confirmed)
    d = service.decision(action)
    if outcome.state == "done":
        return Redirect(f"{_back(coop, member_id)}?done={d.action}", status_code=303)
    if outcome.state == "check":
        return _decide_page(request, coop, outcome.member, d, form, template="members/decide_check.html")
    status, not_possible = (409, True) if outcome.state == "not_possible" else (400, False)
    return _decide_page(request, coop, outcome.member, d, form, status=status, not_possible=not_possible)


async def _family_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    form: Form,
    status: int = 200,
) -> Template:
    member = await service.get_member(coop, member_id)
    choices = await service.relative_choices(coop, member_id)
    return page(
        request,
        "members/family_new.html",
        status=status,
        coop=coop,
        member=member,
        choices=choices,
        relations=RELATIONS,
        form=form,
    )


@get("/members/{member_id:int}/family/new")
async def family_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.FAMILY_EDITORS)
    return await _family_page(request, coop, member_id, Form())


@post("/members/{member_id:int}/family/new")
async def family_add(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.add_family_link(coop, member_id, form, client_ip(request)):
        return await _family_page(request, coop, member_id, form, status=400)
    return Redirect(f"{_back(coop, member_id)}?done=linked", status_code=303)


@get("/members/{member_id:int}/family/{link_id:int}/remove")
async def family_remove_confirm(request: Request, coop: CoopContext, member_id: int, link_id: int) -> Template:  # type: ignore[type-arg]
    member, link = await service.get_family_link(coop, member_id, link_id)
    return page(request, "members/family_remove.html", coop=coop, member=member, link=link)


@post("/members/{member_id:int}/family/{link_id:int}/remove")
async def family_remove(request: Request, coop: CoopContext, member_id: int, link_id: int) -> Redirect:  # type: ignore[type-arg]
    await service.remove_family_link(coop, member_id, link_id, client_ip(request))
    return Redirect(f"{_back(coop, member_id)}?done=unlinked", status_code=303)


@get("/me")
async def my_membership(request: Request, coop: CoopContext, done: str = "") -> Template:  # type: ignore[type-arg]
    mine = await service.my_membership(coop)
    return page(request, "members/me.html", coop=coop, mine=mine, done="contact" if done == "contact" else "")


# --- linking an account, contact details -------------------------------------------------------------------------


async def _account_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member_id: int,
    form: Form,
    status: int = 200,
) -> Template:
    member, choices = await service.account_choices(coop, member_id)
    return page(request, "members/account.html", status=status, coop=coop, member=member, choices=choices, form=form)


@get("/members/{member_id:int}/account")
async def account_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    return await _account_page(request, coop, member_id, Form())


@post("/members/{member_id:int}/account")
async def account_link(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    try:
        if await service.link_account(coop, member_id, form, client_ip(request)):
            return Redirect(f"{_back(coop, member_id)}?done=account", status_code=303)
    except service.NotPossibleNow:  # linked meanwhile: the page says to whom
        return await _account_page(request, coop, member_id, Form(), status=409)
    return await _account_page(request, coop, member_id, form, status=400)


def _contact_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    member: service.MemberView,
    form: Form,
    status: int = 200,
) -> Template:
    return page(request, "members/contact.html", status=status, coop=coop, member=member, form=form)


@get("/members/{member_id:int}/contact")
async def contact_form(request: Request, coop: CoopContext, member_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.CONTACT_EDITORS)
    member = await service.get_member(coop, member_id)
    form = Form(values={"name": member.name, "email": member.email, "phone": member.phone})
    return _contact_page(request, coop, member, form)


@post("/members/{member_id:int}/contact")
async def contact_save(request: Request, coop: CoopContext, member_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.edit_contact(coop, member_id, form, client_ip(request)):
        return _contact_page(request, coop, await service.get_member(coop, member_id), form, status=400)
    return Redirect(f"{_back(coop, member_id)}?done=contact", status_code=303)


@get("/me/contact")
async def my_contact_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    mine = await service.my_member(coop)
    form = Form(values={"email": mine.email, "phone": mine.phone} if mine else {})
    return page(request, "members/me_contact.html", coop=coop, mine=mine, form=form)


@post("/me/contact")
async def my_contact_save(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.update_my_contact(coop, form, client_ip(request)):
        mine = await service.my_member(coop)
        return page(request, "members/me_contact.html", status=400, coop=coop, mine=mine, form=form)
    return Redirect(f"/c/{coop.slug}/me?done=contact", status_code=303)


# --- documents -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One document on "My documents": a title (message id), where to get it, and a line saying what it is."""

    title: str
    href: str
    about: str


async def _my_documents(coop: CoopContext, mine: service.MemberView) -> list[Document]:
    """What the member can download now. The statement is always there; the share certificate when the shares are
    paid; the membership certificate while they are a member."""
    base = f"/c/{coop.slug}"
    documents = [
        Document(
            N_("My share statement"),
            f"{base}/shares/members/{mine.id}/statement.pdf",
            N_("My shares and all my payments."),
        )
    ]
    statement = await my_statement(coop)
    if statement is not None and statement.fully_paid:
        documents.append(
            Document(
                N_("My share certificate"),
                f"{base}/shares/members/{mine.id}/certificate.pdf",
                N_("Shows that my shares are paid."),
            )
        )
    if service.can_certify(mine):
        documents.append(
            Document(
                N_("My membership certificate"),
                f"{base}/members/{mine.id}/membership.pdf",
                N_("Shows that I am a member of the cooperative."),
            )
        )
    return documents


@get("/me/documents")
async def my_documents(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    mine = await service.my_member(coop)
    documents = await _my_documents(coop, mine) if mine else []
    # MEETING MINUTES: the lead adds the minutes of meetings here later (a list of Document, shown in the
    # "meeting_documents" block of members/documents.html).
    meeting_documents: list[Document] = []
    return page(
        request,
        "members/documents.html",
        coop=coop,
        mine=mine,
        documents=documents,
        share_certificate=any(d.title == N_("My share certificate") for d in documents),
        meeting_documents=meeting_documents,
    )


@get("/members/{member_id:int}/membership.pdf")
async def membership_pdf(request: Request, coop: CoopContext, member_id: int) -> Response[bytes]:  # type: ignore[type-arg]
    membership = await service.membership_for_download(coop, member_id, client_ip(request))
    return Response(
        pdf.membership_pdf(membership),
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="jasentodistus-{member_id}.pdf"',
            "cache-control": "no-store",
        },
    )


HANDLERS = [
    register,
    new_member_form,
    new_member,
    member_detail,
    decide_form,
    decide,
    family_form,
    family_add,
    family_remove_confirm,
    family_remove,
    my_membership,
    account_form,
    account_link,
    contact_form,
    contact_save,
    my_contact_form,
    my_contact_save,
    my_documents,
    membership_pdf,
]


# --- the public application form (no account needed) ----------------------------------------------------------


@get("/join/{slug:str}")
async def join_form(request: Request, viewer: Viewer | None, slug: str) -> Template:  # type: ignore[type-arg]
    coop = await service.public_coop(slug)
    if not coop.takes_applications:
        return page(request, "members/join_closed.html", status=403, coop=coop)
    return page(request, "members/join.html", coop=coop)


@post("/join/{slug:str}")
async def join(request: Request, viewer: Viewer | None, slug: str, data: FormData) -> Template:  # type: ignore[type-arg]
    coop = await service.public_coop(slug)
    if not coop.takes_applications:
        return page(request, "members/join_closed.html", status=403, coop=coop)
    form = Form.from_data(data)
    honeypot = form.values.pop("website", "")
    if not honeypot and not service.check_application(form):
        return page(request, "members/join.html", status=400, coop=coop, form=form)
    # Only sendable applications count, so a person fixing mistakes in the form is never locked out.
    limiter = Limiter(request.app.state.redis)
    if await limiter.hit(f"join:{client_ip(request)}", service.APPLY_WINDOW) > service.APPLY_LIMIT:
        return page(request, "members/join_limited.html", status=429, coop=coop)
    if not honeypot:  # a filled hidden field is a robot: it sees the same page, and nothing is written or sent
        await service.apply(coop, form, get_language(), client_ip(request))
    return page(request, "members/join_sent.html", coop=coop, email=normal_email(form.get("email")))


PUBLIC_HANDLERS = [join_form, join]
