"""The front page's activity lines are worded when read, in the reader's language (rows store kind and subject)."""

from __future__ import annotations

import datetime as dt

import pytest

from osuus.platform import i18n
from osuus.tenants.noticeboard.service import ACTIVITY_TEXT, ActivityView

AT = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "kind", "subject", "expected"),
    [
        ("en", "member.admitted", "Maija Jäsen", "Maija Jäsen was admitted as a member"),
        (
            "en",
            "monitor.status_changed",
            "Too few members with a vote",
            "Member status check: Too few members with a vote",
        ),
        ("en", "something.new", "Plain subject", "Plain subject"),
    ],
)
def test_activity_is_worded_in_the_readers_language(language: str, kind: str, subject: str, expected: str) -> None:
    with i18n.language(language):
        assert ActivityView(AT, kind, "Pirjo", subject).text == expected


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_activity_kind_is_translated(language: str) -> None:
    with i18n.language(language):
        for kind, message in ACTIVITY_TEXT.items():
            text = ActivityView(AT, kind, "", "X").text
            assert text != message.replace("%(subject)s", "X"), f"{kind} is not translated into {language}"
