"""JSON API for the catalogue under /api/v1/coops/{slug}/catalogue: the same service functions, checks and roles as
the pages (osuus/tenants/catalogue/routes.py). Prices are integer cents; VAT rates are per cent as strings
("25.5"), the rate of the VAT class on the day the item was read."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post

from osuus.platform.api import WRITE_SECURITY, answer, form_from_json, invalid, iso, responses
from osuus.platform.context import CoopContext
from osuus.platform.http import client_ip
from osuus.platform.i18n import get_language
from osuus.tenants.catalogue import service


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


API_HANDLERS: list[Any] = [api_catalogue, api_item, api_add_item, api_edit_item]
