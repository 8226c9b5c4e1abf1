"""Employment: contracts with dated terms, the benefit profile (special-category data), earnings and the guard.

Every read and write runs in one coop unit and filters by coop_id; RLS is the backstop. Who may do what:

- contracts and other pay: admin and board manage (MANAGERS); job coaches read (READERS); a worker reads their own;
- the benefit profile: the admin, the worker's own job coaches (WorkerCoach rows, while they hold the coach role)
  and the worker (read only). Everyone else: the board and other coaches 403, other members 404. Every read of a
  profile writes the audit row "employment.benefit_profile.read" (who, whose, why; never the content), in the
  same transaction as the read. The kind and the limit are sealed together (osuus/platform/crypto.py);
- earnings of a month: the worker, the admin and job coaches (the limit only for those who may see the profile);
- the monthly statement: the same people as contracts; every download is audited.

The work context (orders, assignments, hours) is read through `work.service.hours_for_worker_in_unit` and
`planned_for_worker_in_unit` (lazy imports: until it exists a worker simply has no hours). It calls back
`acceptance_warning_in_unit`, `notify_coach_in_unit` and `would_exceed_in_unit` inside its own unit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import structlog
from babel.dates import format_date as babel_date
from litestar.exceptions import NotFoundException, PermissionDeniedException

from osuus.platform import audit, crypto
from osuus.platform.context import CoopContext
from osuus.platform.dates import format_date, read_date, today
from osuus.platform.http import Form, is_digits, parse_id
from osuus.platform.i18n import N_, date_long, eur, get_language, gettext
from osuus.platform.mailer import send_mail
from osuus.platform.money import format_euros, read_euros
from osuus.platform.tables import AuditLog, Coop, CoopRole
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id, current_unit
from osuus.tenants.employment import earnings
from osuus.tenants.employment.earnings import EarningRow, Month, MonthEarnings, PayRow, TermsRow, WagePeriod
from osuus.tenants.employment.tables import (
    BENEFIT_KINDS,
    CONTRACT_KINDS,
    END_REASONS,
    BenefitProfile,
    ContractEnding,
    ContractTerms,
    EmploymentContract,
    OtherPay,
    WorkerCoach,
)
from osuus.tenants.members.tables import Member

log = structlog.get_logger(__name__)

MANAGERS = ("admin", "board")  # make and amend contracts, add other pay
READERS = ("admin", "board", "coach")  # read contracts and statements of every worker
EARNINGS_READERS = ("admin", "coach")  # a worker's earnings page (the limit only if they may see the profile)
PROFILE_EDITORS = ("admin", "coach")  # a coach only for their own workers
LIMITED_KINDS = ("disability_pension", "unemployment", "other")  # kinds that may have a limit
LIMIT_REQUIRED = ("disability_pension", "other")
MAX_WAGE_CENTS = 100_000  # 1 000 € an hour: anything more is a typing mistake
MAX_WEEK_MINUTES = 168 * 60
READ_ACTION = "employment.benefit_profile.read"
_BABEL_LOCALE = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
_HOURS = re.compile(r"^(\d{1,3})(?:[,.](\d{1,2}))?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class UnreadableProfile(RuntimeError):
    """A benefit profile row does not open with the keys in DATA_KEYS (a lost key or a changed row)."""


# --- what the pages get ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerView:
    id: int
    name: str
    email: str
    user_id: int | None
    member_class: str
    status: str


@dataclass(frozen=True)
class CoachView:
    user_id: int
    name: str
    email: str


@dataclass(frozen=True)
class TermsView:
    id: int
    valid_from: dt.date
    weekly_minutes: int
    hourly_wage_cents: int
    collective_agreement: str
    subsidy_percent: int | None
    subsidy_from: dt.date | None
    subsidy_until: dt.date | None
    note: str
    created_by: str
    created_at: dt.datetime

    @property
    def hours_per_week(self) -> str:
        return hours_number(self.weekly_minutes)

    @property
    def on_call(self) -> bool:
        return self.weekly_minutes == 0


@dataclass(frozen=True)
class EndingView:
    """The contract was ended: its last day, why (END_REASONS; `reason_text` for "other"), who and when."""

    last_day: dt.date
    reason: str
    reason_text: str
    ended_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ContractView:
    id: int
    member_id: int
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None  # the last day: the ending's when the contract was ended, else the planned end
    job_title: str
    created_by: str
    created_at: dt.datetime
    terms: tuple[TermsView, ...]  # oldest first
    on: dt.date  # the day the status and the current terms are for
    ending: EndingView | None = None
    planned_ends_on: dt.date | None = None  # a fixed term's end as agreed (None: until further notice)

    @property
    def status(self) -> str:
        """coming | in_force | ended (on the day `on`)."""
        if self.on < self.starts_on:
            return "coming"
        if self.ends_on is not None and self.on > self.ends_on:
            return "ended"
        return "in_force"

    @property
    def current(self) -> TermsView:
        """The terms in force on `on`; before the start the first terms, after the end the last."""
        found = self.terms[0]
        for t in self.terms:
            if t.valid_from <= max(self.on, self.starts_on):
                found = t
        return found

    @property
    def amendments(self) -> tuple[TermsView, ...]:
        return self.terms[1:]

    @property
    def last_change_from(self) -> dt.date:
        return max(t.valid_from for t in self.terms)


@dataclass(frozen=True)
class WorkerRow:
    worker: WorkerView
    contract: ContractView | None  # in force today, else the next coming one, else the latest
    coaches: tuple[str, ...]


@dataclass(frozen=True)
class WorkerPage:
    worker: WorkerView
    contracts: list[ContractView]  # newest first
    coaches: list[CoachView]
    own: bool
    can_manage: bool
    can_see_profile: bool
    can_assign: bool
    can_see_earnings: bool


@dataclass(frozen=True)
class ProfileView:
    id: int
    valid_from: dt.date
    kind: str
    limit_cents: int | None
    recorded_by: str
    created_at: dt.datetime

    @property
    def has_limit(self) -> bool:
        return self.limit_cents is not None


@dataclass(frozen=True)
class ReadView:
    who: str
    at: dt.datetime
    purpose: str


@dataclass(frozen=True)
class BenefitPage:
    worker: WorkerView
    current: ProfileView | None
    history: list[ProfileView]  # newest first
    reads: list[ReadView]  # who has looked at it (not the worker), newest first
    own: bool
    can_edit: bool


@dataclass(frozen=True)
class ChartPart:
    kind: str  # earned | pending | planned
    x: str  # per cent of the bar, "0.0"
    width: str
    cents: int


@dataclass(frozen=True)
class Chart:
    parts: tuple[ChartPart, ...]
    limit_x: str | None  # where the limit line is, per cent of the bar


@dataclass(frozen=True)
class EarningsPage:
    worker: WorkerView
    month: Month
    month_label: str
    earnings: MonthEarnings
    profile: ProfileView | None  # in force at the end of the month; None without one or when not to be seen
    profile_visible: bool
    own: bool
    current_month: bool
    chart: Chart


@dataclass(frozen=True)
class StatementRow:
    day: dt.date
    kind: str  # hours | other
    minutes: int
    hourly_wage_cents: int | None
    pay_cents: int
    note: str


@dataclass(frozen=True)
class Statement:
    coop_name: str
    business_id: str
    worker: WorkerView
    month: Month
    month_label: str
    rows: tuple[StatementRow, ...]
    totals: earnings.StatementTotals
    minutes_without_wage: int
    made_on: dt.date


@dataclass(frozen=True)
class ContractDocument:
    coop_name: str
    business_id: str
    worker: WorkerView
    contract: ContractView
    made_on: dt.date


# --- small helpers --------------------------------------------------------------------------------------------


def hours_number(minutes: int) -> str:
    """Minutes as hours, as people write them: 2250 -> '37,5', 1200 -> '20', 0 -> '0'."""
    value = (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


def month_label(month: Month) -> str:
    """'marraskuu 2026' / 'november 2026' / 'November 2026' in the language of the request."""
    language = get_language()
    return babel_date(month.first_day, "LLLL yyyy", locale=_BABEL_LOCALE.get(language, "fi_FI"))


def _aad(coop_id: int, member_id: int, valid_from: dt.date) -> bytes:
    """What a sealed profile belongs to: moved to another coop, person or day, it no longer opens."""
    return f"benefit_profile:{coop_id}:{member_id}:{valid_from.isoformat()}".encode()


def _worker(row: dict[str, Any]) -> WorkerView:
    return WorkerView(
        id=int(row["id"]),
        name=row["name"],
        email=row["email"],
        user_id=row["user_id"],
        member_class=row["member_class"],
        status=row["status"],
    )


_WORKER_COLUMNS = (Member.id, Member.name, Member.email, Member.user, Member.member_class, Member.status)


async def _worker_row(coop_id: int, member_id: int, lock: bool = False) -> WorkerView:
    """A person in the coop's register; another coop's id, an organisation and a missing id are the same 404."""
    query = Member.select(*_WORKER_COLUMNS).where(
        (Member.coop == coop_id) & (Member.id == member_id) & Member.organisation.is_null()
    )
    if lock:
        query = query.lock_rows("UPDATE", of=(Member,))
    row = await query.first().run()
    if row is None:
        raise NotFoundException()
    return _worker(row)


async def _own_worker(ctx: CoopContext) -> WorkerView | None:
    row = (
        await Member.select(*_WORKER_COLUMNS)
        .where((Member.coop == ctx.id) & (Member.user == ctx.viewer.id) & Member.organisation.is_null())
        .order_by(Member.id)
        .first()
        .run()
    )
    return _worker(row) if row else None


def _own(ctx: CoopContext, worker: WorkerView) -> bool:
    return worker.user_id is not None and worker.user_id == ctx.viewer.id


async def _coaches(coop_id: int, member_id: int) -> list[CoachView]:
    """The worker's job coaches who still hold the coach role in the coop."""
    rows = (
        await WorkerCoach.select(WorkerCoach.coach, WorkerCoach.coach.name, WorkerCoach.coach.email)
        .where((WorkerCoach.coop == coop_id) & (WorkerCoach.member == member_id))
        .order_by(WorkerCoach.coach.name)
        .run()
    )
    coach_users = {
        r["user_id"]
        for r in await CoopRole.select(CoopRole.user)
        .where((CoopRole.coop == coop_id) & (CoopRole.role == "coach"))
        .run()
    }
    return [
        CoachView(r["coach_id"], r["coach_id.name"], r["coach_id.email"]) for r in rows if r["coach_id"] in coach_users
    ]


def _may_see_profile(ctx: CoopContext, worker: WorkerView, coaches: list[CoachView]) -> bool:
    if ctx.has("admin") or _own(ctx, worker):
        return True
    return ctx.has("coach") and any(c.user_id == ctx.viewer.id for c in coaches)


def _may_edit_profile(ctx: CoopContext, coaches: list[CoachView]) -> bool:
    return ctx.has("admin") or (ctx.has("coach") and any(c.user_id == ctx.viewer.id for c in coaches))


def _refuse(ctx: CoopContext) -> None:
    """Not allowed to see this worker's things: the coop's staff are told no (403); a member is not told that
    the person exists (404)."""
    if ctx.has(*READERS):
        raise PermissionDeniedException()
    raise NotFoundException()


# --- contracts: reading -----------------------------------------------------------------------------------------


def _terms(row: dict[str, Any]) -> TermsView:
    return TermsView(
        id=int(row["id"]),
        valid_from=row["valid_from"],
        weekly_minutes=int(row["weekly_minutes"]),
        hourly_wage_cents=int(row["hourly_wage_cents"]),
        collective_agreement=row["collective_agreement"],
        subsidy_percent=row["subsidy_percent"],
        subsidy_from=row["subsidy_from"],
        subsidy_until=row["subsidy_until"],
        note=row["note"],
        created_by=row["created_by.name"] or "",
        created_at=row["created_at"],
    )


async def _contracts(
    coop_id: int, member_ids: list[int] | None = None, on: dt.date | None = None
) -> list[ContractView]:
    """Contracts (newest start first) with their terms, of one worker, some workers or the whole coop."""
    on = on or today()
    query = EmploymentContract.select(
        EmploymentContract.id,
        EmploymentContract.member,
        EmploymentContract.kind,
        EmploymentContract.starts_on,
        EmploymentContract.ends_on,
        EmploymentContract.job_title,
        EmploymentContract.created_by.name,
        EmploymentContract.created_at,
    ).where(EmploymentContract.coop == coop_id)
    terms_query = ContractTerms.select(
        ContractTerms.id,
        ContractTerms.contract,
        ContractTerms.valid_from,
        ContractTerms.weekly_minutes,
        ContractTerms.hourly_wage_cents,
        ContractTerms.collective_agreement,
        ContractTerms.subsidy_percent,
        ContractTerms.subsidy_from,
        ContractTerms.subsidy_until,
        ContractTerms.note,
        ContractTerms.created_by.name,
        ContractTerms.created_at,
    ).where(ContractTerms.coop == coop_id)
    if member_ids is not None:
        if not member_ids:
            return []
        query = query.where(EmploymentContract.member.is_in(member_ids))
        terms_query = terms_query.where(ContractTerms.contract.member.is_in(member_ids))
    rows = await query.order_by(EmploymentContract.starts_on, ascending=False).order_by(EmploymentContract.id).run()
    terms: dict[int, list[TermsView]] = {}
    for t in await terms_query.order_by(ContractTerms.valid_from).order_by(ContractTerms.id).run():
        terms.setdefault(int(t["contract_id"]), []).append(_terms(t))
    endings = await _endings(coop_id, [int(r["id"]) for r in rows])
    return [
        ContractView(
            id=int(r["id"]),
            member_id=int(r["member_id"]),
            kind=r["kind"],
            starts_on=r["starts_on"],
            ends_on=endings[int(r["id"])].last_day if int(r["id"]) in endings else r["ends_on"],
            job_title=r["job_title"],
            created_by=r["created_by.name"] or "",
            created_at=r["created_at"],
            terms=tuple(terms.get(int(r["id"]), [])),
            on=on,
            ending=endings.get(int(r["id"])),
            planned_ends_on=r["ends_on"],
        )
        for r in rows
        if terms.get(int(r["id"]))
    ]


async def _endings(coop_id: int, contract_ids: list[int]) -> dict[int, EndingView]:
    if not contract_ids:
        return {}
    rows = (
        await ContractEnding.select(
            ContractEnding.contract, ContractEnding.last_day, ContractEnding.reason, ContractEnding.reason_text,
            ContractEnding.ended_by.name, ContractEnding.created_at,
        )
        .where((ContractEnding.coop == coop_id) & ContractEnding.contract.is_in(contract_ids))
        .run()
    )  # fmt: skip
    return {
        int(r["contract_id"]): EndingView(
            r["last_day"], r["reason"], r["reason_text"], r["ended_by.name"] or "", r["created_at"]
        )
        for r in rows
    }


def _main_contract(contracts: list[ContractView]) -> ContractView | None:
    """The contract to show in a list: in force today, else the next one coming, else the latest."""
    for status in ("in_force", "coming"):
        found = [c for c in contracts if c.status == status]
        if found:
            return min(found, key=lambda c: c.starts_on) if status == "coming" else found[0]
    return contracts[0] if contracts else None


def periods_of(contracts: list[ContractView]) -> list[WagePeriod]:
    periods: list[WagePeriod] = []
    for c in contracts:
        rows = [TermsRow(t.id, t.valid_from, t.hourly_wage_cents) for t in c.terms]
        periods.extend(earnings.wage_periods(c.starts_on, c.ends_on, rows))
    return periods


async def workers(ctx: CoopContext) -> list[WorkerRow]:
    """The coop's workers: people in the register who are active or have a contract, with the contract to show."""
    ctx.require(*READERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        contracts = await _contracts(ctx.id)
        with_contract = {c.member_id for c in contracts}
        people = (
            await Member.select(*_WORKER_COLUMNS)
            .where((Member.coop == ctx.id) & Member.organisation.is_null())
            .order_by(Member.name)
            .order_by(Member.id)
            .run()
        )
        coach_rows = (
            await WorkerCoach.select(WorkerCoach.member, WorkerCoach.coach.name)
            .where(WorkerCoach.coop == ctx.id)
            .order_by(WorkerCoach.coach.name)
            .run()
        )
    coaches: dict[int, list[str]] = {}
    for r in coach_rows:
        coaches.setdefault(int(r["member_id"]), []).append(r["coach_id.name"])
    by_member: dict[int, list[ContractView]] = {}
    for c in contracts:
        by_member.setdefault(c.member_id, []).append(c)
    return [
        WorkerRow(_worker(p), _main_contract(by_member.get(int(p["id"]), [])), tuple(coaches.get(int(p["id"]), [])))
        for p in people
        if p["status"] == "active" or int(p["id"]) in with_contract
    ]


async def worker_page(ctx: CoopContext, member_id: int) -> WorkerPage:
    """One worker's contracts with their history: the coop's staff, and the worker themself."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        own = _own(ctx, worker)
        if not own and not ctx.has(*READERS):
            raise NotFoundException()
        contracts = await _contracts(ctx.id, [worker.id])
        coaches = await _coaches(ctx.id, worker.id)
    return WorkerPage(
        worker=worker,
        contracts=contracts,
        coaches=coaches,
        own=own,
        can_manage=ctx.has(*MANAGERS),
        can_see_profile=_may_see_profile(ctx, worker, coaches),
        can_assign=ctx.has("admin"),
        can_see_earnings=own or ctx.has(*EARNINGS_READERS),
    )


async def contract_page(ctx: CoopContext, member_id: int, contract_id: int) -> tuple[WorkerView, ContractView]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        if not _own(ctx, worker) and not ctx.has(*READERS):
            raise NotFoundException()
        return worker, await _contract_of(ctx.id, worker.id, contract_id)


async def _contract_of(coop_id: int, member_id: int, contract_id: int) -> ContractView:
    for c in await _contracts(coop_id, [member_id]):
        if c.id == contract_id:
            return c
    raise NotFoundException()


async def contract_for_download(ctx: CoopContext, member_id: int, contract_id: int, ip: str) -> ContractDocument:
    """The contract as a document: someone else's download is audited (the worker's own is not)."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        own = _own(ctx, worker)
        if not own and not ctx.has(*READERS):
            raise NotFoundException()
        contract = await _contract_of(ctx.id, worker.id, contract_id)
        coop = await _coop(ctx.id)
        if not own:
            await audit.record(
                "employment.contract_downloaded",
                actor_id=ctx.viewer.id,
                coop_id=ctx.id,
                target=f"member:{worker.id}",
                ip=ip,
                contract_id=contract.id,
            )
    return ContractDocument(coop["name"], coop["business_id"] or "", worker, contract, today())


async def _coop(coop_id: int) -> dict[str, Any]:
    row = await Coop.select(Coop.name, Coop.slug, Coop.business_id).where(Coop.id == coop_id).first().run()
    assert row is not None
    return row


# --- contracts: the forms ---------------------------------------------------------------------------------------


def _hours(form: Form, name: str) -> int | None:
    """Hours a week as typed ('20', '37,5', '7.75') to minutes; 0 is on-call work."""
    value = _SPACES.sub("", form.get(name)).removesuffix("h")
    if not value:
        form.error(name, N_("Enter the hours a week. Write 0 for on-call work."))
        return None
    match = _HOURS.match(value)
    if match is None:
        form.error(name, N_("Write the hours as a number, for example 20 or 37,5"))
        return None
    hours = Decimal(f"{match.group(1)}.{match.group(2) or '0'}")
    minutes = int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minutes > MAX_WEEK_MINUTES:
        form.error(name, N_("A week has 168 hours. Check the number."))
        return None
    return minutes


def _wage(form: Form, name: str) -> int | None:
    cents = read_euros(form, name)
    if cents is None:
        return None
    if cents > MAX_WAGE_CENTS:
        form.error(name, N_("Check the hourly wage. It is more than 1 000 euros."))
        return None
    return cents


TERMS_FIELDS = (
    "hours_per_week",
    "hourly_wage",
    "collective_agreement",
    "subsidy_percent",
    "subsidy_from",
    "subsidy_until",
)
CONTRACT_FIELDS = ("kind", "starts_on", "ends_on", "job_title", *TERMS_FIELDS)
AMEND_FIELDS = ("valid_from", *TERMS_FIELDS, "note")


def _in_order(form: Form, names: tuple[str, ...]) -> None:
    """The error summary lists the fields in the order of the page, whatever order they were checked in."""
    ordered = {n: form.errors[n] for n in names if n in form.errors}
    ordered.update({n: m for n, m in form.errors.items() if n not in ordered})
    form.errors.clear()
    form.errors.update(ordered)


def _text(form: Form, name: str, empty: str | None = None, limit: int = 200) -> str:
    value = form.get(name)
    if empty and not value:
        form.error(name, empty)
    elif len(value) > limit:
        form.error(name, N_("Write 200 characters or fewer"))
    return value[:limit]


@dataclass(frozen=True)
class TermsInput:
    weekly_minutes: int
    hourly_wage_cents: int
    collective_agreement: str
    subsidy_percent: int | None
    subsidy_from: dt.date | None
    subsidy_until: dt.date | None


def _terms_input(form: Form) -> TermsInput | None:
    minutes = _hours(form, "hours_per_week")
    wage = _wage(form, "hourly_wage")
    agreement = _text(form, "collective_agreement")
    percent: int | None = None
    subsidy_from = subsidy_until = None
    raw_percent = _SPACES.sub("", form.get("subsidy_percent")).removesuffix("%")
    if raw_percent:
        if not is_digits(raw_percent) or not 1 <= int(raw_percent) <= 100:
            form.error(
                "subsidy_percent", N_("Write the wage subsidy as a whole per cent from 1 to 100, for example 70")
            )
        else:
            percent = int(raw_percent)
        subsidy_from = read_date(form, "subsidy_from", N_("Enter the first day of the wage subsidy"))
        if form.get("subsidy_until"):
            subsidy_until = read_date(form, "subsidy_until")
            if subsidy_from and subsidy_until and subsidy_until < subsidy_from:
                form.error("subsidy_until", N_("The last day of the wage subsidy must be on or after its first day"))
    elif form.get("subsidy_from") or form.get("subsidy_until"):
        form.error("subsidy_percent", N_("Enter the wage subsidy per cent, or leave the wage subsidy days empty"))
    if minutes is None or wage is None or not form.ok:
        return None
    return TermsInput(minutes, wage, agreement, percent, subsidy_from, subsidy_until)


async def _overlaps(coop_id: int, member_id: int, starts: dt.date, ends: dt.date | None) -> bool:
    for c in await _contracts(coop_id, [member_id]):
        if (c.ends_on is None or starts <= c.ends_on) and (ends is None or c.starts_on <= ends):
            return True
    return False


def _terms_row(coop_id: int, contract_id: int, valid_from: dt.date, t: TermsInput, note: str, by: int) -> ContractTerms:
    return ContractTerms(
        coop=coop_id,
        contract=contract_id,
        valid_from=valid_from,
        weekly_minutes=t.weekly_minutes,
        hourly_wage_cents=t.hourly_wage_cents,
        collective_agreement=t.collective_agreement,
        subsidy_percent=t.subsidy_percent,
        subsidy_from=t.subsidy_from,
        subsidy_until=t.subsidy_until,
        note=note,
        created_by=by,
    )


async def contract_form(ctx: CoopContext, member_id: int) -> WorkerView:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _worker_row(ctx.id, member_id)


async def create_contract(ctx: CoopContext, member_id: int, form: Form, ip: str) -> int | None:
    """A new contract with its first terms. Refused (nothing written, the form kept with messages) when a field is
    wrong or the days overlap another contract of the worker."""
    ctx.require(*MANAGERS)
    kind = form.get("kind")
    if kind not in CONTRACT_KINDS:
        form.error("kind", N_("Choose the type of contract"))
    starts = read_date(form, "starts_on", N_("Enter the first day of work"))
    ends: dt.date | None = None
    if kind == "fixed_term":
        ends = read_date(form, "ends_on", N_("Enter the last day. A fixed-term contract has an end date."))
    elif kind == "indefinite" and form.get("ends_on"):
        form.error(
            "ends_on", N_("A contract until further notice has no end date. Leave it empty or choose fixed-term.")
        )
    if starts and ends and ends < starts:
        form.error("ends_on", N_("The last day must be on or after the first day"))
    job_title = _text(form, "job_title")
    terms = _terms_input(form)
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id, lock=True)
        if terms is None or starts is None or not form.ok:
            _in_order(form, CONTRACT_FIELDS)
            return None
        if await _overlaps(ctx.id, worker.id, starts, ends):
            form.error("starts_on", N_("The worker already has a contract on some of these days. Check the days."))
            return None
        rows = (
            await EmploymentContract.insert(
                EmploymentContract(
                    coop=ctx.id,
                    member=worker.id,
                    kind=kind,
                    starts_on=starts,
                    ends_on=ends,
                    job_title=job_title,
                    created_by=ctx.viewer.id,
                )
            )
            .returning(EmploymentContract.id)
            .run()
        )
        contract_id = int(rows[0]["id"])
        await ContractTerms.insert(_terms_row(ctx.id, contract_id, starts, terms, "", ctx.viewer.id)).run()
        await audit.record(
            "employment.contract_created",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            contract_id=contract_id,
            kind=kind,
            starts_on=starts.isoformat(),
            ends_on=ends.isoformat() if ends else None,
        )
    return contract_id


def amend_defaults(contract: ContractView) -> Form:
    """The amendment form filled in with the terms in force, so only what changes is typed."""
    t = contract.current
    values = {
        "valid_from": format_date(max(today(), contract.starts_on)),
        "hours_per_week": t.hours_per_week,
        "hourly_wage": format_euros(t.hourly_wage_cents),
        "collective_agreement": t.collective_agreement,
        "subsidy_percent": str(t.subsidy_percent) if t.subsidy_percent else "",
        "subsidy_from": format_date(t.subsidy_from) if t.subsidy_from else "",
        "subsidy_until": format_date(t.subsidy_until) if t.subsidy_until else "",
    }
    return Form(values=values)


async def amend_form(ctx: CoopContext, member_id: int, contract_id: int) -> tuple[WorkerView, ContractView]:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        return worker, await _contract_of(ctx.id, worker.id, contract_id)


async def amend_contract(ctx: CoopContext, member_id: int, contract_id: int, form: Form, ip: str) -> bool:
    """New terms from a day on (an amendment row); the earlier terms stay as they were."""
    ctx.require(*MANAGERS)
    valid_from = read_date(form, "valid_from", N_("Enter the day from which the new terms apply"))
    note = _text(form, "note", N_("Write what changes and why"), limit=500)
    terms = _terms_input(form)
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id, lock=True)
        contract = await _contract_of(ctx.id, worker.id, contract_id)
        if valid_from is not None:
            if valid_from < contract.starts_on or (contract.ends_on is not None and valid_from > contract.ends_on):
                form.error("valid_from", N_("The new terms must start during the contract"))
            elif valid_from < contract.last_change_from:
                form.error("valid_from", N_("The new terms cannot start before the last change. Check the day."))
        if terms is None or valid_from is None or not form.ok:
            _in_order(form, AMEND_FIELDS)
            return False
        rows = (
            await ContractTerms.insert(_terms_row(ctx.id, contract.id, valid_from, terms, note, ctx.viewer.id))
            .returning(ContractTerms.id)
            .run()
        )
        await audit.record(
            "employment.contract_amended",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            contract_id=contract.id,
            terms_id=int(rows[0]["id"]),
            valid_from=valid_from.isoformat(),
        )
    return True


# --- ending a contract --------------------------------------------------------------------------------------------

END_FIELDS = ("last_day", "reason", "reason_text")


@dataclass(frozen=True)
class EndPage:
    worker: WorkerView
    contract: ContractView
    last_hours_day: dt.date | None  # the last day with approved hours during the contract: the end cannot be before


@dataclass(frozen=True)
class EndingInput:
    last_day: dt.date
    reason: str
    reason_text: str


async def _last_hours_day(coop_id: int, member_id: int, contract: ContractView) -> dt.date | None:
    end = contract.planned_ends_on or dt.date(9999, 12, 31)
    days = [h.day for h in await hours_in_unit(coop_id, member_id, contract.starts_on, end) if h.approved]
    return max(days) if days else None


async def _end_page_in_unit(ctx: CoopContext, member_id: int, contract_id: int, lock: bool = False) -> EndPage:
    worker = await _worker_row(ctx.id, member_id, lock=lock)
    contract = await _contract_of(ctx.id, worker.id, contract_id)
    return EndPage(worker, contract, await _last_hours_day(ctx.id, worker.id, contract))


async def end_form(ctx: CoopContext, member_id: int, contract_id: int) -> EndPage:
    """The form for ending a contract: the admin and the board (MANAGERS)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _end_page_in_unit(ctx, member_id, contract_id)


def _check_ending(form: Form, found: EndPage) -> EndingInput | None:
    """The ending as typed, checked against the contract and the worker's approved hours; None: see the form."""
    c = found.contract
    if c.ending is not None:
        form.error("last_day", N_("This contract has already been ended. Nothing was changed."))
        return None
    last_day = read_date(form, "last_day", N_("Enter the last day of the contract"))
    if last_day is not None:
        if last_day < c.starts_on:
            form.error("last_day", N_("The last day cannot be before the first day of the contract"))
        elif c.planned_ends_on is not None and last_day > c.planned_ends_on:
            form.error("last_day", N_("The last day cannot be after the end agreed in the contract"))
        elif found.last_hours_day is not None and last_day < found.last_hours_day:
            form.error(
                "last_day",
                N_(
                    "The worker has approved hours after this day. The last day cannot be before the last day "
                    "with approved hours."
                ),
            )
    reason = form.get("reason")
    if reason not in END_REASONS:
        form.error("reason", N_("Choose why the contract ends"))
    reason_text = _text(form, "reason_text", N_("Write why the contract ends") if reason == "other" else None, 500)
    if reason != "other":
        reason_text = ""
    _in_order(form, END_FIELDS)
    if last_day is None or not form.ok:
        return None
    return EndingInput(last_day, reason, reason_text)


async def check_ending(ctx: CoopContext, member_id: int, contract_id: int, form: Form) -> EndPage | None:
    """The first step: the form checked (nothing written). The page when it passes, for "Are you sure?"."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _end_page_in_unit(ctx, member_id, contract_id)
    return found if _check_ending(form, found) is not None else None


async def end_contract(ctx: CoopContext, member_id: int, contract_id: int, form: Form, ip: str) -> bool:
    """End the contract on the last day given (after the check page): an ending row and its audit row. Refused
    (False, nothing written, the reason in the form) when the day is before the start or before the worker's last
    approved hours, after a fixed term's agreed end, when the contract has already ended, or without a reason."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await _end_page_in_unit(ctx, member_id, contract_id, lock=True)
        wanted = _check_ending(form, found)
        if wanted is None:
            return False
        await ContractEnding.insert(
            ContractEnding(
                coop=ctx.id, contract=found.contract.id, last_day=wanted.last_day, reason=wanted.reason,
                reason_text=wanted.reason_text, ended_by=ctx.viewer.id,
            )
        ).run()  # fmt: skip
        await audit.record(
            "employment.contract_ended",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{found.worker.id}",
            ip=ip,
            contract_id=found.contract.id,
            last_day=wanted.last_day.isoformat(),
            planned_end=found.contract.planned_ends_on.isoformat() if found.contract.planned_ends_on else None,
            reason=wanted.reason,
        )
    return True


async def wage_on_in_unit(coop_id: int, member_id: int, day: dt.date) -> int | None:
    """The hourly wage (cents) of the contract valid on the day, or None: for payroll and the work context."""
    if current_coop_id() != coop_id:
        raise TenancyError("wage_on_in_unit needs the unit of the same coop")
    return earnings.wage_on(day, periods_of(await _contracts(coop_id, [member_id])))


# --- the benefit profile (special-category data) ----------------------------------------------------------------


def seal_profile(
    coop_id: int, member_id: int, valid_from: dt.date, kind: str, limit_cents: int | None
) -> crypto.Sealed:
    """The one way a profile row is sealed (also for the demo data)."""
    return crypto.seal_json({"kind": kind, "limit_cents": limit_cents}, _aad(coop_id, member_id, valid_from))


async def _profiles_in_unit(coop_id: int, member_id: int, purpose: str, ip: str = "") -> list[ProfileView]:
    """Every profile row of the worker, opened (newest first), and the audit row that says who read whose, why.

    This is the only place that opens profiles: every read is logged, in the same transaction."""
    unit = current_unit()
    rows = (
        await BenefitProfile.select(
            BenefitProfile.id,
            BenefitProfile.valid_from,
            BenefitProfile.key_id,
            BenefitProfile.sealed,
            BenefitProfile.recorded_by.name,
            BenefitProfile.created_at,
        )
        .where((BenefitProfile.coop == coop_id) & (BenefitProfile.member == member_id))
        .order_by(BenefitProfile.valid_from, ascending=False)
        .order_by(BenefitProfile.id, ascending=False)
        .run()
    )
    await audit.record(
        READ_ACTION,
        actor_id=unit.user_id,
        coop_id=coop_id,
        target=f"member:{member_id}",
        ip=ip,
        member_id=member_id,
        purpose=purpose,
    )
    return [open_profile(coop_id, member_id, r, r["recorded_by.name"]) for r in rows]


def open_profile(coop_id: int, member_id: int, row: dict[str, Any], recorded_by: str | None) -> ProfileView:
    """One sealed profile row opened and checked (the key, the shape). Callers log the read: `_profiles_in_unit`
    one person at a time, `limits.read_limits_in_unit` a whole coop at once."""
    try:
        value = crypto.open_json(row["key_id"], row["sealed"], _aad(coop_id, member_id, row["valid_from"]))
    except crypto.DecryptionError:
        log.error("employment.benefit_profile.unreadable", coop_id=coop_id, profile_id=row["id"], key_id=row["key_id"])
        raise UnreadableProfile(f"benefit profile {row['id']} does not open") from None
    kind = value.get("kind") if isinstance(value, dict) else None
    limit = value.get("limit_cents") if isinstance(value, dict) else None
    if kind not in BENEFIT_KINDS or not (limit is None or isinstance(limit, int)):
        raise UnreadableProfile(f"benefit profile {row['id']} has an unknown shape")
    return ProfileView(
        id=int(row["id"]),
        valid_from=row["valid_from"],
        kind=kind,
        limit_cents=limit,
        recorded_by=recorded_by or "",
        created_at=row["created_at"],
    )


def profile_on(history: list[ProfileView], day: dt.date) -> ProfileView | None:
    """The profile in force on the day: the newest valid_from on or before it (the newest row of that day)."""
    for p in history:  # newest first
        if p.valid_from <= day:
            return p
    return None


async def _reads(coop_id: int, member_id: int, worker_user: int | None) -> list[ReadView]:
    rows = (
        await AuditLog.select(AuditLog.at, AuditLog.actor, AuditLog.actor.name, AuditLog.detail)
        .where(
            (AuditLog.coop == coop_id) & (AuditLog.action == READ_ACTION) & (AuditLog.target == f"member:{member_id}")
        )
        .order_by(AuditLog.id, ascending=False)
        .limit(200)
        .output(load_json=True)
        .run()
    )
    reads = []
    for r in rows:
        if r["actor_id"] is None or r["actor_id"] == worker_user:
            continue
        detail = r["detail"] if isinstance(r["detail"], dict) else {}
        reads.append(ReadView(r["actor_id.name"] or "", r["at"], str(detail.get("purpose", ""))))
        if len(reads) >= 20:
            break
    return reads


async def benefit_page(ctx: CoopContext, member_id: int, ip: str, purpose: str = "page") -> BenefitPage:
    """The worker's benefit profile and its history: the admin, the worker's coaches and the worker. Logged."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        coaches = await _coaches(ctx.id, worker.id)
        if not _may_see_profile(ctx, worker, coaches):
            _refuse(ctx)
        history = await _profiles_in_unit(ctx.id, worker.id, purpose, ip)
        own = _own(ctx, worker)
        reads = await _reads(ctx.id, worker.id, worker.user_id) if own or ctx.has("admin") else []
    return BenefitPage(
        worker=worker,
        current=profile_on(history, today()),
        history=history,
        reads=reads,
        own=own,
        can_edit=_may_edit_profile(ctx, coaches),
    )


async def benefit_form(ctx: CoopContext, member_id: int, ip: str) -> BenefitPage:
    """The form for a new profile row, showing the one in force: the admin and the worker's coaches."""
    ctx.require(*PROFILE_EDITORS)
    page = await benefit_page(ctx, member_id, ip, purpose="edit")
    if not page.can_edit:
        raise PermissionDeniedException()
    return page


def _limit(form: Form, kind: str) -> int | None:
    text = form.get("limit")
    if kind == "none":
        if text:
            form.error("limit", N_("Leave the limit empty when the worker has no benefit"))
        return None
    if not text:
        if kind in LIMIT_REQUIRED:
            form.error("limit", N_("Enter the monthly earnings limit in euros"))
        return None
    return read_euros(form, "limit")


async def save_benefit(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """A new dated profile row (sealed). The earlier rows stay: the limit of a past month does not change."""
    ctx.require(*PROFILE_EDITORS)
    kind = form.get("kind")
    if kind not in BENEFIT_KINDS:
        form.error("kind", N_("Choose the benefit"))
    limit = _limit(form, kind) if kind in BENEFIT_KINDS else None
    valid_from = read_date(form, "valid_from", N_("Enter the day from which this applies"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id, lock=True)
        coaches = await _coaches(ctx.id, worker.id)
        if not _may_edit_profile(ctx, coaches):
            raise PermissionDeniedException()
        if valid_from is None or not form.ok:
            return False
        sealed = seal_profile(ctx.id, worker.id, valid_from, kind, limit)
        rows = (
            await BenefitProfile.insert(
                BenefitProfile(
                    coop=ctx.id,
                    member=worker.id,
                    valid_from=valid_from,
                    key_id=sealed.key_id,
                    sealed=sealed.ciphertext,
                    recorded_by=ctx.viewer.id,
                )
            )
            .returning(BenefitProfile.id)
            .run()
        )
        await audit.record(
            "employment.benefit_profile.written",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            member_id=worker.id,
            profile_id=int(rows[0]["id"]),
            valid_from=valid_from.isoformat(),
        )
    return True


@dataclass(frozen=True)
class ResealBatch:
    """What one batch of `reseal_profiles_in_unit` did: counts and where to go on, never a value."""

    seen: int  # rows under an older key looked at in this batch
    resealed: int
    unreadable: int  # rows whose key is not in DATA_KEYS (or that do not open): left as they are
    last_id: int  # the next batch starts after this row


async def reseal_profiles_in_unit(coop_id: int, after_id: int, batch: int) -> ResealBatch:
    """Key rotation (`osuus reencrypt`): open the coop's profile rows sealed under an older key and seal them again
    under the current key of DATA_KEYS, at most `batch` rows after `after_id`, in the caller's unit of the coop.

    Nothing is read for a person here, so no read is logged per row; the command audits the run. The same
    associated data binds the row to its coop, person and day, so a resealed row opens exactly where it did."""
    if current_coop_id() != coop_id:
        raise TenancyError("reseal_profiles_in_unit needs the unit of the same coop")
    ring = crypto.keyring()
    rows = (
        await BenefitProfile.select(
            BenefitProfile.id, BenefitProfile.member, BenefitProfile.valid_from, BenefitProfile.key_id,
            BenefitProfile.sealed,
        )
        .where(
            (BenefitProfile.coop == coop_id) & (BenefitProfile.id > after_id)
            & (BenefitProfile.key_id != ring.current_id)
        )
        .order_by(BenefitProfile.id)
        .limit(batch)
        .lock_rows("UPDATE", of=(BenefitProfile,))
        .run()
    )  # fmt: skip
    resealed = unreadable = 0
    for r in rows:
        aad = _aad(coop_id, int(r["member_id"]), r["valid_from"])
        try:
            plain = ring.open(r["key_id"], bytes(r["sealed"]), aad)
        except crypto.DecryptionError:
            log.error("employment.benefit_profile.unreadable", coop_id=coop_id, profile_id=r["id"], key_id=r["key_id"])
            unreadable += 1
            continue
        sealed = ring.seal(plain, aad)
        await (
            BenefitProfile.update({BenefitProfile.key_id: sealed.key_id, BenefitProfile.sealed: sealed.ciphertext})
            .where((BenefitProfile.coop == coop_id) & (BenefitProfile.id == r["id"]))
            .run()
        )
        resealed += 1
    last = int(rows[-1]["id"]) if rows else after_id
    return ResealBatch(len(rows), resealed, unreadable, last)


# --- worker's coaches -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachesPage:
    worker: WorkerView
    coaches: list[CoachView]
    choices: list[CoachView]  # the coop's coaches who are not yet this worker's

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(str(c.user_id), c.name) for c in self.choices]


async def _coach_choices(coop_id: int, taken: set[int]) -> list[CoachView]:
    rows = (
        await CoopRole.select(CoopRole.user, CoopRole.user.name, CoopRole.user.email)
        .where((CoopRole.coop == coop_id) & (CoopRole.role == "coach") & (CoopRole.user.is_active == True))  # noqa: E712
        .order_by(CoopRole.user.name)
        .run()
    )
    return [CoachView(r["user_id"], r["user_id.name"], r["user_id.email"]) for r in rows if r["user_id"] not in taken]


async def coaches_page(ctx: CoopContext, member_id: int) -> CoachesPage:
    ctx.require("admin")
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        coaches = await _coaches(ctx.id, worker.id)
        choices = await _coach_choices(ctx.id, {c.user_id for c in coaches})
    return CoachesPage(worker, coaches, choices)


async def add_coach(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    ctx.require("admin")
    choice = parse_id(form.get("coach"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id, lock=True)
        assigned = (
            await WorkerCoach.select(WorkerCoach.coach)
            .where((WorkerCoach.coop == ctx.id) & (WorkerCoach.member == worker.id))
            .run()
        )
        taken = {r["coach_id"] for r in assigned}
        choices = {c.user_id for c in await _coach_choices(ctx.id, taken)}
        if choice is None or choice not in choices:
            form.error("coach", N_("Choose a job coach from the list"))
            return False
        await WorkerCoach.insert(WorkerCoach(coop=ctx.id, member=worker.id, coach=choice, added_by=ctx.viewer.id)).run()
        await audit.record(
            "employment.coach_added",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            coach_id=choice,
        )
    return True


async def remove_coach(ctx: CoopContext, member_id: int, coach_id: int, ip: str) -> None:
    ctx.require("admin")
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id, lock=True)
        removed = (
            await WorkerCoach.delete()
            .where((WorkerCoach.coop == ctx.id) & (WorkerCoach.member == worker.id) & (WorkerCoach.coach == coach_id))
            .returning(WorkerCoach.id)
            .run()
        )
        if not removed:
            raise NotFoundException()
        await audit.record(
            "employment.coach_removed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            coach_id=coach_id,
        )


# --- other pay --------------------------------------------------------------------------------------------------


async def pay_form(ctx: CoopContext, member_id: int) -> WorkerView:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await _worker_row(ctx.id, member_id)


async def add_other_pay(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """Pay that is not from hours, on a day (counts in that month). A minus sign corrects an earlier row."""
    ctx.require(*MANAGERS)
    on_date = read_date(form, "on_date", N_("Enter the day the pay is for"))
    amount = read_euros(form, "amount", signed=True)
    note = _text(form, "note", N_("Write what the pay is for"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id, lock=True)
        if on_date is None or amount is None or not form.ok:
            return False
        rows = (
            await OtherPay.insert(
                OtherPay(
                    coop=ctx.id,
                    member=worker.id,
                    on_date=on_date,
                    amount_cents=amount,
                    note=note,
                    recorded_by=ctx.viewer.id,
                )
            )
            .returning(OtherPay.id)
            .run()
        )
        await audit.record(
            "employment.other_pay_added",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            pay_id=int(rows[0]["id"]),
            on_date=on_date.isoformat(),
            amount_cents=amount,
        )
    return True


# --- earnings ---------------------------------------------------------------------------------------------------


async def hours_in_unit(coop_id: int, member_id: int, start: dt.date, end: dt.date) -> list[Any]:
    """The worker's logged hours from the work context (none until it exists)."""
    try:
        from osuus.tenants.work.service import hours_for_worker_in_unit  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    return list(await hours_for_worker_in_unit(coop_id, member_id, start, end))


async def planned_in_unit(coop_id: int, member_id: int, start: dt.date, end: dt.date) -> list[Any]:
    """The worker's accepted work from the work context (none until it exists)."""
    try:
        from osuus.tenants.work.service import planned_for_worker_in_unit  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    return list(await planned_for_worker_in_unit(coop_id, member_id, start, end))


async def _other_pay(coop_id: int, member_id: int, month: Month) -> list[PayRow]:
    rows = (
        await OtherPay.select(OtherPay.on_date, OtherPay.amount_cents, OtherPay.note)
        .where(
            (OtherPay.coop == coop_id)
            & (OtherPay.member == member_id)
            & (OtherPay.on_date >= month.first_day)
            & (OtherPay.on_date <= month.last_day)
        )
        .order_by(OtherPay.on_date)
        .order_by(OtherPay.id)
        .run()
    )
    return [PayRow(r["on_date"], int(r["amount_cents"]), r["note"]) for r in rows]


async def _month_in_unit(
    coop_id: int, member_id: int, month: Month, profile: ProfileView | None, on: dt.date
) -> MonthEarnings:
    periods = periods_of(await _contracts(coop_id, [member_id]))
    hours = await hours_in_unit(coop_id, member_id, month.first_day, month.last_day)
    planned = await planned_in_unit(coop_id, member_id, month.first_day, month.last_day)
    other = await _other_pay(coop_id, member_id, month)
    limit = profile.limit_cents if profile is not None else None
    return earnings.month_earnings(month, hours, planned, other, periods, limit, on)


async def month_pay_in_unit(coop_id: int, member_id: int, on: dt.date) -> MonthEarnings:
    """The worker's pay of the month of `on` (approved hours, other pay, hours waiting, accepted work) without the
    limit: for the worker's own "My work" page. The benefit profile is not opened (nor logged); the limit and the
    chart are on the earnings page."""
    if current_coop_id() != coop_id:
        raise TenancyError("month_pay_in_unit needs the unit of the same coop")
    return await _month_in_unit(coop_id, member_id, Month.of(on), None, on)


def _percent(cents: int, scale: int) -> Decimal:
    return (Decimal(max(cents, 0)) * 100 / Decimal(scale)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def chart(e: MonthEarnings) -> Chart:
    """The bar of the month: earned, waiting for approval and planned, on a scale with room for the limit."""
    values = [("earned", max(e.so_far_cents, 0)), ("pending", max(e.pending_cents, 0)), ("planned", e.planned_cents)]
    total = sum(v for _, v in values)
    scale = max(total, e.limit_cents or 0)
    scale = int(Decimal(scale) * Decimal("1.1")) if scale else 1
    parts, x = [], Decimal(0)
    for kind, cents in values:
        if cents <= 0:
            continue
        width = _percent(cents, scale)
        parts.append(ChartPart(kind, f"{x}", f"{width}", cents))
        x += width
    limit_x = f"{_percent(e.limit_cents, scale)}" if e.limit_cents is not None else None
    return Chart(tuple(parts), limit_x)


def _earnings_page(
    worker: WorkerView, month: Month, e: MonthEarnings, profile: ProfileView | None, visible: bool, own: bool
) -> EarningsPage:
    return EarningsPage(
        worker=worker,
        month=month,
        month_label=month_label(month),
        earnings=e,
        profile=profile,
        profile_visible=visible,
        own=own,
        current_month=month == Month.of(today()),
        chart=chart(e),
    )


async def my_earnings(ctx: CoopContext, month: Month, ip: str) -> EarningsPage | None:
    """The viewer's own month (None when their account is not linked to the register). Reading the limit is
    logged like every read of the profile."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _own_worker(ctx)
        if worker is None:
            return None
        history = await _profiles_in_unit(ctx.id, worker.id, "earnings", ip)
        profile = profile_on(history, month.last_day)
        e = await _month_in_unit(ctx.id, worker.id, month, profile, today())
    return _earnings_page(worker, month, e, profile, True, True)


async def worker_earnings(ctx: CoopContext, member_id: int, month: Month, ip: str) -> EarningsPage:
    """A worker's month for the admin and job coaches (and the worker); the limit only for those who may see it."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        own = _own(ctx, worker)
        if not own and not ctx.has(*EARNINGS_READERS):
            _refuse(ctx)
        coaches = await _coaches(ctx.id, worker.id)
        visible = _may_see_profile(ctx, worker, coaches)
        profile = None
        if visible:
            profile = profile_on(await _profiles_in_unit(ctx.id, worker.id, "earnings", ip), month.last_day)
        e = await _month_in_unit(ctx.id, worker.id, month, profile, today())
    return _earnings_page(worker, month, e, profile, visible, own)


# --- the earnings guard (called by the work context inside its unit) -------------------------------------------

_CONSEQUENCE = {
    "disability_pension": N_("If you earn more than your limit, your pension can stop for a while."),
    "unemployment": N_("Each euro you earn makes your unemployment benefit 50 cents smaller."),
    "other": N_("If you earn more than your limit, your benefit can get smaller or stop."),
}


@dataclass(frozen=True)
class GuardCheck:
    month: Month
    earnings: MonthEarnings
    extra_cents: int
    profile: ProfileView

    @property
    def exceeds(self) -> bool:
        return self.earnings.would_exceed(self.extra_cents)


async def _guard_in_unit(coop_id: int, member_id: int, day: dt.date, minutes: int, purpose: str) -> GuardCheck | None:
    """The month of `day` with `minutes` more work, against the limit in force; None without a limit or a wage."""
    if current_coop_id() != coop_id:
        raise TenancyError("the earnings guard needs the unit of the same coop")
    if minutes <= 0:
        return None
    month = Month.of(day)
    history = await _profiles_in_unit(coop_id, member_id, purpose)
    profile = profile_on(history, month.last_day)
    if profile is None or profile.limit_cents is None:
        return None
    e = await _month_in_unit(coop_id, member_id, month, profile, today())
    periods = periods_of(await _contracts(coop_id, [member_id]))
    extra = earnings.extra_pay_cents(day, minutes, periods)
    if extra is None:
        return None
    return GuardCheck(month, e, extra, profile)


async def would_exceed_in_unit(coop_id: int, member_id: int, day: dt.date, minutes: int) -> bool:
    """Whether `minutes` of work on `day` would take the worker's planned earnings of that month over their limit
    (for the substitute proposer). Reaching the limit exactly is not over it."""
    check = await _guard_in_unit(coop_id, member_id, day, minutes, "substitute_check")
    return check is not None and check.exceeds


async def acceptance_warning_in_unit(coop_id: int, member_id: int, day: dt.date, minutes: int) -> str | None:
    """The plain-language warning to show before the worker accepts work that would take the month's planned
    earnings over their limit (translated in the request's language); None when it would not."""
    check = await _guard_in_unit(coop_id, member_id, day, minutes, "acceptance_check")
    if check is None or not check.exceeds:
        return None
    total = check.earnings.projected_cents + check.extra_cents
    limit = check.profile.limit_cents or 0
    parts = [
        gettext("The work is on %(date)s.", date=date_long(day)),
        gettext("With this work, you will earn about %(total)s that month.", total=eur(total)),
        gettext(
            "Your limit is %(limit)s. That is %(over)s over your limit.", limit=eur(limit), over=eur(total - limit)
        ),
        gettext(_CONSEQUENCE.get(check.profile.kind, _CONSEQUENCE["other"])),
        gettext(
            "You can still take the work. Your job coach will be told. Talk to your job coach if you are not sure."
        ),
    ]
    return " ".join(parts)


async def _recipients(coop_id: int, member_id: int) -> list[dict[str, Any]]:
    """The worker's coaches; when the worker has none, the coop's admins (someone must be told)."""
    coaches = {c.user_id for c in await _coaches(coop_id, member_id)}
    roles = ("coach",) if coaches else ("admin",)
    rows = (
        await CoopRole.select(CoopRole.user, CoopRole.user.email, CoopRole.user.language)
        .where(
            (CoopRole.coop == coop_id) & CoopRole.role.is_in(list(roles)) & (CoopRole.user.is_active == True)  # noqa: E712
        )
        .order_by(CoopRole.user.email)
        .run()
    )
    seen: set[int] = set()
    people = []
    for r in rows:
        if r["user_id"] in seen or (coaches and r["user_id"] not in coaches):
            continue
        seen.add(r["user_id"])
        people.append(r)
    return people


async def notify_coach_in_unit(
    coop_id: int, member_id: int, day: dt.date | None, minutes: int | None, ip: str = ""
) -> int:
    """Tell the worker's coaches (e-mail, sent after commit) that the worker accepted work over their limit. The
    mail names the worker, the day and the hours, never the benefit or the amounts. Returns how many were told."""
    if current_coop_id() != coop_id:
        raise TenancyError("notify_coach_in_unit needs the unit of the same coop")
    worker = await _worker_row(coop_id, member_id)
    coop = await _coop(coop_id)
    people = await _recipients(coop_id, member_id)
    for person in people:
        await send_mail(
            person["user_id.email"],
            "earnings_over_limit",
            person["user_id.language"],
            coop=coop["name"],
            slug=coop["slug"],
            name=worker.name,
            member_id=worker.id,
            day=day,
            hours=hours_number(minutes) if minutes else "",
            month=str(Month.of(day or today())),
        )
    await audit.record(
        "employment.earnings_warning_sent",
        actor_id=current_unit().user_id,
        coop_id=coop_id,
        target=f"member:{worker.id}",
        ip=ip,
        day=day.isoformat() if day else None,
        minutes=minutes,
        told=len(people),
    )
    return len(people)


async def warning_accepted_in_unit(coop_id: int, member_id: int, assignment_id: int, warning: str = "") -> int:
    """The work context's call after a worker accepted work despite the warning: the same as
    `notify_coach_in_unit`, with the day and hours of the accepted assignment. The warning text (amounts, the
    limit) is not passed on."""
    del warning
    on = today()
    planned = await planned_in_unit(coop_id, member_id, on - dt.timedelta(days=62), on + dt.timedelta(days=400))
    found = next((p for p in planned if p.assignment_id == assignment_id), None)
    if found is None:
        return await notify_coach_in_unit(coop_id, member_id, None, None)
    return await notify_coach_in_unit(coop_id, member_id, found.day, found.minutes)


# --- the monthly earnings statement -----------------------------------------------------------------------------


async def statement(ctx: CoopContext, member_id: int, month: Month, ip: str, fmt: str) -> Statement:
    """Approved hours and other pay of a month, for Kela or the unemployment fund: the coop's staff and the worker.
    Every download is audited."""
    if fmt not in ("pdf", "csv"):
        raise ValueError(f"unknown statement format {fmt!r}")
    async with coop_unit(ctx.id, ctx.viewer.id):
        worker = await _worker_row(ctx.id, member_id)
        if not _own(ctx, worker) and not ctx.has(*READERS):
            raise NotFoundException()
        e = await _month_in_unit(ctx.id, worker.id, month, None, today())
        coop = await _coop(ctx.id)
        await audit.record(
            "employment.statement_downloaded",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"member:{worker.id}",
            ip=ip,
            month=str(month),
            format=fmt,
        )
    rows = tuple(
        StatementRow(r.day, r.kind, r.minutes, r.hourly_wage_cents, r.pay_cents, r.note)
        for r in e.rows
        if r.kind in ("hours", "other")
    )
    counted: list[EarningRow] = [r for r in e.rows if r.kind in ("hours", "other")]
    return Statement(
        coop_name=coop["name"],
        business_id=coop["business_id"] or "",
        worker=worker,
        month=month,
        month_label=month_label(month),
        rows=rows,
        totals=earnings.statement_totals(counted),
        minutes_without_wage=sum(r.minutes for r in counted if r.kind == "hours" and r.hourly_wage_cents is None),
        made_on=today(),
    )


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: such text gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def statement_csv(s: Statement) -> str:
    """The statement for a spreadsheet: semicolons, decimal commas, a byte-order mark; a row per day's hours or pay
    and the totals."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([gettext("Earnings statement"), _cell(s.worker.name), str(s.month)])
    writer.writerow(
        [
            gettext("Date"),
            gettext("Hours"),
            gettext("Hourly wage (euros)"),
            gettext("Gross pay (euros)"),
            gettext("Note"),
        ]
    )
    for r in s.rows:
        writer.writerow(
            [
                format_date(r.day),
                earnings.hours_text(r.minutes) if r.kind == "hours" else "",
                format_euros(r.hourly_wage_cents) if r.hourly_wage_cents is not None else "",
                format_euros(r.pay_cents),
                _cell(r.note)
                if r.kind == "other"
                else ("" if r.hourly_wage_cents is not None else gettext("No contract")),
            ]
        )
    writer.writerow([gettext("Days worked"), s.totals.days_worked, "", "", ""])
    writer.writerow(
        [gettext("Total"), earnings.hours_text(s.totals.minutes), "", format_euros(s.totals.gross_cents), ""]
    )
    return "\ufeff" + out.getvalue()


def parse_month(text: str | None) -> Month:
    return Month.parse(text, Month.of(today()))
