"""structlog set-up: one JSON line per event in production, readable lines in development."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import structlog

from osuus.platform.settings import Settings

_SECRET_KEYS = {"password", "password2", "token", "password_hash", "identity_code", "hetu"}


def _drop_secrets(_: object, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if key in _SECRET_KEYS:
            event[key] = "[hidden]"
    return event


def configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper())
    logging.basicConfig(level=level, format="%(message)s")
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if settings.production else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            _drop_secrets,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
