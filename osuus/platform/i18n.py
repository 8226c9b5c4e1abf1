"""Languages: gettext catalogues fi/sv/en, the request's language, and Finnish-style numbers and dates.

Message ids are English source strings. The language of a request comes from the `lang` cookie (set by the
language switch and at sign-in from the person's saved choice); Finnish is the default.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
# Finnish number style in every language: "1 234,50 €" (en_FI keeps English words with Finnish numbers).
_BABEL_LOCALE = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

_language: ContextVar[str] = ContextVar("osuus_language", default=DEFAULT_LANGUAGE)


def normalise(value: str | None) -> str:
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def set_language(language: str) -> object:
    return _language.set(normalise(language))


def reset_language(token: object) -> None:
    _language.reset(token)  # type: ignore[arg-type]


def get_language() -> str:
    return _language.get()


@cache
def translations(language: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def gettext(message: str, **variables: object) -> str:
    text = translations(get_language()).ugettext(message)
    return text % variables if variables else text


def raw_ngettext(singular: str, plural: str, n: int) -> str:
    """The translated form without formatting: Jinja's newstyle gettext fills in the variables itself."""
    return translations(get_language()).ungettext(singular, plural, n)


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_language()).ungettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


_ = gettext


def N_(message: str) -> str:
    return message


def eur(cents: int | Decimal) -> str:
    """Cents to '1 234,50 €' with no-break spaces."""
    amount = Decimal(cents) / 100 if isinstance(cents, int) else cents
    return format_currency(amount, "EUR", locale=_BABEL_LOCALE[get_language()])


def number(value: int | Decimal) -> str:
    return format_decimal(value, locale=_BABEL_LOCALE[get_language()])


def percent(value: Fraction | Decimal | int) -> str:
    """A share (e.g. Fraction(2, 7)) as '28,6 %': one decimal, rounded half up, no-break space before '%'."""
    tenths = Fraction(value) * 1000  # tenths of a per cent
    rounded = (tenths.numerator * 2 + tenths.denominator) // (tenths.denominator * 2)
    return format_decimal(Decimal(rounded) / 10, locale=_BABEL_LOCALE[get_language()]) + "\u00a0%"


def date_long(value: dt.date | dt.datetime | None) -> str:
    """'maanantai 23.11.2026' / 'måndag 23 november 2026' / 'Monday 23 November 2026'."""
    if value is None:
        return ""
    language = get_language()
    pattern = {"fi": "cccc d.M.yyyy", "sv": "cccc d MMMM yyyy", "en": "cccc d MMMM yyyy"}[language]
    return format_date(value, pattern, locale=_BABEL_LOCALE[language])


def datetime_short(value: dt.datetime | None) -> str:
    """'23.11.2026 kello 9.30' / '23.11.2026 klockan 9.30' / '23.11.2026 at 9.30' (Helsinki time)."""
    if value is None:
        return ""
    language = get_language()
    word = {"fi": "kello", "sv": "klockan", "en": "at"}[language]
    return format_datetime(
        value, f"d.M.yyyy '{word}' H.mm", tzinfo=get_timezone("Europe/Helsinki"), locale=_BABEL_LOCALE[language]
    )


class language:
    """Temporarily switch the language, e.g. to write an e-mail in the recipient's language."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.token: object = None

    def __enter__(self) -> None:
        self.token = set_language(self.value)

    def __exit__(self, *exc: object) -> None:
        reset_language(self.token)


def clock(value: dt.time | None) -> str:
    """A time of day the Finnish way, '9.05' (also in Swedish and English pages: one way everywhere)."""
    return "" if value is None else f"{value.hour}.{value.minute:02d}"


def duration(minutes: int | None) -> str:
    """'3 h 30 min', '2 h', '45 min' in the language, with no-break spaces; '–' for nothing."""
    if minutes is None:
        return "–"
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        text = gettext("%(hours)s h %(minutes)s min", hours=hours, minutes=rest)
    elif hours:
        text = gettext("%(hours)s h", hours=hours)
    else:
        text = gettext("%(minutes)s min", minutes=rest)
    return text.replace(" ", "\u00a0")
