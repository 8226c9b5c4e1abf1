"""Demo data of work (Taidokkaat): orders in several states, offers to Maija Jäsen, her accepted jobs, approved
hours with one correction, hours and coach time waiting for approval.

Runs inside Taidokkaat's open unit, after the member register and the catalogue demo (it needs Maija's row, the
job coach's account, the items "Pihatyöt" and "Kotisiivous" and the customers). Dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from osuus.platform.dates import HELSINKI, today
from osuus.platform.reference.tables import Category
from osuus.platform.tenancy import current_coop_id
from osuus.tenants.catalogue.tables import CatalogueItem
from osuus.tenants.customers.tables import Customer
from osuus.tenants.members.tables import Member
from osuus.tenants.work.tables import (
    Assignment,
    AssignmentEvent,
    HourEntry,
    OrderEvent,
    OrderLine,
    Substitution,
    SubstitutionEvent,
    WorkerDays,
    WorkerSkill,
    WorkOrder,
)

ADMIN, COACH, WORKER = "pj@taidokkaat.example", "valmentaja@osuus.example", "jasen@taidokkaat.example"
FLOW = ("requested", "accepted", "scheduled", "in_progress", "done", "invoiced")


async def _ids(coop_id: int) -> dict[str, Any]:
    members = {
        r["name"]: r["id"] for r in await Member.select(Member.id, Member.name).where(Member.coop == coop_id).run()
    }
    items = {
        r["name_fi"]: r
        for r in await CatalogueItem.select()
        .where((CatalogueItem.coop == coop_id) & CatalogueItem.name_fi.is_in(["Pihatyöt", "Kotisiivous"]))
        .run()
    }
    rows = await Customer.select(Customer.id, Customer.kind).where(Customer.coop == coop_id).order_by(Customer.id).run()
    customers = {r["kind"]: r["id"] for r in reversed(rows)}  # the first customer of each kind
    return {"members": members, "items": items, "customers": customers}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HELSINKI)


async def _order(
    coop_id: int,
    admin: int,
    title: str,
    status: str,
    day: dt.date,
    lines: list[tuple[dict[str, Any], str]],
    *,
    hours: tuple[int, int] | None = None,
    customer_id: int | None = None,
    customer_name: str = "",
    place: str = "",
    notes: str = "",
    created_days_before: int = 10,
) -> int:
    """An order with its lines and a dated history up to `status` (or cancelled after "accepted")."""
    made = _at(day - dt.timedelta(days=created_days_before), 10)
    rows = (
        await WorkOrder.insert(
            WorkOrder(
                coop=coop_id, title=title, status=status, source="staff", customer=customer_id,
                customer_name=customer_name, place=place, day=day,
                starts_at=_at(day, hours[0]) if hours else None, ends_at=_at(day, hours[1]) if hours else None,
                notes=notes, created_by=admin, created_at=made, updated_at=made,
            )
        )
        .returning(WorkOrder.id)
        .run()
    )  # fmt: skip
    order_id = int(rows[0]["id"])
    for item, quantity in lines:
        await OrderLine.insert(
            OrderLine(
                coop=coop_id, order=order_id, item=item["id"], name=item["name_fi"], quantity=Decimal(quantity),
                unit=item["unit"], price_cents=item["price_cents"], vat_code=item["vat_code"],
                household_credit=item["household_credit"], labour_share=item["labour_share"],
            )
        ).run()  # fmt: skip
    steps = ["created"]
    if status == "cancelled":
        steps += ["accepted", "cancelled"]
    else:
        steps += list(FLOW[1 : FLOW.index(status) + 1])
    previous = ""
    for n, kind in enumerate(steps):
        to = "requested" if kind == "created" else kind
        await OrderEvent.insert(
            OrderEvent(
                coop=coop_id, order=order_id, kind=kind, from_status=previous, to_status=to, by=admin,
                at=made + dt.timedelta(days=n),
            )
        ).run()  # fmt: skip
        previous = to
    return order_id


async def _assignment(
    coop_id: int,
    order_id: int,
    day: dt.date,
    minutes: int,
    status: str,
    by: int,
    *,
    member_id: int | None = None,
    coach_id: int | None = None,
    answered_by: int | None = None,
    note: str = "",
) -> int:
    offered = _at(day - dt.timedelta(days=7), 9)
    answered = offered + dt.timedelta(hours=5) if status != "offered" else None
    rows = (
        await Assignment.insert(
            Assignment(
                coop=coop_id, order=order_id, role="coach" if coach_id else "worker", member=member_id,
                coach=coach_id, status=status, planned_day=day, planned_minutes=minutes, note=note, offered_by=by,
                created_at=offered, answered_at=answered,
            )
        )
        .returning(Assignment.id)
        .run()
    )  # fmt: skip
    assignment_id = int(rows[0]["id"])
    if coach_id:
        await AssignmentEvent.insert(
            AssignmentEvent(coop=coop_id, assignment=assignment_id, kind="joined", by=coach_id, at=offered)
        ).run()
        return assignment_id
    await AssignmentEvent.insert(
        AssignmentEvent(coop=coop_id, assignment=assignment_id, kind="offered", by=by, note=note, at=offered)
    ).run()
    if answered is not None:
        await AssignmentEvent.insert(
            AssignmentEvent(coop=coop_id, assignment=assignment_id, kind=status, by=answered_by, at=answered)
        ).run()
    return assignment_id


async def _hours(
    coop_id: int,
    assignment_id: int,
    order_id: int,
    day: dt.date,
    start: tuple[int, int],
    end: tuple[int, int],
    by: int,
    *,
    member_id: int | None = None,
    coach_id: int | None = None,
    approved_by: int | None = None,
    note: str = "",
    supersedes: int | None = None,
    source: str = "quick",
) -> int:
    started, ended = _at(day, *start), _at(day, *end)
    approved_at = ended + dt.timedelta(days=1) if approved_by else None
    rows = (
        await HourEntry.insert(
            HourEntry(
                coop=coop_id, assignment=assignment_id, order=order_id, member=member_id, coach=coach_id, day=day,
                started_at=started, ended_at=ended, minutes=int((ended - started).total_seconds() // 60),
                source=source, status="approved" if approved_by else "waiting", note=note,
                supersedes_id=supersedes, chain_id=supersedes, created_by=by, created_at=ended,
                approved_at=approved_at, approved_by=approved_by,
            )
        )
        .returning(HourEntry.id)
        .run()
    )  # fmt: skip
    return int(rows[0]["id"])


async def load_work_demo(coop_id: int, users: dict[str, int]) -> None:
    """Taidokkaat's work: an invoiced and a done garden job with approved hours (one corrected), the city's park
    work going on with Maija's hours and the coach's time waiting for approval, Maija's accepted home cleaning
    next week, an offer of home cleaning waiting for her answer, a new order, and a cancelled one.

    Runs inside the coop's open unit after its member register and the catalogue demo. `users` maps demo e-mail
    addresses to account ids (pj@taidokkaat.example, valmentaja@osuus.example, jasen@taidokkaat.example)."""
    assert current_coop_id() == coop_id, "load_work_demo runs inside the coop's unit"
    ids = await _ids(coop_id)
    admin, coach, maija_user = users[ADMIN], users[COACH], users[WORKER]
    maija = ids["members"]["Maija Jäsen"]
    garden, cleaning = ids["items"]["Pihatyöt"], ids["items"]["Kotisiivous"]
    household, city = ids["customers"].get("household"), ids["customers"].get("public")
    on = today()
    home = "Kuusikkotie 7, 33470 Ylöjärvi"

    spring = on - dt.timedelta(days=40)
    invoiced = await _order(
        coop_id, admin, "Kevään pihatyöt, Kuusikkotie 7", "invoiced", spring, [(garden, "3")], hours=(9, 12),
        customer_id=household, place=home,
    )  # fmt: skip
    a = await _assignment(coop_id, invoiced, spring, 180, "accepted", admin, member_id=maija, answered_by=maija_user)
    await _hours(coop_id, a, invoiced, spring, (9, 0), (12, 0), maija_user, member_id=maija, approved_by=coach)

    autumn = on - dt.timedelta(days=10)
    done = await _order(
        coop_id, admin, "Syksyn haravointi, Kuusikkotie 7", "done", autumn, [(garden, "3")], hours=(9, 12),
        customer_id=household, place=home, notes="Lehdet kompostiin pihan perälle.",
    )  # fmt: skip
    a = await _assignment(coop_id, done, autumn, 180, "accepted", admin, member_id=maija, answered_by=maija_user)
    first = await _hours(
        coop_id, a, done, autumn, (9, 0), (12, 30), maija_user, member_id=maija, approved_by=coach, source="timer"
    )
    await _hours(
        coop_id, a, done, autumn, (9, 0), (12, 0), coach, member_id=maija, approved_by=coach, supersedes=first,
        source="correction", note="Kello jäi päälle lounastauon ajaksi.",
    )  # fmt: skip

    yesterday = on - dt.timedelta(days=1)
    park = await _order(
        coop_id, admin, "Puistojen pihatyöt", "in_progress", yesterday, [(garden, "8")], hours=(8, 15),
        customer_id=city, place="Kirkonseudun puistot, Ylöjärvi",
        notes="Kaupunki antaa välineet. Tapaaminen puiston portilla.",
    )  # fmt: skip
    a = await _assignment(coop_id, park, yesterday, 7 * 60, "accepted", admin, member_id=maija, answered_by=maija_user)
    await _hours(coop_id, a, park, yesterday, (8, 0), (12, 0), maija_user, member_id=maija)
    c = await _assignment(coop_id, park, yesterday, 2 * 60, "accepted", coach, coach_id=coach)
    await _hours(coop_id, c, park, yesterday, (8, 0), (10, 0), coach, coach_id=coach, note="Perehdytys.")

    next_week = on + dt.timedelta(days=7)
    windows = await _order(
        coop_id, admin, "Kotisiivous, Kuusikkotie 7", "scheduled", next_week, [(cleaning, "3")], hours=(9, 12),
        customer_id=household, place=home, notes="Ikkunat ja lattiat.",
    )  # fmt: skip
    await _assignment(coop_id, windows, next_week, 180, "accepted", admin, member_id=maija, answered_by=maija_user)

    soon = on + dt.timedelta(days=3)
    offer = await _order(
        coop_id, admin, "Kotisiivous, Koivukuja 3", "scheduled", soon, [(cleaning, "2")], hours=(13, 15),
        customer_name="Pekka Pihamaa", place="Koivukuja 3, 33470 Ylöjärvi", notes="Kissa on kotona.",
    )  # fmt: skip
    await _assignment(coop_id, offer, soon, 120, "offered", coach, member_id=maija, note="Tämä sopisi sinulle hyvin.")

    await _order(
        coop_id, admin, "Pensasaidan leikkaus", "requested", on + dt.timedelta(days=14), [(garden, "2")],
        customer_name="Aila Aitamaa", place="Aitatie 2, 33470 Ylöjärvi", created_days_before=15,
    )  # fmt: skip
    await _order(
        coop_id, admin, "Lumityöt, Kuusikkotie 7", "cancelled", on - dt.timedelta(days=20), [(garden, "1")],
        customer_id=household, place=home,
    )  # fmt: skip

    await _substitutes(coop_id, ids, admin, cleaning, household)


# Who can do what, and on which days (the substitute proposer reads these).
SKILLS = {
    "Maija Jäsen": (("gardening", "cleaning"), "12345"),
    "Sanna Saarinen": (("cleaning", "gardening"), "12345"),
    "Leena Laine": (("cleaning",), "1234567"),
    "Matti Jäsen": (("gardening",), "67"),
}


async def _substitutes(
    coop_id: int, ids: dict[str, Any], admin: int, cleaning: dict[str, Any], household: int | None
) -> None:
    """Skills and work days for four people, and a search that is open now: Sanna cannot come to window cleaning
    in five days, and the job is offered to Maija and Leena (who have the skill and work that day)."""
    members = ids["members"]
    categories = {r["slug"]: r["id"] for r in await Category.select(Category.id, Category.slug).run()}
    for name, (skills, days) in SKILLS.items():
        if name not in members:
            continue
        for slug in skills:
            await WorkerSkill.insert(WorkerSkill(coop=coop_id, member=members[name], category=categories[slug])).run()
        await WorkerDays.insert(WorkerDays(coop=coop_id, member=members[name], days=days)).run()
    if not {"Sanna Saarinen", "Maija Jäsen", "Leena Laine"} <= set(members):
        return
    day = today() + dt.timedelta(days=5)
    while day.isoweekday() > 5:  # a weekday, so that the proposer finds people
        day += dt.timedelta(days=1)
    order = await _order(
        coop_id, admin, "Ikkunanpesu, Rantatie 2", "scheduled", day, [(cleaning, "2")], hours=(10, 12),
        customer_id=household, customer_name="" if household else "Liisa Laaksonen", place="Rantatie 2, 33470 Ylöjärvi",
    )  # fmt: skip
    sanna = await _assignment(coop_id, order, day, 120, "accepted", admin, member_id=members["Sanna Saarinen"])
    asked = _at(today(), 8)
    rows = (
        await Substitution.insert(
            Substitution(
                coop=coop_id, order=order, assignment=sanna, member=members["Sanna Saarinen"], status="open",
                reason="Lääkäriaika samana päivänä.", created_at=asked,
            )
        )
        .returning(Substitution.id)
        .run()
    )  # fmt: skip
    search = int(rows[0]["id"])
    await SubstitutionEvent.insert(
        SubstitutionEvent(coop=coop_id, substitution=search, kind="asked", member=members["Sanna Saarinen"], at=asked)
    ).run()
    await AssignmentEvent.insert(AssignmentEvent(coop=coop_id, assignment=sanna, kind="cant_come", at=asked)).run()
    for name in ("Maija Jäsen", "Leena Laine"):
        rows = (
            await Assignment.insert(
                Assignment(
                    coop=coop_id, order=order, role="worker", member=members[name], status="offered",
                    planned_day=day, planned_minutes=120, substitution_id=search, created_at=asked,
                )
            )
            .returning(Assignment.id)
            .run()
        )  # fmt: skip
        await AssignmentEvent.insert(
            AssignmentEvent(coop=coop_id, assignment=int(rows[0]["id"]), kind="offered", at=asked)
        ).run()
        await SubstitutionEvent.insert(
            SubstitutionEvent(coop=coop_id, substitution=search, kind="offered", member=members[name], at=asked)
        ).run()
