"""The earnings guard and the earnings pages: the warning before accepting work over the limit (under, exactly at,
over; no profile), the coach told by e-mail, "My earnings" with its chart and sentences, the same per worker."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from osuus.platform import i18n
from osuus.platform.tenancy import coop_unit
from osuus.tenants.employment import service
from tests.tenants.employment.conftest import (
    EmpCoop,
    Hours,
    Planned,
    WorkStub,
    add_contract,
    add_pay,
    add_profile,
    assign,
    audit_rows,
    make_member,
    outbox_to,
    text,
)

D = dt.date
TODAY = D(2026, 3, 10)
WORK_DAY = D(2026, 3, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "today", lambda: TODAY)


async def worker_with_month(emp: EmpCoop, work: WorkStub, limit: int | None, kind: str = "disability_pension") -> int:
    """12,35 €/h; March 2026: approved 7 h 30 min (92,63 €), other pay 10,00 €, planned 4 h on 20.3. (49,40 €),
    so 152,03 € in all before the new work."""
    member = await make_member(emp.id)
    await add_contract(emp.id, member, D(2026, 1, 1), 1235, ends=D(2026, 3, 26))
    if kind:
        await add_profile(emp.id, member, kind, limit, D(2026, 1, 1))
    await add_pay(emp.id, member, D(2026, 3, 1), 1000, "Lisä")
    work.hours[member] = [Hours(D(2026, 3, 3), 450, True, 1)]
    work.planned[member] = [Planned(D(2026, 3, 20), 240, 2)]
    return member


async def warning(emp: EmpCoop, member: int, day: dt.date = WORK_DAY, minutes: int = 60) -> str | None:
    with i18n.language("en"):
        async with coop_unit(emp.id, emp.users["member"]):
            found = await service.acceptance_warning_in_unit(emp.id, member, day, minutes)
    return re.sub(r"\s+", " ", found) if found else found


async def exceeds(emp: EmpCoop, member: int, day: dt.date = WORK_DAY, minutes: int = 60) -> bool:
    async with coop_unit(emp.id):
        return await service.would_exceed_in_unit(emp.id, member, day, minutes)


# With 1 h more (12,35 €) the month comes to 164,38 €.
async def test_under_the_limit_no_warning(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 20000)
    assert await warning(emp, member) is None
    assert await exceeds(emp, member) is False


async def test_exactly_at_the_limit_no_warning(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 16438)
    assert await warning(emp, member) is None
    assert await exceeds(emp, member) is False


async def test_over_the_limit_warns_in_plain_words(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 16437)
    assert await warning(emp, member) == (
        "The work is on Wednesday 25 March 2026. With this work, you will earn about 164,38 € that month. "
        "Your limit is 164,37 €. That is 0,01 € over your limit. "
        "If you earn more than your limit, your pension can stop for a while. "
        "You can still take the work. Your job coach will be told. Talk to your job coach if you are not sure."
    )
    assert await exceeds(emp, member) is True
    reads = [r for r in await audit_rows(emp.id, service.READ_ACTION) if r["target"] == f"member:{member}"]
    assert [r["detail"]["purpose"] for r in reads] == ["acceptance_check", "substitute_check"]
    assert reads[0]["actor_id"] == emp.users["member"]


async def test_other_kinds_word_the_consequence(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 10000, kind="unemployment")
    found = await warning(emp, member)
    assert found is not None and "makes your unemployment benefit 50 cents smaller" in found


@pytest.mark.parametrize(("kind", "limit"), [("", None), ("none", None), ("unemployment", None)])
async def test_no_limit_no_warning(emp: EmpCoop, work: WorkStub, kind: str, limit: int | None) -> None:
    member = await worker_with_month(emp, work, limit, kind=kind)
    assert await warning(emp, member, minutes=100 * 60) is None
    assert await exceeds(emp, member, minutes=100 * 60) is False


async def test_no_contract_on_the_day_or_no_minutes_no_warning(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 100)
    assert await warning(emp, member, day=D(2026, 3, 27)) is None  # after the contract ended
    assert await warning(emp, member, minutes=0) is None
    assert await warning(emp, member) is not None


async def test_the_limit_of_the_work_days_month_counts(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 16437)
    await add_profile(emp.id, member, "disability_pension", 100_000, D(2026, 3, 1))
    assert await warning(emp, member) is None  # the newer, higher limit is in force for March


async def test_coaches_are_told_without_amounts(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 100)
    await assign(emp.id, member, emp.users["coach"])
    before = len(await outbox_to(emp.emails["coach"]))
    async with coop_unit(emp.id, emp.users["member"]):
        told = await service.notify_coach_in_unit(emp.id, member, D(2026, 3, 25), 90, "10.0.0.1")
    assert told == 1
    mails = await outbox_to(emp.emails["coach"])
    assert len(mails) == before + 1
    payload = mails[-1]["payload"]
    payload = payload if isinstance(payload, dict) else __import__("json").loads(payload)
    assert payload["subject"].endswith("otti työn, joka menee yli ansiorajan")  # the coach reads Finnish
    body = payload["body"]
    assert "Työpäivä: keskiviikko 25.3.2026. Työ kestää 1,5 t." in body
    assert f"/c/{emp.slug}/employment/workers/{member}/earnings?month=2026-03" in body
    for secret in ("€", "pension", "eläke", "limit is", "0,01"):
        assert secret not in body
    assert await outbox_to(emp.emails["coach2"]) == []  # not this worker's coach
    [row] = [
        r for r in await audit_rows(emp.id, "employment.earnings_warning_sent") if r["target"] == f"member:{member}"
    ]
    assert row["detail"] == {"day": "2026-03-25", "minutes": 90, "told": 1}


async def test_without_a_coach_the_admin_is_told(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 100)
    before = len(await outbox_to(emp.emails["admin"]))
    async with coop_unit(emp.id, emp.users["member"]):
        assert await service.warning_accepted_in_unit(emp.id, member, 2, "Varoitus 164,38 €") == 1
    mails = await outbox_to(emp.emails["admin"])
    assert len(mails) == before + 1
    body = mails[-1]["payload"]["body"] if isinstance(mails[-1]["payload"], dict) else mails[-1]["payload"]
    assert "164,38" not in str(body)
    [row] = [
        r for r in await audit_rows(emp.id, "employment.earnings_warning_sent") if r["target"] == f"member:{member}"
    ]
    assert row["detail"] == {"day": "2026-03-20", "minutes": 240, "told": 1}  # the accepted job's day and hours


# --- the pages ----------------------------------------------------------------------------------------------------


async def own_worker_month(emp: EmpCoop, work: WorkStub, limit: int) -> None:
    """The module's worker ("member"), with the March month of worker_with_month, once."""
    async with coop_unit(emp.id):
        exists = await service.EmploymentContract.exists().where(service.EmploymentContract.member == emp.worker).run()
    if not exists:
        await add_contract(emp.id, emp.worker, D(2026, 1, 1), 1235)
        await add_profile(emp.id, emp.worker, "disability_pension", limit, D(2026, 1, 1))
        await add_pay(emp.id, emp.worker, D(2026, 3, 1), 1000, "Lisä")
    work.hours[emp.worker] = [Hours(D(2026, 3, 3), 450, True, 1), Hours(D(2026, 3, 9), 120, False, 3)]
    work.planned[emp.worker] = [Planned(D(2026, 3, 20), 240, 2)]


async def test_my_earnings_page(emp: EmpCoop, work: WorkStub) -> None:
    await own_worker_month(emp, work, 90000)
    response = await emp.browsers["member"].get(emp.url("/mine"))
    assert response.status_code == 200
    page = text(response.text)
    assert "<h1>My earnings</h1>" in page and ">March 2026</h2>" in page
    sentences = re.findall(r"<p[^>]*>([^<]*)</p>", page.split('class="earnings-text"')[1].split("</div>")[0])
    assert sentences == [
        "You have earned 102,63 €.",
        "Hours waiting for approval: 24,70 €.",
        "You have accepted work for 49,40 € more.",
        "With them, you will earn about 176,73 € this month.",
        "Your limit is 900,00 €. You can still earn 723,27 € this month.",
    ]
    # The bar: earned, waiting, planned on a scale of 1,1 × the limit, and the limit line.
    assert '<svg class="earnings-bar" width="100%" height="64" role="img" aria-labelledby="bar-title"' in page
    assert '<rect class="bar-earned" x="0%" y="12" width="10.4%" height="40">' in page
    assert '<rect class="bar-pending" x="10.4%" y="12" width="2.5%" height="40">' in page
    assert 'class="bar-planned" x="12.9%" y="12" width="5.0%" height="40" fill="url(#planned-stripes)"' in page
    assert '<line class="bar-limit" x1="90.9%" x2="90.9%"' in page
    assert "Earned: 102,63 €" in page and "Limit: 900,00 €" in page
    assert "<script" not in response.text
    # The table fallback and the rows.
    assert '<th scope="row">Approved hours</th><td>7,5</td><td>92,63 €</td>' in page
    assert '<th scope="row">Still to earn under the limit</th><td>–</td><td>723,27 €</td>' in page
    assert "statement.pdf?month=2026-03" in page
    reads = [r for r in await audit_rows(emp.id, service.READ_ACTION) if r["target"] == f"member:{emp.worker}"]
    assert reads[-1]["detail"] == {"member_id": emp.worker, "purpose": "earnings"}


async def test_other_months_and_a_bad_month(emp: EmpCoop, work: WorkStub) -> None:
    await own_worker_month(emp, work, 90000)
    feb = text((await emp.browsers["member"].get(emp.url("/mine?month=2026-02"))).text)
    assert "You have earned 0,00 €." in feb and "You have no hours or pay in this month yet." in feb
    bad = await emp.browsers["member"].get(emp.url("/mine?month=kuu"))
    assert bad.status_code == 200 and ">March 2026</h2>" in text(bad.text)


async def test_over_the_limit_page(emp: EmpCoop, work: WorkStub) -> None:
    member = await worker_with_month(emp, work, 15000)
    await assign(emp.id, member, emp.users["coach"])
    page = text((await emp.browsers["coach"].get(emp.w("/earnings?month=2026-03", member))).text)
    assert "The month goes 2,03 € over the limit." in page
    assert '<th scope="row">Over the limit</th><td>–</td><td>2,03 €</td>' in page


@pytest.mark.parametrize(("who", "status", "limit_shown"), [
    ("admin", 200, True), ("coach", 200, True), ("coach2", 200, False), ("member", 200, True),
    ("board", 403, False), ("other", 404, False),
])  # fmt: skip
async def test_who_sees_a_workers_earnings(
    emp: EmpCoop, work: WorkStub, who: str, status: int, limit_shown: bool
) -> None:
    await own_worker_month(emp, work, 90000)
    before = len(await audit_rows(emp.id, service.READ_ACTION))
    response = await emp.browsers[who].get(emp.w("/earnings?month=2026-03"))
    assert response.status_code == status
    page: Any = text(response.text)
    if status == 200:
        assert "102,63 €" in page
        assert ("900,00 €" in page) is limit_shown
        if not limit_shown:
            assert "The benefit and earnings limit are shown only to the worker, their job coach and the admin." in page
    assert len(await audit_rows(emp.id, service.READ_ACTION)) == before + (1 if limit_shown else 0)


async def test_not_linked_person_sees_a_plain_message(emp: EmpCoop) -> None:
    response = await emp.browsers["board"].get(emp.url("/mine"))
    assert response.status_code == 200
    assert "Your account is not linked to the member register" in text(response.text)


async def test_other_pay_form(emp: EmpCoop, work: WorkStub) -> None:
    member = await make_member(emp.id)
    admin = emp.browsers["admin"]
    refused = await admin.post(emp.w("/pay/new", member), {"on_date": "5.3.2026", "amount": "", "note": "Bonus"})
    assert refused.status_code == 400 and 'value="Bonus"' in refused.text
    assert "Enter the amount in euros" in text(refused.text)
    saved = await admin.post(emp.w("/pay/new", member), {"on_date": "5.3.2026", "amount": "25,50", "note": "Bonus"})
    assert saved.status_code == 303
    assert saved.headers["location"] == emp.w("/earnings?month=2026-03&done=pay", member)
    corrected = await admin.post(emp.w("/pay/new", member), {"on_date": "6.3.2026", "amount": "-5", "note": "Korjaus"})
    assert corrected.status_code == 303
    page = text((await admin.get(emp.w("/earnings?month=2026-03", member))).text)
    assert "has earned 20,50 €" in page
    for who in ("coach", "member"):
        response = await emp.browsers[who].post(emp.w("/pay/new", member), {"on_date": "5.3.2026", "amount": "1"})
        assert response.status_code == 403
