"""Jobs with real Redis and real `osuus worker` processes: the outbox, retries, the sweeper and dead letters.

Every test here uses its own Redis database (the same server, another db number) for Dramatiq: a worker that
another test module started (the session-wide `worker` fixture) keeps consuming the usual database, and would
otherwise take the messages these tests mean for their own workers (with their own SMTP settings).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import asyncpg
import pytest
import redis
from aiosmtpd.controller import Controller
from dramatiq import Message

from tests.fixtures import Browser, World, mail_dir, read_mail, running_worker, unique

JOBS_DB = 14
QUEUE_KEY = "dramatiq:default"
DEAD_KEY = "dramatiq:default.XQ"


# --- Redis for the jobs of this module ------------------------------------------------------------------


def _redis_url_with_db(url: str, db: int) -> str:
    if url.startswith("unix://"):
        return f"{url.split('?', 1)[0]}?db={db}"
    base = url.split("?", 1)[0]
    scheme, rest = base.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}/{db}"


@dataclass
class Jobs:
    url: str
    broker: Any
    client: Any

    def queued(self) -> int:
        return int(self.client.llen(QUEUE_KEY))

    def dead(self) -> list[str]:
        return [m.decode() for m in self.client.zrange(DEAD_KEY, 0, -1)]

    def idle(self) -> bool:
        """No message waits, runs or waits for a retry."""
        return (
            self.client.llen(QUEUE_KEY) == 0
            and self.client.hlen(f"{QUEUE_KEY}.msgs") == 0
            and self.client.hlen(f"{QUEUE_KEY}.DQ.msgs") == 0
        )


@pytest.fixture
def jobs(db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Jobs]:
    """This process publishes to, and the operator pages read from, a Redis database of its own."""
    from osuus.workers import broker as broker_module

    url = _redis_url_with_db(os.environ["REDIS_URL"], JOBS_DB)
    broker = broker_module.make_broker(url)
    broker.client.flushdb()
    monkeypatch.setattr(broker_module, "_broker", broker)
    try:
        yield Jobs(url, broker, broker.client)
    finally:
        broker.client.flushdb()
        broker.close()
        broker.client.connection_pool.disconnect()


# --- an SMTP server ----------------------------------------------------------------------------------------


class MailServer:
    """An SMTP handler that refuses the first `refuse` messages (all of them when refuse < 0) and keeps the rest."""

    def __init__(self, refuse: int = 0, reply: str = "451 4.3.0 try again later") -> None:
        self.refuse = refuse
        self.reply = reply
        self.attempts = 0
        self.accepted: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.attempts += 1
            if self.refuse < 0 or self.attempts <= self.refuse:
                return self.reply
            self.accepted.append(cast(EmailMessage, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 2.0.0 OK"


@contextlib.contextmanager
def smtp_server(handler: MailServer) -> Iterator[dict[str, str]]:
    """Run the handler on a free local port; yields the settings that point a worker at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_STARTTLS": "false"}
    finally:
        controller.stop()


# --- helpers ---------------------------------------------------------------------------------------------


async def wait_until(check: Callable[[], Any], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        await asyncio.sleep(0.1)


def text_of(message: EmailMessage) -> str:
    """The plain-text body with the line ends it had before SMTP made them CRLF."""
    return message.get_content().replace("\r\n", "\n")


def address(prefix: str) -> str:
    return f"{unique(prefix)}@example.fi"


async def send_mail_job(to: str, subject: str = "Testiviesti", body: str = "Hei!\n") -> int:
    """One e-mail job written in a unit of work; it is published when the unit commits."""
    from osuus.platform.tenancy import public_unit
    from osuus.workers import outbox

    async with public_unit():
        return await outbox.enqueue("send_email", to=to, subject=subject, body=body)


async def outbox_row(outbox_id: int) -> dict[str, Any] | None:
    from osuus.platform.tables import Outbox
    from osuus.platform.tenancy import relay_unit

    async with relay_unit():
        return (
            await Outbox.select(Outbox.actor, Outbox.payload, Outbox.sent_at, Outbox.done_at)
            .where(Outbox.id == outbox_id)
            .output(load_json=True)
            .first()
            .run()
        )


async def outbox_ids_to(to: str) -> list[int]:
    from osuus.platform.tables import Outbox
    from osuus.platform.tenancy import relay_unit

    async with relay_unit():
        rows = await Outbox.raw("SELECT id FROM outbox WHERE payload->>'to' = {}", to).run()
    return [r["id"] for r in rows]


async def is_done(outbox_id: int) -> bool:
    row = await outbox_row(outbox_id)
    return row is not None and row["done_at"] is not None


def mailbox_ids(to: str) -> list[int]:
    return [m["id"] for m in read_mail() if m["to"] == to]


@contextlib.asynccontextmanager
async def owner_connection(scope: str) -> AsyncIterator[asyncpg.Connection]:
    """The table owner's connection; forced RLS applies to the owner too, so it names its scope."""
    assert scope in {"operator", "relay"}
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    try:
        await conn.execute(f"SET app.scope = '{scope}'")
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def browsers(app: Any) -> AsyncIterator[Callable[[], Browser]]:
    made: list[Browser] = []

    def make() -> Browser:
        made.append(Browser(app))
        return made[-1]

    yield make
    for b in made:
        await b.close()


# --- the outbox --------------------------------------------------------------------------------------------


async def test_a_job_of_a_unit_that_fails_is_never_sent(jobs: Jobs) -> None:
    from osuus.platform.tenancy import public_unit
    from osuus.workers import outbox

    to = address("peruttu")
    written: list[int] = []
    with pytest.raises(RuntimeError, match="the business step failed"):
        async with public_unit():
            written.append(await outbox.enqueue("send_email", to=to, subject="Ei koskaan", body="Ei lähde.\n"))
            raise RuntimeError("the business step failed")
    [outbox_id] = written
    assert await outbox_row(outbox_id) is None
    assert await outbox_ids_to(to) == []
    assert jobs.queued() == 0
    assert jobs.idle()

    # A worker that runs now has nothing of it to deliver. A job committed after it is delivered, which shows
    # that the worker reads this queue and writes this mailbox.
    control = address("verrokki")
    with running_worker(REDIS_URL=jobs.url):
        control_id = await send_mail_job(control)
        await wait_until(lambda: is_done(control_id), "the control mail")
        await wait_until(jobs.idle, "the queue to empty")
    assert mailbox_ids(control) == [control_id]
    assert mailbox_ids(to) == []
    assert not (mail_dir() / f"{outbox_id:010d}.json").exists()
    assert jobs.dead() == []


async def test_a_failed_delivery_is_retried_and_happens_once(jobs: Jobs) -> None:
    to = address("uudestaan")
    subject, body = "Toinen yritys", "Ensimmäinen yritys ei mennyt perille.\n"
    server = MailServer(refuse=1)
    with smtp_server(server) as smtp, running_worker(REDIS_URL=jobs.url, **smtp):
        outbox_id = await send_mail_job(to, subject, body)
        await wait_until(lambda: is_done(outbox_id), "the mail to be delivered")
        await wait_until(jobs.idle, "the queue to empty")
        # At-least-once delivery may hand the same job over again: the actor sees it is done and sends nothing.
        jobs.broker.enqueue(
            Message(
                queue_name="default",
                actor_name="send_email",
                args=(),
                kwargs={"outbox_id": outbox_id, "to": to, "subject": subject, "body": body},
                options={"outbox_id": outbox_id},
            )
        )
        assert jobs.queued() == 1
        await wait_until(jobs.idle, "the duplicate to be handled")

    assert server.attempts == 2
    [delivered] = server.accepted
    assert delivered["To"] == to
    assert delivered["Subject"] == subject
    assert delivered["Message-ID"] == f"<outbox-{outbox_id}@osuus>"
    assert text_of(delivered) == body
    row = await outbox_row(outbox_id)
    assert row is not None
    assert row["actor"] == "send_email"
    assert row["payload"] == {"to": to, "subject": subject, "body": "(sent)"}
    assert row["sent_at"] is not None
    assert row["done_at"] is not None
    assert mailbox_ids(to) == []  # it went through SMTP, not to the mailbox folder
    assert jobs.dead() == []


async def test_the_sweeper_sends_what_publishing_missed_once(jobs: Jobs, monkeypatch: pytest.MonkeyPatch) -> None:
    from osuus.workers import outbox
    from osuus.workers.scheduler import sweep_outbox

    await outbox.publish()  # leftovers of earlier tests, if any, go now: what follows counts only this test's row
    before = jobs.queued()
    to = address("lakaisu")

    def redis_down(*args: Any, **kwargs: Any) -> None:
        raise redis.ConnectionError("Redis is down")

    with monkeypatch.context() as patch:
        patch.setattr(jobs.broker, "enqueue", redis_down)
        outbox_id = await send_mail_job(to, "Lakaistu", "Lähti lakaisijan kanssa.\n")
    row = await outbox_row(outbox_id)
    assert row is not None
    assert (row["sent_at"], row["done_at"]) == (None, None)  # committed, not sent
    assert jobs.queued() == before

    await sweep_outbox()  # a row younger than the sweeper's grace period is left to the publish after commit
    row = await outbox_row(outbox_id)
    assert row is not None
    assert row["sent_at"] is None
    assert jobs.queued() == before

    async with owner_connection("relay") as conn:
        status = await conn.execute(
            "UPDATE outbox SET created_at = created_at - interval '1 minute' WHERE id = $1", outbox_id
        )
    assert status == "UPDATE 1"
    await sweep_outbox()
    row = await outbox_row(outbox_id)
    assert row is not None
    assert row["sent_at"] is not None
    assert jobs.queued() == before + 1

    await sweep_outbox()
    assert await outbox.publish(older_than_seconds=0) == 0
    assert jobs.queued() == before + 1

    with running_worker(REDIS_URL=jobs.url):
        await wait_until(lambda: is_done(outbox_id), "the swept mail to be delivered")
        await wait_until(jobs.idle, "the queue to empty")
    assert mailbox_ids(to) == [outbox_id]
    row = await outbox_row(outbox_id)
    assert row is not None
    assert row["payload"] == {"to": to, "subject": "Lakaistu", "body": "(sent)"}


# --- dead letters ------------------------------------------------------------------------------------------


async def test_dead_letters_are_listed_and_retried_by_an_operator(
    jobs: Jobs, browsers: Callable[[], Browser], world: World
) -> None:
    to = address("kuollut")
    subject, body = "Kuollut kirje", "Palvelin ei ota tätä vastaan.\n"
    refusing = MailServer(refuse=-1, reply="554 5.7.1 refused for the test")
    with smtp_server(refusing) as smtp, running_worker(REDIS_URL=jobs.url, JOB_MAX_RETRIES="1", **smtp):
        outbox_id = await send_mail_job(to, subject, body)
        await wait_until(lambda: len(jobs.dead()) == 1, "the job to fail every try")
        await wait_until(jobs.idle, "the queue to empty")
    assert refusing.attempts == 2  # the first try and one retry
    assert refusing.accepted == []
    row = await outbox_row(outbox_id)
    assert row is not None
    assert row["done_at"] is None
    assert row["payload"] == {"to": to, "subject": subject, "body": body}
    [dead_id] = jobs.dead()

    admin = browsers()
    await admin.signin(world.a.emails["admin"])
    assert (await admin.get("/ops/jobs")).status_code == 403
    assert (await admin.post(f"/ops/jobs/{dead_id}/retry", {})).status_code == 403
    assert jobs.dead() == [dead_id]
    assert jobs.queued() == 0

    operator = browsers()
    await operator.signin(world.operator)
    listed = await operator.get("/ops/jobs")
    assert listed.status_code == 200
    assert f"send_email ({outbox_id})" in listed.text
    assert "smtplib.SMTPDataError: (554, b&#39;5.7.1 refused for the test&#39;)" in listed.text
    assert f'action="/ops/jobs/{dead_id}/retry"' in listed.text

    retried = await operator.post(f"/ops/jobs/{dead_id}/retry", {})
    assert retried.status_code == 303
    assert retried.headers["location"] == "/ops/jobs"
    after = await operator.get("/ops/jobs")
    assert after.status_code == 200
    assert dead_id not in after.text
    assert f"send_email ({outbox_id})" not in after.text
    assert jobs.dead() == []
    assert jobs.queued() == 1
    [raw] = jobs.client.hvals(f"{QUEUE_KEY}.msgs")
    again = Message.decode(raw)
    assert again.actor_name == "send_email"
    assert again.kwargs == {"outbox_id": outbox_id, "to": to, "subject": subject, "body": body}
    assert again.options["outbox_id"] == outbox_id
    assert {"retries", "traceback", "requeue_timestamp"}.isdisjoint(again.options)  # a fresh retry count

    async with owner_connection("operator") as conn:
        audit = await conn.fetch(
            "SELECT a.action, u.email FROM audit_log a JOIN app_user u ON u.id = a.actor_id WHERE a.target = $1",
            dead_id,
        )
    assert [tuple(r) for r in audit] == [("ops.job_retried", world.operator)]

    # With the cause fixed, the retried job is delivered once.
    accepting = MailServer()
    with smtp_server(accepting) as smtp, running_worker(REDIS_URL=jobs.url, **smtp):
        await wait_until(lambda: is_done(outbox_id), "the retried mail to be delivered")
        await wait_until(jobs.idle, "the queue to empty")
    assert accepting.attempts == 1
    [delivered] = accepting.accepted
    assert (delivered["To"], delivered["Subject"], text_of(delivered)) == (to, subject, body)
    row = await outbox_row(outbox_id)
    assert row is not None
    assert row["payload"] == {"to": to, "subject": subject, "body": "(sent)"}
    assert jobs.dead() == []
