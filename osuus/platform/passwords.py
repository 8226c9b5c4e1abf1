"""Password rules and argon2id hashing (off the event loop: hashing takes tens of milliseconds)."""

from __future__ import annotations

from functools import cache

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from osuus.platform.i18n import N_

MIN_LENGTH = 10
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A valid hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("osuus-dummy-password-for-timing")


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, hints: tuple[str, ...] = ()) -> str | None:
    """A message id saying what is wrong with a new password, or None when it is fine."""
    if not password:
        return N_("Enter a password")
    if len(password) < MIN_LENGTH:
        return N_("The password must be at least 10 characters long")
    if len(password) > 200:
        return N_("The password must be 200 characters or fewer")
    lowered = password.lower()
    if lowered in _common() or any(h and h.lower() in lowered for h in hints if len(h) >= 4):
        return N_("This password is too easy to guess. Choose a password that others do not use")
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=list(hints))["score"] < 2:
        return N_("This password is too easy to guess. Choose a password that others do not use")
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, stored, password)
