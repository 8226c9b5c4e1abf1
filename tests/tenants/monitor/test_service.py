"""Recomputing a coop's status on real PostgreSQL: what is stored, and who is told when it changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger

from osuus.platform import i18n
from osuus.platform.settings import get_settings
from osuus.platform.tenancy import TenancyError, coop_unit
from osuus.tenants.monitor import service
from osuus.tenants.monitor.service import recompute_coop, recompute_in_unit
from osuus.workers.scheduler import build_scheduler
from tests.tenants.monitor.conftest import (
    Place,
    activities,
    add_members,
    add_seat,
    audits,
    link,
    mails,
    make_place,
    set_language,
    stored,
)

pytestmark = pytest.mark.usefixtures("db")

TOLD = ("admin", "coach", "admin+coach")  # one e-mail each; the admin who is also coach gets one, not two


def alone(voters: int, more: int = 1) -> dict[str, Any]:
    return {
        "code": "leading_alone",
        "votes": 1,
        "voters": voters,
        "limit": 15,
        "more_voters": more,
        "leaving_board_fixes": True,
    }


def today() -> str:
    return service.today_in_helsinki().isoformat()


def recipients(place: Place, messages: list[dict[str, Any]]) -> list[str]:
    return sorted(m["to"] for m in messages)


async def test_seven_members_two_on_the_board_store_at_risk_and_tell_admins_and_coaches_once() -> None:
    place = await make_place()
    await set_language(place.users["coach"], "sv")
    ids = await add_members(place, *[f"Jäsen {i}" for i in range(1, 8)])
    await add_seat(place, ids[0], "chair")
    await add_seat(place, ids[1], "member")

    await recompute_coop(place.id, place.users["admin"])

    assert await stored(place) == {
        "level": "at_risk",
        "detail": {
            "version": 1,
            "date": today(),
            "voters": 7,
            "leading": 2,
            "flagged": [],
            "members": [
                {
                    "member_id": ids[0],
                    "leading": True,
                    "roles": ["chair"],
                    "relatives": [],
                    "votes_with_family": 1,
                    "flags": [],
                    "close": [alone(6)],
                },
                {
                    "member_id": ids[1],
                    "leading": True,
                    "roles": ["member"],
                    "relatives": [],
                    "votes_with_family": 1,
                    "flags": [],
                    "close": [alone(6)],
                },
            ],
        },
    }
    sent = await mails(place)
    assert recipients(place, sent) == sorted(place.emails[r] for r in TOLD)
    # (The body is checked in test_mail_says_what_changed_and_links_to_the_page: a worker may already have sent it.)
    # Each recipient gets the mail in their own language (the coach chose Swedish above).
    expected = set()
    for language in ("fi", "sv"):
        with i18n.language(language):
            expected.add(i18n.gettext("Member status check of %(coop)s changed", coop=f"Osuuskunta {place.slug}"))
    assert {m["subject"] for m in sent} == expected
    assert [a["actor_id"] for a in await audits(place)] == [place.users["admin"]]
    audit = (await audits(place))[0]
    assert audit["detail"] == {
        "before": "ok",
        "after": "at_risk",
        "flagged_before": [],
        "flagged_after": [],
        "voters": 7,
    }
    assert [(a["actor_id"], a["kind"]) for a in await activities(place)] == [
        (place.users["admin"], "monitor.status_changed")
    ]

    # The same register again (the nightly run, or a second call): stored again, nobody told.
    await recompute_coop(place.id)
    assert len(await mails(place)) == len(sent)
    assert len(await audits(place)) == 1
    assert len(await activities(place)) == 1
    assert (await stored(place))["level"] == "at_risk"  # type: ignore[index]


async def test_each_change_of_level_or_of_the_flagged_people_is_told_once() -> None:
    place = await make_place()
    ids = await add_members(place, *[f"Jäsen {i}" for i in range(1, 7)])
    await add_seat(place, ids[0], "chair")

    await recompute_coop(place.id)  # 6 voters, the chair holds 1/6: flagged
    first = await stored(place)
    assert first is not None
    assert (first["level"], first["detail"]["flagged"]) == ("flagged", [ids[0]])
    assert first["detail"]["members"][0]["flags"] == [alone(6)]
    assert len(await mails(place)) == 3

    ids += await add_members(place, "Jäsen 7")
    await recompute_coop(place.id)  # 7 voters: nobody flagged, at risk
    assert (await stored(place))["level"] == "at_risk"  # type: ignore[index]
    assert len(await mails(place)) == 6

    ids += await add_members(place, "Jäsen 8", "Jäsen 9", "Jäsen 10")
    await recompute_coop(place.id)  # 10 voters: ok
    assert (await stored(place))["level"] == "ok"  # type: ignore[index]
    assert len(await mails(place)) == 9

    await add_members(place, "Jäsen 11")
    await recompute_coop(place.id)  # 11 voters: still ok, the figures change but the outcome does not
    assert len(await mails(place)) == 9

    # The chair's family of three: 3/11 is below 30 %. When one member leaves, 3/10 is exactly 30 %: flagged.
    await link(place, ids[0], ids[1])
    await link(place, ids[2], ids[0], "child")
    await recompute_coop(place.id)
    assert (await stored(place))["level"] == "ok"  # type: ignore[index]
    assert len(await mails(place)) == 9
    from osuus.tenants.members.tables import Member

    async with coop_unit(place.id):
        await Member.update({Member.status: "left"}).where((Member.coop == place.id) & (Member.id == ids[9])).run()
        await recompute_in_unit(place.id, place.users["board"])
    after = await stored(place)
    assert after is not None
    assert (after["level"], after["detail"]["voters"], after["detail"]["flagged"]) == ("flagged", 10, [ids[0]])
    assert after["detail"]["members"][0]["flags"] == [
        {"code": "leading_family", "votes": 3, "voters": 10, "limit": 30, "more_voters": 1, "leaving_board_fixes": True}
    ]
    assert len(await mails(place)) == 12
    actors = [a["actor_id"] for a in await audits(place)]
    assert actors == [None, None, None, place.users["board"]]

    # Same level, another person flagged: the set of flagged people changed, so it is told.
    await link(place, ids[1], ids[2], "sibling")
    await recompute_coop(place.id)  # nobody new is flagged: ids[1] is not on the board
    assert len(await mails(place)) == 12
    await add_seat(place, ids[1], "vice_chair")
    await recompute_coop(place.id)
    assert (await stored(place))["detail"]["flagged"] == sorted([ids[0], ids[1]])  # type: ignore[index]
    assert len(await mails(place)) == 15
    assert [a["detail"]["flagged_before"] for a in await audits(place)][-1] == [ids[0]]


async def test_the_recompute_is_part_of_the_callers_transaction() -> None:
    """A change that rolls back takes its status, its audit row and its e-mails with it."""
    place = await make_place()
    ids = await add_members(place, *[f"Jäsen {i}" for i in range(1, 9)])
    await recompute_coop(place.id)
    assert (await stored(place))["level"] == "ok"  # type: ignore[index]
    told = len(await mails(place))

    from osuus.tenants.members.tables import Member

    with pytest.raises(RuntimeError, match="rolled back"):
        async with coop_unit(place.id):
            await Member.update({Member.status: "left"}).where(Member.coop == place.id).run()
            await recompute_in_unit(place.id)
            raise RuntimeError("rolled back")
    assert (await stored(place))["level"] == "ok"  # type: ignore[index]
    assert len(await mails(place)) == told
    assert len(ids) == 8


async def test_recompute_in_unit_refuses_another_coops_unit() -> None:
    a, b = await make_place(), await make_place()
    with pytest.raises(TenancyError):
        async with coop_unit(a.id):
            await recompute_in_unit(b.id)
    assert await stored(b) is None


async def test_members_without_a_vote_do_not_count_but_a_supporting_organisation_does() -> None:
    place = await make_place()
    ids = await add_members(place, *[f"Jäsen {i}" for i in range(1, 7)])
    await add_members(place, "Koejäsen", member_class="trial")
    await add_members(place, "Työntekijä", member_class="employee")
    await add_members(place, "Eronnut", status="left")
    await add_seat(place, ids[0], "chair")
    await add_seat(place, None, "member", has_vote=False)  # the business mentor from outside the register
    await recompute_coop(place.id)
    assert (await stored(place))["detail"]["voters"] == 6  # type: ignore[index]
    assert (await stored(place))["level"] == "flagged"  # type: ignore[index]

    await add_members(place, "Seurakunta (kannatusjäsen)", member_class="supporting")
    await recompute_coop(place.id)
    assert (await stored(place))["detail"]["voters"] == 7  # type: ignore[index]
    assert (await stored(place))["level"] == "at_risk"  # type: ignore[index]


async def test_nightly_job_recomputes_every_coop_that_is_not_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every coop in its own unit (here the recompute itself is recorded, so other tests' coops stay as they are)."""
    region_place = await make_place()
    closed = await make_place(region_place.region, status="closed")
    done: list[int] = []

    async def record(coop_id: int, actor_id: int | None = None) -> None:
        done.append(coop_id)

    monkeypatch.setattr(service, "recompute_coop", record)
    assert await service.recompute_every_coop() == len(done)
    assert region_place.id in done and closed.id not in done
    assert done == sorted(set(done))


async def test_one_failing_coop_does_not_stop_the_nightly_job(monkeypatch: pytest.MonkeyPatch) -> None:
    place = await make_place()
    done: list[int] = []

    async def flaky(coop_id: int, actor_id: int | None = None) -> None:
        if coop_id == place.id:
            raise RuntimeError("boom")
        done.append(coop_id)

    monkeypatch.setattr(service, "recompute_coop", flaky)
    assert await service.recompute_every_coop() == len(done)
    assert place.id not in done


def test_nightly_job_is_scheduled_at_03_15_helsinki_time() -> None:
    job = build_scheduler(get_settings()).get_job("nightly_monitor")
    assert job is not None
    assert job.func is service.recompute_every_coop or job.func.__name__ == "nightly_monitor"
    trigger = job.trigger
    assert isinstance(trigger, CronTrigger)
    assert str(trigger.timezone) == "Europe/Helsinki"
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("3", "15")
    assert job.max_instances == 1
    first = trigger.get_next_fire_time(None, dt.datetime(2026, 11, 23, 12, 0, tzinfo=trigger.timezone))
    assert (first.hour, first.minute, first.day) == (3, 15, 24)


def test_mail_says_what_changed_and_links_to_the_page() -> None:
    from osuus.platform import i18n
    from osuus.platform.mailer import _env

    with i18n.language("en"):
        text = (
            _env()
            .get_template("mail/monitor_changed.txt")
            .render(
                base_url="https://osuus.example",
                coop="Puu & Pelti",
                slug="puu-pelti",
                level="flagged",
                level_name=service.LEVEL_NAMES["flagged"],
                voters=6,
                flagged=1,
                more_needed=1,
            )
        )
    subject, _, body = text.partition("\n")
    assert subject == "Subject: Member status check of Puu & Pelti changed"
    assert "The situation now: Someone may count as an entrepreneur." in body
    assert "The cooperative has 6 members with a vote." in body
    assert "1 person may count as an entrepreneur." in body
    assert "https://osuus.example/c/puu-pelti/monitor" in body
