"""Business IDs, e-invoice addresses and operator IDs: what is accepted, how it is stored, what is refused."""

from __future__ import annotations

import pytest

from osuus.tenants.customers import identifiers as ids


@pytest.mark.parametrize(
    ("value", "normal"),
    [("0157397-8", "0157397-8"), (" 0157397 - 8 ", "0157397-8"), ("01573978", "0157397-8"), ("1234567-1", "1234567-1")],
)
def test_valid_business_ids(value: str, normal: str) -> None:
    assert ids.business_id_problem(value) is None
    assert ids.normal_business_id(value) == normal


@pytest.mark.parametrize("value", ["1234567-8", "0157397-7", "123456-7", "12345678-9", "abcdefg-h", ""])
def test_invalid_business_ids(value: str) -> None:
    assert ids.business_id_problem(value) == ids.BAD_BUSINESS_ID


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("003701573978", "003701573978"),  # OVT: 0037 + the business ID's 8 digits
        ("0037 0157 3978", "003701573978"),
        ("003701573978001", "003701573978001"),  # with a unit suffix
        ("003712345671ab", "003712345671AB"),
        ("0216:003701573978", "0216:003701573978"),  # Peppol, ICD 0216 (OVT code)
        ("0212:0157397-8", "0212:0157397-8"),  # Peppol, ICD 0212 (Finnish organisation identifier)
        ("0212:01573978", "0212:0157397-8"),
    ],
)
def test_valid_einvoice_addresses(value: str, normal: str) -> None:
    assert ids.einvoice_address_problem(value) is None
    assert ids.normal_einvoice_address(value) == normal


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("003712345678", ids.BAD_ADDRESS_ID),  # 1234567-8 is not a valid business ID
        ("0216:003712345678", ids.BAD_ADDRESS_ID),
        ("0212:1234567-8", ids.BAD_ADDRESS_ID),
        ("0037015739", ids.BAD_ADDRESS),  # too short
        ("00370157397800000X", ids.BAD_ADDRESS),  # suffix too long
        ("0088:1234567890123", ids.BAD_ADDRESS),  # another scheme
        ("FI4950009420028730", ids.BAD_ADDRESS),  # an IBAN is a consumer's address, not a business's
        ("asiakas@example.fi", ids.BAD_ADDRESS),
    ],
)
def test_invalid_einvoice_addresses(value: str, problem: str) -> None:
    assert ids.einvoice_address_problem(value) == problem


@pytest.mark.parametrize("value", ["003721291126", "NDEAFIHH", "okoyfihh", "HELSFIHHXXX", "E204503", "0037 2129 1126"])
def test_valid_operators(value: str) -> None:
    assert ids.operator_problem(value) is None
    assert ids.normal_operator(value) == value.replace(" ", "").upper()


@pytest.mark.parametrize("value", ["Maventa", "NDEASESS", "0038123", "E12", "003721291126ABCDEF"])
def test_invalid_operators(value: str) -> None:
    assert ids.operator_problem(value) == ids.BAD_OPERATOR


def test_only_an_ovt_address_is_ovt() -> None:
    assert ids.is_ovt("003701573978") is True
    assert ids.is_ovt("0216:003701573978") is False
