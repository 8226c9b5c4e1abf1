"""Vote test factories: a coop of its own with people in every role, voters with accounts, meetings and items
written straight to the tables, and everything of a coop a vote could change, read back for comparisons."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from osuus.platform.context import CoopContext, Viewer
from osuus.platform.tenancy import coop_unit
from osuus.tenants.governance.tables import BoardSeat
from osuus.tenants.meetings.tables import AgendaItem, Attendance, Meeting, MeetingRules
from osuus.tenants.members.tables import Member
from tests.fixtures import ROLES, Browser, grant, make_coop, make_region, make_user, unique

NOW = dt.datetime.now(dt.UTC)
VOTE_TABLES = ("vote", "vote_candidate", "vote_cast", "ballot", "vote_tally", "agenda_item", "member", "audit_log")


def ctx_for(coop_id: int, slug: str, user_id: int, roles: tuple[str, ...], name: str = "Testi") -> CoopContext:
    viewer = Viewer(id=user_id, email=f"{user_id}@example.fi", name=name, language="en")
    return CoopContext(id=coop_id, slug=slug, name=f"Osuuskunta {slug}", status="active", roles=roles, viewer=viewer)


async def make_member(
    coop_id: int,
    name: str,
    member_class: str = "member",
    status: str = "active",
    user_id: int | None = None,
    joined_on: dt.date | None = dt.date(2025, 1, 1),
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Member.insert(
                Member(
                    coop=coop_id,
                    name=name,
                    member_class=member_class,
                    status=status,
                    user=user_id,
                    joined_on=joined_on if status != "applied" else None,
                    applied_on=dt.date(2025, 1, 1) if status == "applied" else None,
                )
            )
            .returning(Member.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_meeting(
    coop_id: int, kind: str = "general", status: str = "held", starts_at: dt.datetime | None = None
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Meeting.insert(
                Meeting(
                    coop=coop_id,
                    kind=kind,
                    title="Hallituksen kokous" if kind == "board" else "Varsinainen osuuskuntakokous",
                    starts_at=starts_at or NOW,
                    status=status,
                )
            )
            .returning(Meeting.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_item(
    coop_id: int,
    meeting_id: int,
    title: str = "Ostetaanko ruohonleikkuri?",
    kind: str = "ordinary",
    member_id: int | None = None,
) -> int:
    async with coop_unit(coop_id):
        position = await AgendaItem.count().where(AgendaItem.meeting == meeting_id).run()
        rows = (
            await AgendaItem.insert(
                AgendaItem(
                    coop=coop_id, meeting=meeting_id, position=position + 1, title=title, kind=kind, member=member_id
                )
            )
            .returning(AgendaItem.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_attendance(
    coop_id: int, meeting_id: int, member_id: int, mode: str = "in_person", holder: int | None = None
) -> None:
    async with coop_unit(coop_id):
        await Attendance.insert(
            Attendance(coop=coop_id, meeting=meeting_id, member=member_id, mode=mode, proxy_holder=holder)
        ).run()


async def set_rules(coop_id: int, max_proxies: int = 1, quorum: int = 0) -> None:
    """The coop's own meeting rules (once per coop: the app may not delete them)."""
    async with coop_unit(coop_id):
        await MeetingRules.insert(
            MeetingRules(coop=coop_id, max_proxies_per_person=max_proxies, general_quorum_members=quorum)
        ).run()


async def make_seat(
    coop_id: int,
    holder: str,
    member_id: int | None = None,
    kind: str = "partial_work_ability",
    has_vote: bool = True,
    role: str = "member",
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await BoardSeat.insert(
                BoardSeat(
                    coop=coop_id,
                    member=member_id,
                    holder_name=holder,
                    role=role,
                    kind=kind,
                    has_vote=has_vote,
                    term_start=dt.date(2025, 1, 1),
                    term_end=None,
                )
            )
            .returning(BoardSeat.id)
            .run()
        )
    return int(rows[0]["id"])


async def rows_of(coop_id: int, tables: tuple[str, ...] = VOTE_TABLES) -> dict[str, list[dict[str, Any]]]:
    """Every row a vote action of this coop could change, for before/after comparisons."""
    async with coop_unit(coop_id):
        return {
            t: await Member.raw(f"SELECT * FROM {t} WHERE coop_id = {{}} ORDER BY id", coop_id).run() for t in tables
        }


@dataclass
class Person:
    member_id: int
    user_id: int
    email: str
    name: str
    ctx: CoopContext


@dataclass
class VoteCoop:
    """A fresh coop for one test: a person in every role (with contexts), voters made on demand, browsers."""

    id: int
    slug: str
    app: Any
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    ctx: dict[str, CoopContext] = field(default_factory=dict)
    _browsers: dict[str, Browser] = field(default_factory=dict)

    async def voter(self, name: str | None = None, member_class: str = "member", status: str = "active") -> Person:
        """A person with an account (role member) and a row in the register."""
        name = name or f"Jäsen {unique('v')}"
        email = f"{unique('voter')}.{self.slug}@example.fi"
        user_id = await make_user(email, name=name)
        await grant(self.id, user_id, "member")
        member_id = await make_member(self.id, name, member_class, status, user_id)
        return Person(member_id, user_id, email, name, ctx_for(self.id, self.slug, user_id, ("member",), name))

    async def voters(self, n: int) -> list[Person]:
        return [await self.voter(f"Äänestäjä {i + 1} {unique('n')}") for i in range(n)]

    async def browser(self, email_or_role: str) -> Browser:
        """A signed-in browser with English pages (the tests read the English message ids)."""
        email = self.emails.get(email_or_role, email_or_role)
        if email not in self._browsers:
            browser = Browser(self.app)
            await browser.signin(email)
            assert (await browser.post("/lang", {"lang": "en", "next": "/me"})).status_code == 303
            self._browsers[email] = browser
        return self._browsers[email]


@pytest.fixture
async def vcoop(app: Any) -> AsyncIterator[VoteCoop]:
    coop_id, slug = await make_coop(await make_region())
    coop = VoteCoop(coop_id, slug, app)
    for role in ROLES:
        coop.emails[role] = f"{role}.{slug}@example.fi"
        coop.users[role] = await make_user(coop.emails[role], name=f"{role.title()} {slug}")
        await grant(coop_id, coop.users[role], role)
        coop.ctx[role] = ctx_for(coop_id, slug, coop.users[role], (role,), f"{role.title()} {slug}")
    yield coop
    for browser in coop._browsers.values():
        await browser.close()
