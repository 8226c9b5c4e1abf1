"""Refunds to members who left, cancelling a plan, moving shares, supporting-member fees, the refund rule, and
who downloaded whose documents: pages over HTTP, exact figures, refusals that change nothing, roles."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from osuus.platform import i18n
from osuus.platform.dates import format_date, today
from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.tables import Member
from osuus.tenants.shares import service
from osuus.tenants.shares.money import refund_due_date
from tests.fixtures import Browser, grant, make_user
from tests.tenants.shares.conftest import (
    SharesCoop,
    add_plan,
    add_policy,
    audit_rows,
    english,
    make_member,
    pay,
    pay_fee,
    snapshot,
    subscribe,
    text,
)

YEAR = today().year


def long(day: dt.date) -> str:
    with i18n.language("en"):
        return i18n.date_long(day)


@pytest.fixture(scope="module")
async def rules(shares_coop: SharesCoop) -> SharesCoop:
    """Two share fees: from 1.1.2024 the Act's refund rule (31.12., 6 months) and a supporting fee of 20,00 €;
    from 1.1.2026 a financial year ending 30.6., refunds 3 months later, and a supporting fee of 30,00 €."""
    await add_policy(shares_coop.id, dt.date(2024, 1, 1), 5000, 2, 2000, by="Perustava kokous")
    await add_policy(
        shares_coop.id, dt.date(2026, 1, 1), 5000, 2, 3000, by="Hallitus 1.12.2025", year_end=(30, 6), refund_months=3
    )
    return shares_coop


def url(coop: SharesCoop, rest: str = "") -> str:
    return f"/c/{coop.slug}/shares{rest}"


async def rows(coop_id: int, sql: str, *args: Any) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await Member.raw(sql, *args).run()


async def left_member(coop: SharesCoop, name: str, left_on: dt.date, shares: int, value: int, paid: int) -> int:
    member = await make_member(coop.id, name, left_on=left_on)
    if shares:
        await subscribe(coop.id, member, shares, value, on=dt.date(2024, 2, 1))
    if paid:
        await pay(coop.id, member, paid, on=dt.date(2024, 2, 2))
    return member


# --- the refund schedule ---------------------------------------------------------------------------------------


async def test_register_shows_each_refund_with_the_rule_in_force_when_the_member_left(rules: SharesCoop) -> None:
    due_now = await left_member(rules, "Liisa Lähtenyt", dt.date(2025, 3, 15), 2, 10000, 10000)
    fresh = await left_member(rules, "Tuomas Tuore", today(), 1, 5000, 5000)
    paid_back = await left_member(rules, "Matti Maksettu", dt.date(2025, 3, 15), 1, 5000, 5000)
    await pay(rules.id, paid_back, 5000, kind="refund", on=dt.date(2026, 9, 1))
    await left_member(rules, "Eino Eimaksanut", dt.date(2025, 5, 1), 1, 5000, 0)  # paid nothing: owed nothing
    moved = await left_member(rules, "Sirpa Siirtänyt", dt.date(2025, 5, 1), 1, 5000, 5000)
    await pay(rules.id, moved, 5000, kind="refund", source="transfer")  # moved on with the shares, not paid back

    page = text((await rules.browsers["coach"].get(url(rules))).text)
    fresh_due = refund_due_date(today(), 30, 6, 3)  # the rule of 2026
    expected = [
        # The rule of 2024 applies to Liisa, who left in 2025: 31.12.2025 + 6 months.
        f"Liisa Lähtenyt</a></td> <td>{long(dt.date(2025, 3, 15))}</td> <td>100,00 €</td> <td>0,00 €</td> "
        f"<td>{long(dt.date(2026, 6, 30))}</td> <td>Due now</td>",
        f"Tuomas Tuore</a></td> <td>{long(today())}</td> <td>50,00 €</td> <td>0,00 €</td> "
        f"<td>{long(fresh_due)}</td> <td>Not due yet</td>",
        f"Matti Maksettu</a></td> <td>{long(dt.date(2025, 3, 15))}</td> <td>0,00 €</td> <td>50,00 €</td> "
        f"<td>{long(dt.date(2026, 6, 30))}</td> <td>Paid back</td>",
    ]
    section = page[page.index("Money back to members who left") :]
    positions = [section.index(row) for row in expected]
    assert positions == sorted(positions)  # owed first, the soonest due first; then those paid back
    assert "Eino Eimaksanut</a></td> <td>" not in section and "Sirpa Siirtänyt</a></td> <td>" not in section
    # A member who left owes nothing more: the register's unpaid column says 0,00 € for Eino.
    assert "Eino Eimaksanut</a></td> <td>1</td> <td>0,00 €</td> <td>0,00 €</td>" in page

    member_page = text((await rules.browsers["board"].get(url(rules, f"/members/{due_now}"))).text)
    assert (
        f"Liisa Lähtenyt left the cooperative on {long(dt.date(2025, 3, 15))}. The cooperative still owes 100,00 €. "
        f"It is due on {long(dt.date(2026, 6, 30))}." in member_page
    )
    assert "Status: Due now." in member_page
    assert "Share money paid: 100,00 €." in member_page and "unpaid" not in member_page
    assert f'href="/c/{rules.slug}/shares/members/{due_now}/refund"' in member_page
    fresh_page = text((await rules.browsers["admin"].get(url(rules, f"/members/{fresh}"))).text)
    assert f"The cooperative still owes 50,00 €. It is due on {long(fresh_due)}." in fresh_page


async def test_member_who_left_reads_what_they_get_back(rules: SharesCoop, app: Any, readable_pdfs: None) -> None:
    email = f"lotta.{rules.slug}@example.fi"
    user = await make_user(email, name="Lotta Lähtevä")
    await grant(rules.id, user, "member")
    member = await make_member(rules.id, "Lotta Lähtevä", user_id=user, left_on=today())
    await subscribe(rules.id, member, 2, 10000)
    await pay(rules.id, member, 10000)
    browser = Browser(app)
    try:
        await browser.signin(email)
        await english(browser)
        due = refund_due_date(today(), 30, 6, 3)
        page = text((await browser.get(url(rules, "/mine"))).text)
        assert f"You get back 100,00 € after {long(due)}." in page
        assert "Share money paid: 100,00 €." in page
        statement = await browser.get(url(rules, f"/members/{member}/statement.pdf"))
        assert statement.status_code == 200
        sentence = f"You get back 100,00 € after {long(due)}."
        assert sentence.encode("cp1252") in statement.content
        assert b"Still to pay" not in statement.content  # a member who left owes nothing more
    finally:
        await browser.close()
    # The register's keepers download it too (and that is logged), with the same sentence for a refund due now.
    liisa = await left_member(rules, "Liisa Toinen", dt.date(2025, 3, 15), 2, 10000, 10000)
    pdf = await rules.browsers["admin"].get(url(rules, f"/members/{liisa}/statement.pdf"))
    assert "You get back 100,00 €. The cooperative can pay it now.".encode("cp1252") in pdf.content


async def test_refund_payments_until_everything_is_paid_back(rules: SharesCoop) -> None:
    member = await left_member(rules, "Rauni Rahat", dt.date(2025, 3, 15), 2, 10000, 10000)
    admin = rules.browsers["admin"]
    form_page = await admin.get(url(rules, f"/members/{member}/refund"))
    assert form_page.status_code == 200
    assert 'name="amount" type="text" value="100,00"' in form_page.text  # what is owed, ready to save

    before = await snapshot(rules.id)
    for changes, field, message in [
        ({"amount": "100,01"}, "amount", "The refund can be at most what the cooperative still owes the member"),
        ({"amount": "-5"}, "amount", "Write the amount without a minus sign"),
        ({"paid_on": "14.3.2025"}, "paid_on", "The payment day must be on or after the day the member left"),
        ({"paid_on": "1.1.2100"}, "paid_on", "The payment day must be today or in the past"),
        ({"source": "payroll"}, "source", "Choose how the money was paid"),
    ]:
        form = {"amount": "40", "paid_on": "1.9.2026", "source": "bank", "note": "Arkisto 7", **changes}
        refused = await admin.post(url(rules, f"/members/{member}/refund"), form)
        assert refused.status_code == 400, changes
        assert f'<a href="#{field}">{message}</a>' in refused.text
        assert f'name="amount" type="text" value="{form["amount"]}"' in refused.text
    assert await snapshot(rules.id) == before

    first = await admin.post(
        url(rules, f"/members/{member}/refund"),
        {"amount": "40", "paid_on": "1.9.2026", "source": "bank", "note": "Arkisto 7"},
    )
    assert first.status_code == 303
    assert first.headers["location"] == url(rules, f"/members/{member}?done=refund")
    page = text((await admin.get(first.headers["location"])).text)
    assert "The refund is saved." in page
    assert "The cooperative still owes 60,00 €." in page and "Already paid back: 40,00 €." in page
    assert "Rauni Rahat has 2 shares." in page  # the shares return with the last refund
    audits = await audit_rows(rules.id, "shares.refund_paid")
    detail = json.loads(audits[-1]["detail"])
    assert audits[-1]["target"] == f"member:{member}"
    assert (detail["amount_cents"], detail["owed_before_cents"], detail["due_on"], detail["shares_returned"]) == (
        4000,
        10000,
        "2026-06-30",
        0,
    )

    last = await admin.post(
        url(rules, f"/members/{member}/refund"), {"amount": "60", "paid_on": "2.9.2026", "source": "manual"}
    )
    assert last.status_code == 303
    page = text((await admin.get(url(rules, f"/members/{member}"))).text)
    assert "Rauni Rahat has 0 shares." in page and "Share money paid: 0,00 €." in page
    assert "The share money is paid back: 100,00 €." in page and "Status: Paid back." in page
    assert f"{long(dt.date(2026, 9, 2))}: Returned shares, 2 shares (100,00 €)" in page
    changes = await rows(
        rules.id,
        "SELECT shares, value_cents, reason, on_date FROM share_change WHERE coop_id = {} AND member_id = {} "
        "ORDER BY id",
        rules.id,
        member,
    )
    assert [(c["shares"], c["value_cents"], c["reason"], c["on_date"]) for c in changes] == [
        (2, 10000, "subscribed", dt.date(2024, 2, 1)),
        (-2, -10000, "refunded", dt.date(2026, 9, 2)),
    ]
    refunds = await rows(
        rules.id,
        "SELECT amount_cents, source, reference, plan_id FROM share_payment WHERE coop_id = {} AND member_id = {} "
        "AND kind = 'refund' ORDER BY id",
        rules.id,
        member,
    )
    assert [(r["amount_cents"], r["source"], r["reference"], r["plan_id"]) for r in refunds] == [
        (4000, "bank", "Arkisto 7", None),
        (6000, "manual", "", None),
    ]
    assert json.loads((await audit_rows(rules.id, "shares.refund_paid"))[-1]["detail"])["shares_returned"] == 2

    # Nothing is owed any more: the page and the form say so, and nothing is written.
    before = await snapshot(rules.id)
    again = await admin.get(url(rules, f"/members/{member}/refund"))
    assert again.status_code == 409
    assert "Nothing is owed to this member now." in again.text
    sent = await admin.post(url(rules, f"/members/{member}/refund"), {"amount": "1", "paid_on": "2.9.2026"})
    assert sent.status_code == 409
    assert await snapshot(rules.id) == before


async def test_no_refund_to_an_active_member_or_during_a_plan(rules: SharesCoop) -> None:
    active = await make_member(rules.id, "Aktiivi Aino")
    await subscribe(rules.id, active, 1, 5000)
    await pay(rules.id, active, 5000)
    with_plan = await left_member(rules, "Plaani Pentti", dt.date(2025, 3, 15), 2, 10000, 4000)
    plan = await add_plan(rules.id, with_plan, 6000, 1000)
    admin = rules.browsers["admin"]
    before = await snapshot(rules.id)
    form = {"amount": "10", "paid_on": "1.9.2026", "source": "bank"}
    for member, message in [
        (active, "Nothing is owed to this member now. Share money is paid back after the member has left."),
        (with_plan, "The member still has a payment plan in progress. Cancel the plan first, then save the refund."),
    ]:
        page = await admin.get(url(rules, f"/members/{member}/refund"))
        assert page.status_code == 409 and message in page.text
        assert (await admin.post(url(rules, f"/members/{member}/refund"), form)).status_code == 409
    assert await snapshot(rules.id) == before
    # After the plan is cancelled, the share money paid (40,00 €) can be paid back.
    cancelled = await admin.post(url(rules, f"/members/{with_plan}/plan/{plan}/cancel"), {"reason": "Lähti"})
    assert cancelled.status_code == 303
    assert (await admin.post(url(rules, f"/members/{with_plan}/refund"), {**form, "amount": "40"})).status_code == 303


# --- cancelling a plan ---------------------------------------------------------------------------------------------


async def test_cancelling_a_plan_keeps_the_payments_and_stops_the_deductions(rules: SharesCoop) -> None:
    member = await make_member(rules.id, "Peruttu Paavo")
    await subscribe(rules.id, member, 2, 10000)
    plan = await add_plan(rules.id, member, 10000, 2500, 69000)
    admin = rules.browsers["admin"]
    paid = await admin.post(
        url(rules, f"/members/{member}/payment"),
        {"kind": "payment", "amount": "40", "paid_on": "1.3.2026", "source": "bank"},
    )
    assert paid.status_code == 303
    assert [d.member_id for d in await service.deductions_due(rules.id, on=today())].count(member) == 1
    member_page = (await admin.get(url(rules, f"/members/{member}"))).text
    assert f'href="/c/{rules.slug}/shares/members/{member}/plan/{plan}/cancel"' in member_page

    cancel_url = url(rules, f"/members/{member}/plan/{plan}/cancel")
    confirm = await admin.get(cancel_url)
    assert confirm.status_code == 200 and 'class="button warning"' in confirm.text
    assert "The plan is for 100,00 €. Paid 40,00 €. Still to pay 60,00 €." in text(confirm.text)

    before = await snapshot(rules.id)
    refused = await admin.post(cancel_url, {"reason": ""})
    assert refused.status_code == 400
    assert '<a href="#reason">Write why the plan is cancelled</a>' in refused.text
    assert await snapshot(rules.id) == before

    done = await admin.post(cancel_url, {"reason": "Työsuhde päättyi"})
    assert done.status_code == 303
    assert done.headers["location"] == url(rules, f"/members/{member}?done=cancelled")
    saved = await rows(
        rules.id,
        "SELECT status, cancel_reason, cancelled_on, cancelled_by FROM payment_plan WHERE coop_id = {} AND id = {}",
        rules.id,
        plan,
    )
    assert [tuple(saved[0].values())] == [("cancelled", "Työsuhde päättyi", today(), rules.users["admin"])]
    after = await snapshot(rules.id)
    assert after["share_payment"] == before["share_payment"] and after["share_change"] == before["share_change"]
    assert [d for d in await service.deductions_due(rules.id, on=today()) if d.member_id == member] == []
    detail = json.loads((await audit_rows(rules.id, "shares.plan_cancelled"))[-1]["detail"])
    assert (detail["plan_id"], detail["reason"], detail["paid_cents"], detail["balance_cents"]) == (
        plan,
        "Työsuhde päättyi",
        4000,
        6000,
    )
    page = text((await admin.get(done.headers["location"])).text)
    assert "The payment plan is cancelled. The payments stay in the history." in page
    assert "Paid 40,00 €, unpaid 60,00 €." in page and "There is no payment plan in progress." in page
    assert f"Cancelled on {long(today())}. Reason: Työsuhde päättyi." in page

    # A second click: not in progress any more, nothing changes.
    before = await snapshot(rules.id)
    assert (await admin.get(cancel_url)).status_code == 409
    again = await admin.post(cancel_url, {"reason": "Uudestaan"})
    assert again.status_code == 409 and "This payment plan is not in progress any more." in again.text
    assert await snapshot(rules.id) == before
    # A new plan covers what is still unpaid.
    new_plan = await admin.post(
        url(rules, f"/members/{member}/plan"), {"shares": "0", "kind": "lump_sum", "starts_on": format_date(today())}
    )
    assert new_plan.status_code == 303
    assert "The plan is for 60,00 €." in text((await admin.get(url(rules, f"/members/{member}"))).text)


async def test_plan_of_another_member_is_not_found(rules: SharesCoop) -> None:
    owner, other = await make_member(rules.id, "Plaanin Omistaja"), await make_member(rules.id, "Toinen Ihminen")
    await subscribe(rules.id, owner, 1, 5000)
    plan = await add_plan(rules.id, owner, 5000, 5000, kind="lump_sum")
    before = await snapshot(rules.id)
    target = url(rules, f"/members/{other}/plan/{plan}/cancel")
    assert (await rules.browsers["admin"].get(target)).status_code == 404
    assert (await rules.browsers["admin"].post(target, {"reason": "x"})).status_code == 404
    assert (await rules.browsers["admin"].get(url(rules, f"/members/{owner}/plan/{2**62}/cancel"))).status_code == 404
    assert await snapshot(rules.id) == before


# --- moving shares -------------------------------------------------------------------------------------------------


async def test_board_moves_paid_shares_and_both_histories_show_it(rules: SharesCoop) -> None:
    giver = await make_member(rules.id, "Antti Antaja")
    receiver = await make_member(rules.id, "Saara Saaja")
    await subscribe(rules.id, giver, 2, 10000)
    await pay(rules.id, giver, 10000)
    board = rules.browsers["board"]
    form_page = await board.get(url(rules, f"/members/{giver}/transfer"))
    assert form_page.status_code == 200 and f'<option value="{receiver}">Saara Saaja</option>' in form_page.text
    totals_before = text((await board.get(url(rules))).text)
    totals_before = totals_before[totals_before.index("Members have") :][:120]

    response = await board.post(
        url(rules, f"/members/{giver}/transfer"),
        {"receiver": str(receiver), "shares": "1", "on_date": "1.10.2026", "decided_by": "Hallitus 30.9.2026"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == url(rules, f"/members/{giver}?done=transfer")
    giver_page = text((await board.get(url(rules, f"/members/{giver}"))).text)
    assert "Antti Antaja has 1 share. The shares are worth 50,00 €." in giver_page
    assert "Paid 50,00 €, unpaid 0,00 €." in giver_page
    assert (
        f"{long(dt.date(2026, 10, 1))}: Moved shares, 1 share (50,00 €). To Saara Saaja. "
        "Approved by: Hallitus 30.9.2026" in giver_page
    )
    receiver_page = text((await board.get(url(rules, f"/members/{receiver}"))).text)
    assert "Saara Saaja has 1 share. The shares are worth 50,00 €." in receiver_page
    assert "Paid 50,00 €, unpaid 0,00 €." in receiver_page
    assert "Moved shares, 1 share (50,00 €). From Antti Antaja." in receiver_page
    assert "Moved with shares" in receiver_page
    changes = await rows(
        rules.id,
        "SELECT member_id, shares, value_cents, reason, counterpart_id, decided_by FROM share_change "
        "WHERE coop_id = {} AND reason = 'transferred' AND (member_id = {} OR member_id = {}) ORDER BY id",
        rules.id,
        giver,
        receiver,
    )
    assert [tuple(c.values()) for c in changes] == [
        (giver, -1, -5000, "transferred", receiver, "Hallitus 30.9.2026"),
        (receiver, 1, 5000, "transferred", giver, "Hallitus 30.9.2026"),
    ]
    money = await rows(
        rules.id,
        "SELECT member_id, kind, amount_cents, source, plan_id FROM share_payment WHERE coop_id = {} "
        "AND source = 'transfer' AND (member_id = {} OR member_id = {}) ORDER BY id",
        rules.id,
        giver,
        receiver,
    )
    assert [tuple(m.values()) for m in money] == [
        (giver, "refund", 5000, "transfer", None),
        (receiver, "payment", 5000, "transfer", None),
    ]
    detail = json.loads((await audit_rows(rules.id, "shares.transferred"))[-1]["detail"])
    assert (detail["receiver"], detail["shares"], detail["value_cents"]) == (f"member:{receiver}", 1, 5000)
    totals_after = text((await board.get(url(rules))).text)
    assert totals_after[totals_after.index("Members have") :][:120] == totals_before  # the coop's totals stay


async def test_moving_shares_is_refused_clearly(rules: SharesCoop, world: Any) -> None:
    giver = await make_member(rules.id, "Kiellon Antaja")
    receiver = await make_member(rules.id, "Kiellon Saaja")
    applicant = await make_member(rules.id, "Vasta Hakija", status="applied", member_class="applicant")
    gone = await make_member(rules.id, "Jo Lähtenyt", left_on=dt.date(2025, 1, 1))
    unpaid = await make_member(rules.id, "Maksamaton Antaja")
    await subscribe(rules.id, giver, 2, 10000)
    await pay(rules.id, giver, 10000)
    await subscribe(rules.id, unpaid, 2, 10000)
    await pay(rules.id, unpaid, 4000)
    other_coop = await make_member(world.b.id, "Toisen Osuuskunnan Jäsen")
    admin = rules.browsers["admin"]
    form = {"receiver": str(receiver), "shares": "1", "on_date": "1.10.2026", "decided_by": "Hallitus"}
    before = await snapshot(rules.id)
    for member, changes, field, message in [
        (giver, {"shares": "3"}, "shares", "The member does not have that many shares"),
        (giver, {"shares": "0"}, "shares", "The number of shares must be at least 1"),
        (giver, {"receiver": str(giver)}, "receiver", "Choose the member who gets the shares"),
        (giver, {"receiver": str(applicant)}, "receiver", "Choose the member who gets the shares"),
        (giver, {"receiver": str(gone)}, "receiver", "Choose the member who gets the shares"),
        (giver, {"receiver": str(other_coop)}, "receiver", "Choose the member who gets the shares"),
        (giver, {"receiver": ""}, "receiver", "Choose the member who gets the shares"),
        (giver, {"decided_by": ""}, "decided_by", "Write which board meeting approved the transfer"),
        (giver, {"on_date": "1.1.2100"}, "on_date", "The day must be today or in the past"),
        (
            unpaid,
            {},
            "shares",
            "Only paid shares can be moved. The member must pay for the shares first.",
        ),
    ]:
        sent = {**form, **changes}
        refused = await admin.post(url(rules, f"/members/{member}/transfer"), sent)
        assert refused.status_code == 400, changes
        assert f'<a href="#{field}">{message}</a>' in refused.text
        assert f'name="decided_by" type="text" value="{sent["decided_by"]}"' in refused.text
        assert "Toisen Osuuskunnan" not in refused.text
    assert await snapshot(rules.id) == before


# --- supporting-member fees ---------------------------------------------------------------------------------------


async def test_supporting_member_pays_the_yearly_fee(rules: SharesCoop) -> None:
    supporter = await make_member(rules.id, "Tuula Tukija", member_class="supporting")
    admin = rules.browsers["admin"]
    fee_url = url(rules, f"/members/{supporter}/fee")
    form_page = await admin.get(fee_url)
    assert form_page.status_code == 200
    assert f'name="year" type="text" value="{YEAR}"' in form_page.text
    assert 'name="amount" type="text" value="30,00"' in form_page.text
    register = text((await admin.get(url(rules))).text)
    assert f"Supporting member fees {YEAR}" in register
    assert "Tuula Tukija</a></td> <td>30,00 €</td> <td>0,00 €</td> <td>Not paid</td>" in register

    first = await admin.post(
        fee_url, {"year": str(YEAR), "amount": "10", "paid_on": format_date(today()), "note": "Tilisiirto"}
    )
    assert first.status_code == 303
    assert first.headers["location"] == url(rules, f"/members/{supporter}?done=fee")
    page = text((await admin.get(first.headers["location"])).text)
    assert f"The supporting member fee for {YEAR} is 30,00 €. Paid 10,00 €, still to pay 20,00 €." in page
    assert f"{long(today())}: 10,00 € for {YEAR} (Tilisiirto)" in page
    register = text((await admin.get(url(rules))).text)
    assert "Tuula Tukija</a></td> <td>30,00 €</td> <td>10,00 €</td> <td>Partly paid</td>" in register

    before = await snapshot(rules.id)
    for changes, field, message in [
        ({"amount": "20,01"}, "amount", "The payment can be at most what is left of the fee for this year"),
        (
            {"year": "2023"},
            "year",
            "There is no supporting member fee for this year. Save the fee on the share fee page first.",
        ),
        ({"year": "26"}, "year", "Check the year. Write the year with four digits, for example 2026"),
        ({"year": str(YEAR + 2)}, "year", "Check the year. Write the year with four digits, for example 2026"),
        ({"year": ""}, "year", "Enter the year, for example 2026"),
        ({"paid_on": "1.1.2100"}, "paid_on", "The payment day must be today or in the past"),
        ({"amount": "0"}, "amount", "The amount must be more than 0 euros"),
    ]:
        sent = {"year": str(YEAR), "amount": "20", "paid_on": format_date(today()), **changes}
        refused = await admin.post(fee_url, sent)
        assert refused.status_code == 400, changes
        assert f'<a href="#{field}">{message}</a>' in refused.text
        assert f'name="amount" type="text" value="{sent["amount"]}"' in refused.text
    assert await snapshot(rules.id) == before

    assert (
        await admin.post(fee_url, {"year": str(YEAR), "amount": "20", "paid_on": format_date(today())})
    ).status_code == 303
    register = text((await admin.get(url(rules))).text)
    assert "Tuula Tukija</a></td> <td>30,00 €</td> <td>30,00 €</td> <td>Paid</td>" in register
    fees = await rows(
        rules.id,
        "SELECT year, amount_cents, note, recorded_by FROM supporting_fee WHERE coop_id = {} AND member_id = {} "
        "ORDER BY id",
        rules.id,
        supporter,
    )
    assert [tuple(f.values()) for f in fees] == [
        (YEAR, 1000, "Tilisiirto", rules.users["admin"]),
        (YEAR, 2000, "", rules.users["admin"]),
    ]
    audits = await audit_rows(rules.id, "shares.supporting_fee_paid")
    assert [(a["target"], json.loads(a["detail"])["amount_cents"]) for a in audits[-2:]] == [
        (f"member:{supporter}", 1000),
        (f"member:{supporter}", 2000),
    ]


async def test_fee_of_an_earlier_year_and_only_for_supporting_members(rules: SharesCoop) -> None:
    supporter = await make_member(rules.id, "Vanha Tukija", member_class="supporting")
    await pay_fee(rules.id, supporter, 2025, 2000, on=dt.date(2025, 2, 1))
    member = await make_member(rules.id, "Tavallinen Jäsen")
    admin = rules.browsers["admin"]
    before = await snapshot(rules.id)
    # 2025's fee was 20,00 € (the fee of 2024 was in force on 1.1.2025), and it is paid.
    refused = await admin.post(
        url(rules, f"/members/{supporter}/fee"), {"year": "2025", "amount": "1", "paid_on": "1.3.2025"}
    )
    assert refused.status_code == 400
    assert "The payment can be at most what is left of the fee for this year" in refused.text
    for method in ("get", "post"):
        call = getattr(admin, method)
        args = (url(rules, f"/members/{member}/fee"),) + (() if method == "get" else ({"year": str(YEAR)},))
        assert (await call(*args)).status_code == 404
    assert await snapshot(rules.id) == before
    assert f'/members/{member}/fee"' not in (await admin.get(url(rules, f"/members/{member}"))).text


async def test_supporting_member_sees_their_own_fee(rules: SharesCoop, app: Any) -> None:
    email = f"tukija.{rules.slug}@example.fi"
    user = await make_user(email, name="Oma Tukija")
    await grant(rules.id, user, "member")
    member = await make_member(rules.id, "Oma Tukija", user_id=user, member_class="supporting")
    await pay_fee(rules.id, member, YEAR, 3000)
    browser = Browser(app)
    try:
        await browser.signin(email)
        await english(browser)
        page = text((await browser.get(url(rules, "/mine"))).text)
        assert f"Your supporting member fee for {YEAR} is 30,00 €. It is paid." in page
    finally:
        await browser.close()


# --- the refund rule in the share fee ----------------------------------------------------------------------------


async def test_register_and_policy_form_show_the_refund_rule_in_force(rules: SharesCoop) -> None:
    page = text((await rules.browsers["board"].get(url(rules))).text)
    assert (
        "A member who leaves gets the share money back 3 months after the end of the financial year. "
        "The financial year ends on 30.6." in page
    )
    assert "<td>3 months after 30.6.</td>" in page and "<td>6 months after 31.12.</td>" in page
    form = (await rules.browsers["board"].get(url(rules, "/policy"))).text
    assert 'name="year_end" type="text" value="30.6."' in form
    assert 'name="refund_months" type="text" value="3"' in form


@pytest.mark.parametrize(
    ("year_end", "months", "saved"),
    [("30.6.", "3", (30, 6, 3)), ("", "", (31, 12, 6)), ("31.3", "0", (31, 3, 0)), (" 31.12. ", "60", (31, 12, 60))],
)
async def test_refund_rule_is_saved_with_the_fee(
    shares_coop: SharesCoop, year_end: str, months: str, saved: tuple[int, int, int]
) -> None:
    valid_from = dt.date(2040, 1, 1) + dt.timedelta(days=sum(saved))
    form = {
        "valid_from": format_date(valid_from),
        "share_price": "50",
        "shares_required": "1",
        "year_end": year_end,
        "refund_months": months,
        "decided_by": "Hallitus",
    }
    response = await shares_coop.browsers["board"].post(url(shares_coop, "/policy"), form)
    assert response.status_code == 303
    policy = await rows(
        shares_coop.id,
        "SELECT year_end_day, year_end_month, refund_months FROM share_policy WHERE coop_id = {} AND valid_from = {}",
        shares_coop.id,
        valid_from,
    )
    assert [tuple(p.values()) for p in policy] == [saved]
    detail = json.loads((await audit_rows(shares_coop.id, "shares.policy_set"))[-1]["detail"])
    assert (detail["year_end"], detail["refund_months"]) == (f"{saved[0]}.{saved[1]}.", saved[2])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year_end", "29.2.", "Check the day. Write the last day of the financial year as d.m., for example 31.12."),
        (
            "year_end",
            "31.12.2026",
            "Check the day. Write the last day of the financial year as d.m., for example 31.12.",
        ),
        ("refund_months", "61", "The number of months must be 60 or less"),
        ("refund_months", "kuusi", "Write the number of months as a whole number, for example 6"),
        ("refund_months", "-1", "Write the number of months as a whole number, for example 6"),
    ],
)
async def test_bad_refund_rule_is_refused(shares_coop: SharesCoop, field: str, value: str, message: str) -> None:
    form = {
        "valid_from": "1.1.2045",
        "share_price": "50",
        "shares_required": "1",
        "year_end": "31.12.",
        "refund_months": "6",
        "decided_by": "Hallitus",
    }
    form[field] = value
    before = await snapshot(shares_coop.id)
    response = await shares_coop.browsers["admin"].post(url(shares_coop, "/policy"), form)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}</a>' in response.text
    assert f'name="{field}" type="text" value="{value}"' in response.text
    assert await snapshot(shares_coop.id) == before


# --- roles -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_refund_cancel_move_or_save_fees(rules: SharesCoop, role: str) -> None:
    left = await left_member(rules, "Roolin Lähtijä", dt.date(2025, 3, 15), 1, 5000, 5000)
    planned = await make_member(rules.id, "Roolin Plaani")
    await subscribe(rules.id, planned, 1, 5000)
    plan = await add_plan(rules.id, planned, 5000, 1000)
    supporter = await make_member(rules.id, "Roolin Tukija", member_class="supporting")
    client = rules.browsers[role]
    before = await snapshot(rules.id)
    for path, form in [
        (f"/members/{left}/refund", {"amount": "10", "paid_on": "1.9.2026", "source": "bank"}),
        (f"/members/{planned}/plan/{plan}/cancel", {"reason": "Ei saa"}),
        (
            f"/members/{planned}/transfer",
            {"receiver": str(supporter), "shares": "1", "on_date": "1.9.2026", "decided_by": "x"},
        ),
        (f"/members/{supporter}/fee", {"year": str(YEAR), "amount": "5", "paid_on": "1.9.2026"}),
    ]:
        assert (await client.get(url(rules, path))).status_code == 403, path
        assert (await client.post(url(rules, path), form)).status_code == 403, path
    assert await snapshot(rules.id) == before


# --- who downloaded whose documents --------------------------------------------------------------------------------


@pytest.mark.usefixtures("readable_pdfs")
async def test_downloads_of_other_peoples_documents_are_logged(rules: SharesCoop) -> None:
    member = await make_member(rules.id, "Ladattu Lauri")
    await subscribe(rules.id, member, 1, 5000)
    before = len(await audit_rows(rules.id, "shares.document_downloaded"))
    for role, document in [("admin", "statement"), ("coach", "certificate"), ("board", "statement")]:
        response = await rules.browsers[role].get(url(rules, f"/members/{member}/{document}.pdf"))
        assert response.status_code == 200
    audits = (await audit_rows(rules.id, "shares.document_downloaded"))[before:]
    assert [(a["target"], json.loads(a["detail"])["document"]) for a in audits] == [
        (f"member:{member}", "statement"),
        (f"member:{member}", "certificate"),
        (f"member:{member}", "statement"),
    ]
    actors = await rows(
        rules.id,
        "SELECT actor_id FROM audit_log WHERE coop_id = {} AND action = 'shares.document_downloaded' "
        "AND target = {} ORDER BY id",
        rules.id,
        f"member:{member}",
    )
    assert [a["actor_id"] for a in actors] == [rules.users[r] for r in ("admin", "coach", "board")]
    # A member's own downloads are not logged; a certificate without shares is not found and not logged either.
    own = await rules.browsers["member"].get(url(rules, f"/members/{rules.own_member}/statement.pdf"))
    assert own.status_code == 200
    empty = await make_member(rules.id, "Osuudeton Olli")
    assert (await rules.browsers["admin"].get(url(rules, f"/members/{empty}/certificate.pdf"))).status_code == 404
    assert len(await audit_rows(rules.id, "shares.document_downloaded")) == before + 3


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_new_pages_render_in_every_language(rules: SharesCoop, app: Any, language: str) -> None:
    left = await left_member(rules, f"Kieli Lähtijä {language}", dt.date(2025, 3, 15), 1, 5000, 5000)
    planned = await make_member(rules.id, f"Kieli Plaani {language}")
    await subscribe(rules.id, planned, 1, 5000)
    plan = await add_plan(rules.id, planned, 5000, 1000)
    supporter = await make_member(rules.id, f"Kieli Tukija {language}", member_class="supporting")
    browser = Browser(app)
    try:
        await browser.signin(rules.emails["admin"])
        browser.http.cookies.set("lang", language, domain="testserver.local", path="/")
        for path in (
            "",
            f"/members/{left}",
            f"/members/{left}/refund",
            f"/members/{planned}/plan/{plan}/cancel",
            f"/members/{planned}/transfer",
            f"/members/{supporter}",
            f"/members/{supporter}/fee",
            "/policy",
        ):
            response = await browser.get(url(rules, path))
            assert response.status_code == 200, path
            assert f'<html lang="{language}">' in response.text
        assert (await browser.get(url(rules, f"/members/{left}/statement.pdf"))).status_code == 200
        assert (await browser.get(url(rules, "/register.csv"))).status_code == 200
    finally:
        await browser.close()
