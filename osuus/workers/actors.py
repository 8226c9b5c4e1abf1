"""Dramatiq actors. Each takes ids and plain values (never ORM rows), checks its outbox row and can run twice."""

from __future__ import annotations

import anyio
import dramatiq
import structlog

from osuus.platform.settings import get_settings
from osuus.workers import mail, outbox
from osuus.workers.broker import QUEUE, get_broker

log = structlog.get_logger(__name__)
get_broker()  # actors bind to the process's broker when they are declared


@dramatiq.actor(queue_name=QUEUE, actor_name="send_email")
async def send_email(outbox_id: int, to: str, subject: str, body: str) -> None:
    if await outbox.is_done(outbox_id):
        log.info("mail.already_sent")
        return
    settings = get_settings()
    message = mail.build(settings, to, subject, body, outbox_id)
    await anyio.to_thread.run_sync(mail.deliver, settings, message, outbox_id)
    # The body may hold a one-time link: keep it only until it has been delivered.
    await outbox.mark_done(outbox_id, scrub=("body",))
    log.info("mail.sent")
