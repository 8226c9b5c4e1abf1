"""The coop's profile: read by everyone with a role, changed by the coop's admin."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from osuus.platform import audit
from osuus.platform.accounts.service import email_problem
from osuus.platform.context import CoopContext
from osuus.platform.http import Form
from osuus.platform.i18n import N_
from osuus.platform.tenancy import coop_unit
from osuus.tenants.profile.tables import CoopProfile

PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
FIELDS = ("description", "email", "phone", "address")


@dataclass(frozen=True)
class ProfileView:
    description: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""


async def get_profile(ctx: CoopContext) -> ProfileView:
    async with coop_unit(ctx.id, ctx.viewer.id):
        row = (
            await CoopProfile.select(*(getattr(CoopProfile, f) for f in FIELDS))
            .where(CoopProfile.coop == ctx.id)
            .first()
            .run()
        )
    return ProfileView(**row) if row else ProfileView()


def check_profile_form(form: Form) -> None:
    if len(form.get("description")) > 5000:
        form.error("description", N_("The description must be 5 000 characters or fewer"))
    if form.get("email") and (problem := email_problem(form.get("email"))):
        form.error("email", problem)
    if form.get("phone") and not PHONE.match(form.get("phone")):
        form.error("phone", N_("Write the phone number with digits, for example 040 123 4567"))
    if len(form.get("address")) > 300:
        form.error("address", N_("The address must be 300 characters or fewer"))


async def save_profile(ctx: CoopContext, form: Form, ip: str) -> bool:
    ctx.require("admin")
    check_profile_form(form)
    if not form.ok:
        return False
    values = {f: form.get(f) for f in FIELDS}
    async with coop_unit(ctx.id, ctx.viewer.id):
        exists = await CoopProfile.exists().where(CoopProfile.coop == ctx.id).run()
        if exists:
            await (
                CoopProfile.update(
                    {
                        **{getattr(CoopProfile, k): v for k, v in values.items()},
                        CoopProfile.updated_at: dt.datetime.now(dt.UTC),
                        CoopProfile.updated_by: ctx.viewer.id,
                    }
                )
                .where(CoopProfile.coop == ctx.id)
                .run()
            )
        else:
            row = CoopProfile(coop=ctx.id, updated_by=ctx.viewer.id)
            for key, value in values.items():
                setattr(row, key, value)
            await CoopProfile.insert(row).run()
        await audit.record("profile.changed", actor_id=ctx.viewer.id, coop_id=ctx.id, target="profile", ip=ip)
    return True
