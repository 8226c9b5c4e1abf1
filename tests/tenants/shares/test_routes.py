"""Share register pages over HTTP: the fee, plans, payments, refunds, CSV, PDFs, roles and refused input."""

from __future__ import annotations

import datetime as dt

import pytest

from osuus.tenants.shares import service
from tests.fixtures import make_coop, make_region
from tests.tenants.shares.conftest import (
    SharesCoop,
    add_plan,
    add_policy,
    audit_rows,
    make_member,
    pay,
    snapshot,
    subscribe,
    text,
)


@pytest.fixture(scope="module")
async def fee(shares_coop: SharesCoop) -> SharesCoop:
    """The share fee of the module's coop: 50,00 € a share, two shares each, from 1.1.2026."""
    await add_policy(shares_coop.id, dt.date(2026, 1, 1), 5000, 2, 2000, by="Hallituksen kokous 12.12.2025")
    return shares_coop


def url(coop: SharesCoop, rest: str = "") -> str:
    return f"/c/{coop.slug}/shares{rest}"


# --- the share fee ---------------------------------------------------------------------------------------------


async def test_register_shows_the_fee_in_force(fee: SharesCoop) -> None:
    response = await fee.browsers["coach"].get(url(fee))
    assert response.status_code == 200
    page = text(response.text)
    assert "One share costs 50,00 €." in page
    assert "Each member takes 2 shares." in page
    assert "That is 100,00 € in all." in page
    assert "A supporting member pays 20,00 € a year." in page
    assert (
        "A member who leaves gets the share money back 6 months after the end of the financial year. "
        "The financial year ends on 31.12." in page
    )
    assert "Decided by: Hallituksen kokous 12.12.2025." in page
    assert f'href="/c/{fee.slug}/shares" aria-current="page"' in response.text
    assert "Save a new share fee" not in page  # a coach sees, the board decides


async def test_board_saves_a_new_fee(fee: SharesCoop) -> None:
    board = fee.browsers["board"]
    form = {
        "valid_from": "1.6.2030",
        "share_price": "60",
        "shares_required": "1",
        "supporting_fee": "",
        "decided_by": "Hallituksen kokous 12.3.2030",
    }
    response = await board.post(url(fee, "/policy"), form)
    assert response.status_code == 303
    assert response.headers["location"] == url(fee, "?done=policy")
    rows = await snapshot(fee.id, ("share_policy",))
    saved = [r for r in rows["share_policy"] if r["valid_from"] == dt.date(2030, 6, 1)]
    assert [
        (r["share_price_cents"], r["shares_required"], r["supporting_fee_cents"], r["decided_by"]) for r in saved
    ] == [(6000, 1, 0, "Hallituksen kokous 12.3.2030")]
    assert saved[0]["recorded_by"] == fee.users["board"]
    audits = await audit_rows(fee.id, "shares.policy_set")
    assert audits[-1]["target"] == f"share_policy:{saved[0]['id']}"
    # The fee of 2030 is not in force yet: the page still shows today's fee, and both in the history.
    page = text((await board.get(url(fee))).text)
    assert "One share costs 50,00 €." in page and "Earlier share fees" in page and "60,00 €" in page
    # The same day twice is refused, the form kept.
    again = await board.post(url(fee, "/policy"), form)
    assert again.status_code == 400
    assert "There is already a share fee from this day. Choose another day." in again.text


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("share_price", "-5", "Write the amount without a minus sign"),
        ("share_price", "abc", "Write the amount in euros, for example 25,50"),
        ("share_price", "25,505", "Write at most two numbers after the comma, for example 25,50"),
        ("share_price", "", "Enter the amount in euros"),
        ("valid_from", "2026-03-01", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ("shares_required", "0", "The number of shares must be at least 1"),
        ("decided_by", "", "Write which meeting decided the share fee"),
    ],
)
async def test_bad_fee_is_refused_and_the_form_kept(fee: SharesCoop, name: str, value: str, message: str) -> None:
    form = {
        "valid_from": "1.7.2031",
        "share_price": "1 000,00",
        "shares_required": "1",
        "supporting_fee": "0",
        "decided_by": "Kokous",
    }
    form[name] = value
    before = await snapshot(fee.id)
    response = await fee.browsers["admin"].post(url(fee, "/policy"), form)
    assert response.status_code == 400
    assert "<title>Error:" in response.text
    assert f'<a href="#{name}">{message}</a>' in response.text
    assert f'id="{name}-error"' in response.text
    for key, typed in form.items():
        assert f'name="{key}" type="text" value="{typed}"' in response.text
    assert await snapshot(fee.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_only_admin_and_board_save_a_fee(fee: SharesCoop, role: str) -> None:
    before = await snapshot(fee.id)
    client = fee.browsers[role]
    assert (await client.get(url(fee, "/policy"))).status_code == 403
    form = {"valid_from": "1.1.2032", "share_price": "5", "shares_required": "1", "decided_by": "x"}
    assert (await client.post(url(fee, "/policy"), form)).status_code == 403
    assert await snapshot(fee.id) == before


# --- plans and payments ------------------------------------------------------------------------------------------


async def test_plan_then_payment_shows_paid_and_unpaid(fee: SharesCoop) -> None:
    member = await make_member(fee.id, "Pekka Plaani")
    admin = fee.browsers["admin"]
    form_page = text((await admin.get(url(fee, f"/members/{member}/plan"))).text)
    assert 'name="shares" type="text" value="2"' in form_page  # suggested: the shares the fee asks for
    response = await admin.post(
        url(fee, f"/members/{member}/plan"),
        {
            "shares": "2",
            "kind": "wage_deduction",
            "instalment": "25",
            "protected_net": "690",
            "starts_on": "1.2.2026",
        },
    )
    assert response.status_code == 303, response.text[:1000]
    assert response.headers["location"] == url(fee, f"/members/{member}?done=plan")
    page = text((await admin.get(url(fee, f"/members/{member}"))).text)
    assert "Pekka Plaani has 2 shares. The shares are worth 100,00 €." in page
    assert "Paid 0,00 €, unpaid 100,00 €." in page
    assert "The plan is for 100,00 €. Paid 0,00 €. Still to pay 100,00 €." in page
    assert "After the deduction, at least 690,00 € of the pay is always left." in page
    audits = await audit_rows(fee.id, "shares.plan_created")
    assert audits[-1]["target"] == f"member:{member}"

    response = await admin.post(
        url(fee, f"/members/{member}/payment"),
        {"kind": "payment", "amount": "40", "paid_on": "15.2.2026", "source": "bank", "reference": "Arkisto 1"},
    )
    assert response.status_code == 303
    page = text((await admin.get(url(fee, f"/members/{member}"))).text)
    assert "Paid 40,00 €, unpaid 60,00 €." in page
    assert "Arkisto 1" in page
    register = text((await fee.browsers["board"].get(url(fee))).text)
    assert "<td>40,00 €</td> <td>60,00 €</td>" in register
    assert (await audit_rows(fee.id, "shares.payment_recorded"))[-1]["target"] == f"member:{member}"

    # Payroll's view: balance 60,00 €, instalment 25,00 €, net pay 700,00 €, protected 690,00 € -> 10,00 €.
    due = await service.deductions_due(fee.id, {member: 70000}, on=dt.date(2026, 3, 31))
    assert [(d.member_id, d.amount_cents, d.balance_cents) for d in due if d.member_id == member] == [
        (member, 1000, 6000)
    ]
    without_pay = await service.deductions_due(fee.id, on=dt.date(2026, 3, 31))
    assert [d.amount_cents for d in without_pay if d.member_id == member] == [2500]
    not_started = await service.deductions_due(fee.id, on=dt.date(2026, 1, 31))
    assert [d for d in not_started if d.member_id == member] == []
    # Payroll pays the rest; the plan is then paid and no longer deducted.
    await service.record_payroll_deduction(fee.id, member, 6000, dt.date(2026, 3, 31), "Palkka 3/2026")
    assert [d for d in await service.deductions_due(fee.id, on=dt.date(2026, 4, 30)) if d.member_id == member] == []
    page = text((await admin.get(url(fee, f"/members/{member}"))).text)
    assert "Paid 100,00 €, unpaid 0,00 €." in page and "There is no payment plan in progress." in page
    assert "From wages" in page


async def test_second_active_plan_is_refused(fee: SharesCoop) -> None:
    member = await make_member(fee.id, "Kaksi Plaania")
    await subscribe(fee.id, member, 2, 10000)
    await add_plan(fee.id, member, 10000, 2500)
    before = await snapshot(fee.id)
    response = await fee.browsers["board"].post(
        url(fee, f"/members/{member}/plan"), {"shares": "0", "kind": "lump_sum", "starts_on": "1.2.2026"}
    )
    assert response.status_code == 400
    assert "This member already has a payment plan. It must be paid first." in response.text
    assert await snapshot(fee.id) == before


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"shares": "0"}, "Nothing is left to pay. Enter how many new shares the member takes.", "shares"),
        ({"kind": ""}, "Choose how the member pays", "kind"),
        ({"instalment": "-5"}, "Write the amount without a minus sign", "instalment"),
        ({"instalment": "500"}, "The instalment can be at most the whole amount to pay", "instalment"),
        ({"starts_on": "1.1.2020"}, "There is no share fee for this day yet. Save the share fee first.", "starts_on"),
        ({"shares": "x"}, "Write the number of shares as a whole number, for example 1", "shares"),
    ],
)
async def test_bad_plan_is_refused(fee: SharesCoop, changes: dict[str, str], message: str, field: str) -> None:
    member = await make_member(fee.id)
    form = {"shares": "2", "kind": "instalments", "instalment": "25", "protected_net": "", "starts_on": "1.2.2026"}
    form.update(changes)
    before = await snapshot(fee.id)
    response = await fee.browsers["admin"].post(url(fee, f"/members/{member}/plan"), form)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}</a>' in response.text
    assert f'name="instalment" type="text" value="{form["instalment"]}"' in response.text
    assert await snapshot(fee.id) == before


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"amount": "-5"}, "Write the amount without a minus sign", "amount"),
        ({"amount": "abc"}, "Write the amount in euros, for example 25,50", "amount"),
        ({"amount": "1,999"}, "Write at most two numbers after the comma, for example 25,50", "amount"),
        ({"paid_on": "1.1.2100"}, "The payment day must be today or in the past", "paid_on"),
        ({"paid_on": "huomenna"}, "Write the date as d.m.yyyy, for example 27.3.2026", "paid_on"),
        ({"source": "payroll"}, "Choose how the money came", "source"),
        ({"kind": "refund", "amount": "50,01"}, "The refund can be at most what the member has paid", "amount"),
        ({"kind": "refund", "shares_returned": "3"}, "The member does not have that many shares", "shares_returned"),
    ],
)
async def test_bad_payment_is_refused(fee: SharesCoop, changes: dict[str, str], message: str, field: str) -> None:
    member = await make_member(fee.id)
    await subscribe(fee.id, member, 2, 10000)
    await pay(fee.id, member, 5000)
    form = {"kind": "payment", "amount": "25,50", "paid_on": "1.3.2026", "source": "bank", "shares_returned": ""}
    form.update(changes)
    before = await snapshot(fee.id)
    response = await fee.browsers["board"].post(url(fee, f"/members/{member}/payment"), form)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}</a>' in response.text
    assert f'name="amount" type="text" value="{form["amount"]}"' in response.text
    assert await snapshot(fee.id) == before


async def test_refund_on_exit_returns_the_shares(fee: SharesCoop) -> None:
    member = await make_member(fee.id, "Lähtevä Jäsen")
    await subscribe(fee.id, member, 2, 10000)
    await pay(fee.id, member, 10000)
    response = await fee.browsers["admin"].post(
        url(fee, f"/members/{member}/payment"),
        {"kind": "refund", "amount": "100", "paid_on": "1.3.2026", "source": "bank", "shares_returned": "2"},
    )
    assert response.status_code == 303
    page = text((await fee.browsers["admin"].get(url(fee, f"/members/{member}"))).text)
    assert "Lähtevä Jäsen has 0 shares." in page and "Paid 0,00 €, unpaid 0,00 €." in page
    assert "Returned shares, 2 shares (100,00 €)" in page


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_change_payments(fee: SharesCoop, role: str) -> None:
    member = await make_member(fee.id)
    before = await snapshot(fee.id)
    client = fee.browsers[role]
    for path, form in [
        (f"/members/{member}/plan", {"shares": "2", "kind": "lump_sum", "starts_on": "1.2.2026"}),
        (f"/members/{member}/payment", {"kind": "payment", "amount": "5", "paid_on": "1.3.2026", "source": "bank"}),
    ]:
        assert (await client.get(url(fee, path))).status_code == 403
        assert (await client.post(url(fee, path), form)).status_code == 403
    assert await snapshot(fee.id) == before


async def test_member_sees_no_register(fee: SharesCoop) -> None:
    member = fee.browsers["member"]
    before = await snapshot(fee.id)
    for path in ("", "/register.csv", f"/members/{fee.own_member}"):
        assert (await member.get(url(fee, path))).status_code == 403, path
    assert await snapshot(fee.id) == before
    page = (await member.get(f"/c/{fee.slug}/")).text
    assert f'href="/c/{fee.slug}/shares"' not in page and f'href="/c/{fee.slug}/me"' in page


# --- my share payments and the PDFs ------------------------------------------------------------------------------


async def test_my_share_payments(fee: SharesCoop) -> None:
    await subscribe(fee.id, fee.own_member, 2, 10000)
    await pay(fee.id, fee.own_member, 4000)
    response = await fee.browsers["member"].get(url(fee, "/mine"))
    assert response.status_code == 200
    page = text(response.text)
    assert "Maija Mäkelä has 2 shares. The shares are worth 100,00 €." in page
    assert "Paid 40,00 €, unpaid 60,00 €." in page
    assert f'href="/c/{fee.slug}/me" aria-current="page"' in response.text
    # Someone with no member row sees a plain explanation.
    coach_page = text((await fee.browsers["coach"].get(url(fee, "/mine"))).text)
    assert "You are not in the member register of this cooperative." in coach_page


@pytest.mark.usefixtures("readable_pdfs")
async def test_member_downloads_own_statement_and_certificate_only(fee: SharesCoop) -> None:
    other = await make_member(fee.id, "Toinen Jäsen")
    await subscribe(fee.id, other, 1, 5000)
    member = fee.browsers["member"]
    statement = await member.get(url(fee, f"/members/{fee.own_member}/statement.pdf"))
    assert statement.status_code == 200
    assert statement.headers["content-type"] == "application/pdf"
    assert statement.content.startswith(b"%PDF")
    assert "Maija Mäkelä".encode("cp1252") in statement.content
    assert "Paid too much".encode("cp1252") not in statement.content
    certificate = await member.get(url(fee, f"/members/{fee.own_member}/certificate.pdf"))
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    assert "Maija Mäkelä".encode("cp1252") in certificate.content
    assert b"Share certificate" in certificate.content
    for doc in ("statement.pdf", "certificate.pdf"):
        response = await member.get(url(fee, f"/members/{other}/{doc}"))
        assert response.status_code == 404 and b"Toinen" not in response.content
    # The register's keepers may download anyone's.
    coach = await fee.browsers["coach"].get(url(fee, f"/members/{other}/statement.pdf"))
    assert coach.status_code == 200 and "Toinen Jäsen".encode("cp1252") in coach.content


async def test_no_certificate_without_shares(fee: SharesCoop) -> None:
    member = await make_member(fee.id)
    assert (await fee.browsers["admin"].get(url(fee, f"/members/{member}/certificate.pdf"))).status_code == 404
    assert (await fee.browsers["admin"].get(url(fee, f"/members/{member}/statement.pdf"))).status_code == 200


# --- the export --------------------------------------------------------------------------------------------------


async def test_csv_export_is_exact_and_audited(app: object, new_browser: object) -> None:
    coop_id, slug = await make_coop(await make_region())
    from tests.fixtures import grant, make_user

    email = f"admin.{slug}@example.fi"
    admin_id = await make_user(email, name="Admin")
    await grant(coop_id, admin_id, "admin")
    anna = await make_member(coop_id, "Anna Ahonen")
    bertta = await make_member(coop_id, "=Bertta Björk")
    await make_member(coop_id, "Entinen", status="left")  # no shares, not active: not listed
    await subscribe(coop_id, anna, 2, 10000)
    await pay(coop_id, anna, 4000)
    await subscribe(coop_id, bertta, 1, 123450)
    await pay(coop_id, bertta, 123450)
    # Left 15.3.2026 (no share fee saved: the Act's rule, due 30.6.2027); 20,00 € of 50,00 € paid back so far.
    leena = await make_member(coop_id, "Leena Lähtijä", left_on=dt.date(2026, 3, 15))
    await subscribe(coop_id, leena, 1, 5000)
    await pay(coop_id, leena, 5000)
    await pay(coop_id, leena, 2000, kind="refund", on=dt.date(2026, 9, 1))
    browser = new_browser()  # type: ignore[operator]
    await browser.signin(email)
    browser.http.cookies.set("lang", "en", domain="testserver.local", path="/")
    response = await browser.get(f"/c/{slug}/shares/register.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="osuusrekisteri-{slug}.csv"'
    assert (
        response.content
        == (
            "\ufeffMember;Shares;Value of the shares (euros);Paid (euros);Unpaid (euros);Left on;"
            "Paid back (euros);Still to pay back (euros);To pay back on\r\n"
            "'=Bertta Björk;1;1234,50;1234,50;0,00;;0,00;0,00;\r\n"
            "Anna Ahonen;2;100,00;40,00;60,00;;0,00;0,00;\r\n"
            "Leena Lähtijä;1;50,00;30,00;0,00;15.3.2026;20,00;30,00;30.6.2027\r\n"
            "Total;4;1384,50;1304,50;60,00;;20,00;30,00;\r\n"
        ).encode()
    )
    audits = await audit_rows(coop_id, "shares.register_exported")
    assert [(a["target"]) for a in audits] == ["share_register"]
