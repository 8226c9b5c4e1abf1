"""Fixtures for work: people of the register with accounts, orders, assignments and hours made straight in the
database, and snapshots of everything work could change."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from osuus.platform.context import CoopContext, load_viewer
from osuus.platform.dates import HELSINKI
from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.tables import Member
from osuus.tenants.work.tables import Assignment, HourEntry, OrderEvent, OrderLine, Substitution, WorkOrder
from tests.fixtures import SignIn, browsers_by_email, grant, make_coop, make_region, make_user, unique

TABLES = (
    "work_order",
    "work_order_line",
    "work_order_event",
    "work_assignment",
    "work_assignment_event",
    "work_hours",
    "work_substitution",
    "work_substitution_event",
    "work_skill",
    "work_days",
    "work_rules",
    "order_request",
    "audit_log",
)


async def make_member(
    coop_id: int,
    name: str | None = None,
    *,
    user_id: int | None = None,
    member_class: str = "member",
    status: str = "active",
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Member.insert(
                Member(
                    coop=coop_id,
                    name=name or unique("Jäsen"),
                    member_class=member_class,
                    status=status,
                    user=user_id,
                    joined_on=dt.date(2025, 1, 1),
                )
            )
            .returning(Member.id)
            .run()
        )
    return int(rows[0]["id"])


@dataclass(frozen=True)
class Worker:
    user_id: int
    email: str
    member_id: int


async def make_worker(coop_id: int, name: str | None = None, member_class: str = "member") -> Worker:
    """A person with an account, the member role in the coop, and a row of the register linked to the account."""
    name = name or unique("Tekijä")
    email = f"{unique('tekija')}@example.fi"
    user_id = await make_user(email, name=name)
    await grant(coop_id, user_id, "member")
    member_id = await make_member(coop_id, name, user_id=user_id, member_class=member_class)
    return Worker(user_id, email, member_id)


async def make_order(
    coop_id: int,
    title: str | None = None,
    *,
    status: str = "accepted",
    day: dt.date | None = None,
    start: tuple[int, int] | None = None,
    end: tuple[int, int] | None = None,
    customer_name: str = "Liisa Laaksonen",
    item_id: int | None = None,
    quantity: str = "2",
    created_by: int | None = None,
) -> int:
    starts_at = dt.datetime.combine(day, dt.time(*start), tzinfo=HELSINKI) if day and start else None
    ends_at = dt.datetime.combine(day, dt.time(*end), tzinfo=HELSINKI) if day and end else None
    async with coop_unit(coop_id):
        rows = (
            await WorkOrder.insert(
                WorkOrder(
                    coop=coop_id,
                    title=title or unique("Työ"),
                    status=status,
                    source="staff",
                    customer_name=customer_name,
                    place="Kuusitie 3, 33470 Ylöjärvi",
                    day=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    created_by=created_by,
                )
            )
            .returning(WorkOrder.id)
            .run()
        )
        order_id = int(rows[0]["id"])
        await OrderEvent.insert(
            OrderEvent(coop=coop_id, order=order_id, kind="created", to_status="requested", by=created_by)
        ).run()
        if item_id is not None:
            await OrderLine.insert(
                OrderLine(
                    coop=coop_id, order=order_id, item=item_id, name="Pihatyöt", quantity=Decimal(quantity),
                    unit="hour", price_cents=4000, vat_code="general",
                )
            ).run()  # fmt: skip
    return order_id


async def make_assignment(
    coop_id: int,
    order_id: int,
    member_id: int | None = None,
    *,
    status: str = "accepted",
    planned_day: dt.date = dt.date(2030, 5, 6),
    planned_minutes: int = 180,
    coach_id: int | None = None,
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Assignment.insert(
                Assignment(
                    coop=coop_id,
                    order=order_id,
                    role="coach" if coach_id else "worker",
                    member=member_id,
                    coach=coach_id,
                    status=status,
                    planned_day=planned_day,
                    planned_minutes=planned_minutes,
                )
            )
            .returning(Assignment.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_substitution(coop_id: int, assignment_id: int, status: str = "open") -> int:
    """An open search for a substitute for this (accepted worker's) assignment, straight in the table."""
    async with coop_unit(coop_id):
        a = await Assignment.select().where(Assignment.id == assignment_id).first().run()
        assert a is not None
        rows = (
            await Substitution.insert(
                Substitution(
                    coop=coop_id, order=a["order_id"], assignment=assignment_id, member=a["member_id"],
                    status=status, reason="Sairas",
                )
            )
            .returning(Substitution.id)
            .run()
        )  # fmt: skip
    return int(rows[0]["id"])


async def make_hours(
    coop_id: int,
    assignment_id: int,
    day: dt.date,
    minutes: int | None,
    *,
    status: str = "waiting",
    approved_by: int | None = None,
) -> int:
    """Hours straight in the table (the member or coach and the order are copied from the assignment)."""
    async with coop_unit(coop_id):
        a = await Assignment.select().where(Assignment.id == assignment_id).first().run()
        assert a is not None
        rows = (
            await HourEntry.insert(
                HourEntry(
                    coop=coop_id,
                    assignment=assignment_id,
                    order=a["order_id"],
                    member=a["member_id"],
                    coach=a["coach_id"],
                    day=day,
                    minutes=minutes,
                    started_at=dt.datetime.now(dt.UTC) if status == "running" else None,
                    source="timer" if status == "running" else "quick",
                    status=status,
                    approved_at=dt.datetime.now(dt.UTC) if status == "approved" else None,
                    approved_by=approved_by,
                )
            )
            .returning(HourEntry.id)
            .run()
        )
    return int(rows[0]["id"])


async def raw(sql: str, *args: object) -> list[dict[str, Any]]:
    return await WorkOrder.raw(sql, *args).run()


async def snapshot(coop_id: int, tables: tuple[str, ...] = TABLES) -> dict[str, Any]:
    """Everything of one coop that a work page or API call could change."""
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in tables:
            rows[table] = await raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id)
        rows["outbox"] = await raw(
            "SELECT id, payload->>'to' AS to FROM outbox WHERE coop_id = {} ORDER BY id", coop_id
        )
    return rows


async def rows_of(coop_id: int, table: str, where: str = "TRUE", *args: object) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await raw(f"SELECT * FROM {table} WHERE coop_id = {{}} AND {where} ORDER BY id", coop_id, *args)


async def ctx_for(coop_id: int, slug: str, user_id: int) -> CoopContext:
    """The coop as this person sees it (their roles), for calling services straight."""
    viewer = await load_viewer(user_id)
    assert viewer is not None
    return CoopContext(
        id=coop_id, slug=slug, name=f"Osuuskunta {slug}", status="active", roles=viewer.coop_roles(slug),
        viewer=viewer, region_id=0,
    )  # fmt: skip


@dataclass
class Place:
    """A fresh coop of its own: a person in every role, two workers, a customer-free order flow."""

    id: int
    slug: str
    region: int
    users: dict[str, int]
    emails: dict[str, str]
    maija: Worker
    pekka: Worker


async def make_place() -> Place:
    region = await make_region()
    coop_id, slug = await make_coop(region)
    users, emails = {}, {}
    for role in ("admin", "board", "coach", "member"):
        emails[role] = f"{role}.{slug}@example.fi"
        users[role] = await make_user(emails[role], name=f"{role.title()} {slug}")
        await grant(coop_id, users[role], role)
    maija = await make_worker(coop_id, "Maija Jäsen")
    pekka = await make_worker(coop_id, "Pekka Tekijä", member_class="employee")
    return Place(coop_id, slug, region, users, emails, maija, pekka)


@pytest.fixture
async def place(db: None) -> Place:
    return await make_place()


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """One signed-in browser per person for the module, reading pages in English."""
    async with browsers_by_email(app, in_english=True) as get:
        yield get
