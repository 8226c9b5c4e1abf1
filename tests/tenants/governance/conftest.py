"""Board test factories: members and seats written straight to the tables, and reading a coop's board rows back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.governance.tables import BoardSeat
from osuus.tenants.members.tables import Member
from tests.fixtures import ROLES, Browser, grant, make_coop, make_region, make_user


async def make_member(coop_id: int, name: str, status: str = "active", member_class: str = "member") -> int:
    async with coop_unit(coop_id):
        rows = (
            await Member.insert(Member(coop=coop_id, name=name, member_class=member_class, status=status))
            .returning(Member.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_seat(
    coop_id: int,
    holder: str = "Hanna Hallitus",
    role: str = "member",
    kind: str = "partial_work_ability",
    has_vote: bool = True,
    start: dt.date = dt.date(2025, 1, 1),
    end: dt.date | None = None,
    member_id: int | None = None,
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
                    term_start=start,
                    term_end=end,
                )
            )
            .returning(BoardSeat.id)
            .run()
        )
    return int(rows[0]["id"])


async def board_rows(coop_id: int) -> dict[str, list[dict[str, Any]]]:
    """Everything of one coop a board request could change: seats, the plan and the audit log."""
    async with coop_unit(coop_id):
        return {
            table: await BoardSeat.raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id).run()
            for table in ("board_seat", "board_target", "audit_log")
        }


async def clear_board(coop_id: int) -> None:
    async with coop_unit(coop_id):
        await BoardSeat.raw("DELETE FROM board_seat WHERE coop_id = {}", coop_id).run()
        await BoardSeat.raw("DELETE FROM board_target WHERE coop_id = {}", coop_id).run()


# --- a coop of its own for the board's route tests (the session's world is shared by other modules) ------------


@dataclass
class BoardCoop:
    id: int
    slug: str
    emails: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    browsers: dict[str, Browser] = field(default_factory=dict)  # role -> signed-in browser, English pages


@pytest.fixture(scope="module")
async def board_coop(app: Any) -> AsyncIterator[BoardCoop]:
    coop_id, slug = await make_coop(await make_region())
    coop = BoardCoop(coop_id, slug)
    for role in ROLES:
        coop.emails[role] = f"{role}.{slug}@example.fi"
        coop.users[role] = await make_user(coop.emails[role], name=f"{role.title()} {slug}")
        await grant(coop_id, coop.users[role], role)
        browser = Browser(app)
        await browser.signin(coop.emails[role])
        # English pages: the tests read the English message ids, which stay put when translations arrive.
        assert (await browser.post("/lang", {"lang": "en", "next": "/me"})).status_code == 303
        coop.browsers[role] = browser
    yield coop
    for browser in coop.browsers.values():
        await browser.close()


@pytest.fixture
async def board(board_coop: BoardCoop) -> BoardCoop:
    """The module's coop with an empty board and no plan of its own."""
    await clear_board(board_coop.id)
    return board_coop
