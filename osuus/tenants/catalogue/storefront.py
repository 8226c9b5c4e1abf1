"""The public storefront (/shop/{slug}): a coop's public catalogue and the quote or order request form, and the
requests as the coop's admin and board see and handle them (/c/{slug}/requests).

A visitor needs no account. A sent request is one `order_request` row with its wanted items; the requester gets a
confirmation e-mail and the coop's admins a notice. A filled honeypot field marks the request as spam: the robot
sees the same confirmation page, and nobody is mailed. Only active coops have a shop; any other slug is 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.accounts.service import email_problem, normal_email
from osuus.platform.context import CoopContext, find_coop
from osuus.platform.dates import read_date, today
from osuus.platform.http import Form
from osuus.platform.i18n import LANGUAGES, N_
from osuus.platform.mailer import send_mail
from osuus.platform.numbers import read_quantity
from osuus.platform.tables import CoopRole
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue.service import ItemView, items_in_unit
from osuus.tenants.catalogue.tables import REQUEST_KINDS, REQUEST_STATUSES, OrderRequest, OrderRequestLine
from osuus.tenants.customers.identifiers import business_id_problem, normal_business_id

SHOP_STATUSES = ("active",)  # coops whose shop is open; for any other the shop is "not found"
HANDLERS = ("admin", "board")  # see and handle the requests
REQUEST_LIMIT = 5  # requests per address per hour
REQUEST_WINDOW = 3600
DOUBLE_SEND_WINDOW = dt.timedelta(hours=1)  # the same request again within this time is the same request
PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
POSTCODE = re.compile(r"^[0-9]{5}$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class Shop:
    id: int
    slug: str
    name: str
    region_id: int


async def shop_coop(slug: str) -> Shop:
    """The coop whose shop the address names; an unknown slug, or a coop that is not active, is the 404 page."""
    row = await find_coop(slug)
    if row is None or row["status"] not in SHOP_STATUSES:
        raise NotFoundException()
    return Shop(int(row["id"]), str(row["slug"]), str(row["name"]), int(row["region_id"]))  # type: ignore[call-overload]


async def shop_items(shop: Shop) -> list[ItemView]:
    """The coop's public, active items, priced with VAT today."""
    async with coop_unit(shop.id):
        return await items_in_unit(shop.id, shop.region_id, active=True, public=True)


def request_form(items: list[ItemView], item_id: int | None) -> Form:
    """An empty request form; with `item_id` (the visitor's "Ask about this"), that item's amount is 1."""
    values = {"kind": "household"}
    if item_id is not None and any(i.id == item_id for i in items):
        values[f"amount_{item_id}"] = "1"
    return Form(values=values)


# --- checking a request ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WantedLine:
    item: ItemView
    quantity: Decimal


@dataclass(frozen=True)
class NewRequest:
    kind: str
    name: str
    company: str
    business_id: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    wished_from: dt.date | None
    wished_to: dt.date | None
    message: str
    lines: tuple[WantedLine, ...]

    def fingerprint(self) -> str:
        content = {
            **{k: getattr(self, k) for k in ("kind", "name", "company", "business_id", "email", "phone")},
            **{k: getattr(self, k) for k in ("street", "postcode", "city", "message")},
            "wished": [str(self.wished_from), str(self.wished_to)],
            "lines": [[line.item.id, str(line.quantity)] for line in self.lines],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _check_who(form: Form, kind: str) -> tuple[str, str, str]:
    """The requester's name, and for a business its name and business ID."""
    name = form.get("name")
    if not name:
        form.error("name", N_("Enter your name"))
    elif len(name) > 200:
        form.error("name", N_("The name must be 200 characters or fewer"))
    if kind != "business":
        return name, "", ""
    company, business_id = form.get("company"), form.get("business_id")
    if not company:
        form.error("company", N_("Enter the name of the business"))
    elif len(company) > 200:
        form.error("company", N_("The name must be 200 characters or fewer"))
    if not business_id:
        form.error("business_id", N_("Enter the business ID, for example 1234567-8"))
    elif problem := business_id_problem(business_id):
        form.error("business_id", problem)
    return name, company, business_id


def _check_contact(form: Form) -> tuple[str, str]:
    email = normal_email(form.get("email"))
    if problem := email_problem(email):
        form.error("email", problem)
    phone = form.get("phone")
    if phone and not PHONE.match(phone):
        form.error("phone", N_("Write the phone number with digits, for example 040 123 4567"))
    return email, phone


def _check_wanted(form: Form, items: list[ItemView]) -> list[WantedLine]:
    """The amounts the requester wrote; with none (and no message) the "items" group gets the message."""
    lines = []
    for item in items:
        quantity = read_quantity(form, f"amount_{item.id}")
        if quantity is not None:
            lines.append(WantedLine(item, quantity))
    if not lines and not form.get("message") and not any(k.startswith("amount_") for k in form.errors):
        form.error("items", N_("Write an amount for at least one thing, or tell in the message what you need"))
    return lines


def _check_place(form: Form) -> tuple[str, str, str]:
    street, postcode, city = form.get("street"), _SPACES.sub("", form.get("postcode")), form.get("city")
    if len(street) > 200:
        form.error("street", N_("The address must be 200 characters or fewer"))
    if postcode and not POSTCODE.match(postcode):
        form.error("postcode", N_("Write the postcode with 5 numbers, for example 33470"))
    if len(city) > 100:
        form.error("city", N_("The name of the town must be 100 characters or fewer"))
    return street, postcode, city


def _check_when(form: Form) -> tuple[dt.date | None, dt.date | None]:
    on = today()
    wished_from = read_date(form, "wished_from") if form.get("wished_from") else None
    wished_to = read_date(form, "wished_to") if form.get("wished_to") else None
    if wished_from is not None and wished_from < on:
        form.error("wished_from", N_("The day must be today or later"))
    if wished_to is not None and wished_to < on:
        form.error("wished_to", N_("The day must be today or later"))
    elif wished_from is not None and wished_to is not None and wished_to < wished_from:
        form.error("wished_to", N_("The last day must be the same as the first day or later"))
    return wished_from, wished_to


def check_request(form: Form, items: list[ItemView]) -> NewRequest | None:
    """Read the request form; every mistake goes next to its field (in the order of the page) and nothing is
    saved."""
    kind = form.get("kind")
    if kind not in REQUEST_KINDS:
        form.error("kind", N_("Choose who is asking: a household or a business"))
    name, company, business_id = _check_who(form, kind)
    email, phone = _check_contact(form)
    lines = _check_wanted(form, items)
    street, postcode, city = _check_place(form)
    wished_from, wished_to = _check_when(form)
    message = form.get("message")
    if len(message) > 2000:
        form.error("message", N_("Write 2 000 characters or fewer"))
    if not form.ok:
        return None
    return NewRequest(
        kind=kind,
        name=name,
        company=company,
        business_id=normal_business_id(business_id) if business_id else "",
        email=email,
        phone=phone,
        street=street,
        postcode=postcode,
        city=city,
        wished_from=wished_from,
        wished_to=wished_to,
        message=message,
        lines=tuple(lines),
    )


# --- sending a request -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailLine:
    name: str
    quantity: Decimal
    unit: str


async def send_request(shop: Shop, new: NewRequest, language: str, ip: str, spam: bool = False) -> int:
    """Save a checked request and mail the requester and the coop's admins (a spam request: saved, not mailed).

    The same request sent again within an hour (a double click, a reload) saves and sends nothing more.
    """
    fingerprint = new.fingerprint()
    async with coop_unit(shop.id):
        since = dt.datetime.now(dt.UTC) - DOUBLE_SEND_WINDOW
        earlier = (
            await OrderRequest.select(OrderRequest.id)
            .where(
                (OrderRequest.coop == shop.id)
                & (OrderRequest.fingerprint == fingerprint)
                & (OrderRequest.created_at > since)
            )
            .first()
            .run()
        )
        if earlier is not None:
            return int(earlier["id"])
        rows = (
            await OrderRequest.insert(
                OrderRequest(
                    coop=shop.id,
                    status="spam" if spam else "new",
                    kind=new.kind,
                    name=new.name,
                    company=new.company,
                    business_id=new.business_id,
                    email=new.email,
                    phone=new.phone,
                    street=new.street,
                    postcode=new.postcode,
                    city=new.city,
                    wished_from=new.wished_from,
                    wished_to=new.wished_to,
                    message=new.message,
                    language=language if language in LANGUAGES else "fi",
                    fingerprint=fingerprint,
                )
            )
            .returning(OrderRequest.id)
            .run()
        )
        request_id = int(rows[0]["id"])
        if new.lines:
            await OrderRequestLine.insert(
                *[
                    OrderRequestLine(
                        coop=shop.id,
                        request=request_id,
                        item=line.item.id,
                        quantity=line.quantity,
                        name=line.item.name(language),
                        unit=line.item.unit,
                        price_cents=line.item.price_cents,
                        vat_code=line.item.vat_code,
                    )
                    for line in new.lines
                ]
            ).run()
        await audit.record(
            "storefront.request_spam" if spam else "storefront.request_received",
            actor_id=None,
            coop_id=shop.id,
            target=f"order_request:{request_id}",
            ip=ip,
            kind=new.kind,
            lines=len(new.lines),
        )
        if spam:
            return request_id
        mail_lines = [MailLine(line.item.name(language), line.quantity, line.item.unit) for line in new.lines]
        await send_mail(
            new.email,
            "order_request_received",
            language,
            name=new.name,
            coop=shop.name,
            lines=mail_lines,
            wished_from=new.wished_from,
            wished_to=new.wished_to,
            message=new.message,
        )
        admins = (
            await CoopRole.select(CoopRole.user.email, CoopRole.user.language)
            .where((CoopRole.coop == shop.id) & (CoopRole.role == "admin") & (CoopRole.user.is_active == True))  # noqa: E712
            .order_by(CoopRole.user.email)
            .run()
        )
        for admin in {a["user_id.email"]: a for a in admins}.values():
            await send_mail(
                admin["user_id.email"],
                "order_request_new",
                admin["user_id.language"],
                name=new.company or new.name,
                coop=shop.name,
                lines=len(new.lines),
                link=f"/c/{shop.slug}/requests/{request_id}",
            )
    return request_id


# --- the requests as the coop sees them ------------------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    item_id: int
    name: str
    unit: str
    quantity: Decimal
    price_cents: int
    vat_code: str


@dataclass(frozen=True)
class RequestView:
    id: int
    status: str
    kind: str
    name: str
    company: str
    business_id: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    wished_from: dt.date | None
    wished_to: dt.date | None
    message: str
    language: str
    customer_id: int | None
    customer_name: str
    handled_at: dt.datetime | None
    handled_by: str
    created_at: dt.datetime
    lines: tuple[LineView, ...] = ()

    @property
    def who(self) -> str:
        return f"{self.company} ({self.name})" if self.company else self.name


@dataclass(frozen=True)
class RequestList:
    requests: list[RequestView]
    status: str
    counts: dict[str, int]


_COLUMNS = (
    OrderRequest.id,
    OrderRequest.status,
    OrderRequest.kind,
    OrderRequest.name,
    OrderRequest.company,
    OrderRequest.business_id,
    OrderRequest.email,
    OrderRequest.phone,
    OrderRequest.street,
    OrderRequest.postcode,
    OrderRequest.city,
    OrderRequest.wished_from,
    OrderRequest.wished_to,
    OrderRequest.message,
    OrderRequest.language,
    OrderRequest.customer,
    OrderRequest.customer.name,
    OrderRequest.handled_at,
    OrderRequest.handled_by.name,
    OrderRequest.created_at,
)


def _request(row: dict[str, Any], lines: tuple[LineView, ...] = ()) -> RequestView:
    return RequestView(
        id=row["id"],
        status=row["status"],
        kind=row["kind"],
        name=row["name"],
        company=row["company"],
        business_id=row["business_id"],
        email=row["email"],
        phone=row["phone"],
        street=row["street"],
        postcode=row["postcode"],
        city=row["city"],
        wished_from=row["wished_from"],
        wished_to=row["wished_to"],
        message=row["message"],
        language=row["language"],
        customer_id=row["customer_id"],
        customer_name=row["customer_id.name"] or "",
        handled_at=row["handled_at"],
        handled_by=row["handled_by.name"] or "",
        created_at=row["created_at"],
        lines=lines,
    )


def _same_coop(coop_id: int) -> Any:
    # FK-traversal joins get the coop filter on the joined table too (RLS is the backstop, not the filter).
    return (OrderRequest.coop == coop_id) & (OrderRequest.customer.is_null() | (OrderRequest.customer.coop == coop_id))


async def request_in_unit(coop_id: int, request_id: int) -> RequestView:
    """One request of the open unit's coop with its lines; another coop's id and a missing id are the same 404."""
    row = (
        await OrderRequest.select(*_COLUMNS).where(_same_coop(coop_id) & (OrderRequest.id == request_id)).first().run()
    )
    if row is None:
        raise NotFoundException()
    lines = (
        await OrderRequestLine.select(
            OrderRequestLine.item,
            OrderRequestLine.name,
            OrderRequestLine.unit,
            OrderRequestLine.quantity,
            OrderRequestLine.price_cents,
            OrderRequestLine.vat_code,
        )
        .where((OrderRequestLine.coop == coop_id) & (OrderRequestLine.request == request_id))
        .order_by(OrderRequestLine.id)
        .run()
    )
    return _request(
        row,
        tuple(
            LineView(r["item_id"], r["name"], r["unit"], r["quantity"], r["price_cents"], r["vat_code"]) for r in lines
        ),
    )


async def request_list(ctx: CoopContext, status: str = "new") -> RequestList:
    ctx.require(*HANDLERS)
    status = status if status in (*REQUEST_STATUSES, "all") else "new"
    async with coop_unit(ctx.id, ctx.viewer.id):
        query = OrderRequest.select(*_COLUMNS).where(_same_coop(ctx.id))
        if status != "all":
            query = query.where(OrderRequest.status == status)
        rows = await query.order_by(OrderRequest.created_at, ascending=False).order_by(OrderRequest.id).run()
        counted = await OrderRequest.raw(
            "SELECT status, count(*) AS n FROM order_request WHERE coop_id = {} GROUP BY status", ctx.id
        ).run()
    counts = dict.fromkeys(REQUEST_STATUSES, 0) | {r["status"]: int(r["n"]) for r in counted}
    return RequestList([_request(r) for r in rows], status, counts)


async def get_request(ctx: CoopContext, request_id: int) -> RequestView:
    ctx.require(*HANDLERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await request_in_unit(ctx.id, request_id)


async def set_request_status(ctx: CoopContext, request_id: int, status: str, ip: str) -> RequestView | None:
    """Mark a request handled, spam, or new again. None when the status is not one of these (nothing changes)."""
    ctx.require(*HANDLERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await request_in_unit(ctx.id, request_id)
        if status not in REQUEST_STATUSES:
            return None
        if found.status != status:
            await set_request_status_in_unit(ctx.id, request_id, status, ctx.viewer.id)
            await audit.record(
                "storefront.request_" + status,
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"order_request:{request_id}",
                ip=ip,
                old_status=found.status,
            )
        return await request_in_unit(ctx.id, request_id)


async def set_request_status_in_unit(coop_id: int, request_id: int, status: str, user_id: int) -> None:
    """Change a request's status inside the caller's open unit (work marks a request handled when it makes an order
    of it, in the same transaction). "handled" records when and by whom; other statuses clear that."""
    handled = status == "handled"
    await (
        OrderRequest.update(
            {
                OrderRequest.status: status,
                OrderRequest.handled_at: dt.datetime.now(dt.UTC) if handled else None,
                OrderRequest.handled_by: user_id if handled else None,
            }
        )
        .where((OrderRequest.coop == coop_id) & (OrderRequest.id == request_id))
        .run()
    )


async def link_customer_in_unit(coop_id: int, request_id: int, customer_id: int) -> None:
    """Record which customer was made from the request (the open unit is the coop's; the composite key keeps the
    customer in the same coop)."""
    await request_in_unit(coop_id, request_id)
    await (
        OrderRequest.update({OrderRequest.customer: customer_id})
        .where((OrderRequest.coop == coop_id) & (OrderRequest.id == request_id))
        .run()
    )
