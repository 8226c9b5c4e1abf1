"""Invitations to a coop role or an organisation role. Accepting creates or links the account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from litestar.exceptions import NotFoundException

from osuus.platform import audit, passwords
from osuus.platform.accounts.service import email_problem, name_problem, normal_email
from osuus.platform.context import CoopContext, OrgContext
from osuus.platform.dates import now
from osuus.platform.http import Form
from osuus.platform.i18n import N_
from osuus.platform.mailer import send_mail
from osuus.platform.settings import get_settings
from osuus.platform.tables import (
    COOP_ROLES,
    ORG_ROLES,
    Coop,
    CoopRole,
    Invitation,
    Organisation,
    OrganisationRole,
    User,
)
from osuus.platform.tenancy import coop_unit, operator_unit, org_unit, public_unit
from osuus.platform.tokens import new_token, token_hash

VALID_DAYS = 14


def check_invite_form(form: Form, roles: tuple[str, ...]) -> tuple[str, str, str]:
    email = normal_email(form.get("email"))
    name = form.get("name")
    role = form.get("role")
    if problem := name_problem(name):
        form.error("name", N_("Enter the name of the person") if not name else problem)
    if problem := email_problem(email):
        form.error("email", N_("Enter the e-mail address of the person") if not email else problem)
    if role not in roles:
        form.error("role", N_("Choose a role"))
    return email, name, role


async def _create(
    email: str,
    name: str,
    role: str,
    inviter_id: int,
    place_name: str,
    language: str,
    coop_id: int | None = None,
    org_id: int | None = None,
) -> None:
    raw, hashed = new_token()
    await Invitation.insert(
        Invitation(
            token_hash=hashed,
            email=email,
            name=name,
            coop=coop_id,
            organisation=org_id,
            role=role,
            invited_by=inviter_id,
            expires_at=now() + dt.timedelta(days=VALID_DAYS),
        )
    ).run()
    await send_mail(
        email,
        "invitation",
        language,
        name=name,
        place=place_name,
        role=role,
        link=f"{get_settings().base_url}/invite/{raw}",
        days=VALID_DAYS,
    )


async def invite_to_coop(ctx: CoopContext, form: Form, ip: str) -> bool:
    ctx.require("admin")
    email, name, role = check_invite_form(form, COOP_ROLES)
    if not form.ok:
        return False
    async with coop_unit(ctx.id, user_id=ctx.viewer.id):
        await _create(email, name, role, ctx.viewer.id, ctx.name, ctx.viewer.language, coop_id=ctx.id)
        await audit.record("role.invited", actor_id=ctx.viewer.id, coop_id=ctx.id, target=email, ip=ip, role=role)
    return True


async def invite_to_org(ctx: OrgContext, form: Form, ip: str) -> bool:
    ctx.require("admin")
    email, name, role = check_invite_form(form, ORG_ROLES)
    if not form.ok:
        return False
    async with org_unit(ctx.id, user_id=ctx.viewer.id):
        await _create(email, name, role, ctx.viewer.id, ctx.name, ctx.viewer.language, org_id=ctx.id)
        await audit.record("role.invited", actor_id=ctx.viewer.id, org_id=ctx.id, target=email, ip=ip, role=role)
    return True


async def invite_coop_admin(operator_id: int, coop_id: int, form: Form, ip: str) -> bool:
    """An operator invites the first admin of a coop they onboard."""
    email, name, role = check_invite_form(form, COOP_ROLES)
    if not form.ok:
        return False
    async with operator_unit(operator_id):
        coop = await Coop.select(Coop.name).where(Coop.id == coop_id).first().run()
        if coop is None:
            raise NotFoundException()
        await _create(email, name, role, operator_id, coop["name"], "fi", coop_id=coop_id)
        await audit.record("role.invited", actor_id=operator_id, coop_id=coop_id, target=email, ip=ip, role=role)
    return True


@dataclass(frozen=True)
class InvitationView:
    email: str
    name: str
    role: str
    place: str
    coop_id: int | None
    org_id: int | None
    account_exists: bool
    url: str


async def find_invitation(raw: str) -> InvitationView | None:
    hashed = token_hash(raw)
    async with public_unit(invite_token=hashed):
        row = (
            await Invitation.select(
                Invitation.email,
                Invitation.name,
                Invitation.role,
                Invitation.coop,
                Invitation.organisation,
                Invitation.accepted_at,
                Invitation.expires_at,
            )
            .where(Invitation.token_hash == hashed)
            .first()
            .run()
        )
        if row is None or row["accepted_at"] is not None or row["expires_at"] <= now():
            return None
        if row["coop_id"]:
            place = await Coop.select(Coop.name, Coop.slug).where(Coop.id == row["coop_id"]).first().run()
            url = f"/c/{place['slug']}/" if place else "/me"
        else:
            place = (
                await Organisation.select(Organisation.name, Organisation.slug)
                .where(Organisation.id == row["organisation_id"])
                .first()
                .run()
            )
            url = f"/o/{place['slug']}/" if place else "/me"
        exists = await User.exists().where(User.email == row["email"]).run()
    return InvitationView(
        email=row["email"],
        name=row["name"],
        role=row["role"],
        place=place["name"] if place else "",
        coop_id=row["coop_id"],
        org_id=row["organisation_id"],
        account_exists=exists,
        url=url,
    )


async def accept_invitation(
    raw: str, invitation: InvitationView, viewer_id: int | None, form: Form, ip: str
) -> int | None:
    """Give the role; create the account first if the person has none. Returns the user id, or None."""
    password = form.get("password")
    name = form.get("name") or invitation.name
    hashed_password = None
    if viewer_id is None:
        if problem := name_problem(name):
            form.error("name", problem)
        if problem := passwords.password_problem(password, (invitation.email, name)):
            form.error("password", problem)
        if not form.ok:
            return None
        hashed_password = await passwords.hash_password(password)
    unit = coop_unit(invitation.coop_id) if invitation.coop_id else org_unit(int(invitation.org_id or 0))
    async with unit:
        row = (
            await Invitation.select(Invitation.id, Invitation.email, Invitation.role)
            .where(
                (Invitation.token_hash == token_hash(raw))
                & Invitation.accepted_at.is_null()
                & (Invitation.expires_at > now())
            )
            .lock_rows("UPDATE")
            .first()
            .run()
        )
        if row is None:
            return None
        user_id = viewer_id
        if user_id is None:
            created = (
                await User.insert(
                    User(email=row["email"], name=name, password_hash=hashed_password, email_verified_at=now())
                )
                .returning(User.id)
                .run()
            )
            user_id = int(created[0]["id"])
            await audit.record("account.signed_up", actor_id=user_id, target=row["email"], ip=ip, via="invitation")
        if invitation.coop_id:
            exists = (
                await CoopRole.exists()
                .where(
                    (CoopRole.coop == invitation.coop_id) & (CoopRole.user == user_id) & (CoopRole.role == row["role"])
                )
                .run()
            )
            if not exists:
                await CoopRole.insert(CoopRole(coop=invitation.coop_id, user=user_id, role=row["role"])).run()
        else:
            exists = (
                await OrganisationRole.exists()
                .where(
                    (OrganisationRole.organisation == invitation.org_id)
                    & (OrganisationRole.user == user_id)
                    & (OrganisationRole.role == row["role"])
                )
                .run()
            )
            if not exists:
                await OrganisationRole.insert(
                    OrganisationRole(organisation=invitation.org_id, user=user_id, role=row["role"])
                ).run()
        await Invitation.update({Invitation.accepted_at: now()}).where(Invitation.id == row["id"]).run()
        await audit.record(
            "role.granted",
            actor_id=user_id,
            coop_id=invitation.coop_id,
            org_id=invitation.org_id,
            target=row["email"],
            ip=ip,
            role=row["role"],
        )
    return user_id
