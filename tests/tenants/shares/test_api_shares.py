"""The share register through the JSON API: the share fee, plans, payments, the register, payroll's deductions.

Exact cents and ISO dates; the same roles as the pages; refused input and refused roles change nothing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fixtures import ApiPlace, make_api_place
from tests.tenants.shares.conftest import audit_rows, make_member, snapshot

POLICY = {
    "valid_from": "2026-01-01",
    "share_price_cents": 5000,
    "shares_required": 2,
    "supporting_fee_cents": 2000,
    "decided_by": "Yhdistyksen kokous 1.1.2026",
}
PLAN = {
    "shares": 2,
    "kind": "wage_deduction",
    "starts_on": "2026-01-01",
    "instalment_cents": 2500,
    "protected_net_cents": 90000,
}


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    p = await make_api_place(app)
    yield p
    await p.close()


def base(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}/shares"


def policy_json(place: ApiPlace, policy_id: int) -> dict[str, Any]:
    return {
        "id": policy_id,
        "valid_from": "2026-01-01",
        "share_price_cents": 5000,
        "shares_required": 2,
        "required_cents": 10000,
        "supporting_fee_cents": 2000,
        "year_end_day": 31,
        "year_end_month": 12,
        "refund_months": 6,
        "decided_by": "Yhdistyksen kokous 1.1.2026",
        "recorded_by": f"Admin {place.slug}",
    }


async def test_policy_plan_payment_register_and_deductions(place: ApiPlace) -> None:
    admin, board = place.api["admin"], place.api["board"]
    saved = await admin.post(f"{base(place)}/policy", POLICY)
    assert saved.status_code == 201, saved.text
    policy = policy_json(place, saved.json()["id"])
    assert saved.json() == policy
    assert (await place.api["coach"].get(f"{base(place)}/policy")).json() == {"policy": policy, "history": [policy]}

    aino = await make_member(place.id, "Aino Aalto")
    planned = await board.post(f"{base(place)}/members/{aino}/plans", PLAN)
    assert planned.status_code == 201, planned.text
    statement = planned.json()
    plan_id = statement["plans"][0]["id"]
    assert statement["member"] == {
        "id": aino,
        "name": "Aino Aalto",
        "member_class": "member",
        "status": "active",
        "joined_on": "2025-01-15",
        "left_on": None,
    }
    assert statement["balance"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 0, "unpaid_cents": 10000}
    assert statement["plans"] == [
        {
            "id": plan_id,
            "kind": "wage_deduction",
            "status": "active",
            "starts_on": "2026-01-01",
            "total_cents": 10000,
            "instalment_cents": 2500,
            "protected_net_cents": 90000,
            "paid_cents": 0,
            "balance_cents": 10000,
            "cancel_reason": "",
            "cancelled_on": None,
        }
    ]
    assert statement["changes"] == [
        {
            "on_date": "2026-01-01",
            "shares": 2,
            "value_cents": 10000,
            "reason": "subscribed",
            "recorded_by": f"Board {place.slug}",
            "counterpart": "",
            "decided_by": "",
        }
    ]
    assert statement["policy"] == policy
    assert (statement["refund"], statement["fee_year"], statement["fees"]) == (None, None, [])

    paid = await admin.post(
        f"{base(place)}/members/{aino}/payments",
        {"kind": "payment", "amount_cents": 2500, "paid_on": "2026-01-31", "source": "bank", "reference": "RF18 1"},
    )
    assert paid.status_code == 201, paid.text
    after = paid.json()
    assert after["balance"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 2500, "unpaid_cents": 7500}
    assert after["payments"] == [
        {
            "id": after["payments"][0]["id"],
            "paid_on": "2026-01-31",
            "kind": "payment",
            "amount_cents": 2500,
            "source": "bank",
            "reference": "RF18 1",
            "recorded_by": f"Admin {place.slug}",
        }
    ]
    assert (after["plans"][0]["paid_cents"], after["plans"][0]["balance_cents"]) == (2500, 7500)
    assert (await place.api["coach"].get(f"{base(place)}/members/{aino}")).json() == after
    audited = await audit_rows(place.id, "shares.payment_recorded")
    assert [(r["target"], json.loads(r["detail"])["amount_cents"]) for r in audited] == [(f"member:{aino}", 2500)]

    register = (await place.api["coach"].get(base(place))).json()
    assert register["policy"] == policy
    assert register["rows"] == [
        {
            "member": statement["member"],
            "balance": {"shares": 2, "owed_cents": 10000, "paid_cents": 2500, "unpaid_cents": 7500},
            "plan": after["plans"][0],
        }
    ]
    assert register["totals"] == {"shares": 2, "owed_cents": 10000, "paid_cents": 2500, "unpaid_cents": 7500}

    due = await admin.get(f"{base(place)}/deductions", params={"on": "2026-02-28"})
    assert due.json() == {
        "on": "2026-02-28",
        "deductions": [
            {
                "member_id": aino,
                "plan_id": plan_id,
                "amount_cents": 2500,
                "balance_cents": 7500,
                "protected_net_cents": 90000,
            }
        ],
    }
    capped = await admin.get(f"{base(place)}/deductions", params={"on": "2026-02-28", "net_pay": f"{aino}:91000"})
    assert [d["amount_cents"] for d in capped.json()["deductions"]] == [1000]
    nobody = await admin.get(f"{base(place)}/deductions", params={"on": "2026-02-28", "net_pay": f"{aino + 1}:200000"})
    assert nobody.json()["deductions"] == []
    early = await admin.get(f"{base(place)}/deductions", params={"on": "2025-12-31"})
    assert early.json() == {"on": "2025-12-31", "deductions": []}


async def test_refused_input_gives_the_field_messages(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    before = await snapshot(place.id)
    policy = await place.api["admin"].post(
        f"{base(place)}/policy",
        {"valid_from": "1.1.2026", "share_price_cents": "50,00", "shares_required": 0, "decided_by": ""},
    )
    assert policy.status_code == 400
    assert policy.json() == {
        "errors": {
            "valid_from": "Write the date as yyyy-mm-dd, for example 2026-03-27",
            "share_price_cents": "Write the amount in cents as a whole number, for example 2550 for 25.50 euros",
            "shares_required": "The number of shares must be at least 1",
            "decided_by": "Write which meeting decided the share fee",
        }
    }
    no_fee = await place.api["admin"].post(f"{base(place)}/members/{aino}/plans", PLAN)
    assert no_fee.status_code == 400
    assert no_fee.json() == {
        "errors": {"starts_on": "There is no share fee for this day yet. Save the share fee first."}
    }
    place.api["admin"].language = "fi"
    future = await place.api["admin"].post(
        f"{base(place)}/members/{aino}/payments",
        {"kind": "gift", "amount_cents": -100, "paid_on": "2099-01-01", "source": "payroll"},
    )
    place.api["admin"].language = "en"
    assert future.status_code == 400
    errors = future.json()["errors"]
    assert sorted(errors) == ["amount_cents", "kind", "paid_on", "source"]
    assert errors["amount_cents"] == "Kirjoita summa ilman miinusmerkkiä"
    bad_day = await place.api["admin"].get(f"{base(place)}/deductions", params={"on": "28.2.2026"})
    assert bad_day.status_code == 400
    assert bad_day.json() == {"errors": {"on": "Write the date as yyyy-mm-dd, for example 2026-03-27"}}
    bad_pay = await place.api["admin"].get(f"{base(place)}/deductions", params={"net_pay": "Aino:100"})
    assert bad_pay.json() == {"errors": {"net_pay": "Write each pay as member id and cents, for example 12:185000"}}
    missing = await place.api["admin"].get(f"{base(place)}/members/{2**40}")
    assert missing.status_code == 404
    assert await snapshot(place.id) == before


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("member", "GET", "", None),
        ("member", "GET", "/policy", None),
        ("member", "GET", "/members/{aino}", None),
        ("member", "GET", "/deductions", None),
        ("coach", "POST", "/policy", POLICY),
        ("coach", "POST", "/members/{aino}/plans", PLAN),
        ("member", "POST", "/members/{aino}/plans", PLAN),
        (
            "coach",
            "POST",
            "/members/{aino}/payments",
            {"kind": "payment", "amount_cents": 100, "paid_on": "2026-01-02", "source": "bank"},
        ),
    ],
)
async def test_roles_that_the_pages_refuse_are_refused(
    place: ApiPlace, role: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    await place.api["admin"].post(f"{base(place)}/policy", POLICY)
    before = await snapshot(place.id)
    target = base(place) + path.format(aino=aino)
    client = place.api[role]
    response = await (client.get(target) if method == "GET" else client.post(target, body))
    assert response.status_code == 403, response.text
    assert response.json()["status"] == 403
    assert "Aino" not in response.text
    assert await snapshot(place.id) == before
