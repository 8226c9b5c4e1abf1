"""Account verbs. Each runs in one unit of work; e-mail goes out through the outbox after commit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from osuus.platform import audit, passwords
from osuus.platform.dates import now
from osuus.platform.i18n import N_, normalise
from osuus.platform.mailer import send_mail
from osuus.platform.ratelimit import Limiter
from osuus.platform.settings import get_settings
from osuus.platform.tables import EmailToken, User
from osuus.platform.tenancy import public_unit
from osuus.platform.tokens import new_token, token_hash

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
VERIFY_HOURS = 48
RESET_HOURS = 2
WINDOW = 15 * 60


def normal_email(value: str) -> str:
    return value.strip().lower()


def email_problem(value: str) -> str | None:
    if not value:
        return N_("Enter your e-mail address")
    if len(value) > 254 or not EMAIL.match(value):
        return N_("Enter the e-mail address in the form name@example.fi")
    return None


def name_problem(value: str) -> str | None:
    if not value:
        return N_("Enter your name")
    if len(value) > 200:
        return N_("The name must be 200 characters or fewer")
    return None


async def _issue_token(user_id: int, purpose: str, hours: int) -> str:
    raw, hashed = new_token()
    await EmailToken.insert(
        EmailToken(user=user_id, purpose=purpose, token_hash=hashed, expires_at=now() + dt.timedelta(hours=hours))
    ).run()
    return raw


async def sign_up(email: str, name: str, password: str, language: str, ip: str) -> None:
    """Create an unverified account and mail a verification link. An address already in use gets a notice
    by mail instead, so the page never tells a stranger whether someone has an account."""
    email = normal_email(email)
    language = normalise(language)
    hashed = await passwords.hash_password(password)
    async with public_unit():
        existing = await User.select(User.id, User.language).where(User.email == email).first().run()
        if existing:
            await send_mail(email, "account_exists", existing["language"])
            return
        rows = (
            await User.insert(User(email=email, name=name, password_hash=hashed, language=language))
            .returning(User.id)
            .run()
        )
        user_id = rows[0]["id"]
        raw = await _issue_token(user_id, "verify", VERIFY_HOURS)
        await audit.record("account.signed_up", actor_id=user_id, target=email, ip=ip)
        await send_mail(email, "verify", language, name=name, link=f"{get_settings().base_url}/verify/{raw}")


async def _use_token(raw: str, purpose: str) -> int | None:
    """Mark a valid token used and return its user; None if unknown, used or expired."""
    rows = (
        await EmailToken.update({EmailToken.used_at: now()})
        .where(
            (EmailToken.token_hash == token_hash(raw))
            & (EmailToken.purpose == purpose)
            & EmailToken.used_at.is_null()
            & (EmailToken.expires_at > now())
        )
        .returning(EmailToken.user)
        .run()
    )
    return int(rows[0]["user_id"]) if rows else None


async def verify_email(raw: str) -> bool:
    async with public_unit():
        user_id = await _use_token(raw, "verify")
        if user_id is None:
            return False
        await User.update({User.email_verified_at: now()}).where(User.id == user_id).run()
        await audit.record("account.verified", actor_id=user_id)
    return True


@dataclass(frozen=True)
class SignInResult:
    user_id: int | None = None
    language: str = "fi"
    problem: str | None = None


async def sign_in(limiter: Limiter, email: str, password: str, ip: str) -> SignInResult:
    email = normal_email(email)
    limit = get_settings().signin_limit
    account_key, ip_key = f"signin:acct:{email}", f"signin:ip:{ip}"
    if await limiter.count(account_key) >= limit or await limiter.count(ip_key) >= limit * 4:
        async with public_unit():
            await audit.record("account.signin_limited", actor_id=None, target=email, ip=ip)
        return SignInResult(problem="limited")
    async with public_unit():
        user = (
            await User.select(User.id, User.password_hash, User.email_verified_at, User.is_active, User.language)
            .where(User.email == email)
            .first()
            .run()
        )
    ok = await passwords.verify_password(user["password_hash"] if user else None, password)
    if not ok or user is None or not user["is_active"]:
        await limiter.hit(account_key, WINDOW)
        await limiter.hit(ip_key, WINDOW)
        async with public_unit():
            await audit.record("account.signin_failed", actor_id=user["id"] if user else None, target=email, ip=ip)
        return SignInResult(problem="wrong")
    if user["email_verified_at"] is None:
        return SignInResult(problem="unverified")
    await limiter.reset(account_key)
    async with public_unit(user_id=user["id"]):
        await audit.record("account.signed_in", actor_id=user["id"], target=email, ip=ip)
    return SignInResult(user_id=user["id"], language=user["language"])


async def resend_verification(email: str) -> None:
    email = normal_email(email)
    async with public_unit():
        user = (
            await User.select(User.id, User.name, User.language, User.email_verified_at)
            .where(User.email == email)
            .first()
            .run()
        )
        if user is None or user["email_verified_at"] is not None:
            return
        raw = await _issue_token(user["id"], "verify", VERIFY_HOURS)
        await send_mail(
            email,
            "verify",
            user["language"],
            name=user["name"],
            link=f"{get_settings().base_url}/verify/{raw}",
        )


async def request_reset(email: str, ip: str) -> None:
    """Mail a reset link if the account exists; the page says the same either way."""
    email = normal_email(email)
    async with public_unit():
        user = await User.select(User.id, User.language, User.name).where(User.email == email).first().run()
        if user is None:
            return
        raw = await _issue_token(user["id"], "reset", RESET_HOURS)
        await audit.record("account.reset_requested", actor_id=user["id"], target=email, ip=ip)
        await send_mail(
            email, "reset", user["language"], name=user["name"], link=f"{get_settings().base_url}/reset/{raw}"
        )


async def reset_token_valid(raw: str) -> bool:
    async with public_unit():
        return (
            await EmailToken.exists()
            .where(
                (EmailToken.token_hash == token_hash(raw))
                & (EmailToken.purpose == "reset")
                & EmailToken.used_at.is_null()
                & (EmailToken.expires_at > now())
            )
            .run()
        )


async def reset_password(raw: str, password: str, ip: str) -> bool:
    hashed = await passwords.hash_password(password)
    async with public_unit():
        user_id = await _use_token(raw, "reset")
        if user_id is None:
            return False
        # A reset link proves the address, so it also verifies it.
        await (
            User.update({User.password_hash: hashed, User.email_verified_at: now()})
            .where((User.id == user_id) & User.email_verified_at.is_null())
            .run()
        )
        await User.update({User.password_hash: hashed}).where(User.id == user_id).run()
        await audit.record("account.password_reset", actor_id=user_id, ip=ip)
    return True


async def save_language(user_id: int, language: str) -> None:
    async with public_unit(user_id=user_id):
        await User.update({User.language: normalise(language)}).where(User.id == user_id).run()
