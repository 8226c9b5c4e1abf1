"""The catalogue: services and products with names in three languages, a category, a unit, a price without VAT,
a VAT class, the household tax credit and an optional photo.

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop. Prices with VAT use the
class's dated rate on the day (osuus.platform.vat), never a constant. Everyone with a role reads the catalogue;
the admin and the board change it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit, vat
from osuus.platform.context import CoopContext
from osuus.platform.dates import today
from osuus.platform.http import Form, is_digits
from osuus.platform.i18n import LANGUAGES, N_, get_language
from osuus.platform.money import format_euros, read_euros
from osuus.platform.reference.service import CategoryView, categories
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue import photos
from osuus.tenants.catalogue.tables import ITEM_KINDS, UNITS, CatalogueItem

READERS = ("admin", "board", "coach", "member")
EDITORS = ("admin", "board")
SHOW = ("active", "inactive", "all")
NAME_MAX, DESCRIPTION_MAX = 200, 2000
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


# --- what the pages get ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    """One item with its price on the day it was read: `vat_rate` in per cent and the price with VAT in cents."""

    id: int
    kind: str
    names: dict[str, str]  # fi, sv, en ("" when not given)
    descriptions: dict[str, str]
    category_id: int
    category_slug: str
    category_names: dict[str, str]
    unit: str
    price_cents: int
    vat_code: str
    household_credit: bool
    labour_share: int
    active: bool
    public: bool
    has_photo: bool
    updated_at: dt.datetime
    vat_rate: Decimal | None  # None: no rate covers the day (a gap in the reference data)
    price_with_vat_cents: int | None
    priced_on: dt.date

    def name(self, language: str | None = None) -> str:
        """The name in the language, or the Finnish name when it has none."""
        return self.names.get(language or get_language()) or self.names["fi"]

    def description(self, language: str | None = None) -> str:
        return self.descriptions.get(language or get_language()) or self.descriptions["fi"]

    def category_name(self, language: str | None = None) -> str:
        return self.category_names.get(language or get_language()) or self.category_names["fi"]

    @property
    def vat_kind(self) -> str:
        return vat.vat_class(self.vat_code).kind

    @property
    def labour_cents(self) -> int | None:
        """The work part of the price with VAT (what the household tax credit is counted from)."""
        if not self.household_credit or self.price_with_vat_cents is None:
            return None
        return vat.share_cents(self.price_with_vat_cents, self.labour_share)

    def translated(self, language: str) -> bool:
        return bool(self.names.get(language))


@dataclass(frozen=True)
class CatalogueList:
    items: list[ItemView]
    show: str
    counts: dict[str, int]  # active, inactive


_COLUMNS = (
    CatalogueItem.id,
    CatalogueItem.kind,
    CatalogueItem.name_fi,
    CatalogueItem.name_sv,
    CatalogueItem.name_en,
    CatalogueItem.description_fi,
    CatalogueItem.description_sv,
    CatalogueItem.description_en,
    CatalogueItem.category,
    CatalogueItem.category.slug,
    CatalogueItem.category.name_fi,
    CatalogueItem.category.name_sv,
    CatalogueItem.category.name_en,
    CatalogueItem.category.position,
    CatalogueItem.unit,
    CatalogueItem.price_cents,
    CatalogueItem.vat_code,
    CatalogueItem.household_credit,
    CatalogueItem.labour_share,
    CatalogueItem.active,
    CatalogueItem.public,
    CatalogueItem.photo,
    CatalogueItem.updated_at,
)


def _view(row: dict[str, Any], rates: dict[str, Decimal], on: dt.date) -> ItemView:
    rate = rates.get(row["vat_code"])
    return ItemView(
        id=row["id"],
        kind=row["kind"],
        names={lang: row[f"name_{lang}"] for lang in LANGUAGES},
        descriptions={lang: row[f"description_{lang}"] for lang in LANGUAGES},
        category_id=row["category_id"],
        category_slug=row["category_id.slug"],
        category_names={lang: row[f"category_id.name_{lang}"] for lang in LANGUAGES},
        unit=row["unit"],
        price_cents=row["price_cents"],
        vat_code=row["vat_code"],
        household_credit=row["household_credit"],
        labour_share=row["labour_share"],
        active=row["active"],
        public=row["public"],
        has_photo=bool(row["photo"]),
        updated_at=row["updated_at"],
        vat_rate=rate,
        price_with_vat_cents=vat.gross_cents(row["price_cents"], rate) if rate is not None else None,
        priced_on=on,
    )


def _ordered(query: Any) -> Any:
    return query.order_by(CatalogueItem.category.position).order_by(CatalogueItem.name_fi).order_by(CatalogueItem.id)


async def items_in_unit(
    coop_id: int, region_id: int | None, *, active: bool | None = None, public: bool | None = None
) -> list[ItemView]:
    """The coop's items, in category order, priced today (the open unit must be the coop's)."""
    query = CatalogueItem.select(*_COLUMNS).where(CatalogueItem.coop == coop_id)
    if active is not None:
        query = query.where(CatalogueItem.active == active)
    if public is not None:
        query = query.where(CatalogueItem.public == public)
    rows = await _ordered(query).run()
    on = today()
    rates = await vat.rates_on(region_id, on)
    return [_view(r, rates, on) for r in rows]


async def item_in_unit(coop_id: int, region_id: int | None, item_id: int) -> ItemView:
    """One item of the open unit's coop; another coop's id and a missing id are the same 404."""
    row = (
        await CatalogueItem.select(*_COLUMNS)
        .where((CatalogueItem.coop == coop_id) & (CatalogueItem.id == item_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFoundException()
    on = today()
    return _view(row, await vat.rates_on(region_id, on), on)


async def catalogue(ctx: CoopContext, show: str = "active") -> CatalogueList:
    ctx.require(*READERS)
    show = show if show in SHOW else "active"
    async with coop_unit(ctx.id, ctx.viewer.id):
        items = await items_in_unit(ctx.id, ctx.region_id)
    counts = {"active": sum(i.active for i in items), "inactive": sum(not i.active for i in items)}
    if show != "all":
        items = [i for i in items if i.active == (show == "active")]
    return CatalogueList(items, show, counts)


async def get_item(ctx: CoopContext, item_id: int) -> ItemView:
    ctx.require(*READERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await item_in_unit(ctx.id, ctx.region_id, item_id)


# --- the item form ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemValues:
    kind: str
    names: dict[str, str]
    descriptions: dict[str, str]
    category_id: int
    unit: str
    price_cents: int
    vat_code: str
    household_credit: bool
    labour_share: int
    public: bool

    def columns(self) -> dict[Any, Any]:
        values: dict[Any, Any] = {
            CatalogueItem.kind: self.kind,
            CatalogueItem.category: self.category_id,
            CatalogueItem.unit: self.unit,
            CatalogueItem.price_cents: self.price_cents,
            CatalogueItem.vat_code: self.vat_code,
            CatalogueItem.household_credit: self.household_credit,
            CatalogueItem.labour_share: self.labour_share,
            CatalogueItem.public: self.public,
        }
        for lang in LANGUAGES:
            values[getattr(CatalogueItem, f"name_{lang}")] = self.names[lang]
            values[getattr(CatalogueItem, f"description_{lang}")] = self.descriptions[lang]
        return values


def item_form(item: ItemView) -> Form:
    """The edit form filled in with the item as it is."""
    values = {
        "kind": item.kind,
        "category": item.category_slug,
        "unit": item.unit,
        "price": format_euros(item.price_cents),
        "vat_code": item.vat_code,
        "household_credit": "yes" if item.household_credit else "",
        "labour_share": str(item.labour_share) if item.household_credit else "",
        "public": "yes" if item.public else "",
    }
    for lang in LANGUAGES:
        values[f"name_{lang}"] = item.names[lang]
        values[f"description_{lang}"] = item.descriptions[lang]
    return Form(values=values)


def new_item_form() -> Form:
    return Form(values={"kind": "service", "unit": "hour", "vat_code": "general"})


def _yes(value: str) -> bool:
    return value.lower() in {"yes", "on", "true", "1"}


def _labour_share(form: Form) -> int:
    text = _SPACES.sub("", form.get("labour_share")).removesuffix("%")
    if not text:
        form.error("labour_share", N_("Write how many per cent of the price is work, for example 100"))
        return 0
    if not is_digits(text) or not 1 <= int(text) <= 100:
        form.error("labour_share", N_("Write a whole number from 1 to 100, for example 100"))
        return 0
    return int(text)


def _check_texts(form: Form) -> tuple[dict[str, str], dict[str, str]]:
    """Names and descriptions per language (Finnish needed), in the order of the page."""
    names = {lang: form.get(f"name_{lang}") for lang in LANGUAGES}
    descriptions = {lang: form.get(f"description_{lang}") for lang in LANGUAGES}
    if not names["fi"]:
        form.error("name_fi", N_("Write the name in Finnish"))
    for lang in LANGUAGES:
        if len(names[lang]) > NAME_MAX:
            form.error(f"name_{lang}", N_("The name must be 200 characters or fewer"))
        if lang == "fi" and not descriptions["fi"]:
            form.error("description_fi", N_("Write a short description in Finnish"))
        if len(descriptions[lang]) > DESCRIPTION_MAX:
            form.error(f"description_{lang}", N_("Write 2 000 characters or fewer"))
    return names, descriptions


def check_item_form(form: Form, choices: list[CategoryView]) -> ItemValues | None:
    """Read the item form; the messages go next to the fields and nothing is saved when there is one."""
    kind = form.get("kind")
    if kind not in ITEM_KINDS:
        form.error("kind", N_("Choose a service or a product"))
    names, descriptions = _check_texts(form)
    by_slug = {c.slug: c for c in choices}
    category = by_slug.get(form.get("category"))
    if category is None:
        form.error("category", N_("Choose a category from the list"))
    unit = form.get("unit")
    if unit not in UNITS:
        form.error("unit", N_("Choose a unit from the list"))
    price = read_euros(form, "price") or 0
    vat_code = form.get("vat_code")
    if vat_code not in vat.VAT_CODES:
        form.error("vat_code", N_("Choose a VAT class from the list"))
    credit = _yes(form.get("household_credit"))
    share = 0
    if credit:
        if kind == "product":
            form.error(
                "household_credit",
                N_("The household tax credit is only for work. Choose service, or leave the tax credit out"),
            )
        share = _labour_share(form)
    if not form.ok or category is None:
        return None
    return ItemValues(
        kind=kind,
        names=names,
        descriptions=descriptions,
        category_id=category.id,
        unit=unit,
        price_cents=price,
        vat_code=vat_code,
        household_credit=credit,
        labour_share=share,
        public=_yes(form.get("public")),
    )


async def add_item(ctx: CoopContext, form: Form, ip: str) -> int | None:
    """A new item, active; public when the form says so. None when the form has mistakes (nothing written)."""
    ctx.require(*EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        values = check_item_form(form, await categories())
        if values is None:
            return None
        fields = {column._meta.name: value for column, value in values.columns().items()}
        row = CatalogueItem(coop=ctx.id, updated_by=ctx.viewer.id, **fields)
        rows = await CatalogueItem.insert(row).returning(CatalogueItem.id).run()
        item_id = int(rows[0]["id"])
        await audit.record(
            "catalogue.item_added",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"catalogue_item:{item_id}",
            ip=ip,
            name=values.names["fi"],
            price_cents=values.price_cents,
            vat_code=values.vat_code,
        )
    return item_id


async def edit_item(ctx: CoopContext, item_id: int, form: Form, ip: str) -> bool:
    """Save the changed item. False when the form has mistakes (nothing written); 404 for another coop's id."""
    ctx.require(*EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        old = await item_in_unit(ctx.id, ctx.region_id, item_id)
        values = check_item_form(form, await categories())
        if values is None:
            return False
        await (
            CatalogueItem.update(
                {
                    **values.columns(),
                    CatalogueItem.updated_at: dt.datetime.now(dt.UTC),
                    CatalogueItem.updated_by: ctx.viewer.id,
                }
            )
            .where((CatalogueItem.coop == ctx.id) & (CatalogueItem.id == item_id))
            .run()
        )
        await audit.record(
            "catalogue.item_changed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"catalogue_item:{item_id}",
            ip=ip,
            name=values.names["fi"],
            old_price_cents=old.price_cents,
            price_cents=values.price_cents,
            old_vat_code=old.vat_code,
            vat_code=values.vat_code,
            public=values.public,
        )
    return True


async def set_active(ctx: CoopContext, item_id: int, active: bool, ip: str) -> ItemView:
    """Take an item off sale (it stays in the register: requests and orders point at it) or back on sale."""
    ctx.require(*EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        item = await item_in_unit(ctx.id, ctx.region_id, item_id)
        if item.active != active:
            await (
                CatalogueItem.update(
                    {
                        CatalogueItem.active: active,
                        CatalogueItem.updated_at: dt.datetime.now(dt.UTC),
                        CatalogueItem.updated_by: ctx.viewer.id,
                    }
                )
                .where((CatalogueItem.coop == ctx.id) & (CatalogueItem.id == item_id))
                .run()
            )
            await audit.record(
                "catalogue.item_activated" if active else "catalogue.item_deactivated",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"catalogue_item:{item_id}",
                ip=ip,
                name=item.names["fi"],
            )
    return item


# --- photos ----------------------------------------------------------------------------------------------------


async def save_photo(ctx: CoopContext, item_id: int, data: bytes, form: Form, ip: str) -> bool:
    """Store a PNG or JPEG photo (at most 2 MB) of the item, in place of the old one. False: the reason is in the
    form (field "photo") and nothing changed."""
    ctx.require(*EDITORS)
    name = ""
    try:
        async with coop_unit(ctx.id, ctx.viewer.id):
            old = await _photo_name(ctx.id, item_id)
            image = photos.check(data, form)
            if image is None:
                return False
            name = photos.store(ctx.id, item_id, data, image)
            await (
                CatalogueItem.update({CatalogueItem.photo: name, CatalogueItem.updated_by: ctx.viewer.id})
                .where((CatalogueItem.coop == ctx.id) & (CatalogueItem.id == item_id))
                .run()
            )
            await audit.record(
                "catalogue.photo_added",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"catalogue_item:{item_id}",
                ip=ip,
                bytes=len(data),
                format=image.kind,
            )
    except BaseException:
        if name:  # the row does not name the new file: it goes
            photos.delete(ctx.id, name)
        raise
    if old:
        photos.delete(ctx.id, old)
    return True


async def remove_photo(ctx: CoopContext, item_id: int, ip: str) -> None:
    ctx.require(*EDITORS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        await item_in_unit(ctx.id, ctx.region_id, item_id)
        old = await _photo_name(ctx.id, item_id)
        if old:
            await (
                CatalogueItem.update({CatalogueItem.photo: "", CatalogueItem.updated_by: ctx.viewer.id})
                .where((CatalogueItem.coop == ctx.id) & (CatalogueItem.id == item_id))
                .run()
            )
            await audit.record(
                "catalogue.photo_removed",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"catalogue_item:{item_id}",
                ip=ip,
            )
    if old:
        photos.delete(ctx.id, old)


async def _photo_name(coop_id: int, item_id: int, public_only: bool = False) -> str:
    query = CatalogueItem.select(CatalogueItem.photo).where(
        (CatalogueItem.coop == coop_id) & (CatalogueItem.id == item_id)
    )
    if public_only:
        query = query.where((CatalogueItem.active == True) & (CatalogueItem.public == True))  # noqa: E712
    row = await query.first().run()
    if row is None:
        raise NotFoundException()
    return str(row["photo"])


async def photo_file(ctx: CoopContext, item_id: int) -> photos.PhotoFile:
    """The item's photo for people of the coop; 404 when the item is another coop's or has no photo."""
    ctx.require(*READERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        name = await _photo_name(ctx.id, item_id)
    return photos.open_photo(ctx.id, name)


async def public_photo_file(coop_id: int, item_id: int) -> photos.PhotoFile:
    """The photo of an item in the coop's public shop (public and active); anything else is 404."""
    async with coop_unit(coop_id):
        name = await _photo_name(coop_id, item_id, public_only=True)
    return photos.open_photo(coop_id, name)
