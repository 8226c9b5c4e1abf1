"""Operator verbs and cross-coop reads. Everything here runs in `operator_unit`, the loudly named path."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from stdnum.fi import ytunnus

from osuus.platform import audit
from osuus.platform.context import Viewer
from osuus.platform.http import Form, parse_id
from osuus.platform.i18n import N_
from osuus.platform.tables import (
    COOP_STATUSES,
    ORG_KINDS,
    AuditLog,
    Coop,
    CoopRole,
    Organisation,
    OrganisationRegion,
    Region,
)
from osuus.platform.tenancy import operator_unit

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def require_operator(viewer: Viewer) -> None:
    if not viewer.is_operator:
        raise PermissionDeniedException()


@dataclass(frozen=True)
class CoopRow:
    id: int
    slug: str
    name: str
    status: str
    business_id: str | None
    people: int
    admins: int


@dataclass
class RegionRow:
    id: int
    slug: str
    name: str
    coops: list[CoopRow] = field(default_factory=list)

    @property
    def active(self) -> int:
        return sum(1 for c in self.coops if c.status == "active")


async def overview(viewer: Viewer) -> list[RegionRow]:
    async with operator_unit(viewer.id):
        regions = await Region.select(Region.id, Region.slug, Region.name).order_by(Region.name).run()
        coops = (
            await Coop.select(Coop.id, Coop.slug, Coop.name, Coop.status, Coop.business_id, Coop.region)
            .order_by(Coop.name)
            .run()
        )
        counts = await CoopRole.raw(
            "SELECT coop_id, count(DISTINCT user_id) AS people, "
            "count(*) FILTER (WHERE role = 'admin') AS admins FROM coop_role GROUP BY coop_id"
        ).run()
    by_coop = {c["coop_id"]: c for c in counts}
    result = {
        r["id"]: RegionRow(r["id"], r["slug"], r["name"])
        for r in regions
        if viewer.is_operator or r["id"] in viewer.coordinator_regions
    }
    for c in coops:
        if c["region_id"] in result:
            n = by_coop.get(c["id"], {})
            result[c["region_id"]].coops.append(
                CoopRow(
                    c["id"],
                    c["slug"],
                    c["name"],
                    c["status"],
                    c["business_id"],
                    int(n.get("people", 0)),
                    int(n.get("admins", 0)),
                )
            )
    return list(result.values())


def _check_slug(form: Form, name: str = "slug") -> str:
    slug = form.get(name).lower()
    if not slug:
        form.error(name, N_("Write a short web name, for example taidokkaat"))
    elif not SLUG.match(slug):
        form.error(name, N_("Use only small letters a–z, numbers and hyphens"))
    return slug


def _check_business_id(form: Form) -> str | None:
    value = form.get("business_id")
    if not value:
        return None
    try:
        return str(ytunnus.validate(value))
    except Exception:
        form.error("business_id", N_("Write the business ID in the form 1234567-8. Check the last digit"))
        return None


def _check_name(form: Form) -> str:
    name = form.get("name")
    if not name:
        form.error("name", N_("Write the name"))
    elif len(name) > 200:
        form.error("name", N_("The name must be 200 characters or fewer"))
    return name


async def region_choices(viewer: Viewer) -> list[tuple[int, str]]:
    async with operator_unit(viewer.id):
        rows = await Region.select(Region.id, Region.name).order_by(Region.name).run()
    return [(r["id"], r["name"]) for r in rows]


async def create_region(viewer: Viewer, form: Form, ip: str) -> bool:
    require_operator(viewer)
    name, slug = _check_name(form), _check_slug(form)
    if not form.ok:
        return False
    async with operator_unit(viewer.id):
        if await Region.exists().where(Region.slug == slug).run():
            form.error("slug", N_("This web name is already in use. Choose another"))
            return False
        await Region.insert(Region(slug=slug, name=name)).run()
        await audit.record("region.created", actor_id=viewer.id, target=slug, ip=ip)
    return True


async def create_coop(viewer: Viewer, form: Form, ip: str) -> int | None:
    require_operator(viewer)
    name, slug, business_id = _check_name(form), _check_slug(form), _check_business_id(form)
    regions = dict(await region_choices(viewer))
    region_id = parse_id(form.get("region_id")) or 0
    if region_id not in regions:
        form.error("region_id", N_("Choose a region"))
    if not form.ok:
        return None
    async with operator_unit(viewer.id):
        if await Coop.exists().where(Coop.slug == slug).run():
            form.error("slug", N_("This web name is already in use. Choose another"))
            return None
        rows = (
            await Coop.insert(Coop(slug=slug, name=name, business_id=business_id, region=region_id, status="draft"))
            .returning(Coop.id)
            .run()
        )
        coop_id = int(rows[0]["id"])
        await audit.record("coop.created", actor_id=viewer.id, coop_id=coop_id, target=slug, ip=ip)
    return coop_id


async def coop_detail(viewer: Viewer, coop_id: int) -> dict[str, Any]:
    async with operator_unit(viewer.id):
        row = (
            await Coop.select(
                Coop.id, Coop.slug, Coop.name, Coop.status, Coop.business_id, Coop.region.name, Coop.region
            )
            .where(Coop.id == coop_id)
            .first()
            .run()
        )
    if row is None or not (viewer.is_operator or row["region_id"] in viewer.coordinator_regions):
        raise NotFoundException()
    return row


async def set_coop_status(viewer: Viewer, coop_id: int, form: Form, ip: str) -> bool:
    require_operator(viewer)
    status = form.get("status")
    if status not in COOP_STATUSES:
        form.error("status", N_("Choose a status"))
        return False
    async with operator_unit(viewer.id):
        old = await Coop.select(Coop.status).where(Coop.id == coop_id).first().run()
        if old is None:
            raise NotFoundException()
        await Coop.update({Coop.status: status}).where(Coop.id == coop_id).run()
        await audit.record(
            "coop.status_changed",
            actor_id=viewer.id,
            coop_id=coop_id,
            target=str(coop_id),
            ip=ip,
            before=old["status"],
            after=status,
        )
    return True


async def create_organisation(viewer: Viewer, form: Form, region_ids: list[str], ip: str) -> bool:
    require_operator(viewer)
    name, slug, business_id = _check_name(form), _check_slug(form), _check_business_id(form)
    kind = form.get("kind")
    if kind not in ORG_KINDS:
        form.error("kind", N_("Choose the kind of organisation"))
    regions = dict(await region_choices(viewer))
    chosen = sorted({i for r in region_ids if (i := parse_id(r)) is not None and i in regions})
    if not chosen:
        form.error("regions", N_("Choose at least one region the organisation serves"))
    if not form.ok:
        return False
    async with operator_unit(viewer.id):
        if await Organisation.exists().where(Organisation.slug == slug).run():
            form.error("slug", N_("This web name is already in use. Choose another"))
            return False
        rows = (
            await Organisation.insert(Organisation(slug=slug, name=name, kind=kind, business_id=business_id))
            .returning(Organisation.id)
            .run()
        )
        org_id = int(rows[0]["id"])
        await OrganisationRegion.insert(*[OrganisationRegion(organisation=org_id, region=r) for r in chosen]).run()
        await audit.record("organisation.created", actor_id=viewer.id, org_id=org_id, target=slug, ip=ip)
    return True


async def organisations(viewer: Viewer) -> list[dict[str, Any]]:
    async with operator_unit(viewer.id):
        return (
            await Organisation.select(Organisation.slug, Organisation.name, Organisation.kind, Organisation.business_id)
            .order_by(Organisation.name)
            .run()
        )


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    actor: str
    action: str
    coop: str
    organisation: str
    target: str
    ip: str
    detail: str


async def search_audit(viewer: Viewer, text: str, action: str, ip: str, limit: int = 200) -> list[AuditRow]:
    require_operator(viewer)
    async with operator_unit(viewer.id):
        query = AuditLog.select(
            AuditLog.at,
            AuditLog.actor.email,
            AuditLog.action,
            AuditLog.coop.slug,
            AuditLog.organisation.slug,
            AuditLog.target,
            AuditLog.ip,
            AuditLog.detail,
        )
        if text:
            pattern = f"%{text}%"
            query = query.where(
                AuditLog.target.ilike(pattern)
                | AuditLog.actor.email.ilike(pattern)
                | AuditLog.ip.ilike(pattern)
                | AuditLog.coop.slug.ilike(pattern)
            )
        if action:
            query = query.where(AuditLog.action.ilike(f"{action}%"))
        rows = await query.order_by(AuditLog.id, ascending=False).limit(limit).run()
        await audit.record("ops.audit_searched", actor_id=viewer.id, target=text[:200], ip=ip, action_filter=action)
    return [
        AuditRow(
            r["at"],
            r["actor_id.email"] or "",
            r["action"],
            r["coop_id.slug"] or "",
            r["organisation_id.slug"] or "",
            r["target"],
            r["ip"],
            json.dumps(
                r["detail"] if isinstance(r["detail"], dict) else json.loads(r["detail"] or "{}"),
                ensure_ascii=False,
            ),
        )
        for r in rows
    ]
