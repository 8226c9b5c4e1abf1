"""Member service: the Finnish date parser, which decisions apply to whom, forms, and the monitor hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from osuus.platform.context import CoopContext, load_viewer
from osuus.platform.dates import DateError, format_date, parse_date
from osuus.platform.http import Form
from osuus.platform.tenancy import current_unit
from osuus.tenants.members import service
from osuus.tenants.members.service import MemberView
from tests.fixtures import World
from tests.tenants.members.conftest import events_of, make_member, member_row, snapshot

# --- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["1.2.2026", "01.02.2026", "1.02.2026", " 1. 2. 2026 ", "1.2.2026.", "01.2.2026"],
)
def test_parse_date_reads_the_finnish_form(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the date"),
        ("   ", "Enter the date"),
        ("2026-02-01", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ("1/2/2026", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ("1.2.26", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ("huomenna", "Write the date as d.m.yyyy, for example 27.3.2026"),
        ("31.2.2026", "Check the date. This day is not in the calendar, for example 31.2. is not"),
        ("1.13.2026", "Check the date. This day is not in the calendar, for example 31.2. is not"),
        ("0.1.2026", "Check the date. This day is not in the calendar, for example 31.2. is not"),
        ("1.1.1850", "Check the year. Write the year with four digits, for example 2026"),
    ],
)
def test_parse_date_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert caught.value.message == message


def test_format_date_writes_what_parse_date_reads() -> None:
    assert format_date(dt.date(2026, 3, 7)) == "7.3.2026"
    assert parse_date(format_date(dt.date(2026, 12, 31))) == dt.date(2026, 12, 31)


# --- which decisions apply ----------------------------------------------------------------------------------


def view(member_class: str, status: str, organisation: str | None = None) -> MemberView:
    return MemberView(1, "X", "", "", member_class, status, None, None, None, organisation, False)


@pytest.mark.parametrize(
    ("member_class", "status", "organisation", "expected"),
    [
        ("applicant", "applied", None, {"admit", "reject"}),
        ("employee", "active", None, {"start-trial", "change-class", "resign", "expel", "deceased"}),
        ("trial", "active", None, {"end-trial", "change-class", "resign", "expel", "deceased"}),
        ("member", "active", None, {"change-class", "resign", "expel", "deceased"}),
        ("supporting", "active", "Kunta", {"resign", "expel"}),
        ("member", "left", None, set()),
        ("applicant", "rejected", None, set()),
    ],
)
def test_decisions_for_each_state(member_class: str, status: str, organisation: str | None, expected: set[str]) -> None:
    assert {d.action for d in service.decisions_for(view(member_class, status, organisation))} == expected


def test_change_class_never_offers_the_current_class() -> None:
    d = service.DECISIONS["change-class"]
    assert d.class_choices(view("member", "active")) == ("trial", "supporting", "employee")


# --- forms -----------------------------------------------------------------------------------------------------


def test_add_form_person_needs_a_name_and_a_readable_date() -> None:
    form = Form(values={"kind": "person", "name": "", "email": "ei-osoite", "phone": "soita", "on_date": "32.1.2026"})
    assert service.check_add_form(form, []) is None
    assert set(form.errors) == {"name", "email", "phone", "member_class", "on_date"}


def test_add_form_organisation_must_be_from_the_list_and_supporting() -> None:
    partners = [(7, "Ylöjärven kaupunki")]
    form = Form(values={"kind": "organisation", "organisation": "8", "member_class": "member", "on_date": "1.2.2026"})
    assert service.check_add_form(form, partners) is None
    assert set(form.errors) == {"organisation", "member_class"}
    ok = Form(values={"kind": "organisation", "organisation": "7", "member_class": "supporting", "on_date": "1.2.2026"})
    new = service.check_add_form(ok, partners)
    assert new is not None and (new.organisation_id, new.name) == (7, "Ylöjärven kaupunki")


def test_decision_form_requires_who_decided_only_where_it_matters() -> None:
    member = view("member", "active")
    expel = Form(values={"on_date": "1.2.2026", "decided_by": ""})
    assert service.check_decision_form(expel, service.DECISIONS["expel"], member) is None
    assert set(expel.errors) == {"decided_by"}
    resign = Form(values={"on_date": "1.2.2026", "decided_by": ""})
    assert service.check_decision_form(resign, service.DECISIONS["resign"], member) is not None


# --- the service against the database ---------------------------------------------------------------------


async def context(world: World, role: str, coop: str = "a") -> CoopContext:
    place = world.a if coop == "a" else world.b
    viewer = await load_viewer(place.users[role])
    assert viewer is not None
    return CoopContext(place.id, place.slug, f"Osuuskunta {place.slug}", "active", (role,), viewer, world.region)


@pytest.fixture
def monitor_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int | None, int | None]]:
    """Records each monitor call with the coop of the unit it ran in (it must be the same unit as the change)."""
    calls: list[tuple[int, int | None, int | None]] = []

    async def record(coop_id: int, actor_id: int | None = None) -> None:
        calls.append((coop_id, actor_id, current_unit().coop_id))

    monkeypatch.setattr(service, "recompute_in_unit", record)
    return calls


async def test_every_change_recomputes_the_monitor_in_the_same_unit(world: World, monitor_calls: list[Any]) -> None:
    ctx = await context(world, "board")
    ip = "10.0.0.1"
    form = Form(values={"kind": "person", "name": "Maija Monitori", "member_class": "applicant", "on_date": "1.2.2026"})
    member_id = await service.add_member(ctx, form, ip)
    assert member_id is not None
    other = await make_member(world.a.id, "Matti Monitori")
    admit = Form(values={"on_date": "3.2.2026", "decided_by": "Hallitus 3.2.2026", "member_class": "member"})
    assert (await service.decide(ctx, member_id, "admit", admit, ip)).state == "done"
    linked = Form(values={"relative": str(other), "relation": "sibling"})
    assert await service.add_family_link(ctx, member_id, linked, ip)
    page = await service.member_page(ctx, member_id)
    await service.remove_family_link(ctx, member_id, page.family[0].id, ip)
    expected = (world.a.id, world.a.users["board"], world.a.id)
    assert monitor_calls == [expected] * 4


async def test_failed_decision_does_not_recompute_or_write(world: World, monitor_calls: list[Any]) -> None:
    ctx = await context(world, "admin")
    member_id = await make_member(world.a.id, "Kalle Kokeilu", on_date=dt.date(2025, 6, 1))
    before = await snapshot(world.a.id)
    early = Form(values={"on_date": "31.5.2025", "decided_by": "Hallitus"})
    outcome = await service.decide(ctx, member_id, "expel", early, "", confirmed=True)
    assert outcome.state == "invalid"
    assert early.errors == {"on_date": "The date must be on or after the last date in the member's history"}
    unconfirmed = Form(values={"on_date": "1.6.2025", "decided_by": "Hallitus"})
    assert (await service.decide(ctx, member_id, "expel", unconfirmed, "")).state == "check"
    assert monitor_calls == []
    assert await snapshot(world.a.id) == before


async def test_decision_that_no_longer_applies_changes_nothing(world: World) -> None:
    ctx = await context(world, "admin")
    member_id = await make_member(world.a.id, "Liisa Lähtijä", status="left")
    before = await snapshot(world.a.id)
    form = Form(values={"on_date": "1.2.2026", "decided_by": "Hallitus"})
    assert (await service.decide(ctx, member_id, "resign", form, "", confirmed=True)).state == "not_possible"
    assert await snapshot(world.a.id) == before


async def test_admitting_as_trial_member_writes_trial_started(world: World) -> None:
    ctx = await context(world, "admin")
    member_id = await make_member(world.a.id, "Tero Testi", "applicant", "applied", on_date=dt.date(2026, 1, 5))
    form = Form(values={"on_date": "10.1.2026", "decided_by": "Hallitus 10.1.2026", "member_class": "trial"})
    assert (await service.decide(ctx, member_id, "admit", form, "")).state == "done"
    row = await member_row(world.a.id, member_id)
    assert (row["status"], row["member_class"], row["joined_on"]) == ("active", "trial", dt.date(2026, 1, 10))
    events = await events_of(world.a.id, member_id)
    assert [(e["kind"], e["note"]) for e in events] == [("applied", ""), ("trial_started", "trial")]


async def test_register_counts_and_filters(world: World) -> None:
    region_ctx = await context(world, "coach", "b")
    before = await service.register(region_ctx)
    await make_member(world.b.id, "Laskettava Koejäsen", "trial")
    await make_member(world.b.id, "Laskettava Hakija", "applicant", "applied")
    after = await service.register(region_ctx)
    assert after.by_class["trial"] == before.by_class["trial"] + 1
    assert after.by_status["applied"] == before.by_status["applied"] + 1
    trial = await service.register(region_ctx, member_class="trial")
    assert {m.member_class for m in trial.members} == {"trial"}
    assert "Laskettava Koejäsen" in {m.name for m in trial.members}
    unknown = await service.register(region_ctx, member_class="kuningas", status="x")
    assert (unknown.member_class, unknown.status, len(unknown.members)) == ("", "", len(after.members))
