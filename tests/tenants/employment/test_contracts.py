"""Employment contracts over HTTP: making, amending, reading, the PDF; refused input keeps the form and writes
nothing; the wage in force on a day comes from the contract valid that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from osuus.platform.tenancy import coop_unit
from osuus.tenants.employment import service
from osuus.tenants.employment.tables import ContractTerms, EmploymentContract
from tests.tenants.employment.conftest import (
    EmpCoop,
    add_contract,
    audit_rows,
    in_pdf,
    make_member,
    snapshot,
    text,
)

D = dt.date
VALID = {
    "kind": "indefinite",
    "starts_on": "1.2.2026",
    "ends_on": "",
    "job_title": "Kotipalvelu",
    "hours_per_week": "37,5",
    "hourly_wage": "12,35",
    "collective_agreement": "Kiinteistöpalvelualan TES",
    "subsidy_percent": "70",
    "subsidy_from": "1.2.2026",
    "subsidy_until": "31.1.2027",
}


async def contracts_of(coop_id: int, member_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await (
            EmploymentContract.select(
                EmploymentContract.kind,
                EmploymentContract.starts_on,
                EmploymentContract.ends_on,
                EmploymentContract.job_title,
                EmploymentContract.created_by,
            )
            .where((EmploymentContract.coop == coop_id) & (EmploymentContract.member == member_id))
            .order_by(EmploymentContract.id)
            .run()
        )


async def terms_of(coop_id: int, contract_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await (
            ContractTerms.select(
                ContractTerms.valid_from,
                ContractTerms.weekly_minutes,
                ContractTerms.hourly_wage_cents,
                ContractTerms.collective_agreement,
                ContractTerms.subsidy_percent,
                ContractTerms.subsidy_from,
                ContractTerms.subsidy_until,
                ContractTerms.note,
            )
            .where((ContractTerms.coop == coop_id) & (ContractTerms.contract == contract_id))
            .order_by(ContractTerms.id)
            .run()
        )


async def test_admin_makes_a_contract(emp: EmpCoop) -> None:
    member = await make_member(emp.id, "Aino Ahkera")
    response = await emp.browsers["admin"].post(emp.w("/contracts/new", member), VALID)
    assert response.status_code == 303, response.text[:2000]
    contract_id = int(response.headers["location"].split("/contracts/")[1].split("?")[0])
    assert response.headers["location"] == emp.w(f"/contracts/{contract_id}?done=contract", member)
    assert await contracts_of(emp.id, member) == [
        {
            "kind": "indefinite",
            "starts_on": D(2026, 2, 1),
            "ends_on": None,
            "job_title": "Kotipalvelu",
            "created_by": emp.users["admin"],
        }
    ]
    assert await terms_of(emp.id, contract_id) == [
        {
            "valid_from": D(2026, 2, 1),
            "weekly_minutes": 2250,
            "hourly_wage_cents": 1235,
            "collective_agreement": "Kiinteistöpalvelualan TES",
            "subsidy_percent": 70,
            "subsidy_from": D(2026, 2, 1),
            "subsidy_until": D(2027, 1, 31),
            "note": "",
        }
    ]
    rows = [r for r in await audit_rows(emp.id, "employment.contract_created") if r["target"] == f"member:{member}"]
    assert [r["detail"] for r in rows] == [
        {"contract_id": contract_id, "kind": "indefinite", "starts_on": "2026-02-01", "ends_on": None}
    ]
    page = text((await emp.browsers["admin"].get(response.headers["location"])).text)
    assert "The contract is saved." in page
    assert "37,5 hours a week" in page
    assert "12,35 €" in page
    assert "70 % from Sunday 1 February 2026 to Sunday 31 January 2027" in page


async def test_board_makes_a_fixed_term_on_call_contract(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    form = {**VALID, "kind": "fixed_term", "ends_on": "30.6.2026", "hours_per_week": "0", "subsidy_percent": "",
            "subsidy_from": "", "subsidy_until": ""}  # fmt: skip
    response = await emp.browsers["board"].post(emp.w("/contracts/new", member), form)
    assert response.status_code == 303
    [contract] = await contracts_of(emp.id, member)
    assert (contract["kind"], contract["ends_on"]) == ("fixed_term", D(2026, 6, 30))
    page = text((await emp.browsers["board"].get(response.headers["location"])).text)
    assert "On-call work (no fixed hours)" in page and "No wage subsidy" in page


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"kind": ""}, {"kind": "Choose the type of contract"}),
        ({"kind": "fixed_term"}, {"ends_on": "Enter the last day. A fixed-term contract has an end date."}),
        ({"ends_on": "31.12.2026"}, {"ends_on": "A contract until further notice has no end date. Leave it empty or "
                                                "choose fixed-term."}),
        ({"kind": "fixed_term", "ends_on": "31.1.2026"}, {"ends_on": "The last day must be on or after the first day"}),
        ({"starts_on": "31.2.2026"}, {"starts_on": "Check the date. This day is not in the calendar, for example "
                                                   "31.2. is not"}),
        ({"hours_per_week": ""}, {"hours_per_week": "Enter the hours a week. Write 0 for on-call work."}),
        ({"hours_per_week": "paljon"}, {"hours_per_week": "Write the hours as a number, for example 20 or 37,5"}),
        ({"hours_per_week": "169"}, {"hours_per_week": "A week has 168 hours. Check the number."}),
        ({"hourly_wage": "0"}, {"hourly_wage": "The amount must be more than 0 euros"}),
        ({"hourly_wage": "1000,01"}, {"hourly_wage": "Check the hourly wage. It is more than 1 000 euros."}),
        ({"subsidy_percent": "101"}, {"subsidy_percent": "Write the wage subsidy as a whole per cent from 1 to 100, "
                                                         "for example 70"}),
        ({"subsidy_from": ""}, {"subsidy_from": "Enter the first day of the wage subsidy"}),
        ({"subsidy_until": "1.1.2026"}, {"subsidy_until": "The last day of the wage subsidy must be on or after its "
                                                          "first day"}),
        ({"subsidy_percent": ""}, {"subsidy_percent": "Enter the wage subsidy per cent, or leave the wage subsidy "
                                                      "days empty"}),
    ],
)  # fmt: skip
async def test_refused_contract_keeps_the_form_and_writes_nothing(
    emp: EmpCoop, changes: dict[str, str], errors: dict[str, str]
) -> None:
    member = await make_member(emp.id)
    form = {**VALID, "job_title": "Säilyvä työnimike", **changes}
    before = await snapshot(emp.id)
    response = await emp.browsers["admin"].post(emp.w("/contracts/new", member), form)
    assert response.status_code == 400
    for name, message in errors.items():
        assert f'id="{name}-error"' in response.text
        assert message in text(response.text)
    assert 'value="Säilyvä työnimike"' in response.text
    assert "<title>Error:" in response.text
    assert await snapshot(emp.id) == before


async def test_errors_are_listed_in_the_order_of_the_form(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    form = {**VALID, "kind": "fixed_term", "hourly_wage": "", "subsidy_until": "x", "ends_on": ""}
    response = await emp.browsers["admin"].post(emp.w("/contracts/new", member), form)
    assert response.status_code == 400
    summary = response.text.split('class="error-summary"')[1].split("</ul>")[0]
    links = [part.split('"')[0] for part in summary.split('href="#')[1:]]
    assert links == ["ends_on", "hourly_wage", "subsidy_until"]


async def test_overlapping_contract_is_refused(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    await add_contract(emp.id, member, D(2026, 1, 1), 1200, ends=D(2026, 6, 30))
    before = await snapshot(emp.id)
    form = {**VALID, "starts_on": "30.6.2026"}
    response = await emp.browsers["admin"].post(emp.w("/contracts/new", member), form)
    assert response.status_code == 400
    assert "The worker already has a contract on some of these days. Check the days." in text(response.text)
    assert await snapshot(emp.id) == before
    ok = await emp.browsers["admin"].post(emp.w("/contracts/new", member), {**VALID, "starts_on": "1.7.2026"})
    assert ok.status_code == 303


@pytest.mark.parametrize("who", ["coach", "member", "coach2"])
async def test_only_admin_and_board_make_contracts(emp: EmpCoop, who: str) -> None:
    before = await snapshot(emp.id)
    assert (await emp.browsers[who].get(emp.w("/contracts/new"))).status_code == 403
    assert (await emp.browsers[who].post(emp.w("/contracts/new"), VALID)).status_code == 403
    assert await snapshot(emp.id) == before


async def test_amendment_adds_terms_and_keeps_the_old(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    contract_id = await add_contract(emp.id, member, D(2026, 1, 1), 1200)
    form_page = await emp.browsers["admin"].get(emp.w(f"/contracts/{contract_id}/amend", member))
    assert form_page.status_code == 200
    assert 'value="12,00"' in form_page.text and 'value="20"' in form_page.text
    form = {"valid_from": "1.5.2026", "hours_per_week": "25", "hourly_wage": "12,80",
            "collective_agreement": "Kiinteistöpalvelualan TES", "note": "Palkankorotus"}  # fmt: skip
    response = await emp.browsers["board"].post(emp.w(f"/contracts/{contract_id}/amend", member), form)
    assert response.status_code == 303
    assert response.headers["location"] == emp.w(f"/contracts/{contract_id}?done=amended", member)
    terms = await terms_of(emp.id, contract_id)
    assert [(t["valid_from"], t["weekly_minutes"], t["hourly_wage_cents"], t["note"]) for t in terms] == [
        (D(2026, 1, 1), 1200, 1200, ""),
        (D(2026, 5, 1), 1500, 1280, "Palkankorotus"),
    ]
    async with coop_unit(emp.id):
        assert await service.wage_on_in_unit(emp.id, member, D(2025, 12, 31)) is None
        assert await service.wage_on_in_unit(emp.id, member, D(2026, 4, 30)) == 1200
        assert await service.wage_on_in_unit(emp.id, member, D(2026, 5, 1)) == 1280
        assert await service.wage_on_in_unit(emp.id, member, D(2030, 1, 1)) == 1280
    page = text((await emp.browsers["coach"].get(emp.w(f"/contracts/{contract_id}", member))).text)
    assert "In force from" in page and "Palkankorotus" in page


@pytest.mark.parametrize(
    ("changes", "name", "message"),
    [
        ({"valid_from": "31.12.2025"}, "valid_from", "The new terms must start during the contract"),
        ({"valid_from": "1.7.2026"}, "valid_from", "The new terms must start during the contract"),
        ({"valid_from": "1.2.2026"}, "valid_from", "The new terms cannot start before the last change. Check the day."),
        ({"note": ""}, "note", "Write what changes and why"),
        ({"hourly_wage": "abc"}, "hourly_wage", "Write the amount in euros, for example 25,50"),
    ],
)
async def test_refused_amendment_writes_nothing(emp: EmpCoop, changes: dict[str, str], name: str, message: str) -> None:
    member = await make_member(emp.id)
    contract_id = await add_contract(
        emp.id, member, D(2026, 1, 1), 1200, ends=D(2026, 6, 30), amendments=((D(2026, 3, 1), 1250),)
    )
    form = {"valid_from": "1.4.2026", "hours_per_week": "20", "hourly_wage": "13", "note": "Muutos", **changes}
    before = await snapshot(emp.id)
    response = await emp.browsers["admin"].post(emp.w(f"/contracts/{contract_id}/amend", member), form)
    assert response.status_code == 400
    assert f'id="{name}-error"' in response.text and message in text(response.text)
    assert await snapshot(emp.id) == before


async def test_who_reads_contracts(emp: EmpCoop) -> None:
    contract_id = await add_contract(emp.id, emp.worker, D(2025, 1, 1), 1235, ends=D(2025, 12, 31))
    for who in ("admin", "board", "coach", "coach2", "member"):
        assert (await emp.browsers[who].get(emp.w("/contracts"))).status_code == 200, who
        assert (await emp.browsers[who].get(emp.w(f"/contracts/{contract_id}"))).status_code == 200, who
    own = text((await emp.browsers["member"].get(emp.w("/contracts"))).text)
    assert "My employment contracts" in own and "Make a new contract" not in own
    # Another member does not see whose contracts exist.
    assert (await emp.browsers["other"].get(emp.w("/contracts"))).status_code == 404
    assert (await emp.browsers["other"].get(emp.w(f"/contracts/{contract_id}"))).status_code == 404
    assert (await emp.browsers["other"].get(emp.w(f"/contracts/{contract_id}/contract.pdf"))).status_code == 404
    # A contract of another worker through this worker's address is not found.
    other_contract = await add_contract(emp.id, emp.other, D(2025, 1, 1), 1100)
    assert (await emp.browsers["admin"].get(emp.w(f"/contracts/{other_contract}"))).status_code == 404


async def test_workers_list(emp: EmpCoop) -> None:
    member = await make_member(emp.id, "Listan Lauri")
    await add_contract(emp.id, member, D(2026, 1, 1), 1311)
    response = await emp.browsers["coach"].get(emp.url("/workers"))
    assert response.status_code == 200
    page = text(response.text)
    assert "Listan Lauri" in page and "13,11 €" in page
    assert (await emp.browsers["member"].get(emp.url("/workers"))).status_code == 403


async def test_contract_pdf(emp: EmpCoop, readable_pdfs: None) -> None:
    member = await make_member(emp.id, "Pekka Pdf")
    contract_id = await add_contract(emp.id, member, D(2026, 1, 1), 1235, amendments=((D(2026, 6, 1), 1280),))
    response = await emp.browsers["admin"].get(emp.w(f"/contracts/{contract_id}/contract.pdf", member))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    body = response.content
    assert body.startswith(b"%PDF")
    expected = (
        "Employment contract",
        "Pekka Pdf",
        "Until further notice",
        "Thursday 1 January 2026",
        "20 hours a week",
        "12,35",
        "12,80",
        "Change from Monday 1 June 2026",
        "Kiinteistöpalvelualan TES",
    )
    for words in expected:
        assert in_pdf(body, words), words
    rows = await audit_rows(emp.id, "employment.contract_downloaded")
    assert rows[-1]["target"] == f"member:{member}" and rows[-1]["detail"] == {"contract_id": contract_id}


async def test_own_contract_download_is_not_audited(emp: EmpCoop) -> None:
    contract_id = await add_contract(emp.id, emp.worker, D(2024, 1, 1), 1200, ends=D(2024, 6, 30))
    before = len(await audit_rows(emp.id, "employment.contract_downloaded"))
    response = await emp.browsers["member"].get(emp.w(f"/contracts/{contract_id}/contract.pdf"))
    assert response.status_code == 200
    assert len(await audit_rows(emp.id, "employment.contract_downloaded")) == before
