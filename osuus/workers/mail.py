"""E-mail delivery: SMTP in production; otherwise a local mailbox folder that /dev/mail shows."""

from __future__ import annotations

import email.utils
import json
import os
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from osuus.platform.settings import Settings


def build(settings: Settings, to: str, subject: str, body: str, outbox_id: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = f"<outbox-{outbox_id}@osuus>"
    message.set_content(body)
    return message


def deliver(settings: Settings, message: EmailMessage, outbox_id: int) -> None:
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls and smtp.has_extn("starttls"):
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
        return
    write_to_mailbox(settings.mail_dir, message, outbox_id)


def write_to_mailbox(folder: Path, message: EmailMessage, outbox_id: int) -> Path:
    """One file per outbox id, written atomically: delivering the same job twice leaves one message."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{outbox_id:010d}.json"
    if target.exists():
        return target
    record = {
        "id": outbox_id,
        "to": message["To"],
        "from": message["From"],
        "subject": message["Subject"],
        "date": message["Date"],
        "body": message.get_content(),
    }
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def read_mailbox(folder: Path) -> list[dict[str, Any]]:
    if not folder.exists():
        return []
    messages = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"), reverse=True)]
    return messages
