"""Amounts of things as people type them into forms ('2', '1,5', '0.25'): how many hours, visits or kilos.

Euro amounts are read with osuus.platform.money. No database here (tests/platform/test_numbers.py).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from osuus.platform.i18n import N_

if TYPE_CHECKING:
    from osuus.platform.http import Form

MAX_QUANTITY = Decimal(10_000)  # the column holds 10 digits with 2 decimals; more than this is a typing mistake
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_QUANTITY = re.compile(r"^(\d+)(?:[,.](\d{1,2}))?$")


def read_quantity(form: Form, name: str) -> Decimal | None:
    """The form's amount field: a number above 0 and at most 10 000 with at most two decimals, a comma or a point.
    None for an empty field (nothing wanted, no message) and for a refused one (the message next to the field)."""
    text = _SPACES.sub("", form.get(name))
    if not text:
        return None
    match = _QUANTITY.match(text)
    try:
        quantity = Decimal(text.replace(",", ".")) if match else None
    except InvalidOperation:
        quantity = None
    if quantity is None:
        form.error(name, N_("Write the amount as a number, for example 2 or 1,5"))
        return None
    if quantity <= 0:
        form.error(name, N_("The amount must be more than 0"))
        return None
    if quantity > MAX_QUANTITY:
        form.error(name, N_("The amount is too big. Write 10 000 or less"))
        return None
    return quantity
