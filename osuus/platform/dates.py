"""Dates as people in Finland write them (d.m.yyyy), what day it is in Finland, and the moment now (UTC)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from osuus.platform.i18n import N_

if TYPE_CHECKING:
    from osuus.platform.http import Form

HELSINKI = ZoneInfo("Europe/Helsinki")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")


class DateError(ValueError):
    """A date the person typed could not be read; `message` is the message id to show next to the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_date(text: str) -> dt.date:
    """Read 'd.m.yyyy' as people write it: 1.2.2026, 01.02.2026, '1. 2. 2026' and a final dot all work."""
    value = _SPACES.sub("", text or "")
    if not value:
        raise DateError(N_("Enter the date"))
    match = _DATE.match(value)
    if match is None:
        raise DateError(N_("Write the date as d.m.yyyy, for example 27.3.2026"))
    day, month, year = (int(part) for part in match.groups())
    if not 1900 <= year <= 2100:
        raise DateError(N_("Check the year. Write the year with four digits, for example 2026"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(N_("Check the date. This day is not in the calendar, for example 31.2. is not")) from None


def read_date(form: Form, name: str, empty: str | None = None) -> dt.date | None:
    """The form's date field, or None with the message next to the field. `empty`: the message id when the field
    must be filled in and says what the date is for (without it an empty field gets the general message)."""
    value = form.get(name)
    if empty and not _SPACES.sub("", value):
        form.error(name, empty)
        return None
    try:
        return parse_date(value)
    except DateError as problem:
        form.error(name, problem.message)
        return None


def format_date(value: dt.date) -> str:
    """How a form writes a date back: 1.2.2026 (what parse_date reads)."""
    return f"{value.day}.{value.month}.{value.year}"


def today() -> dt.date:
    """The day in Finland, whatever the server's time zone."""
    return dt.datetime.now(HELSINKI).date()


def now() -> dt.datetime:
    """This moment, UTC and time-zone aware: what timestamp columns store (pages show it in Helsinki time)."""
    return dt.datetime.now(dt.UTC)
