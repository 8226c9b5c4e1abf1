"""Translations and number/date formats: every message has plain-language fi and sv text, the catalogue is current.

Pure unit tests (no database). The catalogues are read from the .po files, not from the compiled .mo files, so
the tests do not depend on `make setup` having compiled them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, default_directory_filter, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from osuus.platform import i18n

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "osuus" / "locale"
POT = LOCALE_DIR / "messages.pot"
TRANSLATED = ("fi", "sv")  # English message ids are the English text; the en catalogue may stay empty
REGENERATE = (
    "run: .venv/bin/pybabel extract -F babel.cfg -k N_ -o osuus/locale/messages.pot --no-location --sort-output . "
    "&& .venv/bin/pybabel update -i osuus/locale/messages.pot -d osuus/locale -D messages --ignore-obsolete "
    "--no-fuzzy-matching, then translate the empty msgstr in fi and sv"
)
PLACEHOLDER = re.compile(r"%\(([^)]*)\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
# docs/PLAIN-LANGUAGE.md §3: words that never appear in our messages (checked case-insensitively).
BANNED = {
    "fi": ("virheellinen", "pakollinen", "ole hyvä", "pahoittelemme", "hups"),
    "sv": ("ogiltig", "obligatoriskt", "var god", "tyvärr"),
}
# The same thing has the same name everywhere (a few key terms of the glossary).
GLOSSARY = {
    "Check these": {"fi": "Tarkista nämä kohdat", "sv": "Kontrollera de här"},
    "Sign in": {"fi": "Kirjaudu sisään", "sv": "Logga in"},
    "Admin": {"fi": "Ylläpitäjä", "sv": "Administratör"},
    "Board member": {"fi": "Hallituksen jäsen", "sv": "Styrelsemedlem"},
    "Job coach": {"fi": "Työvalmentaja", "sv": "Jobbcoach"},
    "Member": {"fi": "Jäsen", "sv": "Medlem"},
    "Cooperative": {"fi": "Osuuskunta", "sv": "Andelslag"},
    "Wellbeing services county": {"fi": "Hyvinvointialue", "sv": "Välfärdsområde"},
    "Employment area": {"fi": "Työllisyysalue", "sv": "Sysselsättningsområde"},
    "Enterprise agency": {"fi": "Uusyrityskeskus", "sv": "Nyföretagarcentral"},
    "Parish": {"fi": "Seurakunta", "sv": "Församling"},
    "(optional)": {"fi": "(valinnainen)", "sv": "(valfri)"},
    "Error:": {"fi": "Virhe:", "sv": "Fel:"},
}


def _key(message: Message) -> object:
    return (message.context, message.id)


@cache
def _catalog(path: Path) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj)


def _messages(path: Path) -> dict[object, Message]:
    return {_key(m): m for m in _catalog(path) if m.id}


def _po(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def _strings(message: Message) -> list[str]:
    ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    return ids + strings


def _translations(language: str) -> Iterator[tuple[Message, str]]:
    for message in _messages(_po(language)).values():
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in strings:
            yield message, text


def _forms(language: str) -> Iterator[tuple[Message, str, int]]:
    """Every translated form with its index (0 = singular, 1.. = plural forms)."""
    for message in _messages(_po(language)).values():
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for index, text in enumerate(strings):
            yield message, text, index


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@cache
def _in_memory(language: str) -> Translations:
    """The .po compiled the way `pybabel compile` does it, loaded like i18n.translations() loads the .mo."""
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(_po(language)))
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def _extract_source_ids() -> set[object]:
    """What `pybabel extract -F babel.cfg -k N_ .` finds in the sources now (var/ holds only runtime data)."""
    with (ROOT / "babel.cfg").open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)

    def directory_filter(dirpath: str) -> bool:
        return default_directory_filter(dirpath) and os.path.relpath(dirpath, ROOT).split(os.sep)[0] != "var"

    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}, directory_filter=directory_filter
    )
    return {
        (context, message if isinstance(message, str) else tuple(message))
        for _filename, _lineno, message, _comments, context in found
    }


def test_pot_is_up_to_date_with_the_sources() -> None:
    in_sources = _extract_source_ids()
    in_pot = set(_messages(POT))
    assert len(in_sources) > 100, "extraction found too little: check babel.cfg"
    assert sorted(in_sources - in_pot, key=str) == [], f"new strings are not in messages.pot; {REGENERATE}"
    assert sorted(in_pot - in_sources, key=str) == [], f"messages.pot has strings the code no longer uses; {REGENERATE}"


@pytest.mark.parametrize("language", (*TRANSLATED, "en"))
def test_catalogue_has_the_same_messages_as_the_pot(language: str) -> None:
    pot, po = set(_messages(POT)), set(_messages(_po(language)))
    assert sorted(pot - po, key=str) == [], f"{language} catalogue misses messages; {REGENERATE}"
    assert sorted(po - pot, key=str) == [], f"{language} catalogue has messages that are not in the pot; {REGENERATE}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    messages = _messages(_po(language))
    untranslated = [m.id for m in messages.values() if not all(_strings(m))]
    fuzzy = [m.id for m in messages.values() if m.fuzzy]
    assert untranslated == [], f"translate these in {_po(language).relative_to(ROOT)}"
    assert fuzzy == [], "check these fuzzy translations and remove the fuzzy flag"
    assert not _catalog(_po(language)).fuzzy, "the catalogue header is marked fuzzy"


@pytest.mark.parametrize("language", (*TRANSLATED, "en"))
def test_placeholders_match_the_message_id(language: str) -> None:
    wrong = []
    for message, text, index in _forms(language):
        if not text:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        # A plural translation's forms after the first match the plural msgid (which may name the number).
        msgid = ids[min(index, len(ids) - 1)]
        if _placeholders(text) != _placeholders(msgid):
            wrong.append((msgid, text))
        # Jinja's newstyle gettext always %-formats, so a lone "%" breaks the page even without placeholders.
        values = {name: "x" for name in _placeholders(msgid)}
        try:
            text % values  # the formatting itself is the check
        except (KeyError, ValueError, TypeError) as exc:
            wrong.append((msgid, f"{text} ({exc!r})"))
    assert wrong == []


@pytest.mark.parametrize("language", (*TRANSLATED, "en"))
def test_catalogue_compiles_without_errors(language: str) -> None:
    errors = [(message.id, [str(e) for e in errs]) for message, errs in _catalog(_po(language)).check()]
    assert errors == []
    assert (
        _in_memory(language).gettext("Sign in")
        == {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Sign in"}[language]
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_plain_language_bans(language: str) -> None:
    found = [
        (message.id, text)
        for message, text in _translations(language)
        if any(word in text.lower() for word in BANNED[language])
    ]
    assert found == [], "docs/PLAIN-LANGUAGE.md §3: say what happened and how to fix it, without these words"


@pytest.mark.parametrize("language", TRANSLATED)
def test_glossary_terms(language: str) -> None:
    messages = _messages(_po(language))
    wrong = {
        msgid: messages[(None, msgid)].string
        for msgid, terms in GLOSSARY.items()
        if (None, msgid) in messages and messages[(None, msgid)].string != terms[language]
    }
    assert wrong == {}


@pytest.mark.parametrize("language", TRANSLATED)
def test_error_summary_and_messages_render_in_the_language(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from osuus.platform.http import Form, make_environment

    monkeypatch.setattr(i18n, "translations", _in_memory)
    form = Form(
        values={"email": "aino"},
        errors={"email": "Enter the e-mail address in the form name@example.fi", "password": "Enter your password"},
    )
    with i18n.language(language):
        html = (
            make_environment()
            .get_template("accounts/signin.html")
            .render(form=form, csrf_input="", next="/me", path="/signin", viewer=None, dev_mode=False)
        )
    expected = {
        "fi": (
            "<title>Virhe: Kirjaudu sisään",
            "Tarkista nämä kohdat",
            "Kirjoita salasanasi",
            "Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi",
        ),
        "sv": (
            "<title>Fel: Logga in",
            "Kontrollera de här",
            "Skriv ditt lösenord",
            "Skriv e-postadressen i formen namn@exempel.fi",
        ),
    }[language]
    for text in expected:
        assert text in html
    assert 'value="aino"' in html
    assert "Check these" not in html


def test_finnish_formats() -> None:
    with i18n.language("fi"):
        assert i18n.eur(123450) == "1\xa0234,50\xa0€"
        assert i18n.eur(1250) == "12,50\xa0€"
        assert i18n.date_long(dt.date(2026, 11, 23)) == "maanantai 23.11.2026"
        # Helsinki is UTC+2 in November.
        assert i18n.datetime_short(dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)) == "23.11.2026 kello 9.30"
        assert i18n.date_long(None) == ""


def test_swedish_formats() -> None:
    with i18n.language("sv"):
        assert i18n.eur(123450) == "1\xa0234,50\xa0€"
        assert i18n.date_long(dt.date(2026, 11, 23)) == "måndag 23 november 2026"


def test_language_switch_is_temporary() -> None:
    token = i18n.set_language("fi")
    try:
        with i18n.language("sv"):
            assert i18n.get_language() == "sv"
        assert i18n.get_language() == "fi"
        with i18n.language("xx"):
            assert i18n.get_language() == i18n.DEFAULT_LANGUAGE
    finally:
        i18n.reset_language(token)
