"""Fixtures for the member register: members made straight in the database, signed-in browsers, snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit, relay_unit
from osuus.tenants.members.tables import FamilyLink, Member, MemberEvent
from tests.fixtures import (
    SignIn,
    browsers_by_email,
    unique,
)


async def make_member(
    coop_id: int,
    name: str | None = None,
    member_class: str = "member",
    status: str = "active",
    email: str = "",
    user_id: int | None = None,
    org_id: int | None = None,
    on_date: dt.date = dt.date(2025, 1, 15),
) -> int:
    """A member row with the one event that made it (applied or admitted)."""
    async with coop_unit(coop_id):
        rows = (
            await Member.insert(
                Member(
                    coop=coop_id,
                    name=name or unique("Jäsen"),
                    email=email,
                    user=user_id,
                    organisation=org_id,
                    member_class=member_class,
                    status=status,
                    applied_on=on_date if status == "applied" else None,
                    joined_on=None if status == "applied" else on_date,
                )
            )
            .returning(Member.id)
            .run()
        )
        member_id = int(rows[0]["id"])
        kind = "applied" if status == "applied" else "admitted"
        await MemberEvent.insert(
            MemberEvent(coop=coop_id, member=member_id, kind=kind, on_date=on_date, decided_by="Perustava kokous")
        ).run()
    return member_id


async def link(coop_id: int, member_id: int, relative_id: int, relation: str = "sibling") -> int:
    async with coop_unit(coop_id):
        rows = (
            await FamilyLink.insert(FamilyLink(coop=coop_id, member=member_id, relative=relative_id, relation=relation))
            .returning(FamilyLink.id)
            .run()
        )
    return int(rows[0]["id"])


async def raw(sql: str, *args: object) -> list[dict[str, Any]]:
    return await Member.raw(sql, *args).run()


MEMBER_TABLES = ("member", "member_event", "family_link", "activity", "audit_log", "coop_role")


async def snapshot(coop_id: int) -> dict[str, Any]:
    """Everything of one coop that a members request could change."""
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in MEMBER_TABLES:
            rows[table] = await raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id)
        # Ids and addressees only: the worker replaces a sent mail's body, at any moment.
        rows["outbox"] = await raw(
            "SELECT id, payload->>'to' AS to FROM outbox WHERE coop_id = {} ORDER BY id", coop_id
        )
    return rows


async def member_row(coop_id: int, member_id: int) -> dict[str, Any]:
    async with coop_unit(coop_id):
        row = await Member.select().where((Member.coop == coop_id) & (Member.id == member_id)).first().run()
    assert row is not None
    return row


async def events_of(coop_id: int, member_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await (
            MemberEvent.select(
                MemberEvent.kind, MemberEvent.on_date, MemberEvent.decided_by, MemberEvent.note, MemberEvent.recorded_by
            )
            .where((MemberEvent.coop == coop_id) & (MemberEvent.member == member_id))
            .order_by(MemberEvent.id)
            .run()
        )


async def outbox_to(address: str) -> list[dict[str, Any]]:
    async with relay_unit():
        return await raw("SELECT id, coop_id, payload FROM outbox WHERE payload->>'to' = {} ORDER BY id", address)


async def audit_actions(coop_id: int, target: str) -> list[str]:
    async with coop_unit(coop_id):
        rows = await raw("SELECT action FROM audit_log WHERE coop_id = {} AND target = {} ORDER BY id", coop_id, target)
    return [r["action"] for r in rows]


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """One signed-in browser per person for the module, reading pages in English."""
    async with browsers_by_email(app, in_english=True) as get:
        yield get
