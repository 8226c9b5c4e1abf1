"""Organisation people: roles and invitations."""

from __future__ import annotations

from dataclasses import dataclass

from osuus.platform.context import OrgContext
from osuus.platform.tables import OrganisationRole
from osuus.platform.tenancy import org_unit


@dataclass(frozen=True)
class OrgPerson:
    name: str
    email: str
    role: str


async def org_people(ctx: OrgContext) -> list[OrgPerson]:
    async with org_unit(ctx.id, ctx.viewer.id):
        rows = (
            await OrganisationRole.select(
                OrganisationRole.user.name, OrganisationRole.user.email, OrganisationRole.role
            )
            .where(OrganisationRole.organisation == ctx.id)
            .order_by(OrganisationRole.user.name)
            .run()
        )
    return [OrgPerson(r["user_id.name"], r["user_id.email"], r["role"]) for r in rows]
