"""The public application form /join/{slug}: no account, a honeypot, a rate limit, mail to applicant and admins."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from osuus.platform.ratelimit import Limiter
from osuus.platform.tenancy import coop_unit
from osuus.tenants.members.service import APPLY_LIMIT, today
from osuus.tenants.members.tables import Member
from tests.fixtures import Browser, World, english, make_coop, unique, wait_for_mail
from tests.tenants.members.conftest import events_of, outbox_to, snapshot


@pytest.fixture
async def visitor(app: Any) -> AsyncIterator[Browser]:
    """A browser without an account, reading English, with the address's application count at zero."""
    await Limiter(app.app.app.state.redis).reset("join:127.0.0.1")
    b = await english(Browser(app))
    yield b
    await b.close()


def application(**changes: str) -> dict[str, str]:
    email = f"{unique('hakija')}@example.fi"
    return {"name": "Sanna Hakija", "email": email, "phone": "", "reason": "Haluan tehdä töitä.", **changes}


async def applications_from(coop_id: int, email: str) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await Member.select().where((Member.coop == coop_id) & (Member.email == email)).run()


async def test_application_creates_an_applicant_and_mails_applicant_and_admins(visitor: Browser, world: World) -> None:
    form_page = await visitor.get(f"/join/{world.a.slug}")
    assert form_page.status_code == 200
    assert 'name="website"' in form_page.text and 'tabindex="-1"' in form_page.text
    data = application(email="Sanna.Hakija@Example.fi", phone="040 765 4321")
    response = await visitor.post(f"/join/{world.a.slug}", data)
    assert response.status_code == 200
    assert "Your application is sent" in html.unescape(response.text)
    assert "sanna.hakija@example.fi" in response.text
    rows = await applications_from(world.a.id, "sanna.hakija@example.fi")
    assert [(r["name"], r["member_class"], r["status"], r["applied_on"], r["user_id"]) for r in rows] == [
        ("Sanna Hakija", "applicant", "applied", today(), None)
    ]
    events = await events_of(world.a.id, rows[0]["id"])
    assert [(e["kind"], e["note"], e["recorded_by"]) for e in events] == [("applied", "Haluan tehdä töitä.", None)]
    to_applicant = await outbox_to("sanna.hakija@example.fi")
    to_admin = [m for m in await outbox_to(world.a.emails["admin"]) if "Sanna Hakija" in m["payload"]]
    assert len(to_applicant) == 1 and len(to_admin) == 1
    assert {m["coop_id"] for m in to_applicant + to_admin} == {world.a.id}
    assert f"/c/{world.a.slug}/members/{rows[0]['id']}" in json.loads(to_admin[0]["payload"])["body"]
    assert not [m for m in await outbox_to(world.a.emails["board"]) if "Sanna Hakija" in m["payload"]]

    before = await snapshot(world.a.id)
    again = await visitor.post(f"/join/{world.a.slug}", data)  # a double click: the same page, nothing new
    assert again.status_code == 200
    assert await snapshot(world.a.id) == before


async def test_mail_reaches_applicant_and_admin(visitor: Browser, world: World, worker: Any) -> None:
    data = application(name="Ville Postinen")
    assert (await visitor.post(f"/join/{world.b.slug}", data)).status_code == 200
    mail = wait_for_mail(data["email"])
    assert f"Osuuskunta {world.b.slug}" in mail["subject"]
    wait_for_mail(world.b.emails["admin"], contains="Ville Postinen")


async def test_application_with_mistakes_keeps_the_values(visitor: Browser, world: World) -> None:
    before = await snapshot(world.a.id)
    response = await visitor.post(
        f"/join/{world.a.slug}", {"name": "", "email": "ei-osoite", "phone": "soita", "reason": "x" * 2001}
    )
    assert response.status_code == 400
    for field in ("name", "email", "phone", "reason"):
        assert f'id="{field}-error"' in response.text
    assert 'value="ei-osoite"' in response.text and 'value="soita"' in response.text
    assert await snapshot(world.a.id) == before


async def test_filled_honeypot_looks_sent_but_does_nothing(visitor: Browser, world: World) -> None:
    before = await snapshot(world.a.id)
    data = application(website="http://roskaa.example")
    response = await visitor.post(f"/join/{world.a.slug}", data)
    assert response.status_code == 200
    assert "Your application is sent" in html.unescape(response.text)
    assert await snapshot(world.a.id) == before
    assert await outbox_to(data["email"]) == []


async def test_rate_limit_per_address(visitor: Browser, world: World) -> None:
    for _ in range(APPLY_LIMIT):
        assert (await visitor.post(f"/join/{world.b.slug}", application())).status_code == 200
    mistake = await visitor.post(f"/join/{world.b.slug}", application(email="ei-osoite"))
    assert mistake.status_code == 400  # mistakes do not count: fixing a form never locks a person out
    before = await snapshot(world.b.id)
    data = application()
    limited = await visitor.post(f"/join/{world.b.slug}", data)
    assert limited.status_code == 429
    assert "Wait one hour" in html.unescape(limited.text)
    assert await snapshot(world.b.id) == before
    assert await outbox_to(data["email"]) == []


async def test_unknown_coop_is_404(visitor: Browser) -> None:
    slug = f"ei-ole-{unique('x')}"
    assert (await visitor.get(f"/join/{slug}")).status_code == 404
    assert (await visitor.post(f"/join/{slug}", application())).status_code == 404


@pytest.mark.parametrize(("status", "code"), [("pending", 200), ("draft", 403), ("suspended", 403), ("closed", 403)])
async def test_only_active_and_pending_coops_take_applications(
    visitor: Browser, world: World, status: str, code: int
) -> None:
    coop_id, slug = await make_coop(world.region, status=status)
    assert (await visitor.get(f"/join/{slug}")).status_code == code
    data = application()
    response = await visitor.post(f"/join/{slug}", data)
    assert response.status_code == code
    written = await applications_from(coop_id, data["email"])
    assert len(written) == (1 if code == 200 else 0)
    if code == 403:
        assert "Applications are closed" in html.unescape(response.text)


async def test_signed_in_person_can_apply_too(visitor: Browser, world: World) -> None:
    await visitor.signin(world.a.emails["member"])
    await english(visitor)
    data = application()
    assert (await visitor.post(f"/join/{world.b.slug}", data)).status_code == 200
    rows = await applications_from(world.b.id, data["email"])
    assert len(rows) == 1 and rows[0]["applied_on"] <= dt.date.today() + dt.timedelta(days=1)
