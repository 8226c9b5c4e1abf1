"""The entrepreneur-status monitor: recompute the coop's status from the register, store it, tell on change.

The rules are in `rules.py` (pure). Here: loading the register, storing `coop_status`, and the side effects of a
change (audit row, activity row, e-mail to the coop's admins and job coaches), plus the reads for the pages.

Decisions:
- The monitor reads `member`, `family_link` and `board_seat` directly (filtered by coop_id, in the open unit):
  it is called from inside the members' and governance's own transactions, after their change, and must see it.
- One `coop_status` row per coop. The row is created (as `ok`, nobody flagged) and locked before the register is
  read, so two concurrent recomputes of one coop run one after the other and tell about a change once.
  A coop that was never computed therefore counts as `ok` with nobody flagged: its first non-ok result is a change.
- "Changed" means the level changed or the set of flagged members changed; the figures alone (a new member that
  moves the shares but not the outcome) are stored without telling anyone.
- The stored detail holds ids and vote counts, never names: the page looks the names up when it is shown.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import structlog
from litestar.exceptions import PermissionDeniedException

from osuus.platform import audit
from osuus.platform.context import CoopContext, Viewer
from osuus.platform.dates import today as today_in_helsinki
from osuus.platform.i18n import N_
from osuus.platform.mailer import send_mail
from osuus.platform.tables import Coop, CoopRole, Region
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id, operator_unit, public_unit
from osuus.tenants.governance import service as governance
from osuus.tenants.members.tables import FamilyLink, Member
from osuus.tenants.monitor import rules
from osuus.tenants.monitor.tables import CoopStatus
from osuus.tenants.noticeboard.tables import Activity

log = structlog.get_logger(__name__)

VIEWERS = ("admin", "board", "coach")  # who sees the monitor page
TOLD = ("admin", "coach")  # who gets the e-mail when the status changes
DETAIL_VERSION = 1

LEVEL_NAMES = {
    rules.OK: N_("Enough members with a vote"),
    rules.WARNING: N_("Too few members with a vote"),
    rules.AT_RISK: N_("Just enough members with a vote"),
    rules.FLAGGED: N_("Someone may count as an entrepreneur"),
}


# --- recomputing ----------------------------------------------------------------------------------------------


async def _load(coop_id: int) -> tuple[list[rules.Person], list[rules.Family], list[rules.Seat]]:
    members = (
        await Member.select(Member.id, Member.member_class, Member.status, Member.joined_on, Member.left_on)
        .where(Member.coop == coop_id)
        .run()
    )
    links = await FamilyLink.select(FamilyLink.member, FamilyLink.relative).where(FamilyLink.coop == coop_id).run()
    seats = await governance.member_seat_terms_in_unit(coop_id)
    return (
        [rules.Person(m["id"], m["member_class"], m["status"], m["joined_on"], m["left_on"]) for m in members],
        [rules.Family(link["member_id"], link["relative_id"]) for link in links],
        [rules.Seat(s.member_id, s.role, s.term_start, s.term_end, s.has_vote) for s in seats],
    )


def _finding_detail(finding: rules.Finding) -> dict[str, Any]:
    limit = finding.limit * 100
    assert limit.denominator == 1, "limits are whole percentages"
    return {
        "code": finding.code,
        "votes": finding.votes,
        "voters": finding.voters,
        "limit": int(limit),
        "more_voters": finding.more_voters,
        "leaving_board_fixes": finding.leaving_board_fixes,
    }


def to_detail(evaluation: rules.Evaluation, today: dt.date) -> dict[str, Any]:
    """The stored figures: exact vote counts (a share is votes/voters), only for members flagged or close."""
    return {
        "version": DETAIL_VERSION,
        "date": today.isoformat(),
        "voters": evaluation.voters,
        "leading": evaluation.leading,
        "flagged": sorted(evaluation.flagged_ids),
        "members": [
            {
                "member_id": m.member_id,
                "leading": m.leading,
                "roles": list(m.roles),
                "relatives": list(m.relatives),
                "votes_with_family": m.votes_with_family,
                "flags": [_finding_detail(f) for f in m.flags],
                "close": [_finding_detail(f) for f in m.close],
            }
            for m in evaluation.notable
        ],
    }


async def evaluate_in_unit(coop_id: int, today: dt.date | None = None) -> rules.Evaluation:
    """Evaluate the coop's register as it is in the open unit (read only)."""
    members, links, seats = await _load(coop_id)
    return rules.evaluate(members, links, seats, today or today_in_helsinki())


async def recompute_in_unit(coop_id: int, actor_id: int | None = None) -> None:
    """Recompute and store the coop's status inside the open coop unit of work.

    Members and governance call this after every change of membership, family links or board seats, in the
    same transaction as the change. When the level or the set of flagged members changes, it writes an audit
    row and an activity row and queues an e-mail to each admin and job coach (sent after commit).
    """
    if current_coop_id() != coop_id:
        raise TenancyError("recompute_in_unit needs the unit of the same coop")
    # Create the row if it is missing, then lock it: concurrent recomputes of this coop wait here, so a change
    # is told once. (A plain INSERT could fail on the one-row-per-coop key and roll back the caller's change.)
    await CoopStatus.raw(
        "INSERT INTO coop_status (coop_id, level, computed_at, detail) VALUES ({}, 'ok', now(), {}::jsonb) "
        "ON CONFLICT (coop_id) DO NOTHING",
        coop_id,
        json.dumps({"flagged": []}),
    ).run()
    previous = (
        await CoopStatus.select(CoopStatus.level, CoopStatus.detail)
        .where(CoopStatus.coop == coop_id)
        .lock_rows("UPDATE")
        .output(load_json=True)
        .first()
        .run()
    )
    assert previous is not None
    today = today_in_helsinki()
    evaluation = await evaluate_in_unit(coop_id, today)
    detail = to_detail(evaluation, today)
    await (
        CoopStatus.update(
            {
                CoopStatus.level: evaluation.level,
                CoopStatus.computed_at: dt.datetime.now(dt.UTC),
                CoopStatus.detail: detail,
            }
        )
        .where(CoopStatus.coop == coop_id)
        .run()
    )

    before_flagged = sorted(int(i) for i in (previous["detail"] or {}).get("flagged", []))
    if previous["level"] == evaluation.level and before_flagged == detail["flagged"]:
        return
    await _tell(coop_id, actor_id, previous["level"], before_flagged, evaluation, detail)


async def _tell(
    coop_id: int,
    actor_id: int | None,
    before: str,
    before_flagged: list[int],
    evaluation: rules.Evaluation,
    detail: dict[str, Any],
) -> None:
    after = evaluation.level
    await audit.record(
        "monitor.status_changed",
        actor_id=actor_id,
        coop_id=coop_id,
        target=f"coop:{coop_id}",
        before=before,
        after=after,
        flagged_before=before_flagged,
        flagged_after=detail["flagged"],
        voters=evaluation.voters,
    )
    # The feed stores the new level's message id; the front page words it in the reader's language.
    await Activity.insert(
        Activity(coop=coop_id, actor=actor_id, kind="monitor.status_changed", summary=LEVEL_NAMES[after])
    ).run()

    coop = await Coop.select(Coop.name, Coop.slug).where(Coop.id == coop_id).first().run()
    assert coop is not None
    recipients = (
        await CoopRole.select(CoopRole.user, CoopRole.user.email, CoopRole.user.language)
        .where(
            (CoopRole.coop == coop_id) & CoopRole.role.is_in(list(TOLD)) & (CoopRole.user.is_active == True)  # noqa: E712
        )
        .order_by(CoopRole.user.email)
        .run()
    )
    told: set[int] = set()
    for person in recipients:
        if person["user_id"] in told:  # admin and coach at once: one e-mail
            continue
        told.add(person["user_id"])
        await send_mail(
            person["user_id.email"],
            "monitor_changed",
            person["user_id.language"],
            coop=coop["name"],
            slug=coop["slug"],
            level=after,
            level_name=LEVEL_NAMES[after],
            voters=evaluation.voters,
            flagged=len(detail["flagged"]),
            more_needed=evaluation.more_voters_needed,
        )
    log.info("monitor.status_changed", coop_id=coop_id, before=before, after=after, told=len(told))


async def recompute_coop(coop_id: int, actor_id: int | None = None) -> None:
    """Recompute one coop in its own unit of work (the nightly job, or a caller outside a unit)."""
    async with coop_unit(coop_id, actor_id):
        await recompute_in_unit(coop_id, actor_id)


async def recompute_every_coop() -> int:
    """The nightly check: every coop that is not closed, each in its own unit. Safe to run twice (a second run
    finds nothing changed and tells no one). One coop failing does not stop the others."""
    async with public_unit():
        rows = await Coop.select(Coop.id).where(Coop.status != "closed").order_by(Coop.id).run()
    done = 0
    for row in rows:
        try:
            await recompute_coop(int(row["id"]))
            done += 1
        except Exception:
            log.exception("monitor.recompute_failed", coop_id=row["id"])
    log.info("monitor.nightly_done", coops=done, failed=len(rows) - done)
    return done


# --- the coop's page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingView:
    code: str
    share: Fraction
    limit: Fraction
    more_voters: int
    leaving_board_fixes: bool


@dataclass(frozen=True)
class MemberView:
    member_id: int
    name: str
    leading: bool
    roles: tuple[str, ...]
    relatives: tuple[str, ...]  # names of relatives with a vote
    share_alone: Fraction
    share_with_family: Fraction
    flags: tuple[FindingView, ...]
    close: tuple[FindingView, ...]


@dataclass(frozen=True)
class StatusView:
    level: str
    voters: int
    leading: int
    computed_at: dt.datetime | None  # None: never stored yet, evaluated for this page
    members: tuple[MemberView, ...]

    @property
    def flagged(self) -> tuple[MemberView, ...]:
        return tuple(m for m in self.members if m.flags)

    @property
    def close(self) -> tuple[MemberView, ...]:
        return tuple(m for m in self.members if not m.flags and m.close)

    @property
    def share_each(self) -> Fraction | None:
        return Fraction(1, self.voters) if self.voters else None

    @property
    def share_if_one_leaves(self) -> Fraction | None:
        return Fraction(1, self.voters - 1) if self.voters > 1 else None

    @property
    def more_needed(self) -> int:
        return max(0, rules.SAFE_VOTERS - self.voters)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def _finding_view(f: dict[str, Any]) -> FindingView:
    return FindingView(
        code=str(f["code"]),
        share=Fraction(int(f["votes"]), int(f["voters"])),
        limit=Fraction(int(f["limit"]), 100),
        more_voters=int(f["more_voters"]),
        leaving_board_fixes=bool(f["leaving_board_fixes"]),
    )


def _status_view(
    level: str, computed_at: dt.datetime | None, detail: dict[str, Any], names: dict[int, str]
) -> StatusView:
    voters = int(detail.get("voters", 0))
    members = tuple(
        MemberView(
            member_id=int(m["member_id"]),
            name=names.get(int(m["member_id"]), ""),
            leading=bool(m["leading"]),
            roles=tuple(m["roles"]),
            relatives=tuple(names.get(int(r), "") for r in m["relatives"]),
            share_alone=Fraction(1, voters),
            share_with_family=Fraction(int(m["votes_with_family"]), voters),
            flags=tuple(_finding_view(f) for f in m["flags"]),
            close=tuple(_finding_view(f) for f in m["close"]),
        )
        for m in detail.get("members", [])
    )
    return StatusView(level, voters, int(detail.get("leading", 0)), computed_at, members)


async def status_for(ctx: CoopContext) -> StatusView:
    """The coop's stored status with names, for admins, the board and job coaches. A coop whose status was never
    stored is evaluated for the page without storing it (a page view sends no e-mail)."""
    ctx.require(*VIEWERS)
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await CoopStatus.select(CoopStatus.level, CoopStatus.computed_at, CoopStatus.detail)
            .where(CoopStatus.coop == ctx.id)
            .output(load_json=True)
            .first()
            .run()
        )
        if row is not None and row["detail"].get("version") == DETAIL_VERSION:
            level, computed_at, detail = row["level"], row["computed_at"], row["detail"]
        else:
            today = today_in_helsinki()
            evaluation = await evaluate_in_unit(ctx.id, today)
            level, computed_at, detail = evaluation.level, None, to_detail(evaluation, today)
        ids = {int(m["member_id"]) for m in detail["members"]} | {
            int(r) for m in detail["members"] for r in m["relatives"]
        }
        names: dict[int, str] = {}
        if ids:
            rows = (
                await Member.select(Member.id, Member.name)
                .where((Member.coop == ctx.id) & Member.id.is_in(list(ids)))
                .run()
            )
            names = {int(r["id"]): str(r["name"]) for r in rows}
    return _status_view(level, computed_at, detail, names)


# --- the operators' list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoopAtRisk:
    coop_id: int
    name: str
    slug: str
    region: str
    level: str
    voters: int
    flagged: int
    close: int
    computed_at: dt.datetime

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


async def coops_at_risk_across_coops(viewer: Viewer) -> list[CoopAtRisk]:
    """Every coop whose stored level is not ok, most serious first (flagged, at risk, warning), then the fewest
    members with a vote. Operators see all coops; a region coordinator sees the coops of their regions."""
    if not (viewer.is_operator or viewer.coordinator_regions):
        raise PermissionDeniedException()
    async with operator_unit(viewer.id):
        rows = (
            await CoopStatus.select(
                CoopStatus.coop,
                CoopStatus.coop.name,
                CoopStatus.coop.slug,
                CoopStatus.coop.region,
                CoopStatus.level,
                CoopStatus.computed_at,
                CoopStatus.detail,
            )
            .where(CoopStatus.level != rules.OK)
            .output(load_json=True)
            .run()
        )
        regions = {int(r["id"]): str(r["name"]) for r in await Region.select(Region.id, Region.name).run()}
    result = []
    for r in rows:
        if not (viewer.is_operator or r["coop_id.region_id"] in viewer.coordinator_regions):
            continue
        detail = r["detail"] or {}
        members = detail.get("members", [])
        result.append(
            CoopAtRisk(
                coop_id=int(r["coop_id"]),
                name=str(r["coop_id.name"]),
                slug=str(r["coop_id.slug"]),
                region=regions.get(int(r["coop_id.region_id"]), ""),
                level=str(r["level"]),
                voters=int(detail.get("voters", 0)),
                flagged=len(detail.get("flagged", [])),
                close=sum(1 for m in members if not m["flags"] and m["close"]),
                computed_at=r["computed_at"],
            )
        )
    result.sort(key=lambda c: (-rules.LEVELS.index(c.level), c.voters, c.name, c.coop_id))
    return result
