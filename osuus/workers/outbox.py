"""Transactional outbox: jobs are rows written in the business transaction and sent only after commit.

`enqueue()` writes the row inside the open unit of work; the unit publishes after it commits; the scheduler's
sweeper publishes what a crash left unsent. Delivery is at least once: actors check `done_at` and are idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
import structlog
from dramatiq import Message

from osuus.platform.tables import Outbox
from osuus.platform.tenancy import current_unit, relay_unit
from osuus.workers.broker import QUEUE, get_broker

log = structlog.get_logger(__name__)


async def enqueue(actor: str, **payload: Any) -> int:
    """Write a job for `actor` in the open unit of work; it is sent once the unit commits."""
    unit = current_unit()
    rows = await Outbox.insert(Outbox(coop=unit.coop_id, actor=actor, payload=payload)).returning(Outbox.id).run()
    outbox_id = int(rows[0]["id"])
    unit.outbox_ids.append(outbox_id)
    return outbox_id


def _message(row: dict[str, Any]) -> Message[Any]:
    return Message(
        queue_name=QUEUE,
        actor_name=row["actor"],
        args=(),
        kwargs={"outbox_id": row["id"], **row["payload"]},
        options={"coop_id": row["coop_id"], "outbox_id": row["id"]},
    )


async def publish(ids: list[int] | None = None, older_than_seconds: int = 0) -> int:
    """Send unsent outbox rows (the given ids, or all older than the given age) and mark them sent."""
    broker = get_broker()
    sent = 0
    try:
        async with relay_unit():
            query = (
                Outbox.select(Outbox.id, Outbox.coop, Outbox.actor, Outbox.payload)
                .where(Outbox.sent_at.is_null())
                .output(load_json=True)
            )
            if ids is not None:
                query = query.where(Outbox.id.is_in(ids))
            if older_than_seconds:
                cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=older_than_seconds)
                query = query.where(Outbox.created_at < cutoff)
            rows = await query.order_by(Outbox.id).limit(500).lock_rows("UPDATE", skip_locked=True).run()
            for row in rows:
                await anyio.to_thread.run_sync(broker.enqueue, _message(row))
                sent += 1
            if rows:
                await (
                    Outbox.update({Outbox.sent_at: dt.datetime.now(dt.UTC)})
                    .where(Outbox.id.is_in([r["id"] for r in rows]))
                    .run()
                )
    except Exception:
        # The rows stay unsent; the sweeper tries again. The business transaction has already committed.
        log.exception("outbox.publish_failed", ids=ids)
        return 0
    if sent:
        log.info("outbox.published", count=sent)
    return sent


async def is_done(outbox_id: int) -> bool:
    async with relay_unit():
        row = await Outbox.select(Outbox.done_at).where(Outbox.id == outbox_id).first().run()
    return row is None or row["done_at"] is not None


async def mark_done(outbox_id: int, scrub: tuple[str, ...] = ()) -> None:
    """Record that the job's effect happened; blank payload fields (e.g. one-time links) no longer needed."""
    async with relay_unit():
        row = await Outbox.select(Outbox.payload).where(Outbox.id == outbox_id).output(load_json=True).first().run()
        payload = dict(row["payload"]) if row else {}
        for key in scrub:
            if key in payload:
                payload[key] = "(sent)"
        await (
            Outbox.update({Outbox.done_at: dt.datetime.now(dt.UTC), Outbox.payload: payload})
            .where(Outbox.id == outbox_id)
            .run()
        )
