"""Tenant tables of the catalogue and the storefront's requests."""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    OnUpdate,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.reference.tables import Category
from osuus.platform.tables import TenantTable, user_ref
from osuus.tenants.customers.tables import customer_ref

ITEM_KINDS = ("service", "product")
UNITS = ("hour", "visit", "piece", "kg", "m2", "day")
REQUEST_KINDS = ("household", "business")
REQUEST_STATUSES = ("new", "handled", "spam")


class CatalogueItem(TenantTable, tablename="catalogue_item"):
    """A service or product the coop sells. Prices are without VAT, in cents; the VAT rate comes from the class's
    dated rate (osuus.platform.vat) on the day of sale."""

    kind = Varchar(length=10)
    name_fi = Varchar(length=200)
    name_sv = Varchar(length=200, default="")
    name_en = Varchar(length=200, default="")
    description_fi = Text(default="")
    description_sv = Text(default="")
    description_en = Text(default="")
    category = ForeignKey(
        references=Category,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="category_id",
    )
    unit = Varchar(length=10)
    price_cents = Integer()
    vat_code = Varchar(length=40)
    household_credit = Boolean(default=False)
    labour_share = Integer(default=0)  # per cent of the price that is work (household tax credit)
    active = Boolean(default=True)
    public = Boolean(default=False)
    photo = Varchar(length=80, default="")  # file name under the data folder's photos/<coop id>/
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = user_ref(null=True, column="updated_by")


class OrderRequest(TenantTable, tablename="order_request"):
    """A quote or order request sent from the public storefront (no account). The orders context turns it into a
    work order; the admin can make a customer from it."""

    status = Varchar(length=10, default="new")
    kind = Varchar(length=10)
    name = Varchar(length=200)
    company = Varchar(length=200, default="")
    business_id = Varchar(length=9, default="")
    email = Varchar(length=254)
    phone = Varchar(length=40, default="")
    street = Varchar(length=200, default="")
    postcode = Varchar(length=10, default="")
    city = Varchar(length=100, default="")
    wished_from = Date(null=True, default=None)
    wished_to = Date(null=True, default=None)
    message = Text(default="")
    language = Varchar(length=2, default="fi")
    fingerprint = Varchar(length=64, default="")  # the same request sent twice (a double click) is saved once
    customer = customer_ref(null=True)
    handled_at = Timestamptz(null=True, default=None)
    handled_by = user_ref(null=True, column="handled_by")
    created_at = Timestamptz(default=TimestamptzNow())


class OrderRequestLine(TenantTable, tablename="order_request_line"):
    """One wanted item of a request, with the name, unit and price as the requester saw them."""

    request = ForeignKey(
        references=OrderRequest,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="request_id",
    )
    item = ForeignKey(
        references=CatalogueItem,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        index=True,
        db_column_name="item_id",
    )
    quantity = Numeric(digits=(10, 2))
    name = Varchar(length=200)
    unit = Varchar(length=10)
    price_cents = Integer()  # without VAT, when the request was sent
    vat_code = Varchar(length=40)
