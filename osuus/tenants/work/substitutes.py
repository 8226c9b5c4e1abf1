"""Substitutes: a worker says "I can't come" and the job finds someone else, without the customer's order changing.

1. The worker of an accepted job says they cannot come (`cant_come`): a search (`work_substitution`) opens.
2. The proposer (`candidates_in_unit`) goes through the active people of the register who have an account: each
   must have every skill the job needs (the categories of the order's lines), work on that weekday, be free that
   day (no job at the same time, no more than a day's work in all) and not go over their earnings limit with this
   job (the employment context's `would_exceed_in_unit`, asked last so that benefit data is opened only when
   everything else fits). Everyone who fits gets an offer (an `offered` assignment with `substitution_id`) and an
   e-mail; the coaches are told.
3. The first to accept takes the job (`taken_in_unit`, called by `service.accept_assignment` in the same
   transaction; the search row is locked, so two answers at once cannot both win). The other offers are taken
   back. If the coop wants a coach or the admin to approve substitutes, the search waits (`waiting`) until they
   approve or refuse; otherwise, and after approval, the first worker's assignment becomes `replaced` (`filled`).
4. A manager can send offers again (to people who fit now), and stop the search: the first worker keeps the job.

Every step is a `work_substitution_event`; the assignments keep their own events. One transaction per action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit, dates
from osuus.platform.context import CoopContext
from osuus.platform.dates import today
from osuus.platform.http import Form, parse_id
from osuus.platform.i18n import N_, get_language
from osuus.platform.mailer import send_mail
from osuus.platform.reference.service import CategoryView, categories
from osuus.platform.tenancy import coop_unit, lock_row
from osuus.tenants.employment.service import would_exceed_in_unit
from osuus.tenants.work.service import (
    MANAGERS,
    NOT_APPROVED,
    NOTE_MAX,
    OFFERABLE,
    SEARCH_STOPPED,
    SOMEONE_TOOK,
    YES,
    AssignmentView,
    NotPossible,
    _assignments,
    _mail_worker,
    _require_unit,
    assignment_in_unit,
    my_assignment_in_unit,
    offer_in_unit,
    set_status_in_unit,
)
from osuus.tenants.work.tables import (
    WEEKDAYS,
    Assignment,
    AssignmentEvent,
    Substitution,
    SubstitutionEvent,
    WorkerDays,
    WorkerSkill,
    WorkRules,
)

APPROVERS = ("admin", "coach")  # approve or refuse a substitute; see why someone was not offered the job
RULE_SETTERS = ("admin", "board")
DAY_MINUTES = 8 * 60  # a person is not offered more than a day's work in all
LIVE_SEARCH = ("open", "waiting")
# Why a person was not offered the job (message ids). `limit` is shown only to APPROVERS: it comes from benefit data.
REASONS = {
    "skill": N_("Does not have the skill the job needs"),
    "day": N_("Does not work on this weekday"),
    "busy": N_("Has other work at the same time"),
    "limit": N_("Would go over their earnings limit"),
    "hidden": N_("Cannot take this job"),
    "offered": N_("Has an offer already"),
}


# --- views -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubstitutionView:
    id: int
    order_id: int
    assignment_id: int
    member_id: int
    worker: str  # the worker who cannot come
    status: str  # open | waiting | filled | cancelled
    reason: str
    needs_approval: bool
    taken_id: int | None
    taken_by: str  # the substitute's name, when someone took the job
    created_at: dt.datetime
    closed_at: dt.datetime | None
    title: str
    order_status: str
    customer: str
    place: str
    planned_day: dt.date
    planned_minutes: int

    @property
    def live(self) -> bool:
        return self.status in LIVE_SEARCH


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str
    reason: str  # "" when the person fits; else a key of REASONS

    @property
    def fits(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class SubstitutionEventView:
    kind: str
    person: str  # whom it was about (offered, taken)
    at: dt.datetime
    by: str
    note: str


_SQL = """SELECT s.id, s.order_id, s.assignment_id, s.member_id, m.name AS worker, s.status, s.reason,
  s.needs_approval, s.taken_id, coalesce(tm.name, '') AS taken_by, s.created_at, s.closed_at, o.title,
  o.status AS order_status, coalesce(c.name, o.customer_name) AS customer, o.place, a.planned_day, a.planned_minutes
FROM work_substitution s
JOIN work_order o ON o.coop_id = s.coop_id AND o.id = s.order_id
JOIN work_assignment a ON a.coop_id = s.coop_id AND a.id = s.assignment_id
JOIN member m ON m.coop_id = s.coop_id AND m.id = s.member_id
LEFT JOIN work_assignment ta ON ta.coop_id = s.coop_id AND ta.id = s.taken_id
LEFT JOIN member tm ON tm.coop_id = ta.coop_id AND tm.id = ta.member_id
LEFT JOIN customer c ON c.coop_id = o.coop_id AND c.id = o.customer_id
WHERE s.coop_id = {} AND """


def _view(r: dict[str, Any]) -> SubstitutionView:
    return SubstitutionView(
        id=int(r["id"]),
        order_id=int(r["order_id"]),
        assignment_id=int(r["assignment_id"]),
        member_id=int(r["member_id"]),
        worker=r["worker"],
        status=r["status"],
        reason=r["reason"],
        needs_approval=r["needs_approval"],
        taken_id=r["taken_id"],
        taken_by=r["taken_by"],
        created_at=r["created_at"],
        closed_at=r["closed_at"],
        title=r["title"],
        order_status=r["order_status"],
        customer=r["customer"] or "",
        place=r["place"],
        planned_day=r["planned_day"],
        planned_minutes=int(r["planned_minutes"]),
    )


async def _searches(
    coop_id: int, where: str, *args: Any, order: str = "s.created_at DESC, s.id DESC"
) -> list[SubstitutionView]:
    rows = await Substitution.raw(_SQL + where + " ORDER BY " + order, coop_id, *args).run()
    return [_view(r) for r in rows]


async def substitution_in_unit(coop_id: int, substitution_id: int, lock: bool = False) -> SubstitutionView:
    """One search of the open unit's coop; another coop's id and a missing id are the same 404."""
    _require_unit(coop_id, "substitution_in_unit")
    if lock:
        await lock_row(Substitution, coop_id, substitution_id)
    found = await _searches(coop_id, "s.id = {}", substitution_id)
    if not found:
        raise NotFoundException()
    return found[0]


async def _event(
    coop_id: int, substitution_id: int, kind: str, by: int | None, member_id: int | None = None, note: str = ""
) -> None:
    await SubstitutionEvent.insert(
        SubstitutionEvent(coop=coop_id, substitution=substitution_id, kind=kind, member=member_id, by=by, note=note)
    ).run()


async def _events(coop_id: int, substitution_id: int) -> list[SubstitutionEventView]:
    rows = await SubstitutionEvent.raw(
        "SELECT e.kind, coalesce(m.name, '') AS person, e.at, coalesce(u.name, '') AS by, e.note "
        "FROM work_substitution_event e LEFT JOIN member m ON m.coop_id = e.coop_id AND m.id = e.member_id "
        "LEFT JOIN app_user u ON u.id = e.by_id WHERE e.coop_id = {} AND e.substitution_id = {} ORDER BY e.at, e.id",
        coop_id,
        substitution_id,
    ).run()
    return [SubstitutionEventView(r["kind"], r["person"], r["at"], r["by"], r["note"]) for r in rows]


# --- the coop's rule -------------------------------------------------------------------------------------------


async def approval_needed_in_unit(coop_id: int) -> bool:
    """Whether a coach or the admin approves a substitute before the job is theirs (default: no)."""
    rows = await WorkRules.select(WorkRules.substitute_approval).where(WorkRules.coop == coop_id).run()
    return bool(rows and rows[0]["substitute_approval"])


async def set_approval(ctx: CoopContext, form: Form, ip: str) -> bool:
    """Save the coop's rule from the form (`substitute_approval` yes/no). Returns the rule now in force."""
    ctx.require(*RULE_SETTERS)
    wanted = form.get("substitute_approval").lower() in YES
    async with coop_unit(ctx.id, ctx.viewer.id):
        before = await approval_needed_in_unit(ctx.id)
        if before == wanted:
            return wanted  # nothing to change, nothing written
        exists = await WorkRules.exists().where(WorkRules.coop == ctx.id).run()
        if exists:
            await (
                WorkRules.update(
                    {WorkRules.substitute_approval: wanted, WorkRules.updated_at: dates.now(),
                     WorkRules.updated_by: ctx.viewer.id}
                )
                .where(WorkRules.coop == ctx.id)
                .run()
            )  # fmt: skip
        else:
            await WorkRules.insert(WorkRules(coop=ctx.id, substitute_approval=wanted, updated_by=ctx.viewer.id)).run()
        await audit.record(
                "work.substitute_rule", actor_id=ctx.viewer.id, coop_id=ctx.id, target=f"coop:{ctx.id}", ip=ip,
                before=before, after=wanted,
            )  # fmt: skip
    return wanted


# --- skills and work days --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSkills:
    member_id: int
    name: str
    has_account: bool
    skills: tuple[int, ...]  # category ids
    days: str  # ISO weekday digits


async def _people_in_unit(coop_id: int, member_id: int | None = None) -> list[PersonSkills]:
    """Active people of the register (not organisations) with their skills and work days."""
    rows = await Substitution.raw(
        "SELECT m.id, m.name, m.user_id IS NOT NULL AS has_account, coalesce(d.days, {}) AS days, "
        "coalesce(array_agg(s.category_id ORDER BY s.category_id) FILTER (WHERE s.category_id IS NOT NULL), "
        "ARRAY[]::bigint[]) AS skills "
        "FROM member m LEFT JOIN work_days d ON d.coop_id = m.coop_id AND d.member_id = m.id "
        "LEFT JOIN work_skill s ON s.coop_id = m.coop_id AND s.member_id = m.id "
        "WHERE m.coop_id = {} AND m.status = 'active' AND m.organisation_id IS NULL "
        + ("AND m.id = {} " if member_id is not None else "")
        + "GROUP BY m.id, m.name, m.user_id, d.days ORDER BY m.name, m.id",
        WEEKDAYS,
        coop_id,
        *([member_id] if member_id is not None else []),
    ).run()
    return [
        PersonSkills(int(r["id"]), r["name"], r["has_account"], tuple(int(c) for c in r["skills"]), r["days"])
        for r in rows
    ]


@dataclass(frozen=True)
class PeoplePage:
    people: list[PersonSkills]
    categories: dict[int, CategoryView]
    can_edit: bool


async def people_page(ctx: CoopContext) -> PeoplePage:
    ctx.require(*MANAGERS)
    found = {c.id: c for c in await categories()}
    async with coop_unit(ctx.id, ctx.viewer.id):
        people = await _people_in_unit(ctx.id)
    return PeoplePage(people, found, ctx.has(*MANAGERS))


@dataclass(frozen=True)
class SkillsPage:
    person: PersonSkills
    categories: list[CategoryView]


async def skills_page(ctx: CoopContext, member_id: int) -> tuple[SkillsPage, Form]:
    ctx.require(*MANAGERS)
    found = await categories()
    async with coop_unit(ctx.id, ctx.viewer.id):
        people = await _people_in_unit(ctx.id, member_id)
    if not people:
        raise NotFoundException()
    person = people[0]
    values = {f"skill_{c}": "yes" for c in person.skills}
    values.update({f"day_{d}": "yes" for d in person.days})
    return SkillsPage(person, found), Form(values=values)


async def save_skills(ctx: CoopContext, member_id: int, form: Form, ip: str) -> bool:
    """Save the person's skills (`skill_<category id>`) and work days (`day_<1-7>`). False when the form has
    mistakes (nothing written)."""
    ctx.require(*MANAGERS)
    known = {c.id for c in await categories()}
    ticked = {k: v for k, v in form.values.items() if v.lower() in YES}
    skills: set[int] = set()
    for name in ticked:
        if name.startswith("skill_"):
            category = parse_id(name.removeprefix("skill_"))
            if category is None or category not in known:
                form.error("skills", N_("Choose skills from the list"))
                break
            skills.add(category)
    days = "".join(d for d in WEEKDAYS if f"day_{d}" in ticked)
    if any(n.startswith("day_") and n.removeprefix("day_") not in WEEKDAYS for n in ticked):
        form.error("days", N_("Choose days from the list"))
    elif not days:
        form.error("days", N_("Choose at least one day"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        people = await _people_in_unit(ctx.id, member_id)
        if not people:
            raise NotFoundException()
        if not form.ok:
            return False
        person = people[0]
        before = set(person.skills)
        for gone in before - skills:
            await (
                WorkerSkill.delete()
                .where(
                    (WorkerSkill.coop == ctx.id) & (WorkerSkill.member == member_id) & (WorkerSkill.category == gone)
                )
                .run()
            )
        for new in sorted(skills - before):
            await WorkerSkill.insert(
                WorkerSkill(coop=ctx.id, member=member_id, category=new, created_by=ctx.viewer.id)
            ).run()
        if await WorkerDays.exists().where((WorkerDays.coop == ctx.id) & (WorkerDays.member == member_id)).run():
            await (
                WorkerDays.update(
                    {WorkerDays.days: days, WorkerDays.updated_at: dates.now(), WorkerDays.updated_by: ctx.viewer.id}
                )
                .where((WorkerDays.coop == ctx.id) & (WorkerDays.member == member_id))
                .run()
            )
        else:
            await WorkerDays.insert(
                WorkerDays(coop=ctx.id, member=member_id, days=days, updated_by=ctx.viewer.id)
            ).run()
        await audit.record(
            "work.skills_saved", actor_id=ctx.viewer.id, coop_id=ctx.id, target=f"member:{member_id}", ip=ip,
            skills=sorted(skills), days=days,
        )  # fmt: skip
    return True


# --- the proposer ----------------------------------------------------------------------------------------------


async def needed_skills_in_unit(coop_id: int, order_id: int) -> list[int]:
    """The categories of the order's lines: a substitute must have every one."""
    rows = await Substitution.raw(
        "SELECT DISTINCT i.category_id FROM work_order_line l "
        "JOIN catalogue_item i ON i.coop_id = l.coop_id AND i.id = l.item_id "
        "WHERE l.coop_id = {} AND l.order_id = {} ORDER BY i.category_id",
        coop_id,
        order_id,
    ).run()
    return [int(r["category_id"]) for r in rows]


_BUSY_SQL = """SELECT a.member_id, sum(a.planned_minutes) AS minutes,
  bool_or(o.starts_at IS NOT NULL AND {}::timestamptz IS NOT NULL
          AND o.day = a.planned_day AND o.starts_at < {}::timestamptz AND {}::timestamptz < o.ends_at) AS overlaps
FROM work_assignment a JOIN work_order o ON o.coop_id = a.coop_id AND o.id = a.order_id
WHERE a.coop_id = {} AND a.role = 'worker' AND a.status = 'accepted' AND a.planned_day = {} AND a.order_id <> {}
  AND o.status = ANY({})
GROUP BY a.member_id"""


async def candidates_in_unit(coop_id: int, search: SubstitutionView) -> list[Candidate]:
    """Everyone who could be asked, in name order, each with the first reason they cannot take the job ("" when
    they can). People without an account (they cannot answer an offer), the worker who cannot come and those who
    already had this job are not listed. The earnings limit is asked last, and only for people who fit otherwise."""
    _require_unit(coop_id, "candidates_in_unit")
    needed = set(await needed_skills_in_unit(coop_id, search.order_id))
    times = await Substitution.raw(
        "SELECT starts_at, ends_at, day FROM work_order WHERE coop_id = {} AND id = {}", coop_id, search.order_id
    ).run()
    start = end = None
    if times and times[0]["day"] == search.planned_day:
        start, end = times[0]["starts_at"], times[0]["ends_at"]
    busy = {
        int(r["member_id"]): (int(r["minutes"]), bool(r["overlaps"]))
        for r in await Substitution.raw(
            _BUSY_SQL, start, end, start, coop_id, search.planned_day, search.order_id, list(OFFERABLE)
        ).run()
    }
    # On this order already: offered in this search (listed as such); has or had the job otherwise, or said no
    # or was not approved in this search (not listed). An offer taken back because someone else was first can be
    # made again when the search opens again.
    on_job = await Assignment.raw(
        "SELECT member_id, bool_or(substitution_id = {} AND status IN ('offered', 'accepted')) AS offered, "
        "bool_or((substitution_id IS DISTINCT FROM {} AND status IN ('offered', 'accepted', 'replaced')) "
        "OR (substitution_id = {} AND status IN ('declined', 'cancelled'))) AS out "
        "FROM work_assignment WHERE coop_id = {} AND order_id = {} AND member_id IS NOT NULL GROUP BY member_id",
        search.id,
        search.id,
        search.id,
        coop_id,
        search.order_id,
    ).run()
    offered = {int(r["member_id"]) for r in on_job if r["offered"]}
    skip = {int(r["member_id"]) for r in on_job if r["out"] and not r["offered"]} | {search.member_id}
    weekday = str(search.planned_day.isoweekday())
    found = []
    for person in await _people_in_unit(coop_id):
        if not person.has_account or person.member_id in skip:
            continue
        reason = ""
        if person.member_id in offered:
            reason = "offered"
        elif not needed <= set(person.skills):
            reason = "skill"
        elif weekday not in person.days:
            reason = "day"
        else:
            minutes, overlaps = busy.get(person.member_id, (0, False))
            if overlaps or minutes + search.planned_minutes > DAY_MINUTES:
                reason = "busy"
            elif await would_exceed_in_unit(coop_id, person.member_id, search.planned_day, search.planned_minutes):
                reason = "limit"
        found.append(Candidate(person.member_id, person.name, reason))
    return found


# --- "I can't come" --------------------------------------------------------------------------------------------


def _check_can_give_up(found: AssignmentView) -> None:
    if found.role != "worker" or found.status != "accepted":
        raise NotPossible(N_("Only a job you have taken can be given to a substitute."))
    if found.order_status not in OFFERABLE:
        raise NotPossible(N_("This job is not open any more."))
    if found.planned_day < today():
        raise NotPossible(N_("The day of this job is past. Talk to your job coach."))


async def _live_search_of(coop_id: int, assignment_id: int) -> int | None:
    rows = await Substitution.raw(
        "SELECT id FROM work_substitution WHERE coop_id = {} AND assignment_id = {} AND status = ANY({})",
        coop_id,
        assignment_id,
        list(LIVE_SEARCH),
    ).run()
    return int(rows[0]["id"]) if rows else None


async def cant_come_page(ctx: CoopContext, assignment_id: int) -> AssignmentView:
    """The confirm page for the person whose job it is (404 for anyone else's); NotPossible when it does not fit."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id)
        _check_can_give_up(found)
        if await _live_search_of(ctx.id, assignment_id) is not None:
            raise NotPossible(N_("You have already said you cannot come. A substitute is being looked for."))
    return found


async def _has_time(coop_id: int, assignment_id: int) -> bool:
    rows = await Assignment.raw(
        "SELECT 1 FROM work_hours WHERE coop_id = {} AND assignment_id = {} LIMIT 1", coop_id, assignment_id
    ).run()
    return bool(rows)


async def cant_come(ctx: CoopContext, assignment_id: int, form: Form, ip: str) -> SubstitutionView | None:
    """The worker cannot come: open a search, offer the job to everyone who fits, tell the coaches. Returns the
    search; None when the form has mistakes (nothing written)."""
    reason = form.get("reason").strip()
    if len(reason) > NOTE_MAX:
        form.error("reason", N_("Write 1 000 characters or fewer"))
    async with coop_unit(ctx.id, ctx.viewer.id):
        found = await my_assignment_in_unit(ctx.id, ctx.viewer.id, assignment_id, lock=True)
        _check_can_give_up(found)
        if await _live_search_of(ctx.id, assignment_id) is not None:
            raise NotPossible(N_("You have already said you cannot come. A substitute is being looked for."))
        if await _has_time(ctx.id, assignment_id):
            raise NotPossible(N_("You have already logged time for this job. Talk to your job coach."))
        if not form.ok:
            return None
        assert found.member_id is not None  # a worker's assignment
        rows = (
            await Substitution.insert(
                Substitution(
                    coop=ctx.id, order=found.order_id, assignment=assignment_id, member=found.member_id,
                    status="open", reason=reason, needs_approval=await approval_needed_in_unit(ctx.id),
                    created_by=ctx.viewer.id,
                )
            )
            .returning(Substitution.id)
            .run()
        )  # fmt: skip
        search_id = int(rows[0]["id"])
        # The reason stays in the search row only (shown to the worker, coaches and the admin): it may tell of
        # health, and histories are read by the board too.
        await _event(ctx.id, search_id, "asked", ctx.viewer.id, found.member_id)
        await AssignmentEvent.insert(
            AssignmentEvent(coop=ctx.id, assignment=assignment_id, kind="cant_come", by=ctx.viewer.id)
        ).run()
        search = await substitution_in_unit(ctx.id, search_id)
        offered = await _offer_in_unit(ctx, search)
        await _tell_coaches(ctx, search, "asked", offered=len(offered))
        await audit.record(
            "work.cant_come", actor_id=ctx.viewer.id, coop_id=ctx.id, target=f"work_assignment:{assignment_id}",
            ip=ip, substitution_id=search_id, offers=offered,
        )  # fmt: skip
        return await substitution_in_unit(ctx.id, search_id)


async def _offer_in_unit(ctx: CoopContext, search: SubstitutionView) -> list[int]:
    """An offer and an e-mail to everyone who fits now; a `nobody` event when no one does."""
    chosen = [c for c in await candidates_in_unit(ctx.id, search) if c.fits]
    if not chosen:
        await _event(ctx.id, search.id, "nobody", ctx.viewer.id)
        return []
    ids = []
    for person in chosen:
        ids.append(
            await offer_in_unit(
                ctx.id, search.order_id, person.member_id, search.planned_day, search.planned_minutes,
                ctx.viewer.id, substitution_id=search.id,
            )
        )  # fmt: skip
        await _event(ctx.id, search.id, "offered", ctx.viewer.id, person.member_id)
        await _mail_worker(ctx, person.member_id, "work_substitute_offer", search=search)
    return ids


async def send_offers(ctx: CoopContext, substitution_id: int, ip: str) -> list[int]:
    """Offer the job again to everyone who fits now and has no offer yet. NotPossible when the search is not open
    or nobody new fits (then nothing is written)."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        search = await substitution_in_unit(ctx.id, substitution_id, lock=True)
        _check_search(search, ("open",))
        if not any(c.fits for c in await candidates_in_unit(ctx.id, search)):
            raise NotPossible(N_("Nobody new can take the job now. Check people's skills and work days."))
        ids = await _offer_in_unit(ctx, search)
        await audit.record(
            "work.substitute_offers", actor_id=ctx.viewer.id, coop_id=ctx.id,
            target=f"work_substitution:{substitution_id}", ip=ip, offers=ids,
        )  # fmt: skip
    return ids


def search_state(status: str) -> str:
    """What the search waits for, for a step that does not fit (a message id)."""
    return _SEARCH_STATE[status]


def _check_search(search: SubstitutionView, allowed: tuple[str, ...]) -> None:
    if search.status not in allowed:
        raise NotPossible(_SEARCH_STATE[search.status])
    if search.order_status not in OFFERABLE:
        raise NotPossible(N_("This job is not open any more."))


_SEARCH_STATE = {
    "open": N_("Nobody has taken the job yet."),
    "waiting": N_("Someone has taken the job. Approve or refuse the change first."),
    "filled": N_("The substitute has the job already."),
    "cancelled": N_("The search for a substitute was stopped."),
}


# --- someone takes the job -------------------------------------------------------------------------------------


async def check_take_in_unit(coop_id: int, substitution_id: int) -> SubstitutionView:
    """Lock the search before a substitute's offer is accepted; NotPossible when someone was first."""
    search = await substitution_in_unit(coop_id, substitution_id, lock=True)
    if search.status in ("waiting", "filled"):
        raise NotPossible(SOMEONE_TOOK)
    if search.status != "open":
        raise NotPossible(SEARCH_STOPPED)
    return search


async def taken_in_unit(ctx: CoopContext, search: SubstitutionView, assignment_id: int, member_id: int) -> None:
    """The offer `assignment_id` was just accepted: the other offers are taken back; the job is the
    substitute's now, or after approval when the coop wants it."""
    await _withdraw_offers(ctx.id, search.id, ctx.viewer.id, SOMEONE_TOOK, keep=assignment_id)
    if search.needs_approval:
        await (
            Substitution.update({Substitution.status: "waiting", Substitution.taken: assignment_id})
            .where((Substitution.coop == ctx.id) & (Substitution.id == search.id))
            .run()
        )
        await _event(ctx.id, search.id, "taken", ctx.viewer.id, member_id)
        await _tell_coaches(ctx, await substitution_in_unit(ctx.id, search.id), "waiting")
        return
    await _event(ctx.id, search.id, "taken", ctx.viewer.id, member_id)
    await _fill_in_unit(ctx, search, assignment_id)


async def _withdraw_offers(coop_id: int, search_id: int, by: int | None, note: str, keep: int | None = None) -> None:
    rows = await Assignment.raw(
        "SELECT id FROM work_assignment WHERE coop_id = {} AND substitution_id = {} AND status = 'offered' ORDER BY id",
        coop_id,
        search_id,
    ).run()
    for r in rows:
        if r["id"] != keep:
            await set_status_in_unit(coop_id, r["id"], "withdrawn", by, note)


async def _fill_in_unit(ctx: CoopContext, search: SubstitutionView, taken_id: int) -> None:
    """The substitute has the job: the first worker's assignment is `replaced`, the search `filled`."""
    await set_status_in_unit(ctx.id, search.assignment_id, "replaced", ctx.viewer.id)
    await (
        Substitution.update(
            {Substitution.status: "filled", Substitution.taken: taken_id, Substitution.closed_at: dates.now()}
        )
        .where((Substitution.coop == ctx.id) & (Substitution.id == search.id))
        .run()
    )
    await _event(ctx.id, search.id, "filled", ctx.viewer.id)
    filled = await substitution_in_unit(ctx.id, search.id)
    await _mail_worker(ctx, search.member_id, "work_substitute_news", search=filled, what="found")


# --- approve, refuse, stop -------------------------------------------------------------------------------------


async def approve(ctx: CoopContext, substitution_id: int, ip: str) -> SubstitutionView:
    """A coach or the admin approves the substitute who took the job."""
    ctx.require(*APPROVERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        search = await substitution_in_unit(ctx.id, substitution_id, lock=True)
        _check_search(search, ("waiting",))
        assert search.taken_id is not None  # the database says so for `waiting`
        taken = await assignment_in_unit(ctx.id, search.taken_id)
        await _event(ctx.id, search.id, "approved", ctx.viewer.id, taken.member_id)
        await _fill_in_unit(ctx, search, search.taken_id)
        if taken.member_id is not None:
            await _mail_worker(ctx, taken.member_id, "work_substitute_news", search=search, what="approved")
        await audit.record(
            "work.substitute_approved", actor_id=ctx.viewer.id, coop_id=ctx.id,
            target=f"work_substitution:{substitution_id}", ip=ip, assignment_id=search.taken_id,
        )  # fmt: skip
        return await substitution_in_unit(ctx.id, substitution_id)


async def refuse(ctx: CoopContext, substitution_id: int, ip: str) -> SubstitutionView:
    """A coach or the admin does not approve: the substitute's assignment is cancelled and the search is open
    again (offers can be sent again); the first worker still has the job meanwhile."""
    ctx.require(*APPROVERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        search = await substitution_in_unit(ctx.id, substitution_id, lock=True)
        _check_search(search, ("waiting",))
        assert search.taken_id is not None
        taken = await assignment_in_unit(ctx.id, search.taken_id)
        await set_status_in_unit(ctx.id, search.taken_id, "cancelled", ctx.viewer.id, NOT_APPROVED)
        await (
            Substitution.update({Substitution.status: "open", Substitution.taken: None})
            .where((Substitution.coop == ctx.id) & (Substitution.id == substitution_id))
            .run()
        )
        await _event(ctx.id, search.id, "refused", ctx.viewer.id, taken.member_id)
        if taken.member_id is not None:
            await _mail_worker(ctx, taken.member_id, "work_substitute_news", search=search, what="refused")
        await audit.record(
            "work.substitute_refused", actor_id=ctx.viewer.id, coop_id=ctx.id,
            target=f"work_substitution:{substitution_id}", ip=ip, assignment_id=search.taken_id,
        )  # fmt: skip
        return await substitution_in_unit(ctx.id, substitution_id)


async def stop(ctx: CoopContext, substitution_id: int, ip: str) -> SubstitutionView:
    """Stop the search (the worker can come after all): open offers are taken back, the first worker keeps the
    job and is told."""
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        search = await substitution_in_unit(ctx.id, substitution_id, lock=True)
        if search.status != "open":
            raise NotPossible(_SEARCH_STATE[search.status])
        await _close_in_unit(ctx.id, search.id, ctx.viewer.id)
        await _mail_worker(ctx, search.member_id, "work_substitute_news", search=search, what="stopped")
        await audit.record(
            "work.substitute_search_stopped", actor_id=ctx.viewer.id, coop_id=ctx.id,
            target=f"work_substitution:{substitution_id}", ip=ip,
        )  # fmt: skip
        return await substitution_in_unit(ctx.id, substitution_id)


# What a manager can do with a search, by the word in its address (pages and API).
SEARCH_STEPS: dict[str, Callable[[CoopContext, int, str], Awaitable[Any]]] = {
    "offers": send_offers,
    "approve": approve,
    "refuse": refuse,
    "stop": stop,
}


async def _close_in_unit(coop_id: int, search_id: int, by: int | None) -> None:
    await _withdraw_offers(coop_id, search_id, by, SEARCH_STOPPED)
    await (
        Substitution.update(
            {Substitution.status: "cancelled", Substitution.closed_at: dates.now(), Substitution.taken: None}
        )
        .where((Substitution.coop == coop_id) & (Substitution.id == search_id))
        .run()
    )
    await _event(coop_id, search_id, "cancelled", by)


async def order_ended_in_unit(coop_id: int, order_id: int, by: int | None) -> None:
    """The order was cancelled: its open searches stop (the order's step already ended the assignments)."""
    rows = await Substitution.raw(
        "SELECT id FROM work_substitution WHERE coop_id = {} AND order_id = {} AND status = ANY({}) ORDER BY id",
        coop_id,
        order_id,
        list(LIVE_SEARCH),
    ).run()
    for r in rows:
        await _close_in_unit(coop_id, int(r["id"]), by)


# --- pages -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubstitutionList:
    live: list[SubstitutionView]
    closed: list[SubstitutionView]
    needs_approval: bool
    can_set_rule: bool


async def substitution_list(ctx: CoopContext) -> SubstitutionList:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        live = await _searches(ctx.id, "s.status = ANY({})", list(LIVE_SEARCH), order="a.planned_day, s.id")
        closed = await _searches(ctx.id, "s.status <> ALL({}) AND s.created_at > now() - interval '90 days'",
                                 list(LIVE_SEARCH))  # fmt: skip
        rule = await approval_needed_in_unit(ctx.id)
    return SubstitutionList(live, closed, rule, ctx.has(*RULE_SETTERS))


@dataclass(frozen=True)
class SubstitutionPage:
    search: SubstitutionView
    candidates: list[Candidate]
    offers: list[AssignmentView]
    events: list[SubstitutionEventView]
    needed: list[int]
    categories: dict[int, CategoryView]
    sees_limit: bool
    can_approve: bool

    def reason(self, candidate: Candidate) -> str:
        """Why the person was not offered the job (a message id); the limit only for those who may know it."""
        if candidate.reason == "limit" and not self.sees_limit:
            return REASONS["hidden"]
        return REASONS.get(candidate.reason, "")


async def substitution_page(ctx: CoopContext, substitution_id: int) -> SubstitutionPage:
    ctx.require(*MANAGERS)
    found = {c.id: c for c in await categories()}
    async with coop_unit(ctx.id, ctx.viewer.id):
        search = await substitution_in_unit(ctx.id, substitution_id)
        candidates = await candidates_in_unit(ctx.id, search) if search.status == "open" else []
        offers = await _offers_in_unit(ctx.id, search.id)
        events = await _events(ctx.id, search.id)
        needed = await needed_skills_in_unit(ctx.id, search.order_id)
    return SubstitutionPage(search, candidates, offers, events, needed, found, ctx.has(*APPROVERS), ctx.has(*APPROVERS))


async def _offers_in_unit(coop_id: int, search_id: int) -> list[AssignmentView]:
    return await _assignments(coop_id, "a.substitution_id = {}", search_id, order="a.id")


async def get_substitution(ctx: CoopContext, substitution_id: int) -> SubstitutionView:
    ctx.require(*MANAGERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        return await substitution_in_unit(ctx.id, substitution_id)


# --- e-mails ---------------------------------------------------------------------------------------------------


async def _tell_coaches(ctx: CoopContext, search: SubstitutionView, what: str, offered: int = 0) -> None:
    """The coop's job coaches (the admins when it has none) hear that a worker cannot come, or that a substitute
    waits for approval."""
    rows = await Assignment.raw(
        "SELECT DISTINCT u.id, u.email, u.language, r.role FROM coop_role r JOIN app_user u ON u.id = r.user_id "
        "WHERE r.coop_id = {} AND r.role IN ('coach', 'admin') AND u.is_active ORDER BY u.id",
        ctx.id,
    ).run()
    coaches = [r for r in rows if r["role"] == "coach"] or [r for r in rows if r["role"] == "admin"]
    seen: set[int] = set()
    for r in coaches:
        if r["id"] in seen or r["id"] == ctx.viewer.id:
            continue
        seen.add(r["id"])
        await send_mail(
            r["email"], "work_substitute_wanted", r["language"] or get_language(), coop_name=ctx.name,
            search=search, what=what, offered=offered, link=f"/c/{ctx.slug}/work/substitutes/{search.id}",
        )  # fmt: skip
