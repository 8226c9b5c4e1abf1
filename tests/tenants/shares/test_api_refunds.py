"""Refunds to members who left, supporting-member fees, cancelling a plan and moving shares through the JSON API.

Exact cents and ISO dates; the same roles as the pages; refused input, refused roles and session cookies change
nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.dates import today
from osuus.tenants.shares.money import refund_due_date
from tests.fixtures import ApiPlace, Browser, make_api_place
from tests.tenants.shares.conftest import (
    add_plan,
    add_policy,
    audit_rows,
    make_member,
    pay,
    pay_fee,
    snapshot,
    subscribe,
)

FORBIDDEN = {"status": 403, "error": "You do not have access to this. Your role in the coop does not allow it."}
NOT_FOUND = {"status": 404, "error": "Not found. Check the address and the id."}
TOKEN_NEEDED = (
    "Changes through the API need an API token. Make one on the page My API tokens and send it in the header "
    "Authorization: Bearer <token>."
)
CENTS_NEEDED = "Write the amount in cents as a whole number, for example 2550 for 25.50 euros"
NOTHING_OWED = "Nothing is owed to this member now. Share money is paid back after the member has left."
TODAY = today()
YEAR = TODAY.year


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    """A fresh coop with two share fees: from 1.1.2024 the Act's refund rule (31.12., 6 months) and a supporting
    fee of 20,00 €; from 1.1. this year a financial year ending 30.6., refunds 3 months later, a fee of 30,00 €."""
    p = await make_api_place(app)
    await add_policy(p.id, dt.date(2024, 1, 1), 5000, 2, 2000, by="Perustava kokous")
    await add_policy(p.id, dt.date(YEAR, 1, 1), 5000, 2, 3000, by="Hallitus", year_end=(30, 6), refund_months=3)
    yield p
    await p.close()


def base(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}/shares"


async def policies(place: ApiPlace) -> dict[str, dict[str, Any]]:
    """The two share fees as the API writes them, by the year they start."""
    history = (await place.api["admin"].get(f"{base(place)}/policy")).json()["history"]
    return {p["valid_from"][:4]: p for p in history}


def info(member_id: int, name: str, left_on: dt.date | None = None, **changes: Any) -> dict[str, Any]:
    out = {
        "id": member_id,
        "name": name,
        "member_class": "member",
        "status": "left" if left_on else "active",
        "joined_on": "2025-01-15",
        "left_on": left_on.isoformat() if left_on else None,
    }
    out.update(changes)
    return out


async def left_member(place: ApiPlace, name: str, left_on: dt.date, shares: int, value: int, paid: int) -> int:
    member = await make_member(place.id, name, left_on=left_on)
    await subscribe(place.id, member, shares, value, on=dt.date(2024, 2, 1))
    if paid:
        await pay(place.id, member, paid, on=dt.date(2024, 2, 2))
    return member


def details(rows: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(r["target"], json.loads(r["detail"])) for r in rows]


# --- refunds ------------------------------------------------------------------------------------------------------


async def test_refund_schedule(place: ApiPlace) -> None:
    rules = await policies(place)
    liisa = await left_member(place, "Liisa Lähtenyt", dt.date(2025, 3, 15), 2, 10000, 10000)
    tuomas = await left_member(place, "Tuomas Tuore", TODAY, 1, 5000, 5000)
    matti = await left_member(place, "Matti Maksettu", dt.date(2025, 3, 15), 1, 5000, 5000)
    await pay(place.id, matti, 5000, kind="refund", on=dt.date(2026, 9, 1))
    await left_member(place, "Eino Eimaksanut", dt.date(2025, 5, 1), 1, 5000, 0)  # paid nothing: owed nothing
    sirpa = await left_member(place, "Sirpa Siirtänyt", dt.date(2025, 5, 1), 1, 5000, 5000)
    await pay(place.id, sirpa, 5000, kind="refund", source="transfer")  # moved on with the shares, not paid back
    await make_member(place.id, "Aino Aktiivi")

    response = await place.api["coach"].get(f"{base(place)}/refunds")
    assert response.status_code == 200, response.text
    tuomas_due = refund_due_date(TODAY, 30, 6, 3)  # the rule in force when Tuomas left: this year's
    assert response.json() == {
        "on": TODAY.isoformat(),
        "refunds": [
            {  # the rule of 2024 applies to Liisa, who left in 2025: 31.12.2025 + 6 months
                "member": info(liisa, "Liisa Lähtenyt", dt.date(2025, 3, 15)),
                "left_on": "2025-03-15",
                "owed_cents": 10000,
                "refunded_cents": 0,
                "due_on": "2026-06-30",
                "status": "due" if dt.date(2026, 6, 30) <= TODAY else "not_due",
                "last_refund_on": None,
                "rule": rules["2024"],
            },
            {
                "member": info(tuomas, "Tuomas Tuore", TODAY),
                "left_on": TODAY.isoformat(),
                "owed_cents": 5000,
                "refunded_cents": 0,
                "due_on": tuomas_due.isoformat(),
                "status": "not_due",
                "last_refund_on": None,
                "rule": rules[str(YEAR)],
            },
            {
                "member": info(matti, "Matti Maksettu", dt.date(2025, 3, 15)),
                "left_on": "2025-03-15",
                "owed_cents": 0,
                "refunded_cents": 5000,
                "due_on": "2026-06-30",
                "status": "paid",
                "last_refund_on": "2026-09-01",
                "rule": rules["2024"],
            },
        ],
        "owed_cents": 15000,
    }
    # The register and the statement say the same; one who left owes nothing more (the pages say 0,00 €).
    register = (await place.api["board"].get(base(place))).json()
    eino = next(r for r in register["rows"] if r["member"]["name"] == "Eino Eimaksanut")
    assert eino["balance"] == {"shares": 1, "owed_cents": 5000, "paid_cents": 0, "unpaid_cents": 0}
    assert register["totals"]["unpaid_cents"] == 0
    statement = (await place.api["coach"].get(f"{base(place)}/members/{liisa}")).json()
    assert statement["refund"] == response.json()["refunds"][0]
    assert statement["balance"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 10000, "unpaid_cents": 0}


async def test_refund_payments_until_everything_is_paid_back(place: ApiPlace) -> None:
    liisa = await left_member(place, "Liisa Lähtenyt", dt.date(2025, 3, 15), 2, 10000, 10000)
    url = f"{base(place)}/members/{liisa}/refunds"
    first = await place.api["board"].post(
        url, {"amount_cents": 4000, "paid_on": "2026-07-01", "source": "bank", "note": "Osa 1"}
    )
    assert first.status_code == 201, first.text
    after = first.json()
    assert after["balance"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 6000, "unpaid_cents": 0}
    assert {k: after["refund"][k] for k in ("owed_cents", "refunded_cents", "status", "last_refund_on")} == {
        "owed_cents": 6000,
        "refunded_cents": 4000,
        "status": "due" if dt.date(2026, 6, 30) <= TODAY else "not_due",
        "last_refund_on": "2026-07-01",
    }
    assert after["payments"][0] == {
        "id": after["payments"][0]["id"],
        "paid_on": "2026-07-01",
        "kind": "refund",
        "amount_cents": 4000,
        "source": "bank",
        "reference": "Osa 1",
        "recorded_by": f"Board {place.slug}",
    }
    assert [c["reason"] for c in after["changes"]] == ["subscribed"]

    last = await place.api["admin"].post(url, {"amount_cents": 6000, "paid_on": "2026-08-01", "source": "manual"})
    assert last.status_code == 201, last.text
    done = last.json()
    assert done["balance"] == {"shares": 0, "owed_cents": 0, "paid_cents": 0, "unpaid_cents": 0}
    assert {k: done["refund"][k] for k in ("owed_cents", "refunded_cents", "status", "last_refund_on")} == {
        "owed_cents": 0,
        "refunded_cents": 10000,
        "status": "paid",
        "last_refund_on": "2026-08-01",
    }
    assert done["changes"][0] == {
        "on_date": "2026-08-01",
        "shares": -2,
        "value_cents": -10000,
        "reason": "refunded",
        "recorded_by": f"Admin {place.slug}",
        "counterpart": "",
        "decided_by": "",
    }
    assert details(await audit_rows(place.id, "shares.refund_paid")) == [
        (
            f"member:{liisa}",
            {
                "payment_id": after["payments"][0]["id"],
                "amount_cents": 4000,
                "owed_before_cents": 10000,
                "due_on": "2026-06-30",
                "paid_on": "2026-07-01",
                "source": "bank",
                "shares_returned": 0,
            },
        ),
        (
            f"member:{liisa}",
            {
                "payment_id": done["payments"][0]["id"],
                "amount_cents": 6000,
                "owed_before_cents": 6000,
                "due_on": "2026-06-30",
                "paid_on": "2026-08-01",
                "source": "manual",
                "shares_returned": 2,
            },
        ),
    ]
    before = await snapshot(place.id)
    again = await place.api["admin"].post(url, {"amount_cents": 1, "paid_on": "2026-08-02", "source": "bank"})
    assert again.status_code == 409
    assert again.json() == {"status": 409, "error": NOTHING_OWED}
    assert await snapshot(place.id) == before


async def test_refunds_refused(place: ApiPlace) -> None:
    liisa = await left_member(place, "Liisa Lähtenyt", dt.date(2025, 3, 15), 2, 10000, 10000)
    aino = await make_member(place.id, "Aino Aktiivi")
    await subscribe(place.id, aino, 1, 5000)
    await pay(place.id, aino, 5000)
    planned = await left_member(place, "Pekka Plan", dt.date(2025, 3, 15), 2, 10000, 5000)
    await add_plan(place.id, planned, 5000, 1000, kind="instalments")
    url = f"{base(place)}/members/{liisa}/refunds"
    ok = {"amount_cents": 100, "paid_on": "2026-07-01", "source": "bank"}
    before = await snapshot(place.id)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        (
            {"amount_cents": 10001},
            {"amount_cents": "The refund can be at most what the cooperative still owes the member"},
        ),
        ({"amount_cents": "40,00"}, {"amount_cents": CENTS_NEEDED}),
        ({"amount_cents": -5}, {"amount_cents": "Write the amount without a minus sign"}),
        ({"amount_cents": None}, {"amount_cents": "Enter the amount in euros"}),
        ({"paid_on": "2025-03-14"}, {"paid_on": "The payment day must be on or after the day the member left"}),
        (
            {"paid_on": (TODAY + dt.timedelta(days=1)).isoformat()},
            {"paid_on": "The payment day must be today or in the past"},
        ),
        ({"paid_on": "1.7.2026"}, {"paid_on": "Write the date as yyyy-mm-dd, for example 2026-03-27"}),
        ({"source": "payroll"}, {"source": "Choose how the money was paid"}),
        ({"note": "x" * 201}, {"note": "Write 200 characters or fewer"}),
    ]
    for change, errors in cases:
        response = await place.api["admin"].post(url, {**ok, **change})
        assert response.status_code == 400, (change, response.text)
        assert response.json() == {"errors": errors}, change
    active = await place.api["admin"].post(f"{base(place)}/members/{aino}/refunds", ok)
    assert active.status_code == 409 and active.json() == {"status": 409, "error": NOTHING_OWED}
    plan_first = await place.api["admin"].post(f"{base(place)}/members/{planned}/refunds", ok)
    assert plan_first.status_code == 409
    assert plan_first.json()["error"] == (
        "The member still has a payment plan in progress. Cancel the plan first, then save the refund."
    )
    missing = await place.api["admin"].post(f"{base(place)}/members/{2**40}/refunds", ok)
    assert missing.status_code == 404 and missing.json() == NOT_FOUND
    place.api["admin"].language = "fi"
    finnish = await place.api["admin"].post(url, {**ok, "amount_cents": -5})
    place.api["admin"].language = "en"
    assert finnish.json() == {"errors": {"amount_cents": "Kirjoita summa ilman miinusmerkkiä"}}
    assert await snapshot(place.id) == before


# --- the supporting-member fee -----------------------------------------------------------------------------------


async def test_supporting_member_fees(place: ApiPlace) -> None:
    tuki = await make_member(place.id, "Tuki Ry", member_class="supporting")
    await pay_fee(place.id, tuki, YEAR - 1, 2000, on=dt.date(YEAR - 1, 3, 1))
    url = f"{base(place)}/members/{tuki}/fees"
    before = await place.api["board"].get(url)
    assert before.status_code == 200, before.text
    last_year = {"year": YEAR - 1, "amount_cents": 2000, "paid_on": f"{YEAR - 1}-03-01", "note": "", "recorded_by": ""}
    assert before.json() == {
        "member": info(tuki, "Tuki Ry", member_class="supporting"),
        "this_year": {"year": YEAR, "fee_cents": 3000, "paid_cents": 0, "left_cents": 3000, "status": "unpaid"},
        "payments": [last_year],
    }
    paid = await place.api["admin"].post(
        url, {"year": YEAR, "amount_cents": 1000, "paid_on": f"{YEAR}-02-01", "note": "Lasku 1"}
    )
    assert paid.status_code == 201, paid.text
    assert paid.json() == {
        "member": info(tuki, "Tuki Ry", member_class="supporting"),
        "this_year": {"year": YEAR, "fee_cents": 3000, "paid_cents": 1000, "left_cents": 2000, "status": "part"},
        "payments": [
            {
                "year": YEAR,
                "amount_cents": 1000,
                "paid_on": f"{YEAR}-02-01",
                "note": "Lasku 1",
                "recorded_by": f"Admin {place.slug}",
            },
            last_year,
        ],
    }
    rest = await place.api["board"].post(url, {"year": str(YEAR), "amount_cents": 2000, "paid_on": f"{YEAR}-02-02"})
    assert rest.json()["this_year"] == {
        "year": YEAR,
        "fee_cents": 3000,
        "paid_cents": 3000,
        "left_cents": 0,
        "status": "paid",
    }
    statement = (await place.api["coach"].get(f"{base(place)}/members/{tuki}")).json()
    assert statement["fee_year"] == rest.json()["this_year"]
    assert statement["fees"] == rest.json()["payments"]
    audited = details(await audit_rows(place.id, "shares.supporting_fee_paid"))
    assert [(t, d["year"], d["amount_cents"], d["paid_on"]) for t, d in audited] == [
        (f"member:{tuki}", YEAR, 1000, f"{YEAR}-02-01"),
        (f"member:{tuki}", YEAR, 2000, f"{YEAR}-02-02"),
    ]


async def test_supporting_member_fees_refused(place: ApiPlace) -> None:
    tuki = await make_member(place.id, "Tuki Ry", member_class="supporting")
    aino = await make_member(place.id, "Aino Aktiivi")
    url = f"{base(place)}/members/{tuki}/fees"
    ok = {"year": YEAR, "amount_cents": 1000, "paid_on": f"{YEAR}-02-01"}
    before = await snapshot(place.id)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"amount_cents": 3001}, {"amount_cents": "The payment can be at most what is left of the fee for this year"}),
        (
            {"year": 2023},
            {"year": "There is no supporting member fee for this year. Save the fee on the share fee page first."},
        ),
        ({"year": 26}, {"year": "Check the year. Write the year with four digits, for example 2026"}),
        ({"year": None}, {"year": "Enter the year, for example 2026"}),
        ({"amount_cents": 10.5}, {"amount_cents": CENTS_NEEDED}),
        (
            {"paid_on": (TODAY + dt.timedelta(days=1)).isoformat()},
            {"paid_on": "The payment day must be today or in the past"},
        ),
    ]
    for change, errors in cases:
        response = await place.api["admin"].post(url, {**ok, **change})
        assert response.status_code == 400, (change, response.text)
        assert response.json() == {"errors": errors}, change
    for method in ("GET", "POST"):  # only a supporting member has a fee
        target = f"{base(place)}/members/{aino}/fees"
        response = await (place.api["admin"].get(target) if method == "GET" else place.api["admin"].post(target, ok))
        assert response.status_code == 404 and response.json() == NOT_FOUND
    assert await snapshot(place.id) == before


# --- cancelling a plan -------------------------------------------------------------------------------------------


async def test_cancel_a_plan_needs_confirm_and_a_reason(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    other = await make_member(place.id, "Olli Muu")
    await subscribe(place.id, aino, 2, 10000)
    plan = await add_plan(place.id, aino, 10000, 2500, 90000)
    other_plan = await add_plan(place.id, other, 5000, 1000)
    admin = place.api["admin"]
    url = f"{base(place)}/members/{aino}/plans/{plan}/cancel"
    before = await snapshot(place.id)
    unconfirmed = await admin.post(url, {"reason": "Jäsen erosi"})
    assert unconfirmed.status_code == 409
    assert unconfirmed.json() == {
        "status": 409,
        "error": 'This decision cannot be undone. Send "confirm": true to make it.',
    }
    for body, errors in [
        ({"confirm": True}, {"reason": "Write why the plan is cancelled"}),
        ({"confirm": True, "reason": "x" * 501}, {"reason": "Write 500 characters or fewer"}),
    ]:
        bad = await admin.post(url, body)
        assert bad.status_code == 400
        assert bad.json() == {"errors": errors}
    elsewhere = await admin.post(
        f"{base(place)}/members/{aino}/plans/{other_plan}/cancel", {"reason": "x", "confirm": True}
    )
    assert elsewhere.status_code == 404 and elsewhere.json() == NOT_FOUND  # another member's plan
    assert await snapshot(place.id) == before

    cancelled = await place.api["board"].post(url, {"reason": "Jäsen erosi", "confirm": True})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["plans"] == [
        {
            "id": plan,
            "kind": "wage_deduction",
            "status": "cancelled",
            "starts_on": "2026-01-01",
            "total_cents": 10000,
            "instalment_cents": 2500,
            "protected_net_cents": 90000,
            "paid_cents": 0,
            "balance_cents": 10000,
            "cancel_reason": "Jäsen erosi",
            "cancelled_on": TODAY.isoformat(),
        }
    ]
    assert cancelled.json()["balance"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 0, "unpaid_cents": 10000}
    assert details(await audit_rows(place.id, "shares.plan_cancelled")) == [
        (
            f"member:{aino}",
            {"plan_id": plan, "reason": "Jäsen erosi", "total_cents": 10000, "paid_cents": 0, "balance_cents": 10000},
        )
    ]
    after = await snapshot(place.id)
    again = await admin.post(url, {"reason": "Uudestaan", "confirm": True})
    assert again.status_code == 409
    assert again.json() == {
        "status": 409,
        "error": "This payment plan is not in progress any more. Nothing was changed.",
    }
    assert await snapshot(place.id) == after


# --- moving shares ---------------------------------------------------------------------------------------------


async def test_transfer_paid_shares(place: ApiPlace) -> None:
    giver = await make_member(place.id, "Anna Antaja")
    receiver = await make_member(place.id, "Saara Saaja", member_class="trial")
    await subscribe(place.id, giver, 3, 15000)
    await pay(place.id, giver, 15000)
    moved = await place.api["board"].post(
        f"{base(place)}/members/{giver}/transfers",
        {"receiver_id": receiver, "shares": 2, "on_date": "2026-11-01", "decided_by": "Hallitus 1.11.2026"},
    )
    assert moved.status_code == 201, moved.text
    giving = moved.json()
    assert giving["balance"] == {"shares": 1, "owed_cents": 5000, "paid_cents": 5000, "unpaid_cents": 0}
    assert giving["changes"][0] == {
        "on_date": "2026-11-01",
        "shares": -2,
        "value_cents": -10000,
        "reason": "transferred",
        "recorded_by": f"Board {place.slug}",
        "counterpart": "Saara Saaja",
        "decided_by": "Hallitus 1.11.2026",
    }
    assert {k: v for k, v in giving["payments"][0].items() if k != "id"} == {
        "paid_on": "2026-11-01",
        "kind": "refund",
        "amount_cents": 10000,
        "source": "transfer",
        "reference": "Saara Saaja",
        "recorded_by": f"Board {place.slug}",
    }
    assert giving["refund"] is None
    getting = (await place.api["coach"].get(f"{base(place)}/members/{receiver}")).json()
    assert getting["balance"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 10000, "unpaid_cents": 0}
    assert getting["changes"] == [
        {**giving["changes"][0], "shares": 2, "value_cents": 10000, "counterpart": "Anna Antaja"}
    ]
    audited = details(await audit_rows(place.id, "shares.transferred"))
    assert audited == [
        (
            f"member:{giver}",
            {
                "receiver": f"member:{receiver}",
                "shares": 2,
                "value_cents": 10000,
                "on_date": "2026-11-01",
                "decided_by": "Hallitus 1.11.2026",
            },
        )
    ]


async def test_transfer_refused(place: ApiPlace) -> None:
    giver = await make_member(place.id, "Anna Antaja")
    unpaid = await make_member(place.id, "Uolevi Maksamatta")
    receiver = await make_member(place.id, "Saara Saaja")
    applicant = await make_member(place.id, "Hilkka Hakija", status="applied", member_class="applicant")
    await subscribe(place.id, giver, 1, 5000)
    await pay(place.id, giver, 5000)
    await subscribe(place.id, unpaid, 1, 5000)
    url = f"{base(place)}/members/{giver}/transfers"
    ok = {"receiver_id": receiver, "shares": 1, "on_date": "2026-11-01", "decided_by": "Hallitus"}
    before = await snapshot(place.id)
    choose = {"receiver_id": "Choose the member who gets the shares"}
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"receiver_id": giver}, choose),
        ({"receiver_id": applicant}, choose),
        ({"receiver_id": 2**40}, choose),
        ({"receiver_id": "Saara"}, choose),
        ({"shares": 2}, {"shares": "The member does not have that many shares"}),
        ({"shares": 0}, {"shares": "The number of shares must be at least 1"}),
        ({"on_date": (TODAY + dt.timedelta(days=1)).isoformat()}, {"on_date": "The day must be today or in the past"}),
        ({"decided_by": ""}, {"decided_by": "Write which board meeting approved the transfer"}),
    ]
    for change, errors in cases:
        response = await place.api["admin"].post(url, {**ok, **change})
        assert response.status_code == 400, (change, response.text)
        assert response.json() == {"errors": errors}, change
    not_paid = await place.api["admin"].post(f"{base(place)}/members/{unpaid}/transfers", ok)
    assert not_paid.json() == {
        "errors": {"shares": "Only paid shares can be moved. The member must pay for the shares first."}
    }
    missing = await place.api["admin"].post(f"{base(place)}/members/{2**40}/transfers", ok)
    assert missing.status_code == 404 and missing.json() == NOT_FOUND
    assert await snapshot(place.id) == before


# --- roles, sessions, the schema --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("member", "GET", "/refunds", None),
        ("coach", "GET", "/members/{tuki}/fees", None),
        ("member", "GET", "/members/{tuki}/fees", None),
        ("coach", "POST", "/members/{liisa}/refunds", {"amount_cents": 100, "paid_on": "2026-07-01", "source": "bank"}),
        (
            "member",
            "POST",
            "/members/{liisa}/refunds",
            {"amount_cents": 100, "paid_on": "2026-07-01", "source": "bank"},
        ),
        ("coach", "POST", "/members/{tuki}/fees", {"year": YEAR, "amount_cents": 100, "paid_on": f"{YEAR}-02-01"}),
        ("member", "POST", "/members/{tuki}/fees", {"year": YEAR, "amount_cents": 100, "paid_on": f"{YEAR}-02-01"}),
        ("coach", "POST", "/members/{aino}/plans/{plan}/cancel", {"reason": "x", "confirm": True}),
        ("member", "POST", "/members/{aino}/plans/{plan}/cancel", {"reason": "x", "confirm": True}),
        ("coach", "POST", "/members/{aino}/transfers", {"shares": 1, "on_date": "2026-11-01", "decided_by": "x"}),
        ("member", "POST", "/members/{aino}/transfers", {"shares": 1, "on_date": "2026-11-01", "decided_by": "x"}),
    ],
)
async def test_roles_that_the_pages_refuse_are_refused(
    place: ApiPlace, role: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    liisa = await left_member(place, "Liisa Lähtenyt", dt.date(2025, 3, 15), 1, 5000, 5000)
    tuki = await make_member(place.id, "Tuki Ry", member_class="supporting")
    aino = await make_member(place.id, "Aino Aalto")
    receiver = await make_member(place.id, "Saara Saaja")
    await subscribe(place.id, aino, 1, 5000)
    await pay(place.id, aino, 5000)
    plan = await add_plan(place.id, aino, 5000, 1000)
    before = await snapshot(place.id)
    target = base(place) + path.format(liisa=liisa, tuki=tuki, aino=aino, plan=plan)
    data = {**(body or {}), "receiver_id": receiver} if "transfers" in path else body
    client = place.api[role]
    response = await (client.get(target) if method == "GET" else client.post(target, data))
    assert response.status_code == 403, response.text
    assert response.json() == FORBIDDEN
    for name in ("Liisa", "Tuki", "Aino"):
        assert name not in response.text
    assert await snapshot(place.id) == before


async def test_session_cookie_reads_but_cannot_write(browser: Browser, place: ApiPlace) -> None:
    liisa = await left_member(place, "Liisa Lähtenyt", dt.date(2025, 3, 15), 1, 5000, 5000)
    tuki = await make_member(place.id, "Tuki Ry", member_class="supporting")
    aino = await make_member(place.id, "Aino Aalto")
    await subscribe(place.id, aino, 1, 5000)
    await pay(place.id, aino, 5000)
    plan = await add_plan(place.id, aino, 5000, 1000)
    await browser.signin(f"admin.{place.slug}@example.fi")
    browser.http.cookies.set("lang", "en", domain="testserver.local", path="/")
    read = await browser.get(f"{base(place)}/refunds")
    assert read.status_code == 200 and [r["member"]["id"] for r in read.json()["refunds"]] == [liisa]
    before = await snapshot(place.id)
    for path, body in [
        (f"/members/{liisa}/refunds", {"amount_cents": 100, "paid_on": "2026-07-01", "source": "bank"}),
        (f"/members/{tuki}/fees", {"year": YEAR, "amount_cents": 100, "paid_on": f"{YEAR}-02-01"}),
        (f"/members/{aino}/plans/{plan}/cancel", {"reason": "x", "confirm": True}),
        (f"/members/{aino}/transfers", {"receiver_id": tuki, "shares": 1, "on_date": "2026-11-01", "decided_by": "x"}),
    ]:
        as_json = await browser.http.post(base(place) + path, json=body)
        as_form = await browser.post(base(place) + path, body)
        for response in (as_json, as_form):
            assert response.status_code == 401, (path, response.text)
            assert response.json() == {"status": 401, "error": TOKEN_NEEDED}
    assert await snapshot(place.id) == before


async def test_openapi_schema_lists_the_new_endpoints(browser: Browser) -> None:
    schema = (await browser.get("/schema/openapi.json")).json()
    shares = "/api/v1/coops/{slug}/shares"
    expected = {
        (f"{shares}/refunds", "get"): ("200", "RefundsOut"),
        (f"{shares}/members/{{member_id}}/refunds", "post"): ("201", "StatementOut"),
        (f"{shares}/members/{{member_id}}/fees", "get"): ("200", "FeesOut"),
        (f"{shares}/members/{{member_id}}/fees", "post"): ("201", "FeesOut"),
        (f"{shares}/members/{{member_id}}/plans/{{plan_id}}/cancel", "post"): ("200", "StatementOut"),
        (f"{shares}/members/{{member_id}}/transfers", "post"): ("201", "StatementOut"),
    }
    for (path, method), (status, out) in expected.items():
        assert path in schema["paths"], path
        operation = schema["paths"][path][method]
        ok = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        assert ok.endswith(out), (path, method, ok)
        assert {"401", "403", "404"} <= set(operation["responses"]), (path, method)
        if method == "post":
            assert operation["security"] == [{"BearerToken": []}], (path, method)
            assert "400" in operation["responses"], (path, method)
    for path in (f"{shares}/members/{{member_id}}/refunds", f"{shares}/members/{{member_id}}/plans/{{plan_id}}/cancel"):
        assert "409" in schema["paths"][path]["post"]["responses"], path


@pytest.mark.parametrize("value", ["9" * 30, "²", "-1", "1.5", 10**30, -1, 1.5])
async def test_odd_numbers_are_refused_never_500(place: ApiPlace, value: Any) -> None:
    giver = await make_member(place.id, "Anna Antaja")
    await subscribe(place.id, giver, 1, 5000)
    await pay(place.id, giver, 5000)
    before = await snapshot(place.id)
    admin = place.api["admin"]
    moved = await admin.post(
        f"{base(place)}/members/{giver}/transfers",
        {"receiver_id": value, "shares": 1, "on_date": "2026-11-01", "decided_by": "Hallitus"},
    )
    assert moved.status_code == 400
    assert moved.json() == {"errors": {"receiver_id": "Choose the member who gets the shares"}}
    fee = await admin.post(
        f"{base(place)}/members/{giver}/fees", {"year": value, "amount_cents": value, "paid_on": "2026-11-01"}
    )
    assert fee.status_code == 404  # not a supporting member: found out first
    huge = "9" * 30
    for path in (f"/members/{huge}/fees", f"/members/{giver}/plans/{huge}/cancel", f"/members/{huge}/refunds"):
        response = await (
            admin.get(base(place) + path) if path.endswith("fees") else admin.post(base(place) + path, {})
        )
        assert response.status_code == 404, (path, response.text)
    assert await snapshot(place.id) == before
