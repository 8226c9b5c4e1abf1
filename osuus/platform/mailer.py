"""Writing e-mail: rendered in the recipient's language and queued through the outbox (sent after commit)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment

from osuus.platform import i18n
from osuus.platform.settings import get_settings


@cache
def _env() -> Environment:
    from osuus.platform.http import make_environment

    env = make_environment()
    # Mail is plain text: HTML escaping would show a name like O'Neil or "Puu & Pelti" as O&#39;Neil, &amp;.
    env.autoescape = False
    return env


async def send_mail(to: str, template: str, language: str, **context: object) -> int:
    """Queue one e-mail. The template's first line is `Subject: …`; the rest is the plain-text body."""
    from osuus.workers.outbox import enqueue

    context.setdefault("base_url", get_settings().base_url)
    with i18n.language(language):
        text = _env().get_template(f"mail/{template}.txt").render(**context)
    first, _, body = text.partition("\n")
    subject = first.removeprefix("Subject:").strip()
    return await enqueue("send_email", to=to, subject=subject, body=body.strip() + "\n")
