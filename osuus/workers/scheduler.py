"""The single scheduler process: periodic jobs (the outbox sweeper, the nightly entrepreneur-status check)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from redis.asyncio import Redis

from osuus.platform.settings import Settings, get_settings
from osuus.platform.tenancy import db
from osuus.tenants.monitor.service import recompute_every_coop
from osuus.workers.outbox import publish

log = structlog.get_logger(__name__)
LOCK = "osuus:scheduler:lock"
LOCK_SECONDS = 60


async def sweep_outbox() -> None:
    """Send outbox rows that were committed but not sent (a process died between commit and send)."""
    await publish(older_than_seconds=10)


async def nightly_monitor() -> None:
    """Recompute every coop's entrepreneur-status (issue 3). Safe to run twice: an unchanged status tells no one."""
    await recompute_every_coop()


def build_scheduler(settings: Settings) -> AsyncIOScheduler:
    """The periodic jobs, in Helsinki time (not started)."""
    scheduler = AsyncIOScheduler(timezone="Europe/Helsinki")
    scheduler.add_job(
        sweep_outbox,
        "interval",
        seconds=settings.outbox_sweep_seconds,
        id="outbox_sweep",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        nightly_monitor,
        "cron",
        hour=3,
        minute=15,
        id="nightly_monitor",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,  # a scheduler restarted shortly after 03:15 still runs the night's check
    )
    return scheduler


async def run() -> None:
    settings = get_settings()
    redis = Redis.from_url(str(settings.redis_url))
    me = f"{socket.gethostname()}:{os.getpid()}"
    # Only one scheduler may run: hold a lock in Redis, renewed while alive.
    while not await redis.set(LOCK, me, nx=True, ex=LOCK_SECONDS):
        log.info("scheduler.waiting_for_lock", holder=await redis.get(LOCK))
        await asyncio.sleep(LOCK_SECONDS / 2)
    await db().start_connection_pool(min_size=1, max_size=2)
    scheduler = build_scheduler(settings)
    scheduler.start()
    log.info("scheduler.started", sweep_seconds=settings.outbox_sweep_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=LOCK_SECONDS / 3)
            except TimeoutError:
                await redis.set(LOCK, me, xx=True, ex=LOCK_SECONDS)
    finally:
        scheduler.shutdown(wait=False)
        holder = await redis.get(LOCK)
        if holder is not None and (holder.decode() if isinstance(holder, bytes) else holder) == me:
            await redis.delete(LOCK)
        await redis.aclose()
        await db().close_connection_pool()
        from osuus.workers.broker import close_broker

        close_broker()
        log.info("scheduler.stopped")
