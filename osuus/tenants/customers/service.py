"""The customer register: households, companies and public organisations, with what invoicing needs (billing
address, business ID, e-invoice address and operator, language).

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop. The admin and the board
keep the register. A customer can be made from a storefront request: the form comes filled in from the request,
and the request then points at the new customer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.accounts.service import email_problem, normal_email
from osuus.platform.context import CoopContext
from osuus.platform.http import Form, is_digits
from osuus.platform.i18n import LANGUAGES, N_
from osuus.platform.tables import Coop, OrganisationRegion
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue import storefront
from osuus.tenants.customers import identifiers as ids
from osuus.tenants.customers.tables import CUSTOMER_KINDS, Customer

MANAGERS = ("admin", "board")
PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
POSTCODE = re.compile(r"^[0-9]{5}$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
TEXT_FIELDS = ("name", "contact_name", "email", "phone", "street", "postcode", "city", "notes")


@dataclass(frozen=True)
class CustomerView:
    id: int
    kind: str
    name: str
    contact_name: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    country: str
    business_id: str
    organisation_id: int | None
    organisation_name: str
    einvoice_address: str
    einvoice_operator: str
    language: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def has_einvoice(self) -> bool:
        return bool(self.einvoice_address)


@dataclass(frozen=True)
class CustomerList:
    customers: list[CustomerView]
    kind: str
    q: str
    counts: dict[str, int]


@dataclass(frozen=True)
class OrgChoice:
    id: int
    name: str
    business_id: str


_COLUMNS = (
    Customer.id,
    Customer.kind,
    Customer.name,
    Customer.contact_name,
    Customer.email,
    Customer.phone,
    Customer.street,
    Customer.postcode,
    Customer.city,
    Customer.country,
    Customer.business_id,
    Customer.organisation,
    Customer.organisation.name,
    Customer.einvoice_address,
    Customer.einvoice_operator,
    Customer.language,
    Customer.notes,
    Customer.created_at,
    Customer.updated_at,
)


def _view(row: dict[str, Any]) -> CustomerView:
    return CustomerView(
        **{k: row[k] for k in ("id", "kind", *TEXT_FIELDS, "country", "business_id")},
        organisation_id=row["organisation_id"],
        organisation_name=row["organisation_id.name"] or "",
        einvoice_address=row["einvoice_address"],
        einvoice_operator=row["einvoice_operator"],
        language=row["language"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def customer_in_unit(coop_id: int, customer_id: int) -> CustomerView:
    """One customer of the open unit's coop; another coop's id and a missing id are the same 404."""
    row = (
        await Customer.select(*_COLUMNS).where((Customer.coop == coop_id) & (Customer.id == customer_id)).first().run()
    )
    if row is None:
        raise NotFoundException()
    return _view(row)


async def customer_list(ctx: CoopContext, kind: str = "", q: str = "") -> CustomerList:
    ctx.require(*MANAGERS)
    kind = kind if kind in CUSTOMER_KINDS else ""
    q = q.strip()[:100]
    async with coop_unit(ctx.id, ctx.viewer.id):
        query = Customer.select(*_COLUMNS).where(Customer.coop == ctx.id)
        if kind:
            query = query.where(Customer.kind == kind)
        if q:
            query = query.where(
                Customer.name.ilike(f"%{_like(q)}%")
                | Customer.contact_name.ilike(f"%{_like(q)}%")
                | Customer.business_id.ilike(f"%{_like(q)}%")
            )
        rows = await query.order_by(Customer.name).order_by(Customer.id).run()
        counted = await Customer.raw(
            "SELECT kind, count(*) AS n FROM customer WHERE coop_id = {} GROUP BY kind", ctx.id
        ).run()
    counts = dict.fromkeys(CUSTOMER_KINDS, 0) | {r["kind"]: int(r["n"]) for r in counted}
    return CustomerList([_view(r) for r in rows], kind, q, counts)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def get_customer(ctx: CoopContext, customer_id: int) -> CustomerView:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await customer_in_unit(ctx.id, customer_id)


async def _organisations_in_unit(coop_id: int) -> list[OrgChoice]:
    """Organisations of the shared directory that serve the coop's region (a public customer links to one)."""
    region = await Coop.select(Coop.region).where(Coop.id == coop_id).first().run()
    if region is None:
        return []
    rows = (
        await OrganisationRegion.select(
            OrganisationRegion.organisation,
            OrganisationRegion.organisation.name,
            OrganisationRegion.organisation.business_id,
        )
        .where(OrganisationRegion.region == region["region_id"])
        .order_by(OrganisationRegion.organisation.name)
        .run()
    )
    return [
        OrgChoice(r["organisation_id"], r["organisation_id.name"], r["organisation_id.business_id"] or "") for r in rows
    ]


async def organisation_choices(ctx: CoopContext) -> list[OrgChoice]:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _organisations_in_unit(ctx.id)


# --- the form --------------------------------------------------------------------------------------------------


def customer_form(customer: CustomerView) -> Form:
    values = {k: getattr(customer, k) for k in ("kind", *TEXT_FIELDS, "business_id", "language")}
    values["organisation"] = str(customer.organisation_id) if customer.organisation_id else ""
    values["einvoice_address"] = customer.einvoice_address
    values["einvoice_operator"] = customer.einvoice_operator
    return Form(values=values)


async def new_customer_form(ctx: CoopContext, request_id: int | None) -> tuple[Form, storefront.RequestView | None]:
    """An empty form, or one filled in from a storefront request (404 for another coop's request)."""
    ctx.require(*MANAGERS)
    if request_id is None:
        return Form(values={"kind": "household", "language": "fi"}), None
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await storefront.request_in_unit(ctx.id, request_id)
    business = found.kind == "business"
    values = {
        "kind": "company" if business else "household",
        "name": found.company if business else found.name,
        "contact_name": found.name if business else "",
        "email": found.email,
        "phone": found.phone,
        "street": found.street,
        "postcode": found.postcode,
        "city": found.city,
        "business_id": found.business_id,
        "language": found.language,
        "request": str(found.id),
    }
    return Form(values=values), found


@dataclass(frozen=True)
class CustomerValues:
    kind: str
    text: dict[str, str]
    business_id: str
    organisation_id: int | None
    einvoice_address: str
    einvoice_operator: str
    language: str

    def columns(self) -> dict[Any, Any]:
        return {
            Customer.kind: self.kind,
            **{getattr(Customer, k): v for k, v in self.text.items()},
            Customer.business_id: self.business_id,
            Customer.organisation: self.organisation_id,
            Customer.einvoice_address: self.einvoice_address,
            Customer.einvoice_operator: self.einvoice_operator,
            Customer.language: self.language,
        }


def _check_contact(form: Form, organisation: OrgChoice | None) -> dict[str, str]:
    """Name, contact person, e-mail, phone and billing address (the name of a chosen organisation when empty)."""
    text = {k: form.get(k) for k in TEXT_FIELDS}
    if not text["name"]:
        if organisation is not None:
            text["name"] = organisation.name
        else:
            form.error("name", N_("Enter the name of the customer"))
    for key, limit in (("name", 200), ("contact_name", 200), ("street", 200), ("city", 100)):
        if len(text[key]) > limit:
            form.error(
                key, N_("Write 200 characters or fewer") if limit == 200 else N_("Write 100 characters or fewer")
            )
    if text["email"]:
        text["email"] = normal_email(text["email"])
        if problem := email_problem(text["email"]):
            form.error("email", problem)
    if text["phone"] and not PHONE.match(text["phone"]):
        form.error("phone", N_("Write the phone number with digits, for example 040 123 4567"))
    text["postcode"] = _SPACES.sub("", text["postcode"])
    if text["postcode"] and not POSTCODE.match(text["postcode"]):
        form.error("postcode", N_("Write the postcode with 5 numbers, for example 33470"))
    return text


def _check_business_id(form: Form, organisation: OrgChoice | None) -> str:
    business_id = form.get("business_id")
    if not business_id and organisation is not None and organisation.business_id:
        business_id = organisation.business_id
    if not business_id:
        form.error("business_id", N_("Enter the business ID, for example 1234567-8"))
    elif problem := ids.business_id_problem(business_id):
        form.error("business_id", problem)
    else:
        return ids.normal_business_id(business_id)
    return business_id


def _check_einvoice(form: Form) -> tuple[str, str]:
    """The e-invoice address and operator: both or neither, and an OVT address needs its operator."""
    address, operator = form.get("einvoice_address"), form.get("einvoice_operator")
    if address:
        if problem := ids.einvoice_address_problem(address):
            form.error("einvoice_address", problem)
        else:
            address = ids.normal_einvoice_address(address)
    elif operator:
        form.error("einvoice_address", N_("Enter the e-invoice address too, or leave the operator ID empty"))
    if operator:
        if problem := ids.operator_problem(operator):
            form.error("einvoice_operator", problem)
        else:
            operator = ids.normal_operator(operator)
    elif address and ids.is_ovt(address):
        form.error("einvoice_operator", ids.OPERATOR_NEEDED)
    return address, operator


def check_customer_form(form: Form, organisations: list[OrgChoice]) -> CustomerValues | None:
    """Read the customer form; every mistake goes next to its field (in the order of the page) and nothing is
    saved. For a household the business fields are left out (a household has no business ID or e-invoice address
    of a business)."""
    kind = form.get("kind")
    if kind not in CUSTOMER_KINDS:
        form.error("kind", N_("Choose the type of customer"))
    business = kind in ("company", "public")
    chosen = form.get("organisation") if business else ""
    organisation = next((o for o in organisations if str(o.id) == chosen), None) if chosen else None
    text = _check_contact(form, organisation)
    business_id = address = operator = ""
    if business:
        if chosen and organisation is None:
            form.error("organisation", N_("Choose an organisation from the list"))
        business_id = _check_business_id(form, organisation)
        address, operator = _check_einvoice(form)
    language = form.get("language") or "fi"
    if language not in LANGUAGES:
        form.error("language", N_("Choose a language from the list"))
    if len(text["notes"]) > 2000:
        form.error("notes", N_("Write 2 000 characters or fewer"))
    if not form.ok:
        return None
    return CustomerValues(
        kind=kind,
        text=text,
        business_id=business_id,
        organisation_id=organisation.id if organisation else None,
        einvoice_address=address,
        einvoice_operator=operator,
        language=language,
    )


def _request_id(form: Form) -> int | None:
    value = form.get("request")
    if not value:
        return None
    if not is_digits(value):
        raise NotFoundException()
    return int(value)


async def add_customer(ctx: CoopContext, form: Form, ip: str) -> int | None:
    """A new customer; with the form's `request`, also links that storefront request to them. None when the
    form has mistakes (nothing written); another coop's request is 404 (nothing written)."""
    ctx.require(*MANAGERS)
    request_id = _request_id(form)
    async with coop_unit(ctx.id, ctx.viewer.id):
        if request_id is not None:
            await storefront.request_in_unit(ctx.id, request_id)
        values = check_customer_form(form, await _organisations_in_unit(ctx.id))
        if values is None:
            return None
        fields = {column._meta.name: value for column, value in values.columns().items()}
        rows = (
            await Customer.insert(Customer(coop=ctx.id, updated_by=ctx.viewer.id, **fields))
            .returning(Customer.id)
            .run()
        )
        customer_id = int(rows[0]["id"])
        if request_id is not None:
            await storefront.link_customer_in_unit(ctx.id, request_id, customer_id)
        await audit.record(
            "customer.added",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"customer:{customer_id}",
            ip=ip,
            kind=values.kind,
            name=values.text["name"],
            from_request=request_id,
        )
    return customer_id


async def edit_customer(ctx: CoopContext, customer_id: int, form: Form, ip: str) -> bool:
    """Save the changed customer. False when the form has mistakes (nothing written); 404 for another coop's id."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        old = await customer_in_unit(ctx.id, customer_id)
        values = check_customer_form(form, await _organisations_in_unit(ctx.id))
        if values is None:
            return False
        await (
            Customer.update(
                {
                    **values.columns(),
                    Customer.updated_at: dt.datetime.now(dt.UTC),
                    Customer.updated_by: ctx.viewer.id,
                }
            )
            .where((Customer.coop == ctx.id) & (Customer.id == customer_id))
            .run()
        )
        changed = sorted(
            k
            for k, v in {**values.text, "kind": values.kind, "business_id": values.business_id}.items()
            if getattr(old, k) != v
        )
        await audit.record(
            "customer.changed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"customer:{customer_id}",
            ip=ip,
            fields=changed,
        )
    return True


# --- for other contexts (orders, invoicing) --------------------------------------------------------------------


async def customers_in_unit(coop_id: int) -> list[CustomerView]:
    """Every customer of the open unit's coop, by name: the orders and invoices forms choose from these."""
    rows = await Customer.select(*_COLUMNS).where(Customer.coop == coop_id).order_by(Customer.name).run()
    return [_view(r) for r in rows]
