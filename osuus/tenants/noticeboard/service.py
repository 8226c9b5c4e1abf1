"""Notice board verbs and reads. Every query filters by coop_id; RLS is the backstop, not the filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext, OrgContext
from osuus.platform.http import Form
from osuus.platform.i18n import N_, gettext
from osuus.platform.tables import Coop, OrganisationRegion
from osuus.platform.tenancy import coop_unit, org_unit
from osuus.tenants.noticeboard.tables import Activity, Notice

WRITERS = ("admin", "board", "coach")


@dataclass(frozen=True)
class NoticeView:
    id: int
    title: str
    body: str
    author: str
    created_at: dt.datetime
    organisation: str | None
    coop_name: str = ""
    can_delete: bool = False


# What the coop's front page says about each kind of activity, in the reader's language. The row stores only the
# kind and its subject (a member's name, a notice's title; for the monitor, the message id of the new level), so a
# reader in Swedish sees Swedish whoever caused the change.
ACTIVITY_TEXT: Mapping[str, str] = {
    "notice.posted": N_("New notice: %(subject)s"),
    "member.added": N_("%(subject)s was added to the member register"),
    "member.applied": N_("%(subject)s applied to be a member"),
    "member.admitted": N_("%(subject)s was admitted as a member"),
    "member.rejected": N_("The application of %(subject)s was not accepted"),
    "member.trial_started": N_("%(subject)s started as a trial member"),
    "member.trial_ended": N_("The trial membership of %(subject)s ended"),
    "member.class_changed": N_("The member class of %(subject)s changed"),
    "member.resigned": N_("%(subject)s left the cooperative"),
    "member.expelled": N_("%(subject)s was expelled from the cooperative"),
    "member.deceased": N_("%(subject)s has died"),
    "member.account_linked": N_("%(subject)s was linked to a user account"),
    "member.contact_changed": N_("The contact details of %(subject)s changed"),
    "family.linked": N_("A family link of %(subject)s was saved"),
    "family.unlinked": N_("A family link of %(subject)s was removed"),
    "role.removed": N_("A role was removed: %(subject)s"),
    "monitor.status_changed": N_("Member status check: %(subject)s"),
}
TRANSLATED_SUBJECT = frozenset({"monitor.status_changed"})  # the subject is itself a message id


@dataclass(frozen=True)
class ActivityView:
    at: dt.datetime
    kind: str
    actor: str
    summary: str

    @property
    def text(self) -> str:
        message = ACTIVITY_TEXT.get(self.kind)
        if message is None:
            return self.summary
        subject = gettext(self.summary) if self.kind in TRANSLATED_SUBJECT else self.summary
        return gettext(message, subject=subject)


def _view(row: dict[str, object], ctx: CoopContext | None = None) -> NoticeView:
    can_delete = bool(ctx and (ctx.has("admin") or row["author_id"] == ctx.viewer.id))
    return NoticeView(
        id=int(row["id"]),  # type: ignore[call-overload]
        title=str(row["title"]),
        body=str(row["body"]),
        author=str(row["author_id.name"]),
        created_at=row["created_at"],  # type: ignore[arg-type]
        organisation=row.get("organisation_id.name"),  # type: ignore[arg-type]
        coop_name=str(row.get("coop_id.name") or ""),
        can_delete=can_delete,
    )


_COLUMNS = (
    Notice.id,
    Notice.title,
    Notice.body,
    Notice.author,
    Notice.author.name,
    Notice.created_at,
    Notice.organisation.name,
)


async def recent_notices(ctx: CoopContext, limit: int = 20) -> list[NoticeView]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = (
            await Notice.select(*_COLUMNS)
            .where(Notice.coop == ctx.id)
            .order_by(Notice.created_at, ascending=False)
            .limit(limit)
            .run()
        )
    return [_view(r, ctx) for r in rows]


async def get_notice(ctx: CoopContext, notice_id: int) -> NoticeView:
    """One notice of this coop; another coop's id or a missing one is the same 404."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = await Notice.select(*_COLUMNS).where((Notice.coop == ctx.id) & (Notice.id == notice_id)).first().run()
    if row is None:
        raise NotFoundException()
    return _view(row, ctx)


async def recent_activity(ctx: CoopContext, limit: int = 10) -> list[ActivityView]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = (
            await Activity.select(Activity.at, Activity.kind, Activity.actor.name, Activity.summary)
            .where(Activity.coop == ctx.id)
            .order_by(Activity.at, ascending=False)
            .limit(limit)
            .run()
        )
    return [ActivityView(r["at"], r["kind"], r["actor_id.name"] or "", r["summary"]) for r in rows]


async def partner_choices(ctx: CoopContext) -> list[tuple[int, str]]:
    """Organisations that serve the coop's region: a notice may be addressed to one of them."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        region = await Coop.select(Coop.region).where(Coop.id == ctx.id).first().run()
        if region is None:
            return []
        rows = (
            await OrganisationRegion.select(OrganisationRegion.organisation, OrganisationRegion.organisation.name)
            .where(OrganisationRegion.region == region["region_id"])
            .order_by(OrganisationRegion.organisation.name)
            .run()
        )
    return [(r["organisation_id"], r["organisation_id.name"]) for r in rows]


def check_notice_form(form: Form, partners: list[tuple[int, str]]) -> int | None:
    title, body, to = form.get("title"), form.get("body"), form.get("organisation_id")
    if not title:
        form.error("title", N_("Write a title for the notice"))
    elif len(title) > 200:
        form.error("title", N_("The title must be 200 characters or fewer"))
    if not body:
        form.error("body", N_("Write the text of the notice"))
    elif len(body) > 10_000:
        form.error("body", N_("The text must be 10 000 characters or fewer"))
    organisation_id = None
    if to:
        ids = {str(pid): pid for pid, _ in partners}
        if to not in ids:
            form.error("organisation", N_("Choose a partner from the list"))
        else:
            organisation_id = ids[to]
    return organisation_id


async def add_notice(coop_id: int, author_id: int, title: str, body: str, organisation_id: int | None = None) -> int:
    """Write a notice and its activity row inside the open coop unit (callers check who may post)."""
    rows = (
        await Notice.insert(
            Notice(coop=coop_id, author=author_id, title=title, body=body, organisation=organisation_id)
        )
        .returning(Notice.id)
        .run()
    )
    notice_id = int(rows[0]["id"])
    await Activity.insert(
        Activity(coop=coop_id, actor=author_id, kind="notice.posted", notice=notice_id, summary=title[:300])
    ).run()
    return notice_id


async def post_notice(ctx: CoopContext, form: Form, ip: str) -> int | None:
    ctx.require(*WRITERS)
    partners = await partner_choices(ctx)
    organisation_id = check_notice_form(form, partners)
    if not form.ok:
        return None
    async with coop_unit(ctx.id, ctx.viewer.id):
        notice_id = await add_notice(ctx.id, ctx.viewer.id, form.get("title"), form.get("body"), organisation_id)
        await audit.record(
            "notice.posted",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=f"notice:{notice_id}",
            ip=ip,
            organisation_id=organisation_id,
        )
    return notice_id


async def delete_notice(ctx: CoopContext, notice_id: int, ip: str) -> None:
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await Notice.select(Notice.author)
            .where((Notice.coop == ctx.id) & (Notice.id == notice_id))
            .lock_rows("UPDATE")
            .first()
            .run()
        )
        if row is None:
            raise NotFoundException()
        if not (ctx.has("admin") or row["author_id"] == ctx.viewer.id):
            from litestar.exceptions import PermissionDeniedException

            raise PermissionDeniedException()
        await Activity.delete().where((Activity.coop == ctx.id) & (Activity.notice == notice_id)).run()
        await Notice.delete().where((Notice.coop == ctx.id) & (Notice.id == notice_id)).run()
        await audit.record(
            "notice.deleted", actor_id=ctx.viewer.id, coop_id=ctx.id, target=f"notice:{notice_id}", ip=ip
        )


async def notices_for_organisation(ctx: OrgContext, limit: int = 50) -> list[NoticeView]:
    """What coops have addressed to this organisation, across coops (RLS: organisation_reads policy)."""
    async with org_unit(ctx.id, ctx.viewer.id):
        rows = (
            await Notice.select(*_COLUMNS, Notice.coop.name)
            .where(Notice.organisation == ctx.id)
            .order_by(Notice.created_at, ascending=False)
            .limit(limit)
            .run()
        )
    return [_view(r) for r in rows]


async def notice_for_organisation(ctx: OrgContext, notice_id: int) -> NoticeView:
    async with org_unit(ctx.id, ctx.viewer.id):
        row = (
            await Notice.select(*_COLUMNS, Notice.coop.name)
            .where((Notice.organisation == ctx.id) & (Notice.id == notice_id))
            .first()
            .run()
        )
    if row is None:
        raise NotFoundException()
    return _view(row)
