"""/dev/mail: in development, the local mailbox, so a person can follow verification and invitation links."""

from __future__ import annotations

import re

import anyio
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from osuus.platform.http import page
from osuus.workers.mail import read_mailbox

LINK = re.compile(r"(https?://\S+)")


def _guard(request: Request) -> None:  # type: ignore[type-arg]
    if not request.app.state.settings.development:
        raise NotFoundException()


@get("/dev/mail")
async def mailbox(request: Request) -> Template:  # type: ignore[type-arg]
    _guard(request)
    messages = await anyio.to_thread.run_sync(read_mailbox, request.app.state.settings.mail_dir)
    return page(request, "dev/mail.html", messages=messages)


@get("/dev/mail/{message_id:int}")
async def message(request: Request, message_id: int) -> Template:  # type: ignore[type-arg]
    _guard(request)
    messages = await anyio.to_thread.run_sync(read_mailbox, request.app.state.settings.mail_dir)
    found = next((m for m in messages if m["id"] == message_id), None)
    if found is None:
        raise NotFoundException()
    return page(request, "dev/message.html", message=found, links=LINK.findall(found["body"]))


HANDLERS = [mailbox, message]
