"""Encryption at rest for special-category personal data (health-related facts, benefits): AES-256-GCM.

One path for every such value (docs/adr/0009-special-category-data.md):

- the keys come from the setting DATA_KEYS (`id:base64,…`): the first key encrypts, every key decrypts, so a key
  can be rotated by putting a new one first and re-encrypting rows at leisure (`needs_rotation`);
- each sealed value is stored with the id of its key (a column beside the ciphertext) and is bound to where it
  belongs by associated data (e.g. "benefit_profile:<coop>:<member>"): a ciphertext copied to another person's row
  does not open;
- the ciphertext is version byte + 12-byte random nonce + AES-GCM output (ciphertext and 16-byte tag);
- nothing here logs, and errors never carry the plaintext.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from osuus.platform.settings import get_settings

VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A sealed value could not be opened: unknown key id, wrong key, changed bytes or the wrong associated data."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    ciphertext: bytes


class Keyring:
    """Named AES-256 keys; the first one encrypts."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        for key_id, key in keys:
            if len(key) != 32:
                raise ValueError(f"key {key_id} must be 32 bytes")
        self._keys = dict(keys)
        self.current_id = keys[0][0]

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """`id:base64[,id:base64…]` as in the DATA_KEYS setting (checked there)."""
        keys = []
        for part in text.split(","):
            key_id, _, encoded = part.strip().partition(":")
            keys.append((key_id, base64.b64decode(encoded.strip())))
        return cls(keys)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def seal(self, plaintext: bytes, aad: bytes) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        body = AESGCM(self._keys[self.current_id]).encrypt(nonce, plaintext, aad)
        return Sealed(self.current_id, VERSION + nonce + body)

    def open(self, key_id: str, ciphertext: bytes, aad: bytes) -> bytes:
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionError(f"no key with the id {key_id!r} in DATA_KEYS")
        if len(ciphertext) < 1 + NONCE_BYTES + 16 or ciphertext[:1] != VERSION:
            raise DecryptionError("not a sealed value of a known version")
        nonce, body = ciphertext[1 : 1 + NONCE_BYTES], ciphertext[1 + NONCE_BYTES :]
        try:
            return AESGCM(key).decrypt(nonce, body, aad)
        except InvalidTag:
            raise DecryptionError("the value does not open with this key and associated data") from None

    def needs_rotation(self, key_id: str) -> bool:
        """A row sealed with an older key: open it and seal it again to move it to the current key."""
        return key_id != self.current_id


@lru_cache(maxsize=1)
def _keyring(text: str) -> Keyring:
    return Keyring.parse(text)


def keyring() -> Keyring:
    """The keyring of the DATA_KEYS setting (development and tests have a fixed key; production its own)."""
    return _keyring(get_settings().data_keys)


def seal(plaintext: bytes, aad: bytes) -> Sealed:
    return keyring().seal(plaintext, aad)


def open_sealed(key_id: str, ciphertext: bytes, aad: bytes) -> bytes:
    return keyring().open(key_id, bytes(ciphertext), aad)


def seal_json(value: Any, aad: bytes) -> Sealed:
    """A JSON value (compact, keys sorted) sealed as one blob."""
    return seal(json.dumps(value, sort_keys=True, separators=(",", ":")).encode(), aad)


def open_json(key_id: str, ciphertext: bytes, aad: bytes) -> Any:
    return json.loads(open_sealed(key_id, ciphertext, aad))
