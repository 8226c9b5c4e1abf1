"""Ending an employment contract: the form, the check page, the ending (who, when, why) on the contract page, in
its PDF and in the API; refusals (before the start, before approved hours, after a fixed term's end, twice, no
reason, no confirmation) write nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from osuus.platform.tenancy import coop_unit
from osuus.tenants.employment import service
from tests.fixtures import ApiClient, api_client
from tests.tenants.employment.conftest import (
    EmpCoop,
    add_contract,
    audit_rows,
    in_pdf,
    make_member,
    snapshot,
    text,
)
from tests.tenants.work.conftest import make_assignment, make_hours, make_order


def plain(html: str) -> str:
    """The page's words: tags out, every run of white space one space."""
    return text(re.sub(r"<[^>]+>", " ", html))


TABLES = ("employment_contract", "contract_terms", "contract_ending", "audit_log")


async def state(coop_id: int) -> dict[str, Any]:
    return await snapshot(coop_id, TABLES)


async def worked(coop_id: int, member_id: int, day: dt.date, status: str = "approved") -> None:
    """Real hours in the work context: an order, the worker's accepted assignment and 3 hours on the day."""
    order = await make_order(coop_id, status="in_progress", day=day)
    assignment = await make_assignment(coop_id, order, member_id, planned_day=day)
    await make_hours(coop_id, assignment, day, 180, status=status)


async def test_admin_ends_a_contract_through_the_check_page(emp: EmpCoop, readable_pdfs: None) -> None:
    member = await make_member(emp.id, "Elina Päättyvä")
    contract = await add_contract(emp.id, member, dt.date(2026, 1, 1), 1400, weekly_minutes=0)
    await worked(emp.id, member, dt.date(2026, 3, 10))
    await worked(emp.id, member, dt.date(2026, 3, 20), status="waiting")  # not approved: no limit
    base = emp.w(f"/contracts/{contract}", member)
    admin = emp.browsers["admin"]

    form = await admin.get(f"{base}/end")
    assert form.status_code == 200
    page = plain(form.text)
    assert "End the contract of Elina Päättyvä" in page
    assert "Last day with approved hours Tuesday 10 March 2026" in page

    before = await state(emp.id)
    data = {"last_day": "15.3.2026", "reason": "resigned", "reason_text": "ei käytetä"}
    check = await admin.post(f"{base}/end", data)
    assert check.status_code == 200
    page = plain(check.text)
    assert "Are you sure you want to end the contract of Elina Päättyvä?" in page
    assert "Last day of work 15.3.2026" in page and "Why the contract ends The worker resigned" in page
    assert await state(emp.id) == before  # the check page writes nothing

    done = await admin.post(f"{base}/end", {**data, "confirmed": "yes"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{base}?done=ended"
    endings = (await state(emp.id))["contract_ending"]
    assert [(r["contract_id"], r["last_day"], r["reason"], r["reason_text"], r["ended_by"]) for r in endings] == [
        (contract, dt.date(2026, 3, 15), "resigned", "", emp.users["admin"])
    ]
    audits = await audit_rows(emp.id, "employment.contract_ended")
    assert audits[-1]["actor_id"] == emp.users["admin"]
    assert (audits[-1]["detail"]["contract_id"], audits[-1]["detail"]["last_day"]) == (contract, "2026-03-15")
    assert audits[-1]["detail"]["reason"] == "resigned"

    shown = plain((await admin.get(f"{base}?done=ended")).text)
    assert "The contract is ended." in shown
    assert "Status Ended" in shown
    assert "Last day Sunday 15 March 2026" in shown
    assert "Why The worker resigned" in shown
    assert f"Saved by Admin {emp.slug} on" in shown
    raw = (await admin.get(base)).text
    assert f'href="{base}/end"' not in raw and f'href="{base}/amend"' not in raw
    pdf = await admin.get(f"{base}/contract.pdf")
    assert pdf.status_code == 200
    assert in_pdf(pdf.content, "The contract was ended")
    assert in_pdf(pdf.content, "Sunday 15 March 2026")
    assert in_pdf(pdf.content, "The worker resigned")
    listing = plain((await admin.get(emp.w("/contracts", member))).text)
    assert "Ended" in listing
    # The wage stops after the last day: hours after it have no contract.
    async with coop_unit(emp.id):
        assert await service.wage_on_in_unit(emp.id, member, dt.date(2026, 3, 15)) == 1400
        assert await service.wage_on_in_unit(emp.id, member, dt.date(2026, 3, 16)) is None


async def test_refusals_write_nothing_and_say_why(emp: EmpCoop) -> None:
    member = await make_member(emp.id, "Reijo Torjuttu")
    fixed = await add_contract(emp.id, member, dt.date(2026, 2, 1), 1300, ends=dt.date(2026, 8, 31))
    await worked(emp.id, member, dt.date(2026, 5, 4))
    base = emp.w(f"/contracts/{fixed}", member)
    admin = emp.browsers["admin"]
    before = await state(emp.id)
    cases = [
        (
            {"last_day": "31.1.2026", "reason": "agreement"},
            "The last day cannot be before the first day of the contract",
        ),
        (
            {"last_day": "1.9.2026", "reason": "agreement"},
            "The last day cannot be after the end agreed in the contract",
        ),
        (
            {"last_day": "3.5.2026", "reason": "agreement"},
            "The worker has approved hours after this day. The last day cannot be before the last day with approved "
            "hours.",
        ),
        ({"last_day": "", "reason": "agreement"}, "Enter the last day of the contract"),
        ({"last_day": "31.5.2026", "reason": "fired"}, "Choose why the contract ends"),
        ({"last_day": "31.5.2026", "reason": "other", "reason_text": ""}, "Write why the contract ends"),
    ]
    for data, message in cases:
        for confirmed in ("", "yes"):
            response = await admin.post(f"{base}/end", {**data, "confirmed": confirmed})
            assert response.status_code == 400, (data, confirmed)
            page = text(response.text)
            assert message in page, (message, page[:3000])
            assert f'value="{data["last_day"]}"' in page  # the form comes back filled in
    assert await state(emp.id) == before

    # The board may end it (a manager); a coach and the worker may not.
    for who in ("coach", "member"):
        denied = await emp.browsers[who].post(
            f"{base}/end", {"last_day": "31.5.2026", "reason": "agreement", "confirmed": "yes"}
        )
        assert denied.status_code in (403, 404)
    assert await state(emp.id) == before
    ok = await emp.browsers["board"].post(
        f"{base}/end", {"last_day": "4.5.2026", "reason": "other", "reason_text": "Hanke loppui", "confirmed": "yes"}
    )
    assert ok.status_code == 303
    after = await state(emp.id)
    assert [(r["last_day"], r["reason"], r["reason_text"]) for r in after["contract_ending"]][-1] == (
        dt.date(2026, 5, 4),
        "other",
        "Hanke loppui",
    )
    twice = await admin.post(f"{base}/end", {"last_day": "4.5.2026", "reason": "agreement", "confirmed": "yes"})
    assert twice.status_code == 400
    assert "This contract has already been ended. Nothing was changed." in text(twice.text)
    assert await state(emp.id) == after


async def test_api_ends_a_contract_with_confirm(app: Any, emp: EmpCoop) -> None:
    member = await make_member(emp.id, "Aino Rajapinta")
    contract = await add_contract(emp.id, member, dt.date(2026, 1, 1), 1500)
    await worked(emp.id, member, dt.date(2026, 4, 1))
    path = f"/api/v1/coops/{emp.slug}/employment/workers/{member}/contracts/{contract}/end"
    client: ApiClient = await api_client(app, emp.users["admin"])
    coach: ApiClient = await api_client(app, emp.users["coach"])
    try:
        before = await state(emp.id)
        unconfirmed = await client.post(path, {"last_day": "2026-04-30", "reason": "agreement"})
        assert unconfirmed.status_code == 409
        assert unconfirmed.json() == {
            "status": 409,
            "error": 'This decision cannot be undone. Send "confirm": true to make it.',
        }
        early = await client.post(path, {"last_day": "2026-03-31", "reason": "agreement", "confirm": True})
        assert early.status_code == 400
        assert early.json() == {
            "errors": {
                "last_day": "The worker has approved hours after this day. The last day cannot be before the last "
                "day with approved hours."
            }
        }
        bad = await client.post(path, {"last_day": "30.4.2026", "reason": "", "confirm": True})
        assert bad.status_code == 400
        assert set(bad.json()["errors"]) == {"last_day", "reason"}
        assert (
            await coach.post(path, {"last_day": "2026-04-30", "reason": "agreement", "confirm": True})
        ).status_code == 403
        assert await state(emp.id) == before

        done = await client.post(path, {"last_day": "2026-04-30", "reason": "agreement", "confirm": True})
        assert done.status_code == 200, done.text
        body = done.json()
        assert (body["id"], body["ends_on"], body["planned_ends_on"], body["status"]) == (
            contract,
            "2026-04-30",
            None,
            "ended",
        )
        assert {k: body["ending"][k] for k in ("last_day", "reason", "reason_text", "ended_by")} == {
            "last_day": "2026-04-30",
            "reason": "agreement",
            "reason_text": "",
            "ended_by": f"Admin {emp.slug}",
        }
        read = await client.get(f"/api/v1/coops/{emp.slug}/employment/workers/{member}/contracts/{contract}")
        assert read.json() == body
    finally:
        await client.close()
        await coach.close()
