"""Checking the identifiers of a customer: the business ID (Y-tunnus), the e-invoice address and the operator ID.

Pure functions, no database (tests/tenants/customers/test_identifiers.py). Each `…_problem` returns a message id for
the field, or None; each `normal_…` returns the form that is stored.

E-invoice addresses (DOMAIN.md): an OVT code (`0037` + the 8 digits of the business ID without the dash + up to 5
letters or digits naming a unit), or a Peppol participant ID `0216:<OVT code>` or `0212:<business ID>` (the Finnish
organisation identifier). Operator IDs: the operator's OVT code (e.g. 003721291126), a Finnish bank's BIC
(e.g. NDEAFIHH), or an E code (e.g. E204503).
"""

from __future__ import annotations

import re

from stdnum.fi import ytunnus

from osuus.platform.i18n import N_

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_OVT = re.compile(r"^0037([0-9]{8})([0-9A-Z]{0,5})$")
_PEPPOL_0216 = re.compile(r"^0216:(0037[0-9]{8}[0-9A-Z]{0,5})$")
_PEPPOL_0212 = re.compile(r"^0212:([0-9]{7})-?([0-9])$")
_OPERATOR = re.compile(r"^(?:0037[0-9]{8}[0-9A-Z]{0,5}|[A-Z]{4}FI[A-Z0-9]{2}(?:[A-Z0-9]{3})?|E[0-9]{6})$")

BAD_BUSINESS_ID = N_("Check the business ID. It has 7 numbers, a dash and 1 number, for example 1234567-8")
BAD_ADDRESS = N_(
    "Write the e-invoice address as 0037 and the numbers of the business ID, for example 003712345678, "
    "or as a Peppol ID that starts with 0216: or 0212:"
)
BAD_ADDRESS_ID = N_("Check the e-invoice address. The business ID in it is not right")
BAD_OPERATOR = N_("Write the operator ID, for example 003721291126 or NDEAFIHH")
OPERATOR_NEEDED = N_("Enter the operator ID. An e-invoice address that starts with 0037 needs it")


def business_id_problem(value: str) -> str | None:
    try:
        ytunnus.validate(value)
    except Exception:  # stdnum raises its own ValidationError subclasses
        return BAD_BUSINESS_ID
    return None


def normal_business_id(value: str) -> str:
    """'1234567-8' whatever spaces the person typed (the value must be valid)."""
    return str(ytunnus.format(ytunnus.compact(value)))


def _digits_valid(eight: str) -> bool:
    return bool(ytunnus.is_valid(f"{eight[:7]}-{eight[7]}"))


def _compact(value: str) -> str:
    return _SPACES.sub("", value).upper()


def einvoice_address_problem(value: str) -> str | None:
    address = _compact(value)
    if match := _OVT.match(address):
        return None if _digits_valid(match.group(1)) else BAD_ADDRESS_ID
    if match := _PEPPOL_0216.match(address):
        return None if _digits_valid(match.group(1)[4:12]) else BAD_ADDRESS_ID
    if match := _PEPPOL_0212.match(address):
        return None if _digits_valid(match.group(1) + match.group(2)) else BAD_ADDRESS_ID
    return BAD_ADDRESS


def normal_einvoice_address(value: str) -> str:
    address = _compact(value)
    if match := _PEPPOL_0212.match(address):
        return f"0212:{match.group(1)}-{match.group(2)}"
    return address


def is_ovt(value: str) -> bool:
    return _OVT.match(_compact(value)) is not None


def operator_problem(value: str) -> str | None:
    return None if _OPERATOR.match(_compact(value)) else BAD_OPERATOR


def normal_operator(value: str) -> str:
    return _compact(value)
