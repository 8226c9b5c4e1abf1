"""Fixtures for employment: a coop of the module's own with a person per role, workers, rows made in the database,
a stand-in for the work context's hours, snapshots and audit rows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit, relay_unit
from osuus.tenants.employment import pdf, service
from osuus.tenants.employment.tables import BenefitProfile, ContractTerms, EmploymentContract, OtherPay, WorkerCoach
from osuus.tenants.members.tables import Member
from tests.fixtures import ROLES, Browser, grant, make_coop, make_region, make_user, unique

SignIn = Callable[[str], Awaitable[Browser]]
TABLES = (
    "employment_contract",
    "contract_terms",
    "contract_ending",
    "benefit_profile",
    "worker_coach",
    "other_pay",
    "audit_log",
)


async def make_member(coop_id: int, name: str | None = None, user_id: int | None = None) -> int:
    async with coop_unit(coop_id):
        rows = (
            await Member.insert(
                Member(
                    coop=coop_id,
                    name=name or unique("Työntekijä"),
                    user=user_id,
                    member_class="member",
                    status="active",
                    joined_on=dt.date(2025, 1, 15),
                )
            )
            .returning(Member.id)
            .run()
        )
    return int(rows[0]["id"])


async def add_contract(
    coop_id: int,
    member_id: int,
    starts: dt.date,
    wage_cents: int,
    ends: dt.date | None = None,
    weekly_minutes: int = 20 * 60,
    amendments: tuple[tuple[dt.date, int], ...] = (),
) -> int:
    """A contract with its first terms and amendments (day, new wage), straight into the tables."""
    async with coop_unit(coop_id):
        rows = (
            await EmploymentContract.insert(
                EmploymentContract(
                    coop=coop_id,
                    member=member_id,
                    kind="fixed_term" if ends else "indefinite",
                    starts_on=starts,
                    ends_on=ends,
                    job_title="Pihatyöt",
                )
            )
            .returning(EmploymentContract.id)
            .run()
        )
        contract_id = int(rows[0]["id"])
        for day, wage in ((starts, wage_cents), *amendments):
            await ContractTerms.insert(
                ContractTerms(
                    coop=coop_id,
                    contract=contract_id,
                    valid_from=day,
                    weekly_minutes=weekly_minutes,
                    hourly_wage_cents=wage,
                    collective_agreement="Kiinteistöpalvelualan TES",
                )
            ).run()
    return contract_id


async def add_profile(coop_id: int, member_id: int, kind: str, limit: int | None, valid_from: dt.date) -> int:
    async with coop_unit(coop_id):
        sealed = service.seal_profile(coop_id, member_id, valid_from, kind, limit)
        rows = (
            await BenefitProfile.insert(
                BenefitProfile(
                    coop=coop_id,
                    member=member_id,
                    valid_from=valid_from,
                    key_id=sealed.key_id,
                    sealed=sealed.ciphertext,
                )
            )
            .returning(BenefitProfile.id)
            .run()
        )
    return int(rows[0]["id"])


async def add_pay(coop_id: int, member_id: int, day: dt.date, cents: int, note: str = "Lisä") -> None:
    async with coop_unit(coop_id):
        await OtherPay.insert(
            OtherPay(coop=coop_id, member=member_id, on_date=day, amount_cents=cents, note=note)
        ).run()


async def assign(coop_id: int, member_id: int, coach_id: int) -> None:
    async with coop_unit(coop_id):
        await WorkerCoach.insert(WorkerCoach(coop=coop_id, member=member_id, coach=coach_id)).run()


async def raw(sql: str, *args: object) -> list[dict[str, Any]]:
    return await Member.raw(sql, *args).run()


async def snapshot(coop_id: int, tables: tuple[str, ...] = TABLES) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for table in tables:
            rows[table] = await raw(f"SELECT * FROM {table} WHERE coop_id = {{}} ORDER BY id", coop_id)
        rows["outbox"] = await raw(
            "SELECT id, payload->>'to' AS to FROM outbox WHERE coop_id = {} ORDER BY id", coop_id
        )
    return rows


async def audit_rows(coop_id: int, action: str) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        rows = await raw(
            "SELECT actor_id, target, detail FROM audit_log WHERE coop_id = {} AND action = {} ORDER BY id",
            coop_id,
            action,
        )
    import json

    return [{**r, "detail": json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"]} for r in rows]


async def outbox_to(address: str) -> list[dict[str, Any]]:
    async with relay_unit():
        return await raw("SELECT id, coop_id, payload FROM outbox WHERE payload->>'to' = {} ORDER BY id", address)


def text(html: str) -> str:
    """The page with every run of white space (no-break spaces too) as one space, for exact sentences in asserts."""
    return re.sub(r"\s+", " ", html)


def in_pdf(body: bytes, words: str) -> bool:
    """Whether an uncompressed PDF (readable_pdfs) shows these words (Helvetica, Windows-1252)."""
    return words.encode("windows-1252") in body


async def english(browser: Browser) -> Browser:
    browser.http.cookies.set("lang", "en", domain="testserver.local", path="/")
    return browser


# --- the work context's hours, as the guard and the earnings read them ------------------------------------------


@dataclass(frozen=True)
class Hours:
    day: dt.date
    minutes: int
    approved: bool
    assignment_id: int


@dataclass(frozen=True)
class Planned:
    day: dt.date
    minutes: int
    assignment_id: int


@dataclass
class WorkStub:
    """Hours and accepted work per member, served in place of work.service (whatever the work context holds)."""

    hours: dict[int, list[Hours]] = field(default_factory=dict)
    planned: dict[int, list[Planned]] = field(default_factory=dict)


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> WorkStub:
    stub = WorkStub()

    async def hours(coop_id: int, member_id: int, start: dt.date, end: dt.date) -> list[Hours]:
        return [h for h in stub.hours.get(member_id, []) if start <= h.day <= end]

    async def planned(coop_id: int, member_id: int, start: dt.date, end: dt.date) -> list[Planned]:
        return [p for p in stub.planned.get(member_id, []) if start <= p.day <= end]

    monkeypatch.setattr(service, "hours_in_unit", hours)
    monkeypatch.setattr(service, "planned_in_unit", planned)
    return stub


@pytest.fixture
def readable_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "COMPRESS", False)


# --- a coop of the module's own ---------------------------------------------------------------------------------

EXTRA = ("coach2", "other")  # a coach who is not the worker's; another member with an account


@dataclass
class EmpCoop:
    id: int
    slug: str
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    browsers: dict[str, Browser] = field(default_factory=dict)
    worker: int = 0  # the member row of the person with the member role; "coach" is their job coach
    other: int = 0  # the member row of "other"

    def url(self, rest: str = "") -> str:
        return f"/c/{self.slug}/employment{rest}"

    def w(self, rest: str = "", member_id: int | None = None) -> str:
        return self.url(f"/workers/{member_id or self.worker}{rest}")


@pytest.fixture(scope="module")
async def emp(app: Any) -> AsyncIterator[EmpCoop]:
    coop_id, slug = await make_coop(await make_region())
    coop = EmpCoop(coop_id, slug)
    roles = {**{r: r for r in ROLES}, "coach2": "coach", "other": "member"}
    for who, role in roles.items():
        coop.emails[who] = f"{who}.{slug}@example.fi"
        coop.users[who] = await make_user(coop.emails[who], name=f"{who.title()} {slug}")
        await grant(coop_id, coop.users[who], role)
        browser = Browser(app)
        await browser.signin(coop.emails[who])
        coop.browsers[who] = await english(browser)
    coop.worker = await make_member(coop_id, "Maija Mäkelä", user_id=coop.users["member"])
    coop.other = await make_member(coop_id, "Olli Muu", user_id=coop.users["other"])
    await assign(coop_id, coop.worker, coop.users["coach"])
    yield coop
    for browser in coop.browsers.values():
        await browser.close()
