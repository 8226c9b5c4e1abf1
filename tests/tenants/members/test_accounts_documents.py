"""Linking an account to a member, contact details (by the admin and by the member), "My documents" and the
membership certificate, in a coop of this module's own (coop A of the shared world stays unlinked)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from osuus.platform.tables import Coop
from osuus.platform.tenancy import coop_unit, public_unit
from osuus.tenants.shares import pdf
from osuus.tenants.shares.tables import ShareChange, SharePayment
from tests.fixtures import ROLES, Browser, World, english, grant, make_coop, make_region, make_user
from tests.tenants.members.conftest import make_member, member_row, raw, snapshot

BUSINESS_ID = "2345678-0"


@dataclass
class Coop_:
    id: int
    slug: str
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    browsers: dict[str, Browser] = field(default_factory=dict)


@pytest.fixture(scope="module")
async def coop(app: Any) -> AsyncIterator[Coop_]:
    coop_id, slug = await make_coop(await make_region())
    async with public_unit():
        await Coop.update({Coop.business_id: BUSINESS_ID}).where(Coop.id == coop_id).run()
    made = Coop_(coop_id, slug)
    for role in ROLES:
        made.emails[role] = f"{role}.{slug}@example.fi"
        made.users[role] = await make_user(made.emails[role], name=f"{role.title()} {slug}")
        await grant(coop_id, made.users[role], role)
        browser = Browser(app)
        await browser.signin(made.emails[role])
        made.browsers[role] = await english(browser)
    yield made
    for browser in made.browsers.values():
        await browser.close()


def page_text(body: str) -> str:
    return " ".join(html.unescape(body).split())


def words(body: str) -> str:
    """The page's words without the tags: '<dt>Phone</dt><dd>040</dd>' reads 'Phone 040'."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def members_url(coop: Coop_, rest: str = "") -> str:
    return f"/c/{coop.slug}/members{rest}"


async def audits(coop_id: int, action: str) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await raw(
            "SELECT actor_id, target, detail FROM audit_log WHERE coop_id = {} AND action = {} ORDER BY id",
            coop_id,
            action,
        )


async def roles_of(coop_id: int, user_id: int) -> list[str]:
    async with coop_unit(coop_id):
        rows = await raw(
            "SELECT role FROM coop_role WHERE coop_id = {} AND user_id = {} ORDER BY role", coop_id, user_id
        )
    return [r["role"] for r in rows]


async def signed_in_as(app: Any, email: str) -> Browser:
    browser = Browser(app)
    await browser.signin(email)
    return await english(browser)


# --- linking an account ------------------------------------------------------------------------------------------


async def test_admin_links_a_person_with_a_role_from_the_list(coop: Coop_) -> None:
    member = await make_member(coop.id, "Kalle Kytkettävä")
    admin = coop.browsers["admin"]
    form_page = await admin.get(members_url(coop, f"/{member}/account"))
    assert form_page.status_code == 200
    assert f'value="{coop.users["coach"]}"' in form_page.text
    assert f"Coach {coop.slug} (coach.{coop.slug}@example.fi)" in page_text(form_page.text)

    response = await admin.post(members_url(coop, f"/{member}/account"), {"account": str(coop.users["coach"])})
    assert response.status_code == 303
    assert response.headers["location"] == members_url(coop, f"/{member}?done=account")
    assert (await member_row(coop.id, member))["user_id"] == coop.users["coach"]
    assert await roles_of(coop.id, coop.users["coach"]) == ["coach"]  # had a role: nothing added
    detail = json.loads((await audits(coop.id, "member.account_linked"))[-1]["detail"])
    assert (detail["user_id"], detail["by"], detail["role_granted"]) == (coop.users["coach"], "account", False)
    page = page_text((await admin.get(response.headers["location"])).text)
    assert "The account is linked. The person can now see their own pages." in page
    assert f"Osuus account Yes: coach.{coop.slug}@example.fi" in words(page)
    # The coach is linked now: no longer in the list, and their address cannot be linked to someone else.
    other = await make_member(coop.id, "Toinen Kytkettävä")
    assert f'value="{coop.users["coach"]}"' not in (await admin.get(members_url(coop, f"/{other}/account"))).text
    before = await snapshot(coop.id)
    for form, name, message in [
        ({"email": coop.emails["coach"]}, "email", "This account is already linked to another member of the register"),
        ({"account": str(coop.users["coach"])}, "account", "Choose a person from the list"),
    ]:
        refused = await admin.post(members_url(coop, f"/{other}/account"), form)
        assert refused.status_code == 400
        assert f'<a href="#{name}">{message}</a>' in refused.text
    assert await snapshot(coop.id) == before


async def test_admin_links_any_account_by_email_and_gives_the_member_role(coop: Coop_, app: Any) -> None:
    email = f"uusi-tili.{coop.slug}@example.fi"
    user = await make_user(email, name="Uusi Tili")
    member = await make_member(coop.id, "Uusi Tili", on_date=dt.date(2025, 3, 1))
    response = await coop.browsers["admin"].post(
        members_url(coop, f"/{member}/account"), {"email": " Uusi-Tili." + coop.slug + "@Example.fi "}
    )
    assert response.status_code == 303
    assert (await member_row(coop.id, member))["user_id"] == user
    assert await roles_of(coop.id, user) == ["member"]
    detail = json.loads((await audits(coop.id, "member.account_linked"))[-1]["detail"])
    assert (detail["user_id"], detail["by"], detail["role_granted"]) == (user, "email", True)
    browser = await signed_in_as(app, email)
    try:
        me = words((await browser.get(f"/c/{coop.slug}/me")).text)
        assert "My membership" in me and "I joined Saturday 1 March 2025" in me
    finally:
        await browser.close()
    # Linked now: the form page says to whom, and a second link is refused with 409.
    page = page_text((await coop.browsers["admin"].get(members_url(coop, f"/{member}/account"))).text)
    assert f"Uusi Tili already has a linked account: {email}." in page and 'name="email"' not in page
    before = await snapshot(coop.id)
    again = await coop.browsers["admin"].post(members_url(coop, f"/{member}/account"), {"email": coop.emails["board"]})
    assert again.status_code == 409
    assert await snapshot(coop.id) == before


@pytest.mark.parametrize(
    ("form", "name", "message"),
    [
        ({}, "account", "Choose a person from the list, or write the e-mail address of their account"),
        ({"email": "ei-osoite"}, "email", "Enter the e-mail address in the form name@example.fi"),
        ({"account": "abc"}, "account", "Choose a person from the list"),
        ({"account": "999999999"}, "account", "Choose a person from the list"),
        (
            {"email": "ei-tilia-koskaan@example.fi"},
            "email",
            "There is no Osuus account with this e-mail address. Ask the person to make an account first, "
            "or invite them on the page People and roles.",
        ),
    ],
)
async def test_linking_is_refused_clearly(coop: Coop_, form: dict[str, str], name: str, message: str) -> None:
    member = await make_member(coop.id, "Ei Kytketä")
    before = await snapshot(coop.id)
    response = await coop.browsers["admin"].post(members_url(coop, f"/{member}/account"), form)
    assert response.status_code == 400
    assert f'<a href="#{name}">{message}</a>' in response.text
    assert 'name="email" type="email" value="{}"'.format(form.get("email", "")) in response.text
    assert await snapshot(coop.id) == before


async def test_linking_an_account_of_another_coops_person_by_list_is_refused(coop: Coop_, world: World) -> None:
    member = await make_member(coop.id, "Väärä Lista")
    before = await snapshot(coop.id)
    response = await coop.browsers["admin"].post(
        members_url(coop, f"/{member}/account"), {"account": str(world.b.users["member"])}
    )
    assert response.status_code == 400 and "Choose a person from the list" in response.text
    assert await snapshot(coop.id) == before


async def test_organisation_has_no_account_and_only_the_admin_links(coop: Coop_, world: World) -> None:
    organisation = await make_member(coop.id, "Tukiorganisaatio", "supporting", org_id=world.org_id)
    person = await make_member(coop.id, "Linkitettävä Henkilö")
    before = await snapshot(coop.id)
    admin = coop.browsers["admin"]
    assert (await admin.get(members_url(coop, f"/{organisation}/account"))).status_code == 404
    post = await admin.post(members_url(coop, f"/{organisation}/account"), {"email": coop.emails["board"]})
    assert post.status_code == 404
    for role in ("board", "coach", "member"):
        client = coop.browsers[role]
        assert (await client.get(members_url(coop, f"/{person}/account"))).status_code == 403
        assert (
            await client.post(members_url(coop, f"/{person}/account"), {"email": coop.emails[role]})
        ).status_code == 403
    assert await snapshot(coop.id) == before
    detail = (await coop.browsers["board"].get(members_url(coop, f"/{person}"))).text
    assert "/account" not in detail and "/contact" not in detail


# --- contact details ---------------------------------------------------------------------------------------------


async def test_admin_changes_contact_details_with_old_and_new_in_the_audit(coop: Coop_) -> None:
    member = await make_member(coop.id, "Vanha Nimi", email="vanha@example.fi")
    admin = coop.browsers["admin"]
    form_page = await admin.get(members_url(coop, f"/{member}/contact"))
    assert form_page.status_code == 200 and 'name="email" type="email" value="vanha@example.fi"' in form_page.text
    response = await admin.post(
        members_url(coop, f"/{member}/contact"),
        {"name": "Uusi Nimi", "email": "Uusi@Example.fi", "phone": "040 765 4321"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == members_url(coop, f"/{member}?done=contact")
    row = await member_row(coop.id, member)
    assert (row["name"], row["email"], row["phone"]) == ("Uusi Nimi", "uusi@example.fi", "040 765 4321")
    changes = await audits(coop.id, "member.contact_changed")
    assert changes[-1]["target"] == f"member:{member}" and changes[-1]["actor_id"] == coop.users["admin"]
    assert json.loads(changes[-1]["detail"]) == {
        "changes": {
            "name": ["Vanha Nimi", "Uusi Nimi"],
            "email": ["vanha@example.fi", "uusi@example.fi"],
            "phone": ["", "040 765 4321"],
        },
        "by_self": False,
    }
    assert "The contact details are saved." in page_text((await admin.get(response.headers["location"])).text)
    # The same answers again: nothing changes and nothing is logged.
    before = await snapshot(coop.id)
    same = await admin.post(
        members_url(coop, f"/{member}/contact"),
        {"name": "Uusi Nimi", "email": "uusi@example.fi", "phone": "040 765 4321"},
    )
    assert same.status_code == 303
    assert await snapshot(coop.id) == before


async def test_bad_contact_details_are_refused_and_kept(coop: Coop_) -> None:
    member = await make_member(coop.id, "Pysyvä Nimi")
    before = await snapshot(coop.id)
    response = await coop.browsers["admin"].post(
        members_url(coop, f"/{member}/contact"), {"name": "", "email": "ei-osoite", "phone": "soita"}
    )
    assert response.status_code == 400
    for name in ("name", "email", "phone"):
        assert f'id="{name}-error"' in response.text and f'href="#{name}"' in response.text
    assert 'value="ei-osoite"' in response.text and 'value="soita"' in response.text
    assert await snapshot(coop.id) == before


async def test_organisation_contact_keeps_the_organisations_name(coop: Coop_, world: World) -> None:
    organisation = await make_member(coop.id, "Organisaation Nimi", "supporting", org_id=world.org_id)
    response = await coop.browsers["admin"].post(
        members_url(coop, f"/{organisation}/contact"), {"name": "Muu Nimi", "email": "tuki@example.fi", "phone": ""}
    )
    assert response.status_code == 303
    row = await member_row(coop.id, organisation)
    assert (row["name"], row["email"]) == ("Organisaation Nimi", "tuki@example.fi")


@pytest.mark.parametrize("role", ["board", "coach", "member"])
async def test_only_the_admin_changes_contact_details(coop: Coop_, role: str) -> None:
    member = await make_member(coop.id, "Muuttumaton")
    before = await snapshot(coop.id)
    client = coop.browsers[role]
    assert (await client.get(members_url(coop, f"/{member}/contact"))).status_code == 403
    form = {"name": "Muutettu", "email": "", "phone": ""}
    assert (await client.post(members_url(coop, f"/{member}/contact"), form)).status_code == 403
    assert await snapshot(coop.id) == before


async def test_member_changes_own_email_and_phone(coop: Coop_, app: Any) -> None:
    email = f"oma.{coop.slug}@example.fi"
    user = await make_user(email, name="Oma Ihminen")
    await grant(coop.id, user, "member")
    member = await make_member(coop.id, "Oma Ihminen", email="oma-vanha@example.fi", user_id=user)
    browser = await signed_in_as(app, email)
    try:
        me_page = (await browser.get(f"/c/{coop.slug}/me")).text
        assert "My e-mail oma-vanha@example.fi My phone Not given" in words(me_page)
        assert f'href="/c/{coop.slug}/me/contact"' in me_page
        form_page = await browser.get(f"/c/{coop.slug}/me/contact")
        assert form_page.status_code == 200
        assert 'name="email" type="email" value="oma-vanha@example.fi"' in form_page.text
        assert 'name="name"' not in form_page.text  # the name is the register's to change

        before = await snapshot(coop.id)
        refused = await browser.post(f"/c/{coop.slug}/me/contact", {"email": "oma@", "phone": "x"})
        assert refused.status_code == 400
        assert 'id="email-error"' in refused.text and 'id="phone-error"' in refused.text
        assert await snapshot(coop.id) == before

        response = await browser.post(
            f"/c/{coop.slug}/me/contact", {"email": "oma-uusi@example.fi", "phone": "050 111 2222", "name": "Hakkeri"}
        )
        assert response.status_code == 303 and response.headers["location"] == f"/c/{coop.slug}/me?done=contact"
        row = await member_row(coop.id, member)
        assert (row["name"], row["email"], row["phone"]) == ("Oma Ihminen", "oma-uusi@example.fi", "050 111 2222")
        change = (await audits(coop.id, "member.contact_changed"))[-1]
        assert change["actor_id"] == user and change["target"] == f"member:{member}"
        assert json.loads(change["detail"]) == {
            "changes": {"email": ["oma-vanha@example.fi", "oma-uusi@example.fi"], "phone": ["", "050 111 2222"]},
            "by_self": True,
        }
        me = words((await browser.get(response.headers["location"])).text)
        assert "Your e-mail and phone are saved." in me and "My phone 050 111 2222" in me
    finally:
        await browser.close()


async def test_unlinked_person_has_no_contact_to_change(coop: Coop_) -> None:
    client = coop.browsers["board"]
    page = await client.get(f"/c/{coop.slug}/me/contact")
    assert page.status_code == 200 and "Your account is not linked to the member register" in page_text(page.text)
    before = await snapshot(coop.id)
    response = await client.post(f"/c/{coop.slug}/me/contact", {"email": "x@example.fi", "phone": ""})
    assert response.status_code == 404
    assert await snapshot(coop.id) == before


# --- my documents and the membership certificate -----------------------------------------------------------------


async def _shares(coop_id: int, member_id: int, value: int, paid: int) -> None:
    async with coop_unit(coop_id):
        await ShareChange.insert(
            ShareChange(
                coop=coop_id,
                member=member_id,
                shares=1,
                value_cents=value,
                on_date=dt.date(2025, 2, 1),
                reason="subscribed",
            )
        ).run()
        if paid:
            await SharePayment.insert(
                SharePayment(
                    coop=coop_id,
                    member=member_id,
                    amount_cents=paid,
                    kind="payment",
                    paid_on=dt.date(2025, 2, 2),
                    source="bank",
                )
            ).run()


async def test_my_documents_lists_what_the_member_can_download(
    coop: Coop_, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "COMPRESS", False)
    email = f"dokumentit.{coop.slug}@example.fi"
    user = await make_user(email, name="Dora Dokumentti")
    await grant(coop.id, user, "member")
    member = await make_member(coop.id, "Dora Dokumentti", user_id=user, on_date=dt.date(2025, 1, 15))
    await _shares(coop.id, member, 5000, 5000)
    browser = await signed_in_as(app, email)
    try:
        response = await browser.get(f"/c/{coop.slug}/me/documents")
        assert response.status_code == 200
        assert f'href="/c/{coop.slug}/me" aria-current="page"' in response.text
        base = f"/c/{coop.slug}"
        for href, title in [
            (f"{base}/shares/members/{member}/statement.pdf", "My share statement"),
            (f"{base}/shares/members/{member}/certificate.pdf", "My share certificate"),
            (f"{base}/members/{member}/membership.pdf", "My membership certificate"),
        ]:
            assert f'<a href="{href}">{title}<span class="visually-hidden"> (PDF file)</span></a>' in response.text
            download = await browser.get(href)
            assert download.status_code == 200 and download.content.startswith(b"%PDF")
        assert "You get the share certificate when your shares are paid." not in response.text
        certificate = await browser.get(f"{base}/members/{member}/membership.pdf")
        assert certificate.headers["content-disposition"] == f'attachment; filename="jasentodistus-{member}.pdf"'
        for line in (
            "Membership certificate",
            f"Dora Dokumentti is a member of Osuuskunta {coop.slug}.",
            "Wednesday 15 January 2025",
            BUSINESS_ID,
        ):
            assert line.encode("cp1252") in certificate.content, line
        # Own downloads are not logged.
        for action in ("member.document_downloaded", "shares.document_downloaded"):
            assert [a for a in await audits(coop.id, action) if a["actor_id"] == user] == []
    finally:
        await browser.close()


async def test_documents_without_paid_shares_and_when_unlinked(
    coop: Coop_, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "COMPRESS", False)
    email = f"maksamatta.{coop.slug}@example.fi"
    user = await make_user(email, name="Mikko Maksamatta")
    await grant(coop.id, user, "member")
    member = await make_member(coop.id, "Mikko Maksamatta", "trial", user_id=user)
    await _shares(coop.id, member, 5000, 1000)
    browser = await signed_in_as(app, email)
    try:
        page = page_text((await browser.get(f"/c/{coop.slug}/me/documents")).text)
        assert "You get the share certificate when your shares are paid." in page
        assert "/certificate.pdf" not in page and f"/members/{member}/membership.pdf" in page
        trial = await browser.get(f"/c/{coop.slug}/members/{member}/membership.pdf")
        assert trial.status_code == 200 and trial.content.startswith(b"%PDF")
        assert f"Mikko Maksamatta is a trial member of Osuuskunta {coop.slug}.".encode("cp1252") in trial.content
    finally:
        await browser.close()
    unlinked = page_text((await coop.browsers["board"].get(f"/c/{coop.slug}/me/documents")).text)
    assert "Your account is not linked to the member register" in unlinked and ".pdf" not in unlinked


async def test_membership_certificate_downloads_are_logged_and_limited(coop: Coop_, app: Any) -> None:
    member = await make_member(coop.id, "Todistettu Jäsen")
    employee = await make_member(coop.id, "Työntekijä Ei Jäsen", "employee")
    gone = await make_member(coop.id, "Lähtenyt Jäsen", status="left")
    before = len(await audits(coop.id, "member.document_downloaded"))
    for role in ("admin", "board", "coach"):
        response = await coop.browsers[role].get(members_url(coop, f"/{member}/membership.pdf"))
        assert response.status_code == 200, role
    logged = (await audits(coop.id, "member.document_downloaded"))[before:]
    assert [(a["actor_id"], a["target"], json.loads(a["detail"])["document"]) for a in logged] == [
        (coop.users[role], f"member:{member}", "membership") for role in ("admin", "board", "coach")
    ]
    snap = await snapshot(coop.id)
    # Someone else's certificate: not found for a member; no certificate for an employee or someone who left.
    assert (await coop.browsers["member"].get(members_url(coop, f"/{member}/membership.pdf"))).status_code == 404
    for other in (employee, gone):
        assert (await coop.browsers["admin"].get(members_url(coop, f"/{other}/membership.pdf"))).status_code == 404
    assert await snapshot(coop.id) == snap
    detail = page_text((await coop.browsers["coach"].get(members_url(coop, f"/{member}"))).text)
    assert "Download the membership certificate (PDF file)" in detail
    assert (
        f'href="/c/{coop.slug}/shares/members/{member}"'
        in (await coop.browsers["coach"].get(members_url(coop, f"/{member}"))).text
    )


async def test_status_word_of_a_member_is_not_the_coops(coop: Coop_) -> None:
    await make_member(coop.id, "Sana Jäsen")
    page = page_text((await coop.browsers["admin"].get(members_url(coop, "?status=active"))).text)
    assert "<td>In the cooperative</td>" in page
    assert "<td>Active</td>" not in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_new_pages_render_in_every_language(coop: Coop_, app: Any, language: str) -> None:
    person = await make_member(coop.id, f"Kieli Henkilö {language}")
    browser = Browser(app)
    try:
        await browser.signin(coop.emails["admin"])
        browser.http.cookies.set("lang", language, domain="testserver.local", path="/")
        for path in (f"/members/{person}/account", f"/members/{person}/contact", "/me/contact", "/me/documents"):
            response = await browser.get(f"/c/{coop.slug}{path}")
            assert response.status_code == 200, path
            assert f'<html lang="{language}">' in response.text
        pdf_response = await browser.get(f"/c/{coop.slug}/members/{person}/membership.pdf")
        assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    finally:
        await browser.close()
