"""The monthly earnings statement for Kela or the unemployment fund: approved hours and other pay only, PDF and CSV,
every download audited, never the benefit or the limit."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.tenants.employment.conftest import (
    EmpCoop,
    Hours,
    Planned,
    WorkStub,
    add_contract,
    add_pay,
    add_profile,
    audit_rows,
    in_pdf,
    make_member,
)

D = dt.date


async def statement_worker(emp: EmpCoop, work: WorkStub) -> int:
    member = await make_member(emp.id, "Sirpa Selvitys")
    await add_contract(emp.id, member, D(2026, 1, 1), 1235, amendments=((D(2026, 3, 15), 1280),))
    await add_profile(emp.id, member, "disability_pension", 97659, D(2026, 1, 1))
    await add_pay(emp.id, member, D(2026, 3, 31), 2500, "Iltalisä")
    work.hours[member] = [
        Hours(D(2026, 3, 2), 450, True, 1),  # 92,63
        Hours(D(2026, 3, 2), 60, True, 2),  # 12,35 (the same day)
        Hours(D(2026, 3, 16), 240, True, 3),  # 51,20 at the new wage
        Hours(D(2026, 3, 17), 180, False, 4),  # not approved: not on the statement
        Hours(D(2026, 4, 1), 60, True, 5),  # another month
    ]
    work.planned[member] = [Planned(D(2026, 3, 30), 480, 6)]  # planned: not on the statement
    return member


async def test_statement_csv(emp: EmpCoop, work: WorkStub) -> None:
    member = await statement_worker(emp, work)
    response = await emp.browsers["admin"].get(emp.w("/statement.csv?month=2026-03", member))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="ansioerittely-{member}-2026-03.csv"'
    assert response.headers["cache-control"] == "no-store"
    assert response.content.decode("utf-8").split("\r\n") == [
        "\ufeffEarnings statement;Sirpa Selvitys;2026-03",
        "Date;Hours;Hourly wage (euros);Gross pay (euros);Note",
        "2.3.2026;7,50;12,35;92,63;",
        "2.3.2026;1,00;12,35;12,35;",
        "16.3.2026;4,00;12,80;51,20;",
        "31.3.2026;;;25,00;Iltalisä",
        "Days worked;2;;;",
        "Total;12,50;;181,18;",
        "",
    ]


async def test_statement_pdf(emp: EmpCoop, work: WorkStub, readable_pdfs: None) -> None:
    member = await statement_worker(emp, work)
    response = await emp.browsers["coach"].get(emp.w("/statement.pdf?month=2026-03", member))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.content
    for words in ("Earnings statement", "Sirpa Selvitys", "March 2026", "Days worked", "Hours worked", "12,50",
                  "181,18", "92,63", "51,20", "12,80", "Iltalisä", "16.3.2026"):  # fmt: skip
        assert in_pdf(body, words), words
    for words in ("17.3.2026", "30.3.2026", "976,59", "pension"):
        assert not in_pdf(body, words), words


async def test_every_download_is_audited(emp: EmpCoop, work: WorkStub) -> None:
    before = len(await audit_rows(emp.id, "employment.statement_downloaded"))
    for fmt in ("pdf", "csv"):
        assert (await emp.browsers["member"].get(emp.w(f"/statement.{fmt}?month=2026-02"))).status_code == 200
    rows = (await audit_rows(emp.id, "employment.statement_downloaded"))[before:]
    assert [(r["actor_id"], r["target"], r["detail"]) for r in rows] == [
        (emp.users["member"], f"member:{emp.worker}", {"month": "2026-02", "format": "pdf"}),
        (emp.users["member"], f"member:{emp.worker}", {"month": "2026-02", "format": "csv"}),
    ]


@pytest.mark.parametrize(("who", "status"), [("board", 200), ("coach2", 200), ("other", 404)])
async def test_who_downloads_a_statement(emp: EmpCoop, who: str, status: int) -> None:
    before = len(await audit_rows(emp.id, "employment.statement_downloaded"))
    assert (await emp.browsers[who].get(emp.w("/statement.csv?month=2026-02"))).status_code == status
    assert len(await audit_rows(emp.id, "employment.statement_downloaded")) == before + (status == 200)
