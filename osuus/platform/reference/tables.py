"""Shared reference tables: dated VAT rates and the category taxonomy. Seeded by migrations; the app only reads."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, OnUpdate, Varchar

from osuus.platform.tables import Region, SharedTable


class VatRate(SharedTable, tablename="vat_rate"):
    """One VAT rate for one VAT class over a period of days, for one region or (region empty) for every region.

    `basis_points` is the rate in hundredths of a per cent: 2550 is 25.5 %. `valid_to` is the last day the rate
    applies (inclusive); empty means it still applies. A region's own row wins over the row for every region.
    """

    region = ForeignKey(
        references=Region,
        on_delete=OnDelete.restrict,
        on_update=OnUpdate.restrict,
        null=True,
        default=None,
        index=True,
        db_column_name="region_id",
    )
    code = Varchar(length=40)
    basis_points = Integer()
    valid_from = Date()
    valid_to = Date(null=True, default=None)
    note = Varchar(length=200, default="")


class Category(SharedTable, tablename="catalogue_category"):
    """A category of the shared taxonomy that every coop's catalogue uses (names in fi, sv, en)."""

    slug = Varchar(length=40, unique=True)
    name_fi = Varchar(length=100)
    name_sv = Varchar(length=100)
    name_en = Varchar(length=100)
    position = Integer(default=0)
