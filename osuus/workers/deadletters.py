"""Dead letters: messages that failed every retry, as Dramatiq's Redis broker keeps them, for operators."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from dramatiq import Message

from osuus.workers.broker import QUEUE, get_broker


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    actor: str
    failed_at: dt.datetime
    coop_id: int | None
    outbox_id: int | None
    error: str


def _key(broker: Any) -> str:
    return f"{broker.namespace}:{QUEUE}.XQ"


def list_dead_letters(limit: int = 200) -> list[DeadLetter]:
    broker = get_broker()
    client: Any = broker.client
    entries: list[tuple[bytes, float]] = client.zrevrange(_key(broker), 0, limit - 1, withscores=True)
    result = []
    for message_id, score in entries:
        raw = client.hget(_key(broker) + ".msgs", message_id)
        if raw is None:
            continue
        data = json.loads(raw)
        options = data.get("options", {})
        result.append(
            DeadLetter(
                message_id=message_id.decode(),
                actor=data.get("actor_name", ""),
                failed_at=dt.datetime.fromtimestamp(score / 1000, dt.UTC),
                coop_id=options.get("coop_id"),
                outbox_id=options.get("outbox_id"),
                error=str(options.get("traceback", "")).strip().splitlines()[-1:][0][:300]
                if options.get("traceback")
                else "",
            )
        )
    return result


def retry_dead_letter(message_id: str) -> bool:
    """Put a dead message back on its queue with a fresh retry count."""
    broker = get_broker()
    client: Any = broker.client
    raw = client.hget(_key(broker) + ".msgs", message_id)
    if raw is None:
        return False
    message = Message.decode(raw)
    options = {k: v for k, v in message.options.items() if k not in {"retries", "traceback", "requeue_timestamp"}}
    # Not message.copy(options=...): copy merges into the old options, so the retry count would survive.
    broker.enqueue(dataclasses.replace(message, options=options))
    client.zrem(_key(broker), message_id)
    client.hdel(_key(broker) + ".msgs", message_id)
    return True
