"""Settings: defaults, and one clear line naming a missing or malformed setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from osuus.platform.settings import SettingsError, describe, load


def test_defaults_are_a_development_setup() -> None:
    settings = load({})
    assert settings.environment == "development"
    assert settings.database_url is None and settings.embedded_db is True
    assert settings.max_body_bytes == 1_000_000
    assert settings.secret_key  # a development key is filled in


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL: must start with postgresql://"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL: must start with redis://, rediss:// or unix://"),
        ({"WEB_PORT": "eighty"}, "WEB_PORT: invalid literal for int() with base 10: 'eighty'"),
        ({"OSUUS_ENV": "staging"}, "OSUUS_ENV: must be development, test or production"),
        ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS: use true or false"),
        (
            {"OSUUS_ENV": "production"},
            "SECRET_KEY: set a random value of at least 32 characters in production",
        ),
        (
            {"OSUUS_ENV": "production", "SECRET_KEY": "s" * 40},
            "DATABASE_URL: must be set in production (embedded servers are for development)",
        ),
        (
            {
                "OSUUS_ENV": "production",
                "SECRET_KEY": "s" * 40,
                "DATABASE_URL": "postgresql://a@b/c",
                "REDIS_URL": "redis://r",
            },
            "SMTP_HOST: must be set in production so that e-mail reaches people",
        ),
        (
            {"DB_POOL_MIN": "5", "DB_POOL_MAX": "2"},
            "DB_POOL_MAX: must be at least DB_POOL_MIN, and DB_POOL_MIN at least 1",
        ),
    ],
)
def test_bad_settings_name_the_setting(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load(environ)
    assert str(info.value) == message


def test_every_setting_is_documented() -> None:
    rows = describe()
    assert len(rows) >= 25
    assert all(doc for _, _, doc in rows)
    names = [name for name, _, _ in rows]
    for required in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "BASE_URL", "SMTP_HOST", "STRIPE_SECRET_KEY"):
        assert required in names
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert [n for n in names if f"`{n}`" not in text] == []


def test_the_command_stops_with_one_line_naming_the_setting() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env.update(OSUUS_ENV="production")
    result = subprocess.run(
        [sys.executable, "-m", "osuus.cli", "web"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "osuus: setting SECRET_KEY: set a random value of at least 32 characters in production"
    ]
