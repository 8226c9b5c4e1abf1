"""JSON API for the catalogue under /api/v1/coops/{slug}/catalogue and the storefront's order requests under
/api/v1/coops/{slug}/requests: the same service functions, checks and roles as the pages
(osuus/tenants/catalogue/routes.py). Prices are integer cents; VAT rates are per cent as strings ("25.5"), the rate
of the VAT class on the day the item was read."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, post, put
from litestar.exceptions import ClientException

from osuus.platform.api import WRITE_SECURITY, answer, form_from_json, invalid, iso, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import Form, client_ip
from osuus.platform.i18n import N_, get_language
from osuus.tenants.catalogue import photos, service, storefront


class ItemOut(msgspec.Struct):
    id: int
    kind: str  # service | product
    name: str  # in the caller's language, or Finnish when the item has no name in it
    names: dict[str, str]  # fi, sv, en ("" when not given)
    descriptions: dict[str, str]
    category: str  # slug of the shared category
    unit: str  # hour | visit | piece | kg | m2 | day
    price_cents: int  # without VAT
    vat_code: str
    vat_rate: str | None  # per cent on `priced_on`, e.g. "25.5"; null when no rate covers the day
    price_with_vat_cents: int | None
    priced_on: str
    household_credit: bool
    labour_share: int  # per cent of the price that is work
    active: bool
    public: bool
    has_photo: bool
    updated_at: str | None


class CatalogueOut(msgspec.Struct):
    items: list[ItemOut]
    show: str  # active | inactive | all
    counts: dict[str, int]


def item_out(item: service.ItemView) -> ItemOut:
    return ItemOut(
        id=item.id,
        kind=item.kind,
        name=item.name(get_language()),
        names=item.names,
        descriptions=item.descriptions,
        category=item.category_slug,
        unit=item.unit,
        price_cents=item.price_cents,
        vat_code=item.vat_code,
        vat_rate=str(item.vat_rate) if item.vat_rate is not None else None,
        price_with_vat_cents=item.price_with_vat_cents,
        priced_on=item.priced_on.isoformat(),
        household_credit=item.household_credit,
        labour_share=item.labour_share,
        active=item.active,
        public=item.public,
        has_photo=item.has_photo,
        updated_at=iso(item.updated_at),
    )


BODY = (
    "Body: kind (service | product), name_fi, name_sv, name_en, description_fi, description_sv, description_en, "
    "category (slug: staffing, home_services, cleaning, gardening, construction, it_support, herbs_food, other), "
    "unit (hour, visit, piece, kg, m2, day), price_cents (without VAT), vat_code (general, reduced_food, "
    "reduced_news, zero, exempt_social, reverse_charge_construction), household_credit (true/false), "
    "labour_share (per cent, 1-100, when household_credit), public (true/false)."
)


def _form(data: dict[str, Any]) -> Any:
    return form_from_json(data, cents=("price",))


@get(
    "/catalogue",
    summary="The catalogue, like the catalogue page (show: active, inactive or all)",
    responses=responses(),
)
async def api_catalogue(coop: CoopContext, show: str = "active") -> CatalogueOut:
    found = await service.catalogue(coop, show)
    return CatalogueOut(items=[item_out(i) for i in found.items], show=found.show, counts=found.counts)


@get("/catalogue/{item_id:int}", summary="One service or product", responses=responses())
async def api_item(coop: CoopContext, item_id: int) -> ItemOut:
    return await _item_now(coop, item_id)


async def _item_now(coop: CoopContext, item_id: int) -> ItemOut:
    return item_out(await service.get_item(coop, item_id))


@post(
    "/catalogue",
    summary="Add a service or product (as the admin form)",
    description=BODY + " Returns the new item, active.",
    security=WRITE_SECURITY,
    responses=responses(ItemOut, 201, form=True),
)
async def api_add_item(request: Request, coop: CoopContext, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = _form(data)
    item_id = await service.add_item(coop, form, client_ip(request))
    return await answer(form, item_id, lambda new_id: _item_now(coop, new_id))


@post(
    "/catalogue/{item_id:int}",
    summary="Change a service or product (every field, as the edit form)",
    description=BODY + " Send `active` (true/false) to take the item off sale or back on sale. Returns the item.",
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(ItemOut, 200, form=True),
)
async def api_edit_item(request: Request, coop: CoopContext, item_id: int, data: dict[str, Any]) -> Response[Any]:  # type: ignore[type-arg]
    form = _form(data)
    active = form.values.pop("active", None)
    if not await service.edit_item(coop, item_id, form, client_ip(request)):
        return invalid(form)
    if "active" in data:
        await service.set_active(coop, item_id, active == "yes", client_ip(request))
    return Response(await _item_now(coop, item_id), status_code=200)


# --- the item's photo -------------------------------------------------------------------------------------------

PHOTO_BODY = (
    "The photo as the raw body (Content-Type image/png or image/jpeg), or as multipart/form-data in the field "
    "`photo`. PNG or JPEG, at most 2 MB, checked by its content like the page's upload. Returns the item."
)


async def _photo_bytes(request: Request) -> bytes:  # type: ignore[type-arg]
    if request.content_type[0] == "multipart/form-data":
        upload = (await request.form()).get("photo")
        return await upload.read() if upload is not None and hasattr(upload, "read") else b""
    return await request.body()


@put(
    "/catalogue/{item_id:int}/photo",
    summary="Put a photo on a service or product, in place of the old one",
    description=PHOTO_BODY,
    security=WRITE_SECURITY,
    request_max_body_size=photos.BODY_LIMIT,
    status_code=200,
    responses=responses(ItemOut, 200, form=True),
)
async def api_put_photo(request: Request, coop: CoopContext, item_id: int) -> Response[Any]:  # type: ignore[type-arg]
    try:
        data = await _photo_bytes(request)
    except ClientException as problem:  # a broken multipart body: the same answer as a missing photo
        if problem.status_code == 413:  # more than the route takes: refused before it was read
            raise
        data = b""
    form = Form()
    if not await service.save_photo(coop, item_id, data, form, client_ip(request)):
        return invalid(form)
    return Response(await _item_now(coop, item_id), status_code=200)


@delete(
    "/catalogue/{item_id:int}/photo",
    summary="Remove the photo of a service or product (nothing happens when it has none)",
    security=WRITE_SECURITY,
    responses=responses(),
)
async def api_delete_photo(request: Request, coop: CoopContext, item_id: int) -> None:  # type: ignore[type-arg]
    await service.remove_photo(coop, item_id, client_ip(request))


# --- order requests from the storefront ----------------------------------------------------------------------------


class RequestLineOut(msgspec.Struct):
    item_id: int | None
    name: str
    unit: str
    quantity: str  # a decimal number as text, e.g. "2.5"
    price_cents: int  # without VAT, as the shop showed it
    vat_code: str


class RequestOut(msgspec.Struct):
    id: int
    status: str  # new | handled | spam
    kind: str  # household | business
    name: str
    company: str
    business_id: str
    email: str
    phone: str
    street: str
    postcode: str
    city: str
    wished_from: str | None
    wished_to: str | None
    message: str
    language: str
    customer_id: int | None
    handled_at: str | None
    handled_by: str
    created_at: str | None
    lines: list[RequestLineOut] | None  # only on one request; the list leaves them out (null)


class RequestListOut(msgspec.Struct):
    requests: list[RequestOut]
    status: str  # new | handled | spam | all
    counts: dict[str, int]


def request_out(r: storefront.RequestView, with_lines: bool) -> RequestOut:
    return RequestOut(
        id=r.id, status=r.status, kind=r.kind, name=r.name, company=r.company, business_id=r.business_id,
        email=r.email, phone=r.phone, street=r.street, postcode=r.postcode, city=r.city,
        wished_from=iso(r.wished_from), wished_to=iso(r.wished_to), message=r.message, language=r.language,
        customer_id=r.customer_id, handled_at=iso(r.handled_at), handled_by=r.handled_by,
        created_at=iso(r.created_at),
        lines=[
            RequestLineOut(line.item_id, line.name, line.unit, str(line.quantity), line.price_cents, line.vat_code)
            for line in r.lines
        ] if with_lines else None,
    )  # fmt: skip


STATUS_NEEDED = N_("Choose new, handled or spam")


@get(
    "/requests",
    summary="Order requests from the storefront, like the requests page (status: new, handled, spam or all)",
    responses=responses(RequestListOut),
)
async def api_requests(coop: CoopContext, status: str = "new") -> RequestListOut:
    found = await storefront.request_list(coop, status)
    return RequestListOut([request_out(r, False) for r in found.requests], found.status, found.counts)


@get("/requests/{request_id:int}", summary="One order request with its lines", responses=responses(RequestOut))
async def api_request(coop: CoopContext, request_id: int) -> RequestOut:
    return request_out(await storefront.get_request(coop, request_id), True)


@post(
    "/requests/{request_id:int}/status",
    summary="Mark an order request handled, spam, or new again",
    description='Body: {"status": "new" | "handled" | "spam"}. Returns the request.',
    security=WRITE_SECURITY,
    status_code=200,
    responses=responses(RequestOut, 200, form=True),
)
async def api_request_status(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    request_id: int,
    data: dict[str, Any],
) -> Response[Any]:
    form = form_from_json(data)
    status = form.get("status")
    found = await storefront.set_request_status(coop, request_id, status, client_ip(request))
    if found is None:
        form.error("status", STATUS_NEEDED)
        return invalid(form)
    return Response(request_out(found, True), status_code=200)


API_HANDLERS: list[Any] = [
    api_catalogue,
    api_item,
    api_add_item,
    api_edit_item,
    api_put_photo,
    api_delete_photo,
    api_requests,
    api_request,
    api_request_status,
]
