"""Demo data of meetings (Taidokkaat): one coming general meeting with its notice sent and a plain agenda."""

from __future__ import annotations

import datetime as dt

from osuus.platform.dates import HELSINKI, today
from osuus.platform.tenancy import current_coop_id
from osuus.tenants.meetings.tables import AgendaItem, Meeting

AGENDA = (
    ("Kokouksen avaus", "Hallituksen puheenjohtaja avaa kokouksen."),
    ("Puheenjohtajan ja sihteerin valinta", "Kokous valitsee puheenjohtajan ja sihteerin."),
    ("Pöytäkirjan tarkastajien valinta", "Kokous valitsee kaksi ihmistä. He tarkastavat pöytäkirjan."),
    ("Kokouksen laillisuus ja päätösvaltaisuus", "Kokous katsoo, että kutsu lähti ajoissa."),
    ("Esityslistan hyväksyminen", "Kokous hyväksyy asiat, joista se päättää."),
    ("Tilinpäätös ja toimintakertomus", "Hallitus kertoo, miten vuosi meni. Kokous vahvistaa tilinpäätöksen."),
    ("Hallituksen jäsenten valinta", "Heikki Hallituksen kausi päättyy. Kokous valitsee uuden jäsenen."),
    ("Osuusmaksun suuruus", "Hallitus ehdottaa, että osuusmaksu on edelleen 100 euroa."),
)


async def load_meeting_demo(coop_id: int, created_by: int) -> None:
    """The general meeting three weeks from today at 18.00, noticed a week ago (no mail is sent for the demo)."""
    assert current_coop_id() == coop_id, "load_meeting_demo runs inside the coop's unit"
    day = today() + dt.timedelta(days=21)
    rows = (
        await Meeting.insert(
            Meeting(
                coop=coop_id,
                kind="general",
                title="Varsinainen osuuskunnan kokous",
                starts_at=dt.datetime.combine(day, dt.time(18), tzinfo=HELSINKI),
                place="Toimisto, Rantakatu 5, Ylöjärvi",
                remote_info="Voit tulla myös etänä. Linkki tulee sähköpostiin kokouspäivänä.",
                status="noticed",
                notice_sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=7),
                created_by=created_by,
            )
        )
        .returning(Meeting.id)
        .run()
    )
    meeting_id = int(rows[0]["id"])
    await AgendaItem.insert(
        *(
            AgendaItem(coop=coop_id, meeting=meeting_id, position=n, title=title, description=text, kind="ordinary")
            for n, (title, text) in enumerate(AGENDA, start=1)
        )
    ).run()
