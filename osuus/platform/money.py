"""Euro amounts in forms: reading what people type into cents, and writing cents back into a field or a CSV cell.

Amounts are integer cents everywhere. On a page an amount is shown with `osuus.platform.i18n.eur` (the `eur`
template filter): '1 234,50 €' in the number style of the current language. No database here, so every rule has
an exact test (tests/platform/test_money.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from osuus.platform.i18n import N_

if TYPE_CHECKING:
    from osuus.platform.http import Form

MAX_CENTS = 100_000_000  # 1 000 000,00 €: anything larger is a typing mistake
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_EUROS = re.compile(r"^(\d+)(?:[,.](\d*))?$")
_MINUS = ("-", "\u2212")  # the hyphen-minus people type and the minus sign a copied number may have


class InputError(ValueError):
    """A value the person typed could not be read; `message` is the message id to show next to the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_euros(text: str, allow_zero: bool = False) -> int:
    """Euros as typed ('25', '25,50', '1 000,00', '25.5 €') to cents. Minus signs and a third decimal are refused."""
    value = _SPACES.sub("", text or "").removesuffix("€").removesuffix("EUR").removesuffix("eur")
    if not value:
        raise InputError(N_("Enter the amount in euros"))
    if value.startswith("-"):
        raise InputError(N_("Write the amount without a minus sign"))
    match = _EUROS.match(value)
    if match is None:
        raise InputError(N_("Write the amount in euros, for example 25,50"))
    whole, decimals = match.group(1), match.group(2) or ""
    if len(decimals) > 2:
        raise InputError(N_("Write at most two numbers after the comma, for example 25,50"))
    cents = int(whole) * 100 + int(decimals.ljust(2, "0"))
    if cents == 0 and not allow_zero:
        raise InputError(N_("The amount must be more than 0 euros"))
    if cents > MAX_CENTS:
        raise InputError(N_("The amount must be 1 000 000 euros or less"))
    return cents


def read_euros(form: Form, name: str, allow_zero: bool = False, signed: bool = False) -> int | None:
    """The form's euro field in cents, or None with the message next to the field. `signed`: a leading minus
    ('-25,50' or '−25,50') makes the amount negative (a correction); otherwise a minus sign is refused."""
    text = form.get(name)
    negative = False
    if signed:
        text = _SPACES.sub("", text)
        negative = text[:1] in _MINUS
        text = text[1:] if negative else text
    try:
        cents = parse_euros(text, allow_zero=allow_zero)
    except InputError as problem:
        form.error(name, problem.message)
        return None
    return -cents if negative else cents


def format_euros(cents: int) -> str:
    """Cents the way a form writes them back and a spreadsheet reads them: '1234,50' (no thousands separator;
    a minus sign stays, for a check to see)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole},{rest:02d}"
