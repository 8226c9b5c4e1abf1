"""Catalogue pages under /c/{slug}/catalogue, the storefront's requests under /c/{slug}/requests, and the public
storefront /shop/{slug} (no account needed)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import File, Redirect, Template

from osuus.platform import vat
from osuus.platform.context import CoopContext, Viewer
from osuus.platform.dates import today
from osuus.platform.http import Form, client_ip, page
from osuus.platform.i18n import get_language
from osuus.platform.ratelimit import Limiter
from osuus.platform.reference.service import categories
from osuus.tenants.catalogue import photos, service, storefront
from osuus.tenants.catalogue.tables import ITEM_KINDS, REQUEST_STATUSES, UNITS

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
UploadData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _item_url(coop: CoopContext, item_id: int) -> str:
    return f"/c/{coop.slug}/catalogue/{item_id}"


async def _choices() -> dict[str, Any]:
    return {"categories": await categories(), "units": UNITS, "kinds": ITEM_KINDS, "vat_classes": vat.VAT_CLASSES}


@get("/catalogue")
async def catalogue_list(request: Request, coop: CoopContext, show: str = "active", done: str = "") -> Template:  # type: ignore[type-arg]
    found = await service.catalogue(coop, show)
    return page(
        request,
        "catalogue/list.html",
        coop=coop,
        catalogue=found,
        can_edit=coop.has(*service.EDITORS),
        form=Form(values={"show": found.show}),
        done=done,
    )


async def _form_page(
    request: Request,  # type: ignore[type-arg]
    coop: CoopContext,
    form: Form,
    item: service.ItemView | None = None,
    status: int = 200,
) -> Template:
    return page(
        request,
        "catalogue/form.html",
        status=status,
        coop=coop,
        item=item,
        form=form,
        rates=await vat.rates_on(coop.region_id, today()),
        **await _choices(),
    )


@get("/catalogue/new")
async def item_new_form(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    coop.require(*service.EDITORS)
    return await _form_page(request, coop, service.new_item_form())


@post("/catalogue/new")
async def item_new(request: Request, coop: CoopContext, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    item_id = await service.add_item(coop, form, client_ip(request))
    if item_id is None:
        return await _form_page(request, coop, form, status=400)
    return Redirect(f"{_item_url(coop, item_id)}?done=added", status_code=303)


@get("/catalogue/{item_id:int}")
async def item_detail(request: Request, coop: CoopContext, item_id: int, done: str = "") -> Template:  # type: ignore[type-arg]
    item = await service.get_item(coop, item_id)
    return page(request, "catalogue/detail.html", coop=coop, item=item, can_edit=coop.has(*service.EDITORS), done=done)


@get("/catalogue/{item_id:int}/edit")
async def item_edit_form(request: Request, coop: CoopContext, item_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.EDITORS)
    item = await service.get_item(coop, item_id)
    return await _form_page(request, coop, service.item_form(item), item)


@post("/catalogue/{item_id:int}/edit")
async def item_edit(request: Request, coop: CoopContext, item_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    form = Form.from_data(data)
    if not await service.edit_item(coop, item_id, form, client_ip(request)):
        return await _form_page(request, coop, form, await service.get_item(coop, item_id), status=400)
    return Redirect(f"{_item_url(coop, item_id)}?done=changed", status_code=303)


@get("/catalogue/{item_id:int}/deactivate")
async def item_deactivate_confirm(request: Request, coop: CoopContext, item_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.EDITORS)
    item = await service.get_item(coop, item_id)
    return page(request, "catalogue/deactivate.html", coop=coop, item=item)


@post("/catalogue/{item_id:int}/deactivate")
async def item_deactivate(request: Request, coop: CoopContext, item_id: int) -> Redirect:  # type: ignore[type-arg]
    await service.set_active(coop, item_id, False, client_ip(request))
    return Redirect(f"{_item_url(coop, item_id)}?done=deactivated", status_code=303)


@post("/catalogue/{item_id:int}/activate")
async def item_activate(request: Request, coop: CoopContext, item_id: int) -> Redirect:  # type: ignore[type-arg]
    await service.set_active(coop, item_id, True, client_ip(request))
    return Redirect(f"{_item_url(coop, item_id)}?done=activated", status_code=303)


@get("/catalogue/{item_id:int}/photo")
async def photo_form(request: Request, coop: CoopContext, item_id: int) -> Template:  # type: ignore[type-arg]
    coop.require(*service.EDITORS)
    item = await service.get_item(coop, item_id)
    return page(request, "catalogue/photo.html", coop=coop, item=item)


@post("/catalogue/{item_id:int}/photo", request_max_body_size=photos.BODY_LIMIT)
async def photo_upload(request: Request, coop: CoopContext, item_id: int, data: UploadData) -> Template | Redirect:  # type: ignore[type-arg]
    upload = data.get("photo")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    form = Form()
    if not await service.save_photo(coop, item_id, content, form, client_ip(request)):
        item = await service.get_item(coop, item_id)
        return page(request, "catalogue/photo.html", status=400, coop=coop, item=item, form=form)
    return Redirect(f"{_item_url(coop, item_id)}?done=photo", status_code=303)


@post("/catalogue/{item_id:int}/photo/remove")
async def photo_remove(request: Request, coop: CoopContext, item_id: int) -> Redirect:  # type: ignore[type-arg]
    await service.remove_photo(coop, item_id, client_ip(request))
    return Redirect(f"{_item_url(coop, item_id)}?done=photo_removed", status_code=303)


def _image(found: photos.PhotoFile, cache: str) -> File:
    return File(path=found.path, media_type=found.media_type, content_disposition_type="inline",
                headers={"cache-control": cache})  # fmt: skip


@get("/catalogue/{item_id:int}/image")
async def item_image(coop: CoopContext, item_id: int) -> File:
    return _image(await service.photo_file(coop, item_id), "private, max-age=300")


# --- the storefront's requests as the coop sees them -----------------------------------------------------------


@get("/requests")
async def request_list(request: Request, coop: CoopContext, status: str = "new") -> Template:  # type: ignore[type-arg]
    found = await storefront.request_list(coop, status)
    return page(
        request,
        "storefront/requests.html",
        coop=coop,
        found=found,
        statuses=REQUEST_STATUSES,
        form=Form(values={"status": found.status}),
    )


@get("/requests/{request_id:int}")
async def request_detail(request: Request, coop: CoopContext, request_id: int, done: str = "") -> Template:  # type: ignore[type-arg]
    found = await storefront.get_request(coop, request_id)
    return page(request, "storefront/request.html", coop=coop, found=found, done=done)


@post("/requests/{request_id:int}/status")
async def request_status(request: Request, coop: CoopContext, request_id: int, data: FormData) -> Template | Redirect:  # type: ignore[type-arg]
    status = Form.from_data(data).get("status")
    found = await storefront.set_request_status(coop, request_id, status, client_ip(request))
    if found is None:
        found = await storefront.get_request(coop, request_id)
        return page(request, "storefront/request.html", status=400, coop=coop, found=found)
    return Redirect(f"/c/{coop.slug}/requests/{request_id}?done={status}", status_code=303)


HANDLERS = [
    catalogue_list,
    item_new_form,
    item_new,
    item_detail,
    item_edit_form,
    item_edit,
    item_deactivate_confirm,
    item_deactivate,
    item_activate,
    photo_form,
    photo_upload,
    photo_remove,
    item_image,
    request_list,
    request_detail,
    request_status,
]


# --- the public storefront (no account needed) -----------------------------------------------------------------


@get("/shop/{slug:str}")
async def shop(request: Request, viewer: Viewer | None, slug: str) -> Template:  # type: ignore[type-arg]
    found = await storefront.shop_coop(slug)
    items = await storefront.shop_items(found)
    return page(request, "storefront/shop.html", shop=found, items=items, language=get_language())


async def _request_page(
    request: Request,  # type: ignore[type-arg]
    found: storefront.Shop,
    items: list[service.ItemView],
    form: Form,
    status: int = 200,
) -> Template:
    return page(
        request, "storefront/request_form.html", status=status, shop=found, items=items, form=form,
        language=get_language(),
    )  # fmt: skip


@get("/shop/{slug:str}/request")
async def shop_request_form(request: Request, viewer: Viewer | None, slug: str, item: int | None = None) -> Template:  # type: ignore[type-arg]
    found = await storefront.shop_coop(slug)
    items = await storefront.shop_items(found)
    return await _request_page(request, found, items, storefront.request_form(items, item))


@post("/shop/{slug:str}/request")
async def shop_request(request: Request, viewer: Viewer | None, slug: str, data: FormData) -> Template:  # type: ignore[type-arg]
    found = await storefront.shop_coop(slug)
    items = await storefront.shop_items(found)
    form = Form.from_data(data)
    honeypot = form.values.pop("website", "")
    new = storefront.check_request(form, items)
    if new is None:
        return await _request_page(request, found, items, form, status=400)
    # Only sendable requests count, so a person fixing mistakes in the form is never locked out.
    limiter = Limiter(request.app.state.redis)
    if await limiter.hit(f"shop:{client_ip(request)}", storefront.REQUEST_WINDOW) > storefront.REQUEST_LIMIT:
        return page(request, "storefront/limited.html", status=429, shop=found)
    # A filled hidden field is a robot: it sees the same page; the request is kept as spam and nobody is mailed.
    await storefront.send_request(found, new, get_language(), client_ip(request), spam=bool(honeypot))
    return page(request, "storefront/sent.html", shop=found, email=new.email)


@get("/shop/{slug:str}/items/{item_id:int}/image")
async def shop_image(slug: str, item_id: int) -> File:
    found = await storefront.shop_coop(slug)
    return _image(await service.public_photo_file(found.id, item_id), "public, max-age=300")


PUBLIC_HANDLERS = [shop, shop_request_form, shop_request, shop_image]
