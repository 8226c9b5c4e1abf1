"""Roles in a coop: who has which role, removing a role, pending invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import NotFoundException

from osuus.platform import audit
from osuus.platform.context import CoopContext
from osuus.platform.tables import CoopRole, Invitation
from osuus.platform.tenancy import coop_unit
from osuus.tenants.noticeboard.tables import Activity


class LastAdminError(Exception):
    """The coop would be left without an admin."""


@dataclass(frozen=True)
class RoleView:
    id: int
    user_id: int
    name: str
    email: str
    role: str
    since: dt.datetime


@dataclass(frozen=True)
class PendingInvitation:
    email: str
    name: str
    role: str
    expires_at: dt.datetime


def _roles_query() -> Any:
    return CoopRole.select(
        CoopRole.id, CoopRole.user, CoopRole.user.name, CoopRole.user.email, CoopRole.role, CoopRole.created_at
    )


def _role_view(r: dict[str, Any]) -> RoleView:
    return RoleView(r["id"], r["user_id"], r["user_id.name"], r["user_id.email"], r["role"], r["created_at"])


async def people(ctx: CoopContext) -> tuple[list[RoleView], list[PendingInvitation]]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = await _roles_query().where(CoopRole.coop == ctx.id).order_by(CoopRole.user.name).run()
        pending = (
            await Invitation.select(Invitation.email, Invitation.name, Invitation.role, Invitation.expires_at)
            .where(
                (Invitation.coop == ctx.id)
                & Invitation.accepted_at.is_null()
                & (Invitation.expires_at > dt.datetime.now(dt.UTC))
            )
            .order_by(Invitation.created_at)
            .run()
        )
    return [_role_view(r) for r in rows], [PendingInvitation(**p) for p in pending]


async def get_role(ctx: CoopContext, role_id: int) -> RoleView:
    """One role of this coop; another coop's id or a missing one is the same 404."""
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = await _roles_query().where((CoopRole.coop == ctx.id) & (CoopRole.id == role_id)).first().run()
    if row is None:
        raise NotFoundException()
    return _role_view(row)


async def remove_role(ctx: CoopContext, role_id: int, ip: str) -> None:
    ctx.require("admin")
    async with coop_unit(ctx.id, ctx.viewer.id):
        # Lock the coop's admin rows so two admins cannot remove each other at the same time.
        admins = (
            await CoopRole.select(CoopRole.id)
            .where((CoopRole.coop == ctx.id) & (CoopRole.role == "admin"))
            .lock_rows("UPDATE")
            .run()
        )
        row = (
            await CoopRole.select(CoopRole.id, CoopRole.role, CoopRole.user.email)
            .where((CoopRole.coop == ctx.id) & (CoopRole.id == role_id))
            .first()
            .run()
        )
        if row is None:
            raise NotFoundException()
        if row["role"] == "admin" and len(admins) <= 1:
            raise LastAdminError()
        await CoopRole.delete().where((CoopRole.coop == ctx.id) & (CoopRole.id == role_id)).run()
        await Activity.insert(
            Activity(
                coop=ctx.id,
                actor=ctx.viewer.id,
                kind="role.removed",
                summary=f"{row['user_id.email']}: {row['role']}",
            )
        ).run()
        await audit.record(
            "role.removed",
            actor_id=ctx.viewer.id,
            coop_id=ctx.id,
            target=row["user_id.email"],
            ip=ip,
            role=row["role"],
        )


async def counts(ctx: CoopContext) -> dict[str, int]:
    async with coop_unit(ctx.id, ctx.viewer.id):
        rows = await CoopRole.raw(
            "SELECT role, count(*) AS n FROM coop_role WHERE coop_id = {} GROUP BY role", ctx.id
        ).run()
    return {r["role"]: int(r["n"]) for r in rows}
