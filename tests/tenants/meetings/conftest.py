"""Meeting test factories: meetings, items and attendance written straight to the tables, and snapshots."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from osuus.platform.dates import HELSINKI, today
from osuus.platform.tenancy import coop_unit, relay_unit
from osuus.tenants.meetings.tables import AgendaItem, Attendance, Meeting, MeetingRules
from tests.fixtures import ROLES, Browser, english, grant, make_coop, make_region, make_user
from tests.tenants.governance.conftest import make_seat
from tests.tenants.members.conftest import make_member, member_row, signed_in

__all__ = ["english", "make_member", "make_seat", "member_row", "signed_in"]


def at(days: int, hour: int = 18, minute: int = 0) -> dt.datetime:
    """A time `days` days from today in Finland."""
    return dt.datetime.combine(today() + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=HELSINKI)


async def make_meeting(
    coop_id: int,
    kind: str = "general",
    title: str = "Kevätkokous",
    days: int = 20,
    status: str = "draft",
    place: str = "Toimisto, Rantakatu 5",
    notice_sent: bool = False,
    **extra: Any,
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Meeting.insert(
                Meeting(
                    coop=coop_id,
                    kind=kind,
                    title=title,
                    starts_at=at(days),
                    place=place,
                    status=status,
                    notice_sent_at=dt.datetime.now(dt.UTC) if notice_sent else None,
                    **extra,
                )
            )
            .returning(Meeting.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_item(
    coop_id: int,
    meeting_id: int,
    title: str = "Asia",
    position: int | None = None,
    kind: str = "ordinary",
    member_id: int | None = None,
    outcome: str = "",
) -> int:
    async with coop_unit(coop_id):
        if position is None:
            last = await AgendaItem.raw(
                "SELECT coalesce(max(position), 0) AS n FROM agenda_item WHERE coop_id = {} AND meeting_id = {}",
                coop_id,
                meeting_id,
            ).run()
            position = int(last[0]["n"]) + 1
        rows = (
            await AgendaItem.insert(
                AgendaItem(
                    coop=coop_id,
                    meeting=meeting_id,
                    position=position,
                    title=title,
                    kind=kind,
                    member=member_id,
                    outcome=outcome,
                )
            )
            .returning(AgendaItem.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_attendance(
    coop_id: int, meeting_id: int, member_id: int, mode: str = "in_person", holder: int | None = None
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Attendance.insert(
                Attendance(coop=coop_id, meeting=meeting_id, member=member_id, mode=mode, proxy_holder=holder)
            )
            .returning(Attendance.id)
            .run()
        )
    return int(rows[0]["id"])


async def set_rules(coop_id: int, **values: int) -> None:
    await clear_rules(coop_id)
    async with coop_unit(coop_id):
        row = MeetingRules(coop=coop_id)
        for name, value in values.items():
            setattr(row, name, value)
        await MeetingRules.insert(row).run()


async def clear_rules(coop_id: int) -> None:
    """Back to the law's defaults. The app may not delete rules (it changes them), so the owner role does."""
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    try:
        await conn.execute("SELECT set_config('app.coop_id', $1, false)", str(coop_id))  # RLS is forced for owners
        await conn.execute("DELETE FROM meeting_rules WHERE coop_id = $1", coop_id)
    finally:
        await conn.close()


MEETING_TABLES = ("meeting_rules", "meeting", "agenda_item", "attendance", "member", "member_event", "audit_log")


async def snapshot(coop_id: int) -> dict[str, Any]:
    """Everything of one coop that a meetings request could change (and the addressees of its mail)."""
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in MEETING_TABLES:
            rows[table] = await Meeting.raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id).run()
        rows["outbox"] = await Meeting.raw(
            "SELECT id, payload->>'to' AS to FROM outbox WHERE coop_id = {} ORDER BY id", coop_id
        ).run()
    return rows


async def meeting_row(coop_id: int, meeting_id: int) -> dict[str, Any]:
    async with coop_unit(coop_id):
        row = await Meeting.select().where((Meeting.coop == coop_id) & (Meeting.id == meeting_id)).first().run()
    assert row is not None
    return row


async def items_of(coop_id: int, meeting_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await (
            AgendaItem.select(
                AgendaItem.id,
                AgendaItem.position,
                AgendaItem.title,
                AgendaItem.kind,
                AgendaItem.member,
                AgendaItem.outcome,
                AgendaItem.decision,
            )
            .where((AgendaItem.coop == coop_id) & (AgendaItem.meeting == meeting_id))
            .order_by(AgendaItem.position)
            .run()
        )


async def attendance_of(coop_id: int, meeting_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await (
            Attendance.select(Attendance.member, Attendance.mode, Attendance.proxy_holder)
            .where((Attendance.coop == coop_id) & (Attendance.meeting == meeting_id))
            .order_by(Attendance.id)
            .run()
        )


async def outbox_for(coop_id: int) -> list[dict[str, Any]]:
    """The coop's queued mail: to, subject, body (read through the relay, which sees every row)."""
    async with relay_unit():
        rows = await Meeting.raw(
            "SELECT id, payload FROM outbox WHERE coop_id = {} AND actor = 'send_email' ORDER BY id", coop_id
        ).run()
    return [r["payload"] if isinstance(r["payload"], dict) else json.loads(r["payload"]) for r in rows]


# --- a coop of its own for the meeting tests (the session's world is shared by other modules) -----------------


@dataclass
class MeetCoop:
    id: int
    slug: str
    name: str
    emails: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)  # role -> the person's row in the register
    browsers: dict[str, Browser] = field(default_factory=dict)  # role -> signed-in browser, English pages


@pytest.fixture(scope="module")
async def mc(app: Any) -> AsyncIterator[MeetCoop]:
    """A coop with a person in every role, each also an active member of the register with an e-mail address."""
    coop_id, slug = await make_coop(await make_region())
    coop = MeetCoop(coop_id, slug, f"Osuuskunta {slug}")
    for role in ROLES:
        coop.emails[role] = f"{role}.{slug}@example.fi"
        coop.users[role] = await make_user(coop.emails[role], name=f"{role.title()} {slug}")
        await grant(coop_id, coop.users[role], role)
        coop.members[role] = await make_member(
            coop_id, f"{role.title()} Jäsen", email=coop.emails[role], user_id=coop.users[role]
        )
        browser = Browser(app)
        await browser.signin(coop.emails[role])
        coop.browsers[role] = await english(browser)
    yield coop
    for browser in coop.browsers.values():
        await browser.close()
