"""Fixtures for the share register: a coop of its own with a person per role, rows made straight in the database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.tables import Member
from osuus.tenants.shares import pdf
from osuus.tenants.shares.tables import PaymentPlan, ShareChange, SharePayment, SharePolicy, SupportingFee
from tests.fixtures import (
    ROLES,
    Browser,
    SignIn,
    browsers_by_email,
    english,
    grant,
    make_coop,
    make_region,
    make_user,
    unique,
)

SHARE_TABLES = ("share_policy", "payment_plan", "share_payment", "share_change", "supporting_fee", "audit_log")


async def make_member(
    coop_id: int,
    name: str | None = None,
    user_id: int | None = None,
    status: str = "active",
    member_class: str = "member",
    left_on: dt.date | None = None,
) -> int:
    """A member row; `left_on` makes one who left (status "left")."""
    async with coop_unit(coop_id):
        rows = (
            await Member.insert(
                Member(
                    coop=coop_id,
                    name=name or unique("Jäsen"),
                    user=user_id,
                    member_class=member_class,
                    status="left" if left_on else status,
                    joined_on=dt.date(2025, 1, 15),
                    left_on=left_on,
                )
            )
            .returning(Member.id)
            .run()
        )
    return int(rows[0]["id"])


async def add_policy(
    coop_id: int,
    valid_from: dt.date,
    price: int,
    required: int = 1,
    supporting: int = 0,
    by: str = "Hallitus",
    year_end: tuple[int, int] = (31, 12),
    refund_months: int = 6,
    keep_existing: bool = False,
) -> None:
    """A fee from `valid_from`. `keep_existing`: for the session-wide world coops, whose fee another module may have
    set on the same day already (one fee a day): then that fee stays."""
    async with coop_unit(coop_id):
        if keep_existing and await SharePolicy.exists().where(
            (SharePolicy.coop == coop_id) & (SharePolicy.valid_from == valid_from)
        ):
            return
        await SharePolicy.insert(
            SharePolicy(
                coop=coop_id,
                valid_from=valid_from,
                share_price_cents=price,
                shares_required=required,
                supporting_fee_cents=supporting,
                year_end_day=year_end[0],
                year_end_month=year_end[1],
                refund_months=refund_months,
                decided_by=by,
            )
        ).run()


async def subscribe(coop_id: int, member_id: int, shares: int, value: int, on: dt.date = dt.date(2026, 1, 2)) -> None:
    async with coop_unit(coop_id):
        await ShareChange.insert(
            ShareChange(
                coop=coop_id, member=member_id, shares=shares, value_cents=value, on_date=on, reason="subscribed"
            )
        ).run()


async def pay(
    coop_id: int,
    member_id: int,
    amount: int,
    kind: str = "payment",
    on: dt.date = dt.date(2026, 1, 3),
    source: str = "bank",
) -> None:
    async with coop_unit(coop_id):
        await SharePayment.insert(
            SharePayment(
                coop=coop_id, member=member_id, amount_cents=amount, kind=kind, paid_on=on, source=source, reference=""
            )
        ).run()


async def pay_fee(coop_id: int, member_id: int, year: int, amount: int, on: dt.date = dt.date(2026, 2, 1)) -> None:
    async with coop_unit(coop_id):
        await SupportingFee.insert(
            SupportingFee(coop=coop_id, member=member_id, year=year, amount_cents=amount, paid_on=on)
        ).run()


async def add_plan(
    coop_id: int,
    member_id: int,
    total: int,
    instalment: int,
    protected: int = 0,
    kind: str = "wage_deduction",
    starts_on: dt.date = dt.date(2026, 1, 1),
) -> int:
    async with coop_unit(coop_id):
        rows = (
            await PaymentPlan.insert(
                PaymentPlan(
                    coop=coop_id,
                    member=member_id,
                    kind=kind,
                    total_cents=total,
                    instalment_cents=instalment,
                    protected_net_cents=protected,
                    starts_on=starts_on,
                    status="active",
                )
            )
            .returning(PaymentPlan.id)
            .run()
        )
    return int(rows[0]["id"])


async def snapshot(coop_id: int, tables: tuple[str, ...] = SHARE_TABLES) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in tables:
            rows[table] = await Member.raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id).run()
    return rows


async def audit_rows(coop_id: int, action: str) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await Member.raw(
            "SELECT target, detail FROM audit_log WHERE coop_id = {} AND action = {} ORDER BY id", coop_id, action
        ).run()


def text(html: str) -> str:
    """The page with every run of white space (no-break spaces too) as one space, for exact sentences in asserts."""
    return re.sub(r"\s+", " ", html)


@dataclass
class SharesCoop:
    id: int
    slug: str
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    browsers: dict[str, Browser] = field(default_factory=dict)
    own_member: int = 0  # the member row of the person with the member role


@pytest.fixture(scope="module")
async def shares_coop(app: Any) -> AsyncIterator[SharesCoop]:
    """A coop of this module's own (coop A of the shared world must stay unlinked for the members tests)."""
    coop_id, slug = await make_coop(await make_region())
    coop = SharesCoop(coop_id, slug)
    for role in ROLES:
        coop.emails[role] = f"{role}.{slug}@example.fi"
        coop.users[role] = await make_user(coop.emails[role], name=f"{role.title()} {slug}")
        await grant(coop_id, coop.users[role], role)
        browser = Browser(app)
        await browser.signin(coop.emails[role])
        coop.browsers[role] = await english(browser)
    coop.own_member = await make_member(coop_id, "Maija Mäkelä", user_id=coop.users["member"])
    yield coop
    for browser in coop.browsers.values():
        await browser.close()


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """One signed-in browser per person for the module, reading pages in English."""
    async with browsers_by_email(app, in_english=True) as get:
        yield get


@pytest.fixture
def readable_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFs without compression, so that a test can find the text in them."""
    monkeypatch.setattr(pdf, "COMPRESS", False)
