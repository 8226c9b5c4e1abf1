"""Encryption at rest (osuus/platform/crypto.py): round trip, the wrong key or place fails, rotation, settings."""

from __future__ import annotations

import base64
import json

import pytest

from osuus.platform import crypto
from osuus.platform.settings import DEVELOPMENT_DATA_KEYS, SettingsError, load

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()
AAD = b"benefit_profile:1:2:2026-01-01"


def test_round_trip_and_key_id() -> None:
    ring = crypto.Keyring.parse(f"k1:{KEY_A}")
    sealed = ring.seal(b'{"kind":"disability_pension","limit_cents":97659}', AAD)
    assert sealed.key_id == "k1"
    assert ring.open("k1", sealed.ciphertext, AAD) == b'{"kind":"disability_pension","limit_cents":97659}'


def test_ciphertext_holds_no_plaintext_and_differs_each_time() -> None:
    ring = crypto.Keyring.parse(f"k1:{KEY_A}")
    plain = b'{"kind":"disability_pension","limit_cents":97659}'
    first, second = ring.seal(plain, AAD), ring.seal(plain, AAD)
    assert first.ciphertext != second.ciphertext  # a fresh nonce each time
    for piece in (b"disability", b"pension", b"97659", b"kind", b"limit"):
        assert piece not in first.ciphertext
    assert len(first.ciphertext) == 1 + 12 + len(plain) + 16


def test_wrong_key_fails() -> None:
    sealed = crypto.Keyring.parse(f"k1:{KEY_A}").seal(b"salaisuus", AAD)
    with pytest.raises(crypto.DecryptionError):
        crypto.Keyring.parse(f"k1:{KEY_B}").open("k1", sealed.ciphertext, AAD)


def test_unknown_key_id_fails() -> None:
    sealed = crypto.Keyring.parse(f"k1:{KEY_A}").seal(b"salaisuus", AAD)
    with pytest.raises(crypto.DecryptionError):
        crypto.Keyring.parse(f"k2:{KEY_A}").open("k1", sealed.ciphertext, AAD)


def test_other_place_or_changed_bytes_fail() -> None:
    ring = crypto.Keyring.parse(f"k1:{KEY_A}")
    sealed = ring.seal(b"salaisuus", AAD)
    with pytest.raises(crypto.DecryptionError):  # copied to another person's row
        ring.open("k1", sealed.ciphertext, b"benefit_profile:1:3:2026-01-01")
    changed = bytearray(sealed.ciphertext)
    changed[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        ring.open("k1", bytes(changed), AAD)
    with pytest.raises(crypto.DecryptionError):
        ring.open("k1", b"\x02" + sealed.ciphertext[1:], AAD)  # unknown version
    with pytest.raises(crypto.DecryptionError):
        ring.open("k1", b"short", AAD)


def test_rotation_new_key_seals_old_key_still_opens() -> None:
    old = crypto.Keyring.parse(f"k1:{KEY_A}").seal(b"vanha", AAD)
    ring = crypto.Keyring.parse(f"k2:{KEY_B},k1:{KEY_A}")
    assert ring.current_id == "k2" and ring.ids == ("k2", "k1")
    assert ring.open("k1", old.ciphertext, AAD) == b"vanha"
    assert ring.needs_rotation("k1") is True
    fresh = ring.seal(b"uusi", AAD)
    assert fresh.key_id == "k2" and ring.needs_rotation(fresh.key_id) is False


def test_json_helpers_use_the_settings_key() -> None:
    sealed = crypto.seal_json({"limit_cents": 1, "kind": "other"}, AAD)
    assert sealed.key_id == "dev1"  # tests run with the fixed development key
    assert crypto.open_json(sealed.key_id, sealed.ciphertext, AAD) == {"kind": "other", "limit_cents": 1}
    assert json.dumps({"kind": "other"}).encode() not in sealed.ciphertext


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("k1", "DATA_KEYS: write each key as id:base64, e.g. k1:… (id: letters, digits, - or _)"),
        ("k 1:" + KEY_A, "DATA_KEYS: write each key as id:base64, e.g. k1:… (id: letters, digits, - or _)"),
        ("k1:not base64!", "DATA_KEYS: the key k1 is not base64"),
        (
            "k1:" + base64.b64encode(b"x" * 16).decode(),
            "DATA_KEYS: the key k1 must be 32 bytes (44 characters of base64)",
        ),
        (f"k1:{KEY_A},k1:{KEY_B}", "DATA_KEYS: the key id k1 is given twice"),
    ],
)
def test_bad_data_keys_name_the_setting(value: str, message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load({"DATA_KEYS": value})
    assert str(info.value) == message


def test_development_has_a_fixed_key_and_production_needs_its_own() -> None:
    assert load({}).data_keys == DEVELOPMENT_DATA_KEYS
    production = {
        "OSUUS_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgresql://a@b/c",
        "REDIS_URL": "redis://r",
        "SMTP_HOST": "smtp.example.fi",
        "BASE_URL": "https://osuus.example.fi",
    }
    for keys in ("", DEVELOPMENT_DATA_KEYS):
        with pytest.raises(SettingsError) as info:
            load({**production, "DATA_KEYS": keys} if keys else production)
        assert str(info.value) == (
            "DATA_KEYS: set your own key for personal data in production (id:base64 of 32 bytes)"
        )
    assert load({**production, "DATA_KEYS": f"k1:{KEY_A}"}).data_keys == f"k1:{KEY_A}"
