"""The Dramatiq broker on Redis, with the middleware every Osuus process uses.

Order matters: AsyncIO first, then the database pool (started on Dramatiq's event-loop thread in
before_worker_boot), then the tenant context that binds the coop of each message to the logs.
"""

from __future__ import annotations

from typing import Any

import dramatiq
import structlog
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    AsyncIO,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from osuus.platform.settings import get_settings

log = structlog.get_logger(__name__)
QUEUE = "default"


class DatabasePool(Middleware):
    """Start Piccolo's pool on the worker's event loop before any message runs; close it at shutdown."""

    def before_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        from dramatiq.asyncio import get_event_loop_thread

        from osuus.platform.tenancy import db

        settings = get_settings()
        loop = get_event_loop_thread()
        assert loop is not None, "AsyncIO middleware must come before DatabasePool"
        loop.run_coroutine(db().start_connection_pool(min_size=settings.db_pool_min, max_size=settings.db_pool_max))

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # Before, not after: AsyncIO's after_worker_shutdown stops the loop this must run on.
        from dramatiq.asyncio import get_event_loop_thread

        from osuus.platform.tenancy import db

        loop = get_event_loop_thread()
        if loop is not None:
            loop.run_coroutine(db().close_connection_pool())


class TenantContext(Middleware):
    """Bind the message's coop and outbox ids to the logs while it runs. Actors open their own units."""

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        structlog.contextvars.bind_contextvars(
            job_id=message.message_id,
            actor=message.actor_name,
            coop_id=message.options.get("coop_id"),
            outbox_id=message.options.get("outbox_id"),
        )

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        if exception is not None:
            log.warning("job.failed", error=type(exception).__name__, retries=message.options.get("retries", 0))
        structlog.contextvars.clear_contextvars()

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        structlog.contextvars.clear_contextvars()


def make_broker(redis_url: str) -> RedisBroker:
    settings = get_settings()
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=120_000),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(
            max_retries=settings.job_max_retries,
            min_backoff=settings.job_min_backoff_ms,
            max_backoff=3_600_000,
        ),
        CurrentMessage(),
        AsyncIO(),
        DatabasePool(),
        TenantContext(),
    ]
    return RedisBroker(url=redis_url, middleware=middleware)  # type: ignore[no-untyped-call]


_broker: RedisBroker | None = None


def get_broker() -> RedisBroker:
    """The process's broker, created on first use from REDIS_URL and installed as Dramatiq's global."""
    global _broker  # noqa: PLW0603 - one broker per process, created lazily after settings are known
    if _broker is None:
        url = get_settings().redis_url
        if not url:
            raise RuntimeError("REDIS_URL is not set: start through `osuus`, which starts embedded Redis")
        _broker = make_broker(url)
        dramatiq.set_broker(_broker)
    return _broker


def close_broker() -> None:
    global _broker  # noqa: PLW0603
    if _broker is not None:
        _broker.close()
        _broker.client.connection_pool.disconnect()
        _broker = None
