"""Monitor test factories: a fresh coop with people in every role, members, family links and seats written
straight to the tables, and the outbox, audit and activity rows read back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from osuus.platform.tables import AuditLog, Outbox, User
from osuus.platform.tenancy import coop_unit, public_unit
from osuus.tenants.governance.tables import BoardSeat
from osuus.tenants.members.tables import FamilyLink, Member
from osuus.tenants.monitor.tables import CoopStatus
from osuus.tenants.noticeboard.tables import Activity
from tests.fixtures import (
    ROLES,
    grant,
    make_coop,
    make_region,
    make_user,
)

TERM_START = dt.date(2025, 1, 1)


@dataclass
class Place:
    """A coop of its own for one test: one person per role, plus one who is both admin and job coach."""

    id: int
    slug: str
    region: int
    emails: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)


async def make_place(region: int | None = None, status: str = "active") -> Place:
    region = region or await make_region()
    coop_id, slug = await make_coop(region, status=status)
    place = Place(coop_id, slug, region)
    for role in (*ROLES, "admin+coach"):
        email = f"{role.replace('+', '-')}.{slug}@example.fi"
        user = await make_user(email, name=f"{role.title()} {slug}")
        for one in role.split("+"):
            await grant(coop_id, user, one)
        place.emails[role], place.users[role] = email, user
    return place


async def add_members(place: Place, *names: str, member_class: str = "member", status: str = "active") -> list[int]:
    async with coop_unit(place.id):
        rows = (
            await Member.insert(
                *[Member(coop=place.id, name=n, member_class=member_class, status=status) for n in names]
            )
            .returning(Member.id)
            .run()
        )
    return [int(r["id"]) for r in rows]


async def add_seat(place: Place, member_id: int | None, role: str = "member", has_vote: bool = True) -> int:
    async with coop_unit(place.id):
        rows = (
            await BoardSeat.insert(
                BoardSeat(
                    coop=place.id,
                    member=member_id,
                    holder_name="Hallituksen jäsen",
                    role=role,
                    kind="business_mentor" if not has_vote else "partial_work_ability",
                    has_vote=has_vote,
                    term_start=TERM_START,
                )
            )
            .returning(BoardSeat.id)
            .run()
        )
    return int(rows[0]["id"])


async def link(place: Place, member_id: int, relative_id: int, relation: str = "spouse") -> None:
    async with coop_unit(place.id):
        await FamilyLink.insert(
            FamilyLink(coop=place.id, member=member_id, relative=relative_id, relation=relation)
        ).run()


async def set_language(user_id: int, language: str) -> None:
    async with public_unit(user_id=user_id):
        await User.update({User.language: language}).where(User.id == user_id).run()


async def mails(place: Place) -> list[dict[str, Any]]:
    """The coop's queued e-mails (outbox rows for the send_email actor), oldest first."""
    async with coop_unit(place.id):
        rows = (
            await Outbox.select(Outbox.id, Outbox.payload)
            .where((Outbox.coop == place.id) & (Outbox.actor == "send_email"))
            .order_by(Outbox.id)
            .output(load_json=True)
            .run()
        )
    return [{"id": r["id"], **r["payload"]} for r in rows]


async def audits(place: Place) -> list[dict[str, Any]]:
    async with coop_unit(place.id):
        return (
            await AuditLog.select(AuditLog.actor, AuditLog.target, AuditLog.detail)
            .where((AuditLog.coop == place.id) & (AuditLog.action == "monitor.status_changed"))
            .order_by(AuditLog.id)
            .output(load_json=True)
            .run()
        )


async def activities(place: Place) -> list[dict[str, Any]]:
    async with coop_unit(place.id):
        return (
            await Activity.select(Activity.actor, Activity.kind, Activity.summary)
            .where((Activity.coop == place.id) & (Activity.kind == "monitor.status_changed"))
            .order_by(Activity.id)
            .run()
        )


async def stored(place: Place) -> dict[str, Any] | None:
    async with coop_unit(place.id):
        return (
            await CoopStatus.select(CoopStatus.level, CoopStatus.detail)
            .where(CoopStatus.coop == place.id)
            .output(load_json=True)
            .first()
            .run()
        )
