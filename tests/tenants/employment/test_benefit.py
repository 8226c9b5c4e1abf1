"""The benefit profile: special-category data sealed at rest, seen only by the worker, their job coaches and the
admin, every read logged (who and whose, never the content), history kept as dated rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import structlog

from osuus.platform import crypto
from osuus.platform.tenancy import coop_unit
from tests.tenants.employment.conftest import (
    EmpCoop,
    add_profile,
    assign,
    audit_rows,
    make_member,
    raw,
    snapshot,
    text,
)

D = dt.date
READ = "employment.benefit_profile.read"
PENSION = {"kind": "disability_pension", "limit": "976,59", "valid_from": "1.1.2026"}


async def profile_rows(coop_id: int, member_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await raw(
            "SELECT id, valid_from, key_id, sealed, recorded_by FROM benefit_profile "
            "WHERE coop_id = {} AND member_id = {} ORDER BY id",
            coop_id,
            member_id,
        )


async def reads_of(coop_id: int, member_id: int) -> list[dict[str, Any]]:
    return [r for r in await audit_rows(coop_id, READ) if r["target"] == f"member:{member_id}"]


async def test_saved_profile_is_sealed_at_rest(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    response = await emp.browsers["admin"].post(emp.w("/benefit/new", member), PENSION)
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == emp.w("/benefit?done=benefit", member)
    [row] = await profile_rows(emp.id, member)
    assert row["key_id"] == "dev1"
    assert row["valid_from"] == D(2026, 1, 1)
    assert row["recorded_by"] == emp.users["admin"]
    sealed = bytes(row["sealed"])
    for plain in (b"disability", b"pension", b"97659", b"976", b"kind", b"limit"):
        assert plain not in sealed
    aad = f"benefit_profile:{emp.id}:{member}:2026-01-01".encode()
    assert crypto.open_json("dev1", sealed, aad) == {"kind": "disability_pension", "limit_cents": 97659}
    with pytest.raises(crypto.DecryptionError):  # bound to its person: another member's row does not open it
        crypto.open_json("dev1", sealed, f"benefit_profile:{emp.id}:{member + 1}:2026-01-01".encode())
    written = [
        r for r in await audit_rows(emp.id, "employment.benefit_profile.written") if r["target"] == f"member:{member}"
    ]
    assert [r["detail"] for r in written] == [
        {"member_id": member, "profile_id": row["id"], "valid_from": "2026-01-01"}
    ]
    page = text((await emp.browsers["admin"].get(response.headers["location"])).text)
    assert "Disability pension" in page and "976,59 €" in page


async def test_nothing_of_the_profile_goes_to_the_logs(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    with structlog.testing.capture_logs() as logs:
        assert (
            await emp.browsers["admin"].post(emp.w("/benefit/new", member), {**PENSION, "limit": "812,34"})
        ).status_code == 303
        assert (await emp.browsers["admin"].get(emp.w("/benefit", member))).status_code == 200
    events = [e["event"] for e in logs]
    assert "audit.employment.benefit_profile.written" in events and f"audit.{READ}" in events
    dumped = repr(logs)
    for secret in ("812", "disability", "pension"):
        assert secret not in dumped


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("coach", 200), ("member", 200), ("coach2", 403), ("board", 403), ("other", 404)],
)
async def test_who_may_read_a_profile_and_every_read_is_logged(emp: EmpCoop, who: str, status: int) -> None:
    """The worker ("member"), their coach and the admin read; the board and another coach are refused; another
    member is not told the person exists."""
    if not await profile_rows(emp.id, emp.worker):
        await add_profile(emp.id, emp.worker, "disability_pension", 97659, D(2026, 1, 1))
    before = await reads_of(emp.id, emp.worker)
    before_all = await snapshot(emp.id)
    response = await emp.browsers[who].get(emp.w("/benefit"))
    assert response.status_code == status
    after = await reads_of(emp.id, emp.worker)
    if status == 200:
        assert "976,59 €" in text(response.text)
        assert after[len(before) :] == [
            {
                "actor_id": emp.users[who],
                "target": f"member:{emp.worker}",
                "detail": {"member_id": emp.worker, "purpose": "page"},
            }
        ]
    else:
        assert "976,59" not in response.text and "Disability" not in response.text
        assert await snapshot(emp.id) == before_all


async def test_each_read_is_a_new_log_row(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    await add_profile(emp.id, member, "other", 50000, D(2026, 1, 1))
    for _ in range(3):
        assert (await emp.browsers["admin"].get(emp.w("/benefit", member))).status_code == 200
    assert len(await reads_of(emp.id, member)) == 3


@pytest.mark.parametrize(("who", "status"), [("board", 403), ("coach2", 403), ("member", 403), ("other", 403)])
async def test_who_may_not_write_a_profile(emp: EmpCoop, who: str, status: int) -> None:
    before = await snapshot(emp.id)
    assert (await emp.browsers[who].get(emp.w("/benefit/new"))).status_code == status
    assert (await emp.browsers[who].post(emp.w("/benefit/new"), PENSION)).status_code == status
    assert await snapshot(emp.id) == before


async def test_the_workers_coach_writes_and_history_is_kept(emp: EmpCoop) -> None:
    member = await make_member(emp.id, "Hilkka Historia")
    await assign(emp.id, member, emp.users["coach"])
    coach = emp.browsers["coach"]
    assert (
        await coach.post(emp.w("/benefit/new", member), {**PENSION, "valid_from": "1.1.2025", "limit": "935,44"})
    ).status_code == 303
    assert (await coach.post(emp.w("/benefit/new", member), PENSION)).status_code == 303
    assert (
        await coach.post(emp.w("/benefit/new", member), {"kind": "unemployment", "limit": "", "valid_from": "1.1.2099"})
    ).status_code == 303
    rows = await profile_rows(emp.id, member)
    assert [r["valid_from"] for r in rows] == [D(2025, 1, 1), D(2026, 1, 1), D(2099, 1, 1)]
    page = text((await coach.get(emp.w("/benefit", member))).text)
    assert "Earnings limit a month</dt><dd>976,59 €</dd>" in page  # in force today; the 2099 row waits
    assert "All saved information" in page
    assert "From Thursday 1 January 2099: Adjusted unemployment benefit (starts later)" in page
    assert "From Thursday 1 January 2026: Disability pension, limit 976,59 € a month (in force now)" in page
    assert "From Wednesday 1 January 2025: Disability pension, limit 935,44 € a month</li>" in page


@pytest.mark.parametrize(
    ("form", "name", "message"),
    [
        ({"kind": "", "limit": "", "valid_from": "1.1.2026"}, "kind", "Choose the benefit"),
        ({"kind": "disability_pension", "limit": "", "valid_from": "1.1.2026"}, "limit",
         "Enter the monthly earnings limit in euros"),
        ({"kind": "other", "limit": "-5", "valid_from": "1.1.2026"}, "limit", "Write the amount without a minus sign"),
        ({"kind": "none", "limit": "100", "valid_from": "1.1.2026"}, "limit",
         "Leave the limit empty when the worker has no benefit"),
        ({"kind": "none", "limit": "", "valid_from": ""}, "valid_from", "Enter the day from which this applies"),
    ],
)  # fmt: skip
async def test_refused_profile_keeps_the_form_and_seals_nothing(
    emp: EmpCoop, form: dict[str, str], name: str, message: str
) -> None:
    member = await make_member(emp.id)
    before = await snapshot(emp.id, ("benefit_profile", "worker_coach"))
    response = await emp.browsers["admin"].post(emp.w("/benefit/new", member), form)
    assert response.status_code == 400
    assert f'id="{name}-error"' in response.text and message in text(response.text)
    if form["kind"]:
        assert f'value="{form["kind"]}" checked' in response.text
    assert await snapshot(emp.id, ("benefit_profile", "worker_coach")) == before
    assert await audit_rows(emp.id, "employment.benefit_profile.written") == [
        r for r in await audit_rows(emp.id, "employment.benefit_profile.written") if r["target"] != f"member:{member}"
    ]


async def test_worker_sees_who_looked(emp: EmpCoop) -> None:
    member_user = emp.users["member"]
    if not await profile_rows(emp.id, emp.worker):
        await add_profile(emp.id, emp.worker, "disability_pension", 97659, D(2026, 1, 1))
    assert (await emp.browsers["coach"].get(emp.w("/benefit"))).status_code == 200
    page = text((await emp.browsers["member"].get(emp.w("/benefit"))).text)
    assert "My benefit and earnings limit" in page
    assert "Only you, your job coach and the cooperative's admin can see it." in page
    assert f"Coach {emp.slug}" in page.split("Who has looked at this")[1]
    assert member_user  # the worker's own reads are not listed as "someone looked"
    assert "Save a new benefit or limit" not in page


async def test_coach_loses_access_when_removed(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    await assign(emp.id, member, emp.users["coach2"])
    await add_profile(emp.id, member, "other", 10000, D(2026, 1, 1))
    coach2 = emp.browsers["coach2"]
    assert (await coach2.get(emp.w("/benefit", member))).status_code == 200
    removed = await emp.browsers["admin"].post(emp.w(f"/coaches/{emp.users['coach2']}/remove", member))
    assert removed.status_code == 303
    assert (await coach2.get(emp.w("/benefit", member))).status_code == 403
    assert [
        r["detail"] for r in await audit_rows(emp.id, "employment.coach_removed") if r["target"] == f"member:{member}"
    ] == [{"coach_id": emp.users["coach2"]}]


async def test_admin_chooses_coaches(emp: EmpCoop) -> None:
    member = await make_member(emp.id)
    admin = emp.browsers["admin"]
    page = await admin.get(emp.w("/coaches", member))
    assert page.status_code == 200
    assert (
        f'<option value="{emp.users["coach"]}">' in page.text
        and f'<option value="{emp.users["admin"]}">' not in page.text
    )
    refused = await admin.post(emp.w("/coaches", member), {"coach": str(emp.users["board"])})
    assert refused.status_code == 400 and "Choose a job coach from the list" in refused.text
    added = await admin.post(emp.w("/coaches", member), {"coach": str(emp.users["coach"])})
    assert added.status_code == 303
    again = await admin.post(emp.w("/coaches", member), {"coach": str(emp.users["coach"])})
    assert again.status_code == 400  # already chosen: not in the list any more
    assert (await admin.post(emp.w("/coaches/999999/remove", member))).status_code == 404
    for who in ("board", "coach", "member"):
        assert (await emp.browsers[who].get(emp.w("/coaches", member))).status_code == 403
