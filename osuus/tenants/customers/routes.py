"""Customer register pages under /c/{slug}/customers (the admin and the board)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip, page, query_id
from osuus.tenants.catalogue.storefront import RequestView
from osuus.tenants.customers import service
from osuus.tenants.customers.tables import CUSTOMER_KINDS

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/customers")
async def customer_list(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    kind: str = "",
    q: str = "",
    done: str = "",
) -> Template:
    found = await service.customer_list(coop, kind, q)
    return page(
        request,
        "customers/list.html",
        coop=coop,
        found=found,
        kinds=CUSTOMER_KINDS,
        form=Form(values={"kind": found.kind, "q": found.q}),
        done=done,
    )


async def _form_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    form: Form,
    customer: service.CustomerView | None = None,
    from_request: RequestView | None = None,
    status: int = 200,
    done: str = "",
) -> Template:
    return page(
        request,
        "customers/form.html",
        status=status,
        coop=coop,
        form=form,
        customer=customer,
        from_request=from_request,
        organisations=await service.organisation_choices(coop),
        done=done,
    )


@get("/customers/new")
async def customer_new_form(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    request_id: Annotated[str, Parameter(query="request")] = "",
) -> Template:
    form, found = await service.new_customer_form(coop, query_id(request_id))
    return await _form_page(request, coop, form, from_request=found)


@post("/customers/new")
async def customer_new(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    customer_id = await service.add_customer(coop, form, client_ip(request))
    if customer_id is None:
        return await _form_page(request, coop, form, status=400)
    return Redirect(f"/c/{coop.slug}/customers/{customer_id}/edit?done=added", status_code=303)


@get("/customers/{customer_id:int}/edit")
async def customer_edit_form(request: Request, coop: CoopContext, customer_id: int, done: str = "") -> Template:  # type: ignore[type-arg]
    customer = await service.get_customer(coop, customer_id)
    return await _form_page(request, coop, service.customer_form(customer), customer, done=done)


@post("/customers/{customer_id:int}/edit")
async def customer_edit(request: Request, coop: CoopContext, customer_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    form.values.pop("request", None)  # a request is linked only when a customer is made from it
    if not await service.edit_customer(coop, customer_id, form, client_ip(request)):
        customer = await service.get_customer(coop, customer_id)
        return await _form_page(request, coop, form, customer, status=400)
    return Redirect(f"/c/{coop.slug}/customers?done=changed", status_code=303)


HANDLERS = [customer_list, customer_new_form, customer_new, customer_edit_form, customer_edit]
