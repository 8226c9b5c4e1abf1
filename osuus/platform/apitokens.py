"""API tokens: a person's key for the JSON API, sent as `Authorization: Bearer <token>`.

The plain token is shown once, when it is made; only its SHA-256 is stored. A token acts as the person who made it,
with their roles at the time of each request (see docs/adr/0007-api-tokens.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from osuus.platform import audit, dates
from osuus.platform.i18n import N_
from osuus.platform.tables import ApiToken
from osuus.platform.tenancy import public_unit

if TYPE_CHECKING:
    from osuus.platform.http import Form

PREFIX = "osuus_"
LIFETIME = dt.timedelta(days=365)
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often
NAME_MAX = 100
_MAX_LENGTH = 200  # anything longer is not one of ours: refused before hashing


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > dates.now()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def name_problem(name: str) -> str | None:
    if not name:
        return N_("Give the token a name, for example the program that uses it")
    if len(name) > NAME_MAX:
        return N_("The name must be 100 characters or fewer")
    return None


async def issue_token(user_id: int, name: str, ip: str = "") -> str:
    """Make a token for the person and return the plain token. It is never stored and cannot be shown again."""
    name = name.strip()
    if problem := name_problem(name):
        raise ValueError(problem)
    token = PREFIX + secrets.token_urlsafe(32)
    async with public_unit(user_id=user_id):
        rows = await ApiToken.insert(
            ApiToken(user=user_id, name=name, token_hash=hash_token(token), expires_at=dates.now() + LIFETIME)
        ).run()
        await audit.record("api_token.issued", actor_id=user_id, target=f"api_token:{rows[0]['id']}", ip=ip, name=name)
    return token


async def create_token(user_id: int, form: Form, ip: str = "") -> str | None:
    """The token page's form: the name is checked; the plain token, or None with the form's errors."""
    name = form.get("name")
    if problem := name_problem(name):
        form.error("name", problem)
        return None
    return await issue_token(user_id, name, ip)


async def resolve(token: str) -> int | None:
    """The user id a token acts for, or None when it is unknown, revoked or expired.

    The token is found by its hash (an index lookup that tells nothing about how close a wrong token was), and the
    stored hash is compared once more in constant time.
    """
    if not token.startswith(PREFIX) or len(token) > _MAX_LENGTH:
        return None
    hashed = hash_token(token)
    async with public_unit(invite_token=hashed):
        row = (
            await ApiToken.select(
                ApiToken.id,
                ApiToken.user,
                ApiToken.token_hash,
                ApiToken.expires_at,
                ApiToken.revoked_at,
                ApiToken.last_used_at,
            )
            .where(ApiToken.token_hash == hashed)
            .first()
            .run()
        )
        if row is None or not hmac.compare_digest(row["token_hash"], hashed):
            return None
        now = dates.now()
        if row["revoked_at"] is not None or row["expires_at"] <= now:
            return None
        if row["last_used_at"] is None or row["last_used_at"] <= now - TOUCH_EVERY:
            await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"]).run()
    return int(row["user_id"])


def _view(row: dict[str, object]) -> TokenView:
    return TokenView(
        id=int(row["id"]),  # type: ignore[call-overload]
        name=str(row["name"]),
        created_at=row["created_at"],  # type: ignore[arg-type]
        last_used_at=row["last_used_at"],  # type: ignore[arg-type]
        expires_at=row["expires_at"],  # type: ignore[arg-type]
        revoked_at=row["revoked_at"],  # type: ignore[arg-type]
    )


_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.created_at,
    ApiToken.last_used_at,
    ApiToken.expires_at,
    ApiToken.revoked_at,
)


async def list_tokens(user_id: int) -> list[TokenView]:
    """The person's tokens, newest first (revoked and expired ones too, so they can see what happened)."""
    async with public_unit(user_id=user_id):
        rows = (
            await ApiToken.select(*_COLUMNS)
            .where(ApiToken.user == user_id)
            .order_by(ApiToken.created_at, ascending=False)
            .order_by(ApiToken.id, ascending=False)
            .run()
        )
    return [_view(r) for r in rows]


async def get_token(user_id: int, token_id: int) -> TokenView | None:
    async with public_unit(user_id=user_id):
        row = (
            await ApiToken.select(*_COLUMNS).where((ApiToken.id == token_id) & (ApiToken.user == user_id)).first().run()
        )
    return _view(row) if row else None


async def revoke(user_id: int, token_id: int, ip: str = "") -> bool:
    """Stop the person's token from working. False when it is not theirs or was already revoked."""
    async with public_unit(user_id=user_id):
        rows = (
            await ApiToken.update({ApiToken.revoked_at: dates.now()})
            .where((ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
            .returning(ApiToken.id)
            .run()
        )
        if not rows:
            return False
        await audit.record("api_token.revoked", actor_id=user_id, target=f"api_token:{token_id}", ip=ip)
    return True
