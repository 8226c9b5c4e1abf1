"""Typed settings, read from the environment once per process.

Every setting is listed here with its meaning; the README table is generated from the same list
(`osuus check` prints it). A missing or malformed setting stops the start with one line that names it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def _path(value: str) -> Path:
    return Path(value).expanduser()


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("use true or false")


def _int(value: str) -> int:
    return int(value.strip())


def _pg_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError("must start with postgresql://")
    return value


def _redis_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ValueError("must start with redis://, rediss:// or unix://")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an http:// or https:// address")
    return value.rstrip("/")


_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
# Development and tests only: a fixed data key, so that encrypted demo rows survive restarts. Production refuses it.
DEVELOPMENT_DATA_KEYS = "dev1:" + base64.b64encode(b"osuus-development-only-data-key!").decode()


def _data_keys(value: str) -> str:
    """`id:base64key[,id:base64key…]`: every key 32 bytes (AES-256), ids unique; the first encrypts, all decrypt."""
    seen: set[str] = set()
    for part in value.split(","):
        key_id, sep, encoded = part.strip().partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ValueError("write each key as id:base64, e.g. k1:… (id: letters, digits, - or _)")
        if key_id in seen:
            raise ValueError(f"the key id {key_id} is given twice")
        seen.add(key_id)
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"the key {key_id} is not base64") from None
        if len(raw) != 32:
            raise ValueError(f"the key {key_id} must be 32 bytes (44 characters of base64)")
    return value.strip()


def _environment(value: str) -> str:
    if value not in {"development", "test", "production"}:
        raise ValueError("must be development, test or production")
    return value


def _setting(env: str, default: object, doc: str, parse: Callable[[str], object] = str, secret: bool = False) -> object:
    return field(default=default, metadata={"env": env, "doc": doc, "parse": parse, "secret": secret})


@dataclass(frozen=True)
class Settings:
    environment: str = _setting(  # type: ignore[assignment]
        "OSUUS_ENV",
        "development",
        "development, test or production. Production requires the secrets below.",
        _environment,
    )
    data_dir: Path = _setting(  # type: ignore[assignment]
        "OSUUS_DATA_DIR",
        PROJECT_ROOT / "var",
        "Folder for embedded PostgreSQL and Redis, mail and outboxes.",
        _path,
    )
    database_url: str | None = _setting(  # type: ignore[assignment]
        "DATABASE_URL",
        None,
        "PostgreSQL URL the app connects with (a role that is neither superuser nor table owner). "
        "Unset: embedded PostgreSQL. For `make test` it must be a role that may create databases and roles.",
        _pg_url,
    )
    database_owner_url: str | None = _setting(  # type: ignore[assignment]
        "DATABASE_OWNER_URL",
        None,
        "PostgreSQL URL of the role that owns the tables; used by `osuus migrate`.",
        _pg_url,
    )
    database_admin_url: str | None = _setting(  # type: ignore[assignment]
        "DATABASE_ADMIN_URL",
        None,
        "Optional superuser URL used by `osuus provision` to create the database and the two roles.",
        _pg_url,
    )
    db_pool_min: int = _setting("DB_POOL_MIN", 1, "Smallest database pool size per process.", _int)  # type: ignore[assignment]
    db_pool_max: int = _setting("DB_POOL_MAX", 10, "Largest database pool size per process.", _int)  # type: ignore[assignment]
    redis_url: str | None = _setting(  # type: ignore[assignment]
        "REDIS_URL", None, "Redis URL for sessions, rate limits and jobs. Unset: embedded Redis.", _redis_url
    )
    secret_key: str = _setting(  # type: ignore[assignment]
        "SECRET_KEY",
        "",
        "Secret for CSRF tokens and signed values; at least 32 characters in production.",
        str,
        True,
    )
    data_keys: str = _setting(  # type: ignore[assignment]
        "DATA_KEYS",
        "",
        "Keys that encrypt special-category personal data (benefit profiles): `id:key`, the key 32 random bytes in "
        "base64 (`openssl rand -base64 32`). Several, comma-separated: the first encrypts, all decrypt (rotation). "
        "Required in production.",
        _data_keys,
        True,
    )
    base_url: str = _setting(  # type: ignore[assignment]
        "BASE_URL", "http://127.0.0.1:8000", "Public address used in e-mail links.", _http_url
    )
    web_host: str = _setting("WEB_HOST", "127.0.0.1", "Address the web server listens on.")  # type: ignore[assignment]
    web_port: int = _setting("WEB_PORT", 8000, "Port the web server listens on.", _int)  # type: ignore[assignment]
    web_workers: int = _setting("WEB_WORKERS", 1, "Web server processes.", _int)  # type: ignore[assignment]
    max_body_bytes: int = _setting(  # type: ignore[assignment]
        "MAX_BODY_BYTES", 1_000_000, "Largest request body accepted, in bytes.", _int
    )
    session_days: int = _setting(  # type: ignore[assignment]
        "SESSION_DAYS", 14, "How long a signed-in session lasts without use, in days.", _int
    )
    smtp_host: str = _setting(  # type: ignore[assignment]
        "SMTP_HOST", "", "SMTP server for e-mail. Empty: mail is written to the local mailbox folder."
    )
    smtp_port: int = _setting("SMTP_PORT", 587, "SMTP port.", _int)  # type: ignore[assignment]
    smtp_user: str = _setting("SMTP_USER", "", "SMTP user name (optional).")  # type: ignore[assignment]
    smtp_password: str = _setting("SMTP_PASSWORD", "", "SMTP password (optional).", str, True)  # type: ignore[assignment]
    smtp_starttls: bool = _setting("SMTP_STARTTLS", True, "Use STARTTLS with the SMTP server.", _bool)  # type: ignore[assignment]
    smtp_from: str = _setting(  # type: ignore[assignment]
        "SMTP_FROM", "Osuus <noreply@osuus.localhost>", "Sender address of e-mail."
    )
    stripe_secret_key: str = _setting(  # type: ignore[assignment]
        "STRIPE_SECRET_KEY",
        "",
        "Stripe secret key (platform subscriptions; from the billing issue on).",
        str,
        True,
    )
    stripe_webhook_secret: str = _setting(  # type: ignore[assignment]
        "STRIPE_WEBHOOK_SECRET", "", "Secret that signs Stripe webhooks.", str, True
    )
    stripe_api_base: str = _setting(  # type: ignore[assignment]
        "STRIPE_API_BASE", "", "Other Stripe API address, e.g. localstripe in tests. Empty: Stripe itself."
    )
    einvoice_dir: Path = _setting(  # type: ignore[assignment]
        "EINVOICE_DIR",
        PROJECT_ROOT.parent / "shared" / "einvoice",
        "Folder with the official e-invoice schemas and rules (not part of the project).",
        _path,
    )
    job_max_retries: int = _setting("JOB_MAX_RETRIES", 8, "How often a failed job is tried again.", _int)  # type: ignore[assignment]
    job_min_backoff_ms: int = _setting(  # type: ignore[assignment]
        "JOB_MIN_BACKOFF_MS", 5_000, "First retry delay of a failed job, in milliseconds; it doubles.", _int
    )
    outbox_sweep_seconds: int = _setting(  # type: ignore[assignment]
        "OUTBOX_SWEEP_SECONDS", 30, "How often the scheduler sends outbox messages that were missed.", _int
    )
    signin_limit: int = _setting(  # type: ignore[assignment]
        "SIGNIN_LIMIT",
        5,
        "Failed sign-ins allowed per account in 15 minutes (per address: four times this).",
        _int,
    )
    log_level: str = _setting("LOG_LEVEL", "info", "debug, info, warning or error.")  # type: ignore[assignment]

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def embedded_db(self) -> bool:
        return self.database_url is None

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None


def secret_settings() -> frozenset[str]:
    """The variables whose values are never printed (`osuus check` shows only whether they are set)."""
    return frozenset(f.metadata["env"] for f in dataclasses.fields(Settings) if f.metadata["secret"])


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting, for the README and `osuus check`."""
    rows = []
    for f in dataclasses.fields(Settings):
        default = "" if f.default is None else str(f.default)
        if f.name in {"data_dir", "einvoice_dir"}:
            default = str(f.default).replace(str(PROJECT_ROOT.parent), "..")
        rows.append((f.metadata["env"], default, f.metadata["doc"]))
    return rows


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise SettingsError naming the first bad one."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in dataclasses.fields(Settings):
        name = f.metadata["env"]
        raw = env.get(name)
        if raw is None or (raw == "" and f.default is None):
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    settings = Settings(**values)  # type: ignore[arg-type]
    _check(settings)
    if not settings.secret_key:
        # Development and tests get a fixed key so sessions survive restarts; production must set one.
        settings = dataclasses.replace(settings, secret_key="development-only-secret-key-not-for-production")
    if not settings.data_keys:
        # The same for the data key: a fixed one in development and tests; production must set its own.
        settings = dataclasses.replace(settings, data_keys=DEVELOPMENT_DATA_KEYS)
    return settings


def _check(s: Settings) -> None:
    if s.production:
        if len(s.secret_key) < 32:
            raise SettingsError("SECRET_KEY: set a random value of at least 32 characters in production")
        for name, value in (("DATABASE_URL", s.database_url), ("REDIS_URL", s.redis_url)):
            if not value:
                raise SettingsError(f"{name}: must be set in production (embedded servers are for development)")
        if not s.smtp_host:
            raise SettingsError("SMTP_HOST: must be set in production so that e-mail reaches people")
        if not s.base_url.startswith("https://"):
            raise SettingsError("BASE_URL: must be an https:// address in production")
        if not s.data_keys or s.data_keys == DEVELOPMENT_DATA_KEYS:
            raise SettingsError("DATA_KEYS: set your own key for personal data in production (id:base64 of 32 bytes)")
    if s.db_pool_min < 1 or s.db_pool_max < s.db_pool_min:
        raise SettingsError("DB_POOL_MAX: must be at least DB_POOL_MIN, and DB_POOL_MIN at least 1")
    if s.max_body_bytes < 10_000:
        raise SettingsError("MAX_BODY_BYTES: must be at least 10000")
    if s.log_level not in {"debug", "info", "warning", "error"}:
        raise SettingsError("LOG_LEVEL: must be debug, info, warning or error")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between app instances)."""
    get_settings.cache_clear()
