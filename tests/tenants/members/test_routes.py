"""Member register pages over HTTP: the register, adding, decisions with check pages, family links, /me."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from osuus.tenants.members import service
from tests.fixtures import Browser, World
from tests.tenants.members.conftest import (
    SignIn,
    audit_actions,
    events_of,
    link,
    make_member,
    member_row,
    outbox_to,
    snapshot,
)

VIEWERS, DENIED = ("admin", "board", "coach"), ("member",)


def members_url(world: World, rest: str = "") -> str:
    return f"/c/{world.a.slug}/members{rest}"


def text(body: str) -> str:
    return html.unescape(body)


# --- the register --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", VIEWERS)
async def test_register_is_shown_to_admin_board_and_coach(signed_in: SignIn, world: World, role: str) -> None:
    name = f"Rekisteri {role}"
    member_id = await make_member(world.a.id, name, "trial")
    client = await signed_in(world.a.emails[role])
    response = await client.get(members_url(world))
    assert response.status_code == 200
    assert f'href="/c/{world.a.slug}/members/{member_id}"' in response.text
    assert name in text(response.text)
    assert "Active members by class:" in response.text
    assert ('href="/c/' + world.a.slug + '/members/new"' in response.text) == (role != "coach")


async def test_register_filters_by_class_and_status(signed_in: SignIn, world: World) -> None:
    trial = await make_member(world.a.id, "Suodin Koejäsen", "trial")
    left = await make_member(world.a.id, "Suodin Lähtenyt", "member", "left")
    client = await signed_in(world.a.emails["board"])
    response = await client.get(members_url(world, "?member_class=trial&status=active"))
    assert response.status_code == 200
    assert f'/members/{trial}"' in response.text and f'/members/{left}"' not in response.text
    assert '<option value="trial" selected>' in response.text
    response = await client.get(members_url(world, "?status=left"))
    assert f'/members/{left}"' in response.text and f'/members/{trial}"' not in response.text


async def test_register_points_to_waiting_applications(signed_in: SignIn, world: World) -> None:
    await make_member(world.a.id, "Odottava Hakija", "applicant", "applied")
    response = await (await signed_in(world.a.emails["admin"])).get(members_url(world))
    assert "Applications waiting for a decision:" in response.text
    assert f'href="/c/{world.a.slug}/members?status=applied"' in response.text


@pytest.mark.parametrize(
    "path", ["", "/new", "/{id}", "/{id}/decide/expel", "/{id}/family/new", "/{id}/family/{link}/remove"]
)
async def test_member_role_gets_403_on_register_pages(signed_in: SignIn, world: World, path: str) -> None:
    member_id = await make_member(world.a.id, "Kielletty Katsoa")
    other = await make_member(world.a.id, "Kielletty Sisar")
    link_id = await link(world.a.id, member_id, other)
    client = await signed_in(world.a.emails["member"])
    response = await client.get(members_url(world, path.format(id=member_id, link=link_id)))
    assert response.status_code == 403
    assert "Kielletty Katsoa" not in text(response.text)


# --- the member page -------------------------------------------------------------------------------------------


async def test_member_page_shows_details_history_newest_first_and_family(signed_in: SignIn, world: World) -> None:
    member_id = await make_member(
        world.a.id, "Helmi Historia", "applicant", "applied", email="helmi@example.fi", on_date=dt.date(2026, 1, 2)
    )
    sister = await make_member(world.a.id, "Hilja Historia")
    await link(world.a.id, sister, member_id, "parent")  # Hilja's parent is Helmi: Helmi sees Hilja as her child
    admin = await signed_in(world.a.emails["admin"])
    response = await admin.post(
        members_url(world, f"/{member_id}/decide/admit"),
        {"on_date": "5.1.2026", "decided_by": "Hallituksen kokous 5.1.2026", "member_class": "member"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == members_url(world, f"/{member_id}?done=admit")
    page = text((await admin.get(response.headers["location"])).text)
    assert "The decision is saved in the history." in page
    assert "helmi@example.fi" in page
    admitted, applied = page.index("Admitted"), page.index("Applied to join")
    assert admitted < applied  # newest first
    assert "Hallituksen kokous 5.1.2026" in page and "New class: Member" in page
    assert re.search(r"Hilja Historia</a>: Child", page)
    coach_page = text((await (await signed_in(world.a.emails["coach"])).get(members_url(world, f"/{member_id}"))).text)
    assert "Record a decision" not in coach_page and "Add a family member" in coach_page


async def test_unknown_member_is_404(signed_in: SignIn, world: World) -> None:
    response = await (await signed_in(world.a.emails["admin"])).get(members_url(world, f"/{2**62}"))
    assert response.status_code == 404


# --- adding a member -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member_class", "status", "kind"),
    [("member", "active", "admitted"), ("trial", "active", "trial_started"), ("applicant", "applied", "applied")],
)
async def test_board_adds_a_person(signed_in: SignIn, world: World, member_class: str, status: str, kind: str) -> None:
    board = await signed_in(world.a.emails["board"])
    name = f"Uusi {member_class}"
    response = await board.post(
        members_url(world, "/new"),
        {
            "kind": "person",
            "name": name,
            "email": "Uusi@Example.fi",
            "phone": "040 123 4567",
            "member_class": member_class,
            "on_date": "01.02.2026",
            "decided_by": "Hallitus 1.2.2026",
        },
    )
    assert response.status_code == 303
    member_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    row = await member_row(world.a.id, member_id)
    assert (row["name"], row["email"], row["member_class"], row["status"]) == (
        name,
        "uusi@example.fi",
        member_class,
        status,
    )
    expected_date = dt.date(2026, 2, 1)
    assert (row["applied_on"], row["joined_on"]) == (
        (expected_date, None) if status == "applied" else (None, expected_date)
    )
    events = await events_of(world.a.id, member_id)
    assert [(e["kind"], e["on_date"], e["decided_by"], e["recorded_by"]) for e in events] == [
        (kind, expected_date, "Hallitus 1.2.2026", world.a.users["board"])
    ]
    assert await audit_actions(world.a.id, f"member:{member_id}") == ["member.added"]


async def test_adding_a_supporting_organisation(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.a.emails["admin"])
    form = {"kind": "organisation", "organisation": str(world.org_id), "member_class": "member", "on_date": "1.2.2026"}
    before = await snapshot(world.a.id)
    refused = await admin.post(members_url(world, "/new"), form)
    assert refused.status_code == 400
    assert 'id="member_class-error"' in refused.text
    assert "An organisation can only be a supporting member" in text(refused.text)
    assert await snapshot(world.a.id) == before
    response = await admin.post(members_url(world, "/new"), {**form, "member_class": "supporting"})
    assert response.status_code == 303
    member_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    row = await member_row(world.a.id, member_id)
    assert (row["organisation_id"], row["name"], row["member_class"]) == (
        world.org_id,
        f"Organisaatio {world.org_slug}",
        "supporting",
    )
    again = await admin.post(members_url(world, "/new"), {**form, "member_class": "supporting"})
    assert again.status_code == 400
    assert "This organisation is already in the register" in text(again.text)


async def test_add_form_with_mistakes_keeps_the_values(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.a.emails["admin"])
    before = await snapshot(world.a.id)
    response = await admin.post(
        members_url(world, "/new"),
        {
            "kind": "person",
            "name": "",
            "email": "ei-osoite",
            "phone": "soita",
            "member_class": "x",
            "on_date": "31.2.2026",
        },
    )
    assert response.status_code == 400
    assert response.text.count('class="error-message"') == 5
    for name in ("name", "email", "phone", "member_class", "on_date"):
        assert f'id="{name}-error"' in response.text
        assert f'href="#{name}"' in response.text  # the error summary links to the field
    assert 'value="ei-osoite"' in response.text and 'value="31.2.2026"' in response.text
    assert "<title>Error:" in response.text
    assert "This day is not in the calendar" in text(response.text)
    assert await snapshot(world.a.id) == before


async def test_add_links_the_account_of_a_person_with_a_role(signed_in: SignIn, world: World) -> None:
    admin = await signed_in(world.b.emails["admin"])
    response = await admin.post(
        f"/c/{world.b.slug}/members/new",
        {
            "kind": "person",
            "name": "Linkitetty Jäsen",
            "email": world.b.emails["member"],
            "member_class": "member",
            "on_date": "1.2.2026",
        },
    )
    assert response.status_code == 303
    member_id = int(response.headers["location"].split("/")[-1].split("?")[0])
    assert (await member_row(world.b.id, member_id))["user_id"] == world.b.users["member"]
    me = text((await (await signed_in(world.b.emails["member"])).get(f"/c/{world.b.slug}/me")).text)
    assert "My membership" in me and "Member" in me and "Sunday 1 February 2026" in me
    assert f'href="/c/{world.b.slug}/shares/mine"' in me and f'href="/c/{world.b.slug}/me/documents"' in me


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_add(signed_in: SignIn, world: World, role: str) -> None:
    client = await signed_in(world.a.emails[role])
    before = await snapshot(world.a.id)
    response = await client.post(
        members_url(world, "/new"),
        {"kind": "person", "name": "Ei Lisätä", "member_class": "member", "on_date": "1.2.2026"},
    )
    assert response.status_code == 403
    assert await snapshot(world.a.id) == before


# --- decisions -------------------------------------------------------------------------------------------------


async def test_admitting_an_applicant_mails_them(signed_in: SignIn, world: World) -> None:
    email = f"hakija-{world.a.slug}@example.fi"
    member_id = await make_member(world.a.id, "Aino Hakija", "applicant", "applied", email=email)
    response = await (await signed_in(world.a.emails["admin"])).post(
        members_url(world, f"/{member_id}/decide/admit"),
        {"on_date": "1.2.2026", "decided_by": "Hallitus", "member_class": "member"},
    )
    assert response.status_code == 303
    row = await member_row(world.a.id, member_id)
    assert (row["status"], row["member_class"], row["joined_on"]) == ("active", "member", dt.date(2026, 2, 1))
    mails = await outbox_to(email)
    assert len(mails) == 1 and mails[0]["coop_id"] == world.a.id
    assert "Aino Hakija" in json.loads(mails[0]["payload"])["body"]


async def test_rejecting_needs_the_check_page_and_mails_the_applicant(signed_in: SignIn, world: World) -> None:
    email = f"hylatty-{world.a.slug}@example.fi"
    member_id = await make_member(world.a.id, "Pekka Hylätty", "applicant", "applied", email=email)
    admin = await signed_in(world.a.emails["admin"])
    url = members_url(world, f"/{member_id}/decide/reject")
    form = {"on_date": "2.2.2026", "decided_by": "Hallitus 2.2.2026"}
    before = await snapshot(world.a.id)
    check = await admin.post(url, form)
    assert check.status_code == 200
    assert 'class="button warning"' in check.text and 'name="confirmed" value="yes"' in check.text
    assert await snapshot(world.a.id) == before  # the check page writes nothing
    done = await admin.post(url, {**form, "confirmed": "yes"})
    assert done.status_code == 303
    row = await member_row(world.a.id, member_id)
    assert (row["status"], row["left_on"]) == ("rejected", None)
    assert len(await outbox_to(email)) == 1
    assert await audit_actions(world.a.id, f"member:{member_id}") == ["member.rejected"]


@pytest.mark.parametrize("action", ["resign", "expel", "deceased"])
async def test_leaving_sets_left_on_after_confirmation(signed_in: SignIn, world: World, action: str) -> None:
    member_id = await make_member(world.a.id, f"Lähtijä {action}")
    board = await signed_in(world.a.emails["board"])
    url = members_url(world, f"/{member_id}/decide/{action}")
    form = {"on_date": "28.2.2026", "decided_by": "Hallitus 20.2.2026"}
    assert (await board.post(url, form)).status_code == 200
    changed = await board.post(url, {**form, "change": "yes"})  # back to the form, answers kept
    assert changed.status_code == 200 and 'value="Hallitus 20.2.2026"' in changed.text
    assert (await board.post(url, {**form, "confirmed": "yes"})).status_code == 303
    row = await member_row(world.a.id, member_id)
    assert (row["status"], row["left_on"]) == ("left", dt.date(2026, 2, 28))
    kind = {"resign": "resigned", "expel": "expelled", "deceased": "deceased"}[action]
    assert (await events_of(world.a.id, member_id))[-1]["kind"] == kind
    again = await board.post(url, {**form, "confirmed": "yes"})  # a second click, or a second board member
    assert again.status_code == 409
    assert "This decision is not possible now" in text(again.text)


async def test_trial_start_end_and_class_change(signed_in: SignIn, world: World) -> None:
    member_id = await make_member(world.a.id, "Kaisa Kokeilija", "employee")
    admin = await signed_in(world.a.emails["admin"])
    steps = [
        ("start-trial", {"member_class": "trial"}, "trial", "trial_started"),
        ("end-trial", {"member_class": "member"}, "member", "trial_ended"),
        ("change-class", {"member_class": "supporting"}, "supporting", "class_changed"),
    ]
    for action, extra, new_class, kind in steps:
        form = {"on_date": "1.3.2026", "decided_by": "Hallitus 1.3.2026", **extra}
        assert (await admin.post(members_url(world, f"/{member_id}/decide/{action}"), form)).status_code == 303
        assert (await member_row(world.a.id, member_id))["member_class"] == new_class
        assert (await events_of(world.a.id, member_id))[-1]["kind"] == kind


async def test_decision_with_mistakes_keeps_values_and_changes_nothing(signed_in: SignIn, world: World) -> None:
    member_id = await make_member(world.a.id, "Virhe Päivä", on_date=dt.date(2026, 1, 10))
    admin = await signed_in(world.a.emails["admin"])
    before = await snapshot(world.a.id)
    url = members_url(world, f"/{member_id}/decide/change-class")
    for form, field, message in [
        ({"on_date": "1.2.26", "decided_by": "Hallitus", "member_class": "trial"}, "on_date", "d.m.yyyy"),
        ({"on_date": "9.1.2026", "decided_by": "Hallitus", "member_class": "trial"}, "on_date", "on or after"),
        ({"on_date": "1.2.2026", "decided_by": "", "member_class": "trial"}, "decided_by", "Write who decided"),
        ({"on_date": "1.2.2026", "decided_by": "Hallitus", "member_class": "member"}, "member_class", "Choose a class"),
    ]:
        response = await admin.post(url, form)
        assert response.status_code == 400, form
        assert f'id="{field}-error"' in response.text and message in text(response.text)
        assert f'value="{form["on_date"]}"' in response.text
    assert await snapshot(world.a.id) == before


async def test_decision_that_does_not_apply_is_409_and_unknown_is_404(signed_in: SignIn, world: World) -> None:
    member_id = await make_member(world.a.id, "Jo Jäsen")
    admin = await signed_in(world.a.emails["admin"])
    before = await snapshot(world.a.id)
    assert (await admin.get(members_url(world, f"/{member_id}/decide/admit"))).status_code == 409
    form = {"on_date": "1.2.2026", "decided_by": "Hallitus", "member_class": "member"}
    assert (await admin.post(members_url(world, f"/{member_id}/decide/admit"), form)).status_code == 409
    assert (await admin.get(members_url(world, f"/{member_id}/decide/ylenna"))).status_code == 404
    assert (await admin.post(members_url(world, f"/{member_id}/decide/ylenna"), form)).status_code == 404
    assert await snapshot(world.a.id) == before


@pytest.mark.parametrize("role", ["coach", "member"])
async def test_coach_and_member_cannot_decide(signed_in: SignIn, world: World, role: str) -> None:
    member_id = await make_member(world.a.id, "Päättämätön", "applicant", "applied")
    client = await signed_in(world.a.emails[role])
    before = await snapshot(world.a.id)
    url = members_url(world, f"/{member_id}/decide/admit")
    assert (await client.get(url)).status_code == 403
    form = {"on_date": "1.2.2026", "decided_by": "Hallitus", "member_class": "member", "confirmed": "yes"}
    assert (await client.post(url, form)).status_code == 403
    assert (await client.post(url, {**form, "change": "yes"})).status_code == 403
    assert await snapshot(world.a.id) == before


# --- family links --------------------------------------------------------------------------------------------------


async def test_coach_links_and_unlinks_family(signed_in: SignIn, world: World) -> None:
    anna, pekka = await make_member(world.a.id, "Anna Perhe"), await make_member(world.a.id, "Pekka Perhe")
    coach = await signed_in(world.a.emails["coach"])
    form_page = await coach.get(members_url(world, f"/{anna}/family/new"))
    assert form_page.status_code == 200 and f'<option value="{pekka}">' in form_page.text
    response = await coach.post(
        members_url(world, f"/{anna}/family/new"), {"relative": str(pekka), "relation": "spouse"}
    )
    assert response.status_code == 303
    rows = (await snapshot(world.a.id))["family_link"]
    made = [r for r in rows if {r["member_id"], r["relative_id"]} == {anna, pekka}]
    assert [(r["member_id"], r["relative_id"], r["relation"]) for r in made] == [(anna, pekka, "spouse")]
    assert await audit_actions(world.a.id, f"member:{anna}") == ["family.linked"]

    before = await snapshot(world.a.id)
    for member, relative, message in [
        (pekka, anna, "These two people are already linked"),  # the same pair the other way round
        (anna, anna, "A person cannot be their own relative"),
        (anna, 2**62, "Choose a person from the list"),
    ]:
        refused = await coach.post(
            members_url(world, f"/{member}/family/new"), {"relative": str(relative), "relation": "sibling"}
        )
        assert refused.status_code == 400
        assert 'id="relative-error"' in refused.text and message in text(refused.text)
    empty = await coach.post(members_url(world, f"/{anna}/family/new"), {"relative": "", "relation": ""})
    assert empty.status_code == 400 and 'id="relation-error"' in empty.text
    assert await snapshot(world.a.id) == before

    link_id = made[0]["id"]
    confirm = await coach.get(members_url(world, f"/{pekka}/family/{link_id}/remove"))
    assert confirm.status_code == 200 and 'class="button warning"' in confirm.text
    assert "Anna Perhe is saved as family to Pekka Perhe: Spouse." in text(confirm.text)
    removed = await coach.post(members_url(world, f"/{pekka}/family/{link_id}/remove"))
    assert removed.status_code == 303
    assert not [r for r in (await snapshot(world.a.id))["family_link"] if r["id"] == link_id]
    assert await audit_actions(world.a.id, f"member:{pekka}") == ["family.unlinked"]
    gone = await coach.post(members_url(world, f"/{pekka}/family/{link_id}/remove"))
    assert gone.status_code == 404


async def test_link_of_another_member_is_not_found_through_this_member(signed_in: SignIn, world: World) -> None:
    a, b, c = [await make_member(world.a.id, f"Kolmas {i}") for i in range(3)]
    link_id = await link(world.a.id, a, b)
    admin = await signed_in(world.a.emails["admin"])
    before = await snapshot(world.a.id)
    assert (await admin.get(members_url(world, f"/{c}/family/{link_id}/remove"))).status_code == 404
    assert (await admin.post(members_url(world, f"/{c}/family/{link_id}/remove"))).status_code == 404
    assert await snapshot(world.a.id) == before


async def test_member_role_cannot_change_family(signed_in: SignIn, world: World) -> None:
    x, y = await make_member(world.a.id, "Ei Perhe 1"), await make_member(world.a.id, "Ei Perhe 2")
    link_id = await link(world.a.id, x, y)
    client = await signed_in(world.a.emails["member"])
    before = await snapshot(world.a.id)
    assert (
        await client.post(members_url(world, f"/{x}/family/new"), {"relative": str(y), "relation": "child"})
    ).status_code == 403
    assert (await client.post(members_url(world, f"/{x}/family/{link_id}/remove"))).status_code == 403
    assert await snapshot(world.a.id) == before


# --- my membership -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "board", "coach", "member"])
async def test_my_membership_for_everyone_with_a_role(signed_in: SignIn, world: World, role: str) -> None:
    response = await (await signed_in(world.a.emails[role])).get(f"/c/{world.a.slug}/me")
    assert response.status_code == 200
    page = text(response.text)
    assert "My membership" in page and "My meetings and votes" in page
    assert "Your account is not linked to the member register" in page  # nobody in coop A is linked
    assert f'href="/c/{world.a.slug}/me" aria-current="page"' in response.text
    assert (f'href="/c/{world.a.slug}/members"' in response.text) == (role != "member")


def test_decision_words_in_the_address_are_the_service_table() -> None:
    assert set(service.DECISIONS) == {
        "admit",
        "reject",
        "start-trial",
        "end-trial",
        "change-class",
        "resign",
        "expel",
        "deceased",
    }


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_pages_render_in_every_language(app: object, world: World, language: str) -> None:
    applicant = await make_member(world.a.id, "Kieli Hakija", "applicant", "applied")
    person, relative = await make_member(world.a.id, "Kieli Jäsen"), await make_member(world.a.id, "Kieli Sisko")
    link_id = await link(world.a.id, person, relative)
    browser = Browser(app)
    try:
        await browser.signin(world.a.emails["admin"])
        browser.http.cookies.set("lang", language, domain="testserver.local", path="/")
        paths = [
            "",
            "?status=applied",
            "/new",
            f"/{person}",
            f"/{applicant}/decide/admit",
            f"/{person}/decide/expel",
            f"/{person}/family/new",
            f"/{person}/family/{link_id}/remove",
        ]
        for path in paths:
            response = await browser.get(members_url(world, path))
            assert response.status_code == 200, path
            assert f'<html lang="{language}">' in response.text
        assert (await browser.get(f"/c/{world.a.slug}/me")).status_code == 200
        assert (await browser.get(f"/join/{world.a.slug}")).status_code == 200
        check = await browser.post(
            members_url(world, f"/{person}/decide/expel"), {"on_date": "1.3.2026", "decided_by": "Hallitus"}
        )
        assert check.status_code == 200 and 'class="button warning"' in check.text
    finally:
        await browser.close()
