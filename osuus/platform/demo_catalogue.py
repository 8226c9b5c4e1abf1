"""Demo data for the catalogue and the customers: Taidokkaat's services (garden work, cleaning, IT help at home,
renovation, staffing, construction work for builders), Yrttivillitys's herb products, a few customers of
Taidokkaat (a household, a company, the city of Ylöjärvi with an e-invoice address) and one new storefront request.

Written straight into the tables, one coop unit per coop. Called once from `load_demo` (osuus/platform/demo.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from stdnum.fi import ytunnus

from osuus.platform.dates import today
from osuus.platform.reference.tables import Category
from osuus.platform.tables import Organisation
from osuus.platform.tenancy import coop_unit, public_unit
from osuus.tenants.catalogue.tables import CatalogueItem, OrderRequest, OrderRequestLine
from osuus.tenants.customers.tables import Customer


@dataclass(frozen=True)
class DemoItem:
    key: str
    kind: str
    names: tuple[str, str, str]  # fi, sv, en
    descriptions: tuple[str, str, str]
    category: str
    unit: str
    price_cents: int  # without VAT
    vat_code: str
    labour_share: int = 0  # > 0: the household tax credit applies
    public: bool = True


TAIDOKKAAT = [
    DemoItem(
        "garden",
        "service",
        ("Pihatyöt", "Trädgårdsarbete", "Garden work"),
        (
            "Leikkaamme nurmikon, haravoimme ja kitkemme. Tuomme omat välineet.",
            "Vi klipper gräset, krattar och rensar ogräs. Vi tar med egna redskap.",
            "We cut the grass, rake and weed. We bring our own tools.",
        ),
        "gardening",
        "hour",
        3600,
        "general",
        labour_share=100,
    ),
    DemoItem(
        "cleaning",
        "service",
        ("Kotisiivous", "Hemstädning", "Home cleaning"),
        (
            "Siivoamme kodin: imuroimme, pyyhimme pölyt ja pesemme lattiat.",
            "Vi städar hemmet: dammsuger, torkar damm och tvättar golven.",
            "We clean your home: we vacuum, dust and wash the floors.",
        ),
        "cleaning",
        "hour",
        3200,
        "general",
        labour_share=100,
    ),
    DemoItem(
        "it",
        "service",
        ("IT-tuki kotiin", "IT-stöd i hemmet", "IT help at home"),
        (
            "Autamme tietokoneen, puhelimen ja tulostimen kanssa kotonasi.",
            "Vi hjälper med datorn, telefonen och skrivaren hemma hos dig.",
            "We help with your computer, phone and printer at your home.",
        ),
        "it_support",
        "hour",
        4000,
        "general",
        labour_share=100,
    ),
    DemoItem(
        "renovation",
        "service",
        ("Pienet remonttityöt", "Små renoveringar", "Small renovation jobs"),
        (
            "Maalaamme, vaihdamme listat ja korjaamme pieniä vikoja. Hinta sisältää tavalliset tarvikkeet.",
            "",
            "We paint, change mouldings and fix small faults. The price includes the usual supplies.",
        ),
        "construction",
        "hour",
        4200,
        "general",
        labour_share=80,
    ),
    DemoItem(
        "staffing",
        "service",
        ("Henkilöstövuokraus", "Personaluthyrning", "Staffing"),
        (
            "Vuokraamme tekijöitä yrityksille ja yhteisöille, esimerkiksi kevyisiin varasto- ja keittiötöihin.",
            "Vi hyr ut arbetstagare till företag och organisationer, till exempel för lätta lager- och köksjobb.",
            "We hire out workers to companies and organisations, for example for light storage and kitchen work.",
        ),
        "staffing",
        "hour",
        2900,
        "general",
    ),
    DemoItem(
        "builders",
        "service",
        ("Rakennustyö rakennusliikkeille", "", "Construction work for builders"),
        ("Apu- ja siivoustyöt rakennustyömaalla rakennusliikkeen alihankintana.", "", ""),
        "construction",
        "hour",
        3800,
        "reverse_charge_construction",
        public=False,
    ),
]

YRTTIVILLITYS = [
    DemoItem(
        "nettle",
        "product",
        ("Kuivattu nokkonen", "Torkad nässla", "Dried nettle"),
        (
            "Luomunokkosta Forssasta, 50 grammaa. Sopii teehen ja ruokaan.",
            "Ekologisk nässla från Forssa, 50 gram. Passar i te och mat.",
            "Organic nettle from Forssa, 50 grams. Good in tea and food.",
        ),
        "herbs_food",
        "piece",
        590,
        "reduced_food",
    ),
    DemoItem(
        "tea",
        "product",
        ("Yrttiteesekoitus", "Örtteblandning", "Herbal tea blend"),
        (
            "Minttua, nokkosta ja mesiangervoa, 40 grammaa.",
            "Mynta, nässla och älggräs, 40 gram.",
            "Mint, nettle and meadowsweet, 40 grams.",
        ),
        "herbs_food",
        "piece",
        790,
        "reduced_food",
    ),
]


def _business_id(seven: str) -> str:
    return next(f"{seven}-{d}" for d in "0123456789" if ytunnus.is_valid(f"{seven}-{d}"))


async def _categories() -> dict[str, int]:
    async with public_unit():
        rows = await Category.select(Category.id, Category.slug).run()
    return {r["slug"]: r["id"] for r in rows}


async def _items(coop_id: int, items: list[DemoItem], categories: dict[str, int]) -> dict[str, int]:
    """Write the coop's items inside its open unit; returns their ids by key."""
    ids = {}
    for item in items:
        rows = (
            await CatalogueItem.insert(
                CatalogueItem(
                    coop=coop_id,
                    kind=item.kind,
                    name_fi=item.names[0],
                    name_sv=item.names[1],
                    name_en=item.names[2],
                    description_fi=item.descriptions[0],
                    description_sv=item.descriptions[1],
                    description_en=item.descriptions[2],
                    category=categories[item.category],
                    unit=item.unit,
                    price_cents=item.price_cents,
                    vat_code=item.vat_code,
                    household_credit=item.labour_share > 0,
                    labour_share=item.labour_share,
                    public=item.public,
                )
            )
            .returning(CatalogueItem.id)
            .run()
        )
        ids[item.key] = int(rows[0]["id"])
    return ids


async def load_catalogue_demo(coops: dict[str, int], orgs: dict[str, int]) -> None:
    """Catalogues of Taidokkaat and Yrttivillitys, Taidokkaat's customers and a storefront request."""
    categories = await _categories()
    async with public_unit():
        city = (
            await Organisation.select(Organisation.name, Organisation.business_id)
            .where(Organisation.id == orgs["ylojarvi"])
            .first()
            .run()
        )
    assert city is not None
    taidokkaat = coops["taidokkaat"]
    async with coop_unit(taidokkaat):
        ids = await _items(taidokkaat, TAIDOKKAAT, categories)
        city_ovt = "0037" + str(city["business_id"]).replace("-", "")
        await Customer.insert(
            Customer(
                coop=taidokkaat, kind="household", name="Liisa Laaksonen", email="liisa.laaksonen@example.fi",
                phone="040 555 1234", street="Kuusikkotie 7", postcode="33470", city="Ylöjärvi",
                notes="Pihatyöt keväisin ja syksyisin.",
            ),
            Customer(
                coop=taidokkaat, kind="company", name="Ylöjärven Rakennus Oy", contact_name="Raimo Rakentaja",
                email="raimo@ylojarven-rakennus.example", street="Teollisuustie 12", postcode="33480",
                city="Ylöjärvi", business_id=_business_id("2456789"),
                einvoice_address="0216:0037" + _business_id("2456789").replace("-", ""),
            ),
            Customer(
                coop=taidokkaat, kind="public", name=str(city["name"]), contact_name="Kirsi Kaupunki",
                email="kaupunki@ylojarvi.example", street="Kuruntie 14", postcode="33470", city="Ylöjärvi",
                business_id=str(city["business_id"]), organisation=orgs["ylojarvi"],
                einvoice_address=city_ovt, einvoice_operator="003721291126",
            ),
        ).run()  # fmt: skip
        rows = (
            await OrderRequest.insert(
                OrderRequest(
                    coop=taidokkaat, kind="household", name="Pekka Pihamaa", email="pekka.pihamaa@example.fi",
                    phone="050 123 9876", street="Koivukuja 3", postcode="33470", city="Ylöjärvi",
                    wished_from=today() + dt.timedelta(days=14), wished_to=today() + dt.timedelta(days=28),
                    message="Nurmikko pitäisi leikata ja pensasaita siistiä.", language="fi",
                )
            )
            .returning(OrderRequest.id)
            .run()
        )  # fmt: skip
        await OrderRequestLine.insert(
            OrderRequestLine(
                coop=taidokkaat, request=int(rows[0]["id"]), item=ids["garden"], quantity=Decimal("4"),
                name="Pihatyöt", unit="hour", price_cents=3600, vat_code="general",
            )
        ).run()  # fmt: skip
    yrttivillitys = coops["yrttivillitys"]
    async with coop_unit(yrttivillitys):
        await _items(yrttivillitys, YRTTIVILLITYS, categories)
