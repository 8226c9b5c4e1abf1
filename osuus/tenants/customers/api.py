"""JSON API for the customer register under /api/v1/coops/{slug}/customers: the same service functions, checks
and roles as the pages (osuus/tenants/customers/routes.py)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, answer, form_from_json, iso, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.tenants.customers import service


class CustomerOut(msgspec.Struct):
    id: int
    kind: str  # household | company | public
    name: str
    contact_name: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    country: str
    business_id: str
    organisation_id: int | None  # the shared organisation directory, for a public organisation
    organisation_name: str
    einvoice_address: str
    einvoice_operator: str
    language: str
    notes: str
    created_at: str | None
    updated_at: str | None


class CustomersOut(msgspec.Struct):
    customers: list[CustomerOut]
    kind: str
    q: str
    counts: dict[str, int]


def customer_out(c: service.CustomerView) -> CustomerOut:
    return CustomerOut(
        id=c.id,
        kind=c.kind,
        name=c.name,
        contact_name=c.contact_name,
        email=c.email,
        phone=c.phone,
        street=c.street,
        postcode=c.postcode,
        city=c.city,
        country=c.country,
        business_id=c.business_id,
        organisation_id=c.organisation_id,
        organisation_name=c.organisation_name,
        einvoice_address=c.einvoice_address,
        einvoice_operator=c.einvoice_operator,
        language=c.language,
        notes=c.notes,
        created_at=iso(c.created_at),
        updated_at=iso(c.updated_at),
    )


BODY = (
    "Body: kind (household | company | public), name, contact_name, email, phone, street, postcode, city, "
    "business_id (company, public), organisation_id (a directory organisation serving the coop's region), "
    "einvoice_address (0037…, 0216:… or 0212:…), einvoice_operator, language (fi, sv, en), notes."
)


def _form(data: dict[str, Any]) -> Any:
    form = form_from_json(data, names={"organisation_id": "organisation", "request_id": "request"})
    form.values.pop("request", None)  # a customer is made from a storefront request only on the page
    return form


@get(
    "/customers",
    summary="The customer register, filtered by type and a search like the register page",
    responses=responses(),
)
async def api_customers(coop: CoopContext, kind: str = "", q: str = "") -> CustomersOut:
    found = await service.customer_list(coop, kind, q)
    return CustomersOut(customers=[customer_out(c) for c in found.customers], kind=found.kind, q=found.q,
                        counts=found.counts)  # fmt: skip


@get("/customers/{customer_id:int}", summary="One customer", responses=responses())
async def api_customer(coop: CoopContext, customer_id: int) -> CustomerOut:
    return await _customer_now(coop, customer_id)


async def _customer_now(coop: CoopContext, customer_id: int) -> CustomerOut:
    return customer_out(await service.get_customer(coop, customer_id))


@post(
    "/customers",
    summary="Add a customer (as the admin form)",
    description=BODY + " Returns the new customer.",
    security=WRITE_SECURITY,
    responses=responses(CustomerOut, 201, form=True),
)
async def api_add_customer(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = _form(data)
    customer_id = await service.add_customer(coop, form, client_ip(request))
    return await answer(form, customer_id, lambda new_id: _customer_now(coop, new_id))


@post(
    "/customers/{customer_id:int}",
    summary="Change a customer (every field, as the edit form)",
    description=BODY + " Returns the customer.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(CustomerOut, 200, form=True),
)
async def api_edit_customer(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    customer_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = _form(data)
    saved = await service.edit_customer(coop, customer_id, form, client_ip(request))
    return await answer(form, saved, lambda _: _customer_now(coop, customer_id), status=200)


API_HANDLERS: list[Any] = [api_customers, api_customer, api_add_customer, api_edit_customer]
