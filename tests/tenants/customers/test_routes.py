"""Customer register pages: households, companies and public organisations; checks of business IDs and e-invoice
addresses; customers made from storefront requests; roles."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pytest

from osuus.platform.tables import Organisation
from osuus.platform.tenancy import coop_unit, public_unit
from osuus.tenants.catalogue.tables import OrderRequest
from tests.fixtures import ROLES, SignIn, grant, make_coop, make_org, make_region, make_user
from tests.tenants.catalogue.conftest import audit_actions, make_request
from tests.tenants.customers.conftest import customer_row, make_customer, snapshot


@dataclass(frozen=True)
class Place:
    id: int
    slug: str
    org_id: int  # serves the coop's region; business ID 0157397-8
    far_org_id: int  # serves another region


@pytest.fixture(scope="module")
async def place(db: None) -> Place:
    region = await make_region()
    coop_id, slug = await make_coop(region)
    for role in ROLES:
        await grant(coop_id, await make_user(f"{role}.{slug}@example.fi", name=f"{role.title()} {slug}"), role)
    org_id, _ = await make_org(region)
    async with public_unit():
        await Organisation.update({Organisation.business_id: "0157397-8"}).where(Organisation.id == org_id).run()
    far_org_id, _ = await make_org(await make_region())
    return Place(coop_id, slug, org_id, far_org_id)


def email(place: Place, role: str) -> str:
    return f"{role}.{place.slug}@example.fi"


def customer(**changes: str) -> dict[str, str]:
    return {
        "kind": "household",
        "name": "Kalle Kotitalous",
        "contact_name": "",
        "email": "Kalle@Example.fi",
        "phone": "040 222 3333",
        "street": "Mäntytie 4",
        "postcode": "33 470",
        "city": "Ylöjärvi",
        "organisation": "",
        "business_id": "",
        "einvoice_address": "",
        "einvoice_operator": "",
        "language": "fi",
        "notes": "Koira pihalla.",
        **changes,
    }


def new_id(response: Any) -> int:
    return int(response.headers["location"].split("/customers/")[1].split("/")[0])


async def test_admin_adds_a_household(signed_in: SignIn, place: Place) -> None:
    admin = await signed_in(email(place, "admin"))
    assert (await admin.get(f"/c/{place.slug}/customers/new")).status_code == 200
    data = customer(business_id="0157397-8", einvoice_address="003701573978", einvoice_operator="NDEAFIHH")
    response = await admin.post(f"/c/{place.slug}/customers/new", data)
    assert response.status_code == 303
    customer_id = new_id(response)
    assert response.headers["location"] == f"/c/{place.slug}/customers/{customer_id}/edit?done=added"
    row = await customer_row(place.id, customer_id)
    assert {k: row[k] for k in ("coop_id", "kind", "name", "email", "phone", "street", "postcode", "city")} == {
        "coop_id": place.id,
        "kind": "household",
        "name": "Kalle Kotitalous",
        "email": "kalle@example.fi",
        "phone": "040 222 3333",
        "street": "Mäntytie 4",
        "postcode": "33470",
        "city": "Ylöjärvi",
    }
    # A household has no business ID or e-invoice address of a business: those fields are left out.
    assert (row["business_id"], row["einvoice_address"], row["einvoice_operator"], row["organisation_id"]) == (
        "",
        "",
        "",
        None,
    )
    assert (row["language"], row["notes"], row["country"]) == ("fi", "Koira pihalla.", "FI")
    assert await audit_actions(place.id, f"customer:{customer_id}") == ["customer.added"]
    listing = await admin.get(f"/c/{place.slug}/customers")
    assert listing.status_code == 200 and "Kalle Kotitalous" in listing.text


async def test_company_needs_a_valid_business_id_and_a_whole_einvoice_address(signed_in: SignIn, place: Place) -> None:
    board = await signed_in(email(place, "board"))
    before = await snapshot(place.id)
    cases = [
        ({"business_id": ""}, "business_id", "Enter the business ID"),
        ({"business_id": "1234567-8"}, "business_id", "Check the business ID"),
        ({"einvoice_address": "kalle@example.fi"}, "einvoice_address", "Write the e-invoice address as 0037"),
        ({"einvoice_address": "003712345678"}, "einvoice_address", "The business ID in it is not right"),
        ({"einvoice_address": "003701573978", "einvoice_operator": ""}, "einvoice_operator", "Enter the operator ID"),
        ({"einvoice_operator": "Maventa", "einvoice_address": "003701573978"}, "einvoice_operator", "operator ID"),
        ({"einvoice_operator": "NDEAFIHH", "einvoice_address": ""}, "einvoice_address", "Enter the e-invoice address"),
    ]
    for changes, field, message in cases:
        data = customer(**{"kind": "company", "name": "Puu ja Pelti Oy", "business_id": "0157397-8", **changes})
        response = await board.post(f"/c/{place.slug}/customers/new", data)
        assert response.status_code == 400, changes
        assert f'id="{field}-error"' in response.text, changes
        assert message in html.unescape(response.text), changes
        assert 'value="Puu ja Pelti Oy"' in response.text
    assert await snapshot(place.id) == before
    good = customer(
        kind="company", name="Puu ja Pelti Oy", business_id="01573978",
        einvoice_address="0037 0157 3978", einvoice_operator="003721291126",
    )  # fmt: skip
    response = await board.post(f"/c/{place.slug}/customers/new", good)
    assert response.status_code == 303
    row = await customer_row(place.id, new_id(response))
    assert (row["kind"], row["business_id"], row["einvoice_address"], row["einvoice_operator"]) == (
        "company",
        "0157397-8",
        "003701573978",
        "003721291126",
    )
    peppol = customer(kind="company", name="Peppol Oy", business_id="1234567-1", einvoice_address="0216:003712345671")
    response = await board.post(f"/c/{place.slug}/customers/new", peppol)
    assert response.status_code == 303  # a Peppol address needs no operator
    assert (await customer_row(place.id, new_id(response)))["einvoice_address"] == "0216:003712345671"


async def test_public_organisation_links_to_the_directory(signed_in: SignIn, place: Place) -> None:
    admin = await signed_in(email(place, "admin"))
    page = await admin.get(f"/c/{place.slug}/customers/new")
    assert f'<option value="{place.org_id}"' in page.text and f'<option value="{place.far_org_id}"' not in page.text
    before = await snapshot(place.id)
    far = customer(kind="public", name="", organisation=str(place.far_org_id))
    response = await admin.post(f"/c/{place.slug}/customers/new", far)
    assert response.status_code == 400 and 'id="organisation-error"' in response.text
    assert await snapshot(place.id) == before
    data = customer(kind="public", name="", organisation=str(place.org_id), einvoice_address="0212:0157397-8")
    response = await admin.post(f"/c/{place.slug}/customers/new", data)
    assert response.status_code == 303
    row = await customer_row(place.id, new_id(response))
    assert (row["kind"], row["organisation_id"], row["name"], row["business_id"]) == (
        "public",
        place.org_id,
        f"Organisaatio {row['name'].removeprefix('Organisaatio ')}",
        "0157397-8",  # from the directory, as the form's business ID was empty
    )
    assert row["name"].startswith("Organisaatio org-")


async def test_edit_saves_and_a_bad_edit_changes_nothing(signed_in: SignIn, place: Place) -> None:
    customer_id = await make_customer(place.id, "Muokattava Asiakas")
    admin = await signed_in(email(place, "admin"))
    form_page = await admin.get(f"/c/{place.slug}/customers/{customer_id}/edit")
    assert form_page.status_code == 200 and 'value="Muokattava Asiakas"' in form_page.text
    before = await snapshot(place.id)
    bad = await admin.post(
        f"/c/{place.slug}/customers/{customer_id}/edit", customer(name="Uusi Nimi", postcode="1", email="ei")
    )
    assert bad.status_code == 400
    assert 'id="postcode-error"' in bad.text and 'id="email-error"' in bad.text and 'value="Uusi Nimi"' in bad.text
    assert await snapshot(place.id) == before
    good = await admin.post(f"/c/{place.slug}/customers/{customer_id}/edit", customer(name="Uusi Nimi", language="sv"))
    assert good.status_code == 303 and good.headers["location"] == f"/c/{place.slug}/customers?done=changed"
    row = await customer_row(place.id, customer_id)
    assert (row["name"], row["language"], row["updated_by"] is not None) == ("Uusi Nimi", "sv", True)
    assert await audit_actions(place.id, f"customer:{customer_id}") == ["customer.changed"]


async def test_customer_made_from_a_storefront_request(signed_in: SignIn, place: Place) -> None:
    request_id = await make_request(
        place.id, "Pekka Pyytäjä", kind="business", company="Pyytäjä Oy", business_id="1234567-1",
        email="pekka@pyytaja.example",
    )  # fmt: skip
    admin = await signed_in(email(place, "admin"))
    form_page = await admin.get(f"/c/{place.slug}/customers/new?request={request_id}")
    assert form_page.status_code == 200
    for value in ("Pyytäjä Oy", "Pekka Pyytäjä", "pekka@pyytaja.example", "1234567-1", "Kuusitie 3", "33470"):
        assert f'value="{value}"' in form_page.text, value
    assert 'id="kind-company" name="kind" value="company" checked' in form_page.text
    assert f'name="request" value="{request_id}"' in form_page.text
    data = customer(kind="company", name="Pyytäjä Oy", contact_name="Pekka Pyytäjä", business_id="1234567-1",
                    request=str(request_id))  # fmt: skip
    response = await admin.post(f"/c/{place.slug}/customers/new", data)
    assert response.status_code == 303
    customer_id = new_id(response)
    async with coop_unit(place.id):
        linked = await OrderRequest.select(OrderRequest.customer).where(OrderRequest.id == request_id).first().run()
    assert linked == {"customer_id": customer_id}
    detail = await admin.get(f"/c/{place.slug}/requests/{request_id}")
    assert f"/c/{place.slug}/customers/{customer_id}/edit" in detail.text
    assert f"/customers/new?request={request_id}" not in detail.text


async def test_another_coops_request_cannot_be_used(signed_in: SignIn, place: Place) -> None:
    other_id, _ = await make_coop(await make_region())
    other_request = await make_request(other_id, "Toisen Pyytäjä")
    admin = await signed_in(email(place, "admin"))
    before, before_other = await snapshot(place.id), await snapshot(other_id)
    page = await admin.get(f"/c/{place.slug}/customers/new?request={other_request}")
    assert page.status_code == 404 and "Toisen Pyytäjä" not in page.text
    response = await admin.post(f"/c/{place.slug}/customers/new", customer(request=str(other_request)))
    assert response.status_code == 404
    assert await snapshot(place.id) == before and await snapshot(other_id) == before_other


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_have_no_access(signed_in: SignIn, place: Place, role: str) -> None:
    customer_id = await make_customer(place.id, "Salainen Asiakas")
    client = await signed_in(email(place, role))
    before = await snapshot(place.id)
    for path in ("/customers", "/customers/new", f"/customers/{customer_id}/edit"):
        response = await client.get(f"/c/{place.slug}{path}")
        assert response.status_code == 403 and "Salainen Asiakas" not in response.text
    assert (await client.post(f"/c/{place.slug}/customers/new", customer())).status_code == 403
    assert (await client.post(f"/c/{place.slug}/customers/{customer_id}/edit", customer())).status_code == 403
    assert await snapshot(place.id) == before


async def test_list_filters_by_type_and_search(signed_in: SignIn, place: Place) -> None:
    await make_customer(place.id, "Hakulistan Kotitalous")
    await make_customer(place.id, "Hakulistan Yritys Oy", kind="company", business_id="1234567-1")
    admin = await signed_in(email(place, "admin"))
    companies = (await admin.get(f"/c/{place.slug}/customers?kind=company")).text
    assert "Hakulistan Yritys Oy" in companies and "Hakulistan Kotitalous" not in companies
    found = (await admin.get(f"/c/{place.slug}/customers?q=kotitalous")).text
    assert "Hakulistan Kotitalous" in found and "Hakulistan Yritys Oy" not in found
    by_id = (await admin.get(f"/c/{place.slug}/customers?q=1234567")).text
    assert "Hakulistan Yritys Oy" in by_id
    none = (await admin.get(f"/c/{place.slug}/customers?q=%25_ei-ketaan")).text
    assert "No customer matches" in none
