"""Demo data: four regions, the four coops of the domain doc, six organisations and a person for every role.

Loaded once by `osuus demo` (run as the owner role, since it also creates a platform operator).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.fi import ytunnus

from osuus.platform.demo_catalogue import load_catalogue_demo
from osuus.platform.demo_coop import load_coop_demo
from osuus.platform.passwords import hash_password
from osuus.platform.tables import (
    Coop,
    CoopRole,
    Operator,
    Organisation,
    OrganisationRegion,
    OrganisationRole,
    Region,
    RegionCoordinator,
    User,
)
from osuus.platform.tenancy import coop_unit, operator_unit, public_unit
from osuus.tenants.noticeboard.service import add_notice
from osuus.tenants.profile.tables import CoopProfile

DEMO_PASSWORD = "osuus-demo-2026"

REGIONS = [
    ("pirkanmaa", "Pirkanmaa"),
    ("kymenlaakso", "Kymenlaakso"),
    ("pohjois-pohjanmaa", "Pohjois-Pohjanmaa"),
    ("kanta-hame", "Kanta-Häme"),
]


def business_id(seven: str) -> str:
    """A valid business ID for the first seven digits (the check digit that python-stdnum accepts)."""
    return next(f"{seven}-{d}" for d in "0123456789" if ytunnus.is_valid(f"{seven}-{d}"))


COOPS = [
    (
        "taidokkaat",
        "Osuuskunta Taidokkaat",
        "pirkanmaa",
        business_id("2712345"),
        "active",
        "Henkilöstövuokrausta, kotipalveluja, rakentamista ja IT-tukea Ylöjärvellä.",
        "Ylöjärvi",
    ),
    (
        "team-kukouri",
        "Osuuskunta Team Kukouri",
        "kymenlaakso",
        business_id("2723456"),
        "active",
        "Siivousta, pihatöitä ja kotipalveluja Kotkassa.",
        "Kotka",
    ),
    (
        "tulikipuna",
        "Osuuskunta Tulikipuna",
        "pohjois-pohjanmaa",
        business_id("2734567"),
        "active",
        "Kiinteistöhuoltoa ja remonttiapua Oulussa.",
        "Oulu",
    ),
    (
        "yrttivillitys",
        "Osuuskunta Yrttivillitys",
        "kanta-hame",
        business_id("2745678"),
        "pending",
        "Luomuyrttejä ja yrttituotteita Forssasta.",
        "Forssa",
    ),
]

ORGANISATIONS = [
    ("ylojarvi", "Ylöjärven kaupunki", "municipality", business_id("0157397"), ["pirkanmaa"]),
    ("pirha", "Pirkanmaan hyvinvointialue", "wellbeing_county", business_id("3221308"), ["pirkanmaa"]),
    (
        "tampereen-tyollisyysalue",
        "Tampereen seudun työllisyysalue",
        "employment_area",
        business_id("0211675"),
        ["pirkanmaa"],
    ),
    ("ylojarven-seurakunta", "Ylöjärven seurakunta", "parish", business_id("0204819"), ["pirkanmaa"]),
    (
        "osuustoimintakeskus",
        "Tuetun osuustoiminnan yhdistys",
        "association",
        business_id("2812345"),
        ["pirkanmaa", "kymenlaakso", "pohjois-pohjanmaa", "kanta-hame"],
    ),
    ("ensimetri", "Uusyrityskeskus Ensimetri", "enterprise_agency", business_id("1064876"), ["pirkanmaa"]),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    what: str


USERS = [
    DemoUser("operaattori@osuus.example", "Olli Operaattori", "platform operator (/ops/)"),
    DemoUser("koordinaattori@osuus.example", "Kaisa Koordinaattori", "region coordinator, Pirkanmaa (/ops/)"),
    DemoUser("pj@taidokkaat.example", "Pirjo Puheenjohtaja", "Taidokkaat admin and board (/c/taidokkaat/)"),
    DemoUser("hallitus@taidokkaat.example", "Heikki Hallitus", "Taidokkaat board"),
    DemoUser("valmentaja@osuus.example", "Ville Valmentaja", "job coach in Taidokkaat and Team Kukouri"),
    DemoUser("jasen@taidokkaat.example", "Maija Jäsen", "Taidokkaat member"),
    DemoUser("admin@kukouri.example", "Kalle Kukouri", "Team Kukouri admin"),
    DemoUser("admin@tulikipuna.example", "Tuula Tulikipuna", "Tulikipuna admin"),
    DemoUser("admin@yrttivillitys.example", "Yrjö Yrtti", "Yrttivillitys admin"),
    DemoUser("kaupunki@ylojarvi.example", "Kirsi Kaupunki", "Ylöjärven kaupunki admin (/o/ylojarvi/)"),
    DemoUser("hyvinvointi@pirha.example", "Hanna Hyvinvointi", "Pirkanmaan hyvinvointialue member (/o/pirha/)"),
]

COOP_ROLES = [
    ("pj@taidokkaat.example", "taidokkaat", "admin"),
    ("pj@taidokkaat.example", "taidokkaat", "board"),
    ("hallitus@taidokkaat.example", "taidokkaat", "board"),
    ("valmentaja@osuus.example", "taidokkaat", "coach"),
    ("valmentaja@osuus.example", "team-kukouri", "coach"),
    ("jasen@taidokkaat.example", "taidokkaat", "member"),
    ("admin@kukouri.example", "team-kukouri", "admin"),
    ("admin@tulikipuna.example", "tulikipuna", "admin"),
    ("admin@yrttivillitys.example", "yrttivillitys", "admin"),
]
ORG_ROLES = [
    ("kaupunki@ylojarvi.example", "ylojarvi", "admin"),
    ("hyvinvointi@pirha.example", "pirha", "member"),
]


async def load_demo() -> bool:
    """Load the demo data unless it is there already. Returns True when it loaded."""
    async with public_unit():
        if await Region.exists().where(Region.slug == "pirkanmaa").run():
            return False
    hashed = await hash_password(DEMO_PASSWORD)
    now = dt.datetime.now(dt.UTC)
    async with public_unit():
        users = {}
        for u in USERS:
            rows = (
                await User.insert(
                    User(email=u.email, name=u.name, password_hash=hashed, email_verified_at=now, language="fi")
                )
                .returning(User.id)
                .run()
            )
            users[u.email] = rows[0]["id"]
    operator_id = users["operaattori@osuus.example"]
    async with operator_unit(operator_id):
        await Operator.insert(Operator(user=operator_id)).run()
        regions = {}
        for slug, name in REGIONS:
            regions[slug] = (await Region.insert(Region(slug=slug, name=name)).returning(Region.id).run())[0]["id"]
        await RegionCoordinator.insert(
            RegionCoordinator(user=users["koordinaattori@osuus.example"], region=regions["pirkanmaa"])
        ).run()
        coops = {}
        for slug, name, region, bid, status, *_ in COOPS:
            coops[slug] = (
                await Coop.insert(Coop(slug=slug, name=name, region=regions[region], business_id=bid, status=status))
                .returning(Coop.id)
                .run()
            )[0]["id"]
        orgs = {}
        for slug, name, kind, bid, served in ORGANISATIONS:
            orgs[slug] = (
                await Organisation.insert(Organisation(slug=slug, name=name, kind=kind, business_id=bid))
                .returning(Organisation.id)
                .run()
            )[0]["id"]
            await OrganisationRegion.insert(
                *[OrganisationRegion(organisation=orgs[slug], region=regions[r]) for r in served]
            ).run()
        for email, org, role in ORG_ROLES:
            await OrganisationRole.insert(OrganisationRole(organisation=orgs[org], user=users[email], role=role)).run()
    for slug, name, _region, _bid, _status, description, town in COOPS:
        coop_id = coops[slug]
        async with coop_unit(coop_id):
            for email, coop_slug, role in COOP_ROLES:
                if coop_slug == slug:
                    await CoopRole.insert(CoopRole(coop=coop_id, user=users[email], role=role)).run()
            await CoopProfile.insert(
                CoopProfile(
                    coop=coop_id,
                    description=description,
                    email=f"info@{slug}.example",
                    phone="040 123 4567",
                    address=f"Rantakatu 5, {town}",
                )
            ).run()
            author = users[next(e for e, c, r in COOP_ROLES if c == slug and r == "admin")]
            await add_notice(
                coop_id,
                author,
                "Tervetuloa Osuukseen",
                f"{name} käyttää nyt Osuusta. Täällä näet osuuskunnan tiedotteet.",
            )
            if slug == "taidokkaat":
                await add_notice(
                    coop_id,
                    author,
                    "Pihatöitä keväälle",
                    "Voimme tehdä kaupungin puistoissa pihatöitä huhtikuusta alkaen. "
                    "Meillä on neljä tekijää ja valmentaja.",
                    orgs["ylojarvi"],
                )
                await load_coop_demo(coop_id, users, (orgs["ylojarven-seurakunta"], "Ylöjärven seurakunta"))
                from osuus.tenants.meetings.demo import load_meeting_demo

                await load_meeting_demo(coop_id, author)
    await load_catalogue_demo(coops, orgs)
    # Work and employment read the register and the catalogue, so they come last.
    from osuus.tenants.employment.demo import load_employment_demo
    from osuus.tenants.work.demo import load_work_demo

    async with coop_unit(coops["taidokkaat"]):
        await load_employment_demo(coops["taidokkaat"], users)
        await load_work_demo(coops["taidokkaat"], users)
    return True
