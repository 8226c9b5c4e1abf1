"""Tenant table of the customer register."""

from piccolo.columns import ForeignKey, OnDelete, OnUpdate, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from osuus.platform.tables import TenantTable, org_ref, user_ref

CUSTOMER_KINDS = ("household", "company", "public")


def customer_ref(null: bool = False) -> ForeignKey:  # type: ignore[type-arg]
    """A reference to a customer of the same coop (the composite key is added in the referring app's migration)."""
    return ForeignKey(
        references=Customer,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=null,
        index=True,
        db_column_name="customer_id",
    )


class Customer(TenantTable, tablename="customer"):
    """Who buys from the coop: a household, a company, or a public organisation (linked to the shared directory
    when it is there). Invoicing reads the billing address, business ID and e-invoice address from here."""

    kind = Varchar(length=10)
    name = Varchar(length=200)
    contact_name = Varchar(length=200, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    street = Varchar(length=200, default="")
    postcode = Varchar(length=10, default="")
    city = Varchar(length=100, default="")
    country = Varchar(length=2, default="FI")
    business_id = Varchar(length=9, default="")
    organisation = org_ref(null=True)
    einvoice_address = Varchar(length=40, default="")
    einvoice_operator = Varchar(length=40, default="")
    language = Varchar(length=2, default="fi")
    notes = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = user_ref(null=True, column="updated_by")
