"""API tokens: issued once in plain, stored hashed, resolved to the person, refused when wrong, revoked or expired."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import Any

import asyncpg

from osuus.platform import apitokens
from tests.fixtures import make_user


async def owner_fetch(sql: str, *args: object, user_id: int = 0) -> list[asyncpg.Record]:
    """Rows read past the app: the owner role, as an operator (reads) or as the person (their token rows)."""
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    try:
        await conn.execute("SELECT set_config('app.scope', 'operator', false)")
        if user_id:
            await conn.execute("SELECT set_config('app.user_id', $1, false)", str(user_id))
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def owner_execute(sql: str, *args: object, user_id: int) -> None:
    await owner_fetch(sql, *args, user_id=user_id)


async def test_issued_token_resolves_to_its_person_and_is_stored_only_as_a_hash(db: None) -> None:
    user = await make_user()
    token = await apitokens.issue_token(user, "Palkanlaskenta")
    assert token.startswith("osuus_") and len(token) == len("osuus_") + 43
    assert await apitokens.resolve(token) == user
    rows = await owner_fetch("SELECT * FROM api_token WHERE user_id = $1", user)
    assert len(rows) == 1
    row: Any = rows[0]
    assert row["name"] == "Palkanlaskenta"
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(dict(row))
    assert token.removeprefix("osuus_") not in str(dict(row))
    assert row["revoked_at"] is None and row["last_used_at"] is not None
    life = row["expires_at"] - row["created_at"]
    assert dt.timedelta(days=364, hours=23) < life < dt.timedelta(days=365, minutes=1)
    audit = await owner_fetch(
        "SELECT action, actor_id, target FROM audit_log WHERE target = $1", f"api_token:{row['id']}"
    )
    assert [tuple(a) for a in audit] == [("api_token.issued", user, f"api_token:{row['id']}")]


async def test_wrong_tokens_resolve_to_nobody(db: None) -> None:
    user = await make_user()
    token = await apitokens.issue_token(user, "Oikea")
    for wrong in ("", "osuus_", token[:-1], token + "x", token.removeprefix("osuus_"), "osuus_" + "a" * 300):
        assert await apitokens.resolve(wrong) is None


async def test_revoked_token_resolves_to_nobody(db: None) -> None:
    user, other = await make_user(), await make_user()
    token = await apitokens.issue_token(user, "Poistettava")
    (view,) = await apitokens.list_tokens(user)
    assert view.active
    assert await apitokens.revoke(other, view.id) is False  # not theirs
    assert await apitokens.resolve(token) == user
    assert await apitokens.revoke(user, view.id) is True
    assert await apitokens.revoke(user, view.id) is False  # already revoked
    assert await apitokens.resolve(token) is None
    (after,) = await apitokens.list_tokens(user)
    assert after.revoked_at is not None and not after.active
    audit = await owner_fetch("SELECT action FROM audit_log WHERE target = $1 ORDER BY id", f"api_token:{view.id}")
    assert [a["action"] for a in audit] == ["api_token.issued", "api_token.revoked"]


async def test_expired_token_resolves_to_nobody(db: None) -> None:
    user = await make_user()
    token = await apitokens.issue_token(user, "Vanha")
    (view,) = await apitokens.list_tokens(user)
    await owner_execute(
        "UPDATE api_token SET created_at = now() - interval '400 days', expires_at = now() - interval '1 second' "
        "WHERE id = $1",
        view.id,
        user_id=user,
    )
    assert await apitokens.resolve(token) is None


async def test_last_used_is_written_at_most_once_a_minute(db: None) -> None:
    user = await make_user()
    token = await apitokens.issue_token(user, "Käyttö")
    (view,) = await apitokens.list_tokens(user)
    assert view.last_used_at is None
    assert await apitokens.resolve(token) == user
    (first,) = await apitokens.list_tokens(user)
    assert first.last_used_at is not None
    assert await apitokens.resolve(token) == user
    (second,) = await apitokens.list_tokens(user)
    assert second.last_used_at == first.last_used_at
    await owner_execute(
        "UPDATE api_token SET last_used_at = now() - interval '61 seconds' WHERE id = $1", view.id, user_id=user
    )
    assert await apitokens.resolve(token) == user
    (third,) = await apitokens.list_tokens(user)
    assert third.last_used_at is not None and third.last_used_at > first.last_used_at


async def test_a_person_sees_only_their_own_tokens(db: None) -> None:
    user, other = await make_user(), await make_user()
    await apitokens.issue_token(user, "Minun")
    await apitokens.issue_token(other, "Toisen")
    assert [t.name for t in await apitokens.list_tokens(user)] == ["Minun"]
    (theirs,) = await apitokens.list_tokens(other)
    assert await apitokens.get_token(user, theirs.id) is None
    from osuus.platform.tables import ApiToken
    from osuus.platform.tenancy import public_unit

    async with public_unit(user_id=user):  # row-level security: an unfiltered query sees only one's own
        rows = await ApiToken.select(ApiToken.name).run()
    assert rows == [{"name": "Minun"}]
    async with public_unit():
        assert await ApiToken.select(ApiToken.name).run() == []
