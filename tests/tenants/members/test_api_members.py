"""The member register through the JSON API: exact values, the same roles as the pages, refusals change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fixtures import ApiPlace, make_api_place
from tests.tenants.members.conftest import audit_actions, events_of, link, make_member, member_row, snapshot


@pytest.fixture
async def place(app: Any) -> AsyncIterator[ApiPlace]:
    """A fresh coop for every test: the counts and lists are exact whatever else runs."""
    p = await make_api_place(app)
    yield p
    await p.close()


def base(place: ApiPlace) -> str:
    return f"/api/v1/coops/{place.slug}"


def member_json(member_id: int, name: str, **changes: Any) -> dict[str, Any]:
    out = {
        "id": member_id,
        "kind": "person",
        "name": name,
        "email": "",
        "phone": "",
        "member_class": "member",
        "status": "active",
        "applied_on": None,
        "joined_on": "2025-01-15",
        "left_on": None,
        "organisation": None,
        "has_account": False,
        "account_email": "",
    }
    out.update(changes)
    return out


async def test_register_with_filters(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    bertta = await make_member(place.id, "Bertta Berg", "applicant", "applied", email="bertta@example.fi")
    response = await place.api["coach"].get(f"{base(place)}/members")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["members"] == [
        member_json(aino, "Aino Aalto"),
        member_json(
            bertta,
            "Bertta Berg",
            email="bertta@example.fi",
            member_class="applicant",
            status="applied",
            applied_on="2025-01-15",
            joined_on=None,
        ),
    ]
    assert body["by_status"] == {"applied": 1, "active": 1, "left": 0, "rejected": 0}
    assert body["by_class"] == {"applicant": 0, "trial": 0, "member": 1, "supporting": 0, "employee": 0}
    assert (body["member_class"], body["status"]) == ("", "")

    applied = (await place.api["admin"].get(f"{base(place)}/members", params={"status": "applied"})).json()
    assert [m["id"] for m in applied["members"]] == [bertta]
    assert applied["status"] == "applied"
    by_class = (await place.api["board"].get(f"{base(place)}/members", params={"member_class": "member"})).json()
    assert [m["id"] for m in by_class["members"]] == [aino]
    unknown = (await place.api["admin"].get(f"{base(place)}/members", params={"status": "x"})).json()
    assert [m["id"] for m in unknown["members"]] == [aino, bertta] and unknown["status"] == ""


async def test_member_detail_with_history_family_and_decisions(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    sisko = await make_member(place.id, "Sisko Aalto")
    link_id = await link(place.id, aino, sisko, "sibling")
    admin = (await place.api["admin"].get(f"{base(place)}/members/{aino}")).json()
    assert admin["member"] == member_json(aino, "Aino Aalto")
    assert [{k: v for k, v in e.items() if k != "created_at"} for e in admin["history"]] == [
        {
            "kind": "admitted",
            "on_date": "2025-01-15",
            "decided_by": "Perustava kokous",
            "recorded_by": "",
            "note": "",
            "new_class": "",
        }
    ]
    assert dt.datetime.fromisoformat(admin["history"][0]["created_at"]).tzinfo is not None
    assert admin["family"] == [
        {"id": link_id, "relative_id": sisko, "relative_name": "Sisko Aalto", "relation": "sibling"}
    ]
    assert [d["action"] for d in admin["decisions"]] == ["change-class", "resign", "expel", "deceased"]
    assert admin["decisions"][0] == {
        "action": "change-class",
        "irreversible": False,
        "classes": ["trial", "supporting", "employee"],
    }
    assert admin["decisions"][1] == {"action": "resign", "irreversible": True, "classes": []}
    coach = (await place.api["coach"].get(f"{base(place)}/members/{aino}")).json()
    assert coach["decisions"] == [] and coach["member"] == admin["member"]
    other_side = (await place.api["board"].get(f"{base(place)}/members/{sisko}")).json()
    assert other_side["family"] == [
        {"id": link_id, "relative_id": aino, "relative_name": "Aino Aalto", "relation": "sibling"}
    ]
    missing = await place.api["admin"].get(f"{base(place)}/members/{2**40}")
    assert missing.status_code == 404
    assert missing.json() == {"status": 404, "error": "Not found. Check the address and the id."}


async def test_add_member(place: ApiPlace) -> None:
    response = await place.api["board"].post(
        f"{base(place)}/members",
        {
            "kind": "person",
            "name": "Cecilia Cedercreutz",
            "email": "Cecilia@Example.fi",
            "phone": "040 123 4567",
            "member_class": "trial",
            "on_date": "2026-02-01",
            "decided_by": "Hallitus 1.2.2026",
            "coop_id": 1,  # ignored, like a forged form field
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    new_id = body["member"]["id"]
    assert body["member"] == member_json(
        new_id,
        "Cecilia Cedercreutz",
        email="cecilia@example.fi",
        phone="040 123 4567",
        member_class="trial",
        joined_on="2026-02-01",
    )
    assert [(e["kind"], e["on_date"], e["decided_by"], e["new_class"]) for e in body["history"]] == [
        ("trial_started", "2026-02-01", "Hallitus 1.2.2026", "trial")
    ]
    row = await member_row(place.id, new_id)
    assert (row["coop_id"], row["name"], row["status"], row["joined_on"]) == (
        place.id,
        "Cecilia Cedercreutz",
        "active",
        dt.date(2026, 2, 1),
    )
    assert await audit_actions(place.id, f"member:{new_id}") == ["member.added"]


async def test_add_member_refused_with_field_messages_in_english_and_finnish(place: ApiPlace) -> None:
    before = await snapshot(place.id)
    body = {"kind": "person", "name": "", "member_class": "boss", "on_date": "1.2.2026x"}
    english = await place.api["admin"].post(f"{base(place)}/members", body)
    assert english.status_code == 400
    assert english.json() == {
        "errors": {
            "on_date": "Write the date as yyyy-mm-dd, for example 2026-03-27",
            "name": "Enter the name of the person",
            "member_class": "Choose a class",
        }
    }
    place.api["admin"].language = "fi-FI,fi;q=0.9,en;q=0.5"
    finnish = await place.api["admin"].post(f"{base(place)}/members", {**body, "on_date": "2026-02-01"})
    place.api["admin"].language = "en"
    assert finnish.status_code == 400
    assert finnish.json() == {"errors": {"name": "Kirjoita henkilön nimi", "member_class": "Valitse jäsenlaji"}}
    organisation = await place.api["admin"].post(
        f"{base(place)}/members",
        {"kind": "organisation", "organisation_id": 2**40, "member_class": "supporting", "on_date": "2026-02-01"},
    )
    assert organisation.status_code == 400
    assert organisation.json() == {"errors": {"organisation_id": "Choose an organisation from the list"}}
    assert await snapshot(place.id) == before


async def test_decisions(place: ApiPlace) -> None:
    applicant = await make_member(place.id, "Hilkka Hakija", "applicant", "applied")
    other = await make_member(place.id, "Olli Hakija", "applicant", "applied")
    url = f"{base(place)}/members/{applicant}/decisions"
    admitted = await place.api["board"].post(
        f"{url}/admit", {"member_class": "member", "on_date": "2026-03-01", "decided_by": "Hallitus 1.3.2026"}
    )
    assert admitted.status_code == 200, admitted.text
    member = admitted.json()["member"]
    assert (member["status"], member["member_class"], member["joined_on"]) == ("active", "member", "2026-03-01")
    assert [e["kind"] for e in admitted.json()["history"]] == ["admitted", "applied"]

    again = await place.api["board"].post(
        f"{url}/admit", {"member_class": "member", "on_date": "2026-03-02", "decided_by": "Hallitus"}
    )
    assert again.status_code == 409
    assert again.json()["error"] == (
        "This decision is not possible for this member now. Their status or class has changed."
    )

    reject_url = f"{base(place)}/members/{other}/decisions/reject"
    before = await snapshot(place.id)
    unconfirmed = await place.api["admin"].post(reject_url, {"on_date": "2026-03-01", "decided_by": "Hallitus"})
    assert unconfirmed.status_code == 409
    assert unconfirmed.json() == {
        "status": 409,
        "error": 'This decision cannot be undone. Send "confirm": true to make it.',
    }
    bad = await place.api["admin"].post(reject_url, {"on_date": "", "decided_by": "", "confirm": True})
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": {
            "on_date": "Enter the date",
            "decided_by": "Write who decided, for example: Board meeting 23.11.2026",
        }
    }
    assert await snapshot(place.id) == before
    rejected = await place.api["admin"].post(
        reject_url, {"on_date": "2026-03-01", "decided_by": "Hallitus", "confirm": True}
    )
    assert rejected.status_code == 200
    assert rejected.json()["member"]["status"] == "rejected"
    assert [(e["kind"], e["on_date"]) for e in await events_of(place.id, other)][-1] == (
        "rejected",
        dt.date(2026, 3, 1),
    )
    unknown = await place.api["admin"].post(f"{base(place)}/members/{applicant}/decisions/promote", {})
    assert unknown.status_code == 404


async def test_family_links(place: ApiPlace) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    isa = await make_member(place.id, "Isä Aalto")
    made = await place.api["coach"].post(
        f"{base(place)}/members/{aino}/family", {"relative_id": f"00{isa}", "relation": "parent"}
    )
    assert made.status_code == 201, made.text
    link_id = made.json()["id"]
    assert made.json() == {"id": link_id, "relative_id": isa, "relative_name": "Isä Aalto", "relation": "parent"}
    seen = (await place.api["admin"].get(f"{base(place)}/members/{isa}")).json()["family"]
    assert seen == [{"id": link_id, "relative_id": aino, "relative_name": "Aino Aalto", "relation": "child"}]

    twice = await place.api["coach"].post(
        f"{base(place)}/members/{aino}/family", {"relative_id": isa, "relation": "parent"}
    )
    assert twice.status_code == 400
    assert twice.json() == {"errors": {"relative_id": "These two people are already linked"}}
    bad = await place.api["coach"].post(f"{base(place)}/members/{aino}/family", {"relation": "cousin"})
    assert bad.json() == {
        "errors": {
            "relative_id": "Choose a person from the list",
            "relation": "Choose how the two people are related",
        }
    }

    removed = await place.api["board"].delete(f"{base(place)}/members/{aino}/family/{link_id}")
    assert removed.status_code == 204
    assert (await place.api["admin"].get(f"{base(place)}/members/{aino}")).json()["family"] == []
    gone = await place.api["board"].delete(f"{base(place)}/members/{aino}/family/{link_id}")
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("member", "GET", "/members", None),
        ("member", "GET", "/members/{aino}", None),
        (
            "member",
            "POST",
            "/members",
            {"kind": "person", "name": "X", "member_class": "member", "on_date": "2026-01-01"},
        ),
        (
            "coach",
            "POST",
            "/members",
            {"kind": "person", "name": "X", "member_class": "member", "on_date": "2026-01-01"},
        ),
        (
            "coach",
            "POST",
            "/members/{applicant}/decisions/admit",
            {"member_class": "member", "on_date": "2026-01-01", "decided_by": "x"},
        ),
        (
            "member",
            "POST",
            "/members/{applicant}/decisions/admit",
            {"member_class": "member", "on_date": "2026-01-01", "decided_by": "x"},
        ),
        ("member", "POST", "/members/{aino}/family", {"relative_id": "{applicant}", "relation": "sibling"}),
        ("member", "DELETE", "/members/{aino}/family/{link}", None),
    ],
)
async def test_roles_that_the_pages_refuse_are_refused(
    place: ApiPlace, role: str, method: str, path: str, body: dict[str, Any] | None
) -> None:
    aino = await make_member(place.id, "Aino Aalto")
    applicant = await make_member(place.id, "Hilkka Hakija", "applicant", "applied")
    link_id = await link(place.id, aino, applicant)
    values = {"aino": aino, "applicant": applicant, "link": link_id}
    before = await snapshot(place.id)
    target = base(place) + path.format(**values)
    client = place.api[role]
    if method == "GET":
        response = await client.get(target)
    elif method == "DELETE":
        response = await client.delete(target)
    else:
        data = {
            k: (int(v.format(**values)) if isinstance(v, str) and v.startswith("{") else v)
            for k, v in (body or {}).items()
        }
        response = await client.post(target, data)
    assert response.status_code == 403, response.text
    assert response.json() == {
        "status": 403,
        "error": "You do not have access to this. Your role in the coop does not allow it.",
    }
    assert "Aino" not in response.text
    assert await snapshot(place.id) == before
