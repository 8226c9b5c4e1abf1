"""Accounts end to end over HTTP, with a real worker delivering mail to the mailbox folder.

Sign-up and e-mail verification, sign-in (and its rate limit), password reset, invitations, CSRF, the session
cookie and the language choice. Mail is read from $OSUUS_DATA_DIR/mail as the worker writes it.

Invitations and notices use a coop of this module (not the shared `world`), so the roles and notices they add
cannot change what other test modules see in world.a.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from markupsafe import escape

from osuus.platform import i18n
from tests.fixtures import (
    PASSWORD,
    ROLES,
    Browser,
    grant,
    link_in,
    make_region,
    make_user,
    read_mail,
    unique,
    wait_for_mail,
)

NEW_PASSWORD = "Kesäinen-Sade-Ropisee-42"
OTHER_PASSWORD = "uusi-Salasana-Keväällä-77"
BASE = "http://testserver.local"


# --- helpers ---------------------------------------------------------------------------------------------


def fi(message: str, **variables: object) -> str:
    """A message as the app writes it in the default language (Finnish, or the English id if not compiled)."""
    with i18n.language("fi"):
        return i18n.gettext(message, **variables)


def html(message: str, **variables: object) -> str:
    """A message as it appears in an HTML page: translated, with the variables HTML-escaped."""
    escaped = {k: str(escape(v)) for k, v in variables.items()}
    return fi(message, **escaped)


def new_address(prefix: str = "uusi") -> str:
    return f"{unique(prefix)}@example.fi"


def field_error(page: str, name: str) -> str | None:
    """The error message shown next to a form field, or None."""
    match = re.search(
        rf'<p class="error-message" id="{name}-error"><span class="visually-hidden">[^<]*</span> ([^<]*)</p>', page
    )
    return match.group(1) if match else None


def input_value(page: str, name: str) -> str:
    match = re.search(rf'<input id="{name}" name="{name}" type="[a-z]+" value="([^"]*)"', page)
    assert match, f"no input {name} in the page"
    return match.group(1)


def session_cookie(response: httpx.Response) -> str | None:
    """The Set-Cookie header of the session cookie in a response, or None."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("osuus_session="):
            return header
    return None


def cookie_value(header: str) -> str:
    return header.split(";", 1)[0].split("=", 1)[1]


@contextlib.asynccontextmanager
async def owner_connection(scope: str | None = None) -> AsyncIterator[asyncpg.Connection]:
    """The table owner's connection (the owner is subject to forced RLS too, hence the optional scope)."""
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    try:
        if scope is not None:
            assert scope in {"operator", "relay"}
            await conn.execute(f"SET app.scope = '{scope}'")
        yield conn
    finally:
        await conn.close()


async def users_with(email: str) -> list[dict[str, Any]]:
    from osuus.platform.tables import User
    from osuus.platform.tenancy import public_unit

    async with public_unit():
        return (
            await User.select(User.id, User.name, User.email_verified_at, User.language)
            .where(User.email == email)
            .run()
        )


async def user_count() -> int:
    from osuus.platform.tables import User
    from osuus.platform.tenancy import public_unit

    async with public_unit():
        return int(await User.count().run())


async def outbox_to(address: str) -> list[dict[str, Any]]:
    from osuus.platform.tables import Outbox
    from osuus.platform.tenancy import relay_unit

    async with relay_unit():
        return await Outbox.raw(
            "SELECT id, actor, sent_at, done_at FROM outbox WHERE payload->>'to' = {}", address
        ).run()


def mail_to(address: str) -> list[dict[str, Any]]:
    return [m for m in read_mail() if m["to"] == address]


async def signed_in_name(browser: Browser) -> str | None:
    """The name /me greets, or None when /me sends the browser to sign in."""
    response = await browser.get("/me")
    if response.status_code == 303:
        assert response.headers["location"] == "/signin?next=/me"
        return None
    assert response.status_code == 200
    match = re.search(r"<h1>([^<]*)</h1>", response.text)
    assert match
    return match.group(1)


async def try_signin(browser: Browser, email: str, password: str) -> httpx.Response:
    return await browser.post("/signin", {"email": email, "password": password, "next": "/me"})


class BrowserAt(Browser):
    """A browser whose requests come from the given client address (sign-in limits count per address too)."""

    def __init__(self, app: Any, ip: str) -> None:
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(ip, 40000)), base_url=BASE, follow_redirects=False
        )


@dataclass
class Place:
    id: int
    slug: str
    name: str
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
async def coop(db: None) -> Place:
    """A coop of this module with a person in every role; its name needs escaping in HTML but not in mail."""
    from osuus.platform.tables import Coop
    from osuus.platform.tenancy import public_unit

    region = await make_region()
    slug = unique("kutsu")
    name = f"Puu & Pelti {slug}"
    async with public_unit():
        rows = await Coop.insert(Coop(slug=slug, name=name, region=region, status="active")).returning(Coop.id).run()
    place = Place(int(rows[0]["id"]), slug, name)
    for role in ROLES:
        email = f"{role}.{slug}@example.fi"
        place.users[role] = await make_user(email, name=f"{role.title()} {slug}")
        place.emails[role] = email
        await grant(place.id, place.users[role], role)
    return place


@pytest.fixture
async def browsers(app: Any) -> AsyncIterator[Any]:
    made: list[Browser] = []

    def make(ip: str | None = None) -> Browser:
        b = BrowserAt(app, ip) if ip else Browser(app)
        made.append(b)
        return b

    yield make
    for b in made:
        await b.close()


# --- sign-up and verification ----------------------------------------------------------------------------


async def test_sign_up_verify_then_sign_in(browser: Browser, worker: Any) -> None:
    email, name = new_address(), "Anna-Liisa O'Neil"
    response = await browser.post("/signup", {"name": name, "email": email, "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert html("We sent an e-mail to %(email)s.", email=email) in response.text
    [user] = await users_with(email)
    assert user["name"] == name
    assert user["email_verified_at"] is None
    assert user["language"] == "fi"

    mail = wait_for_mail(email)
    assert mail["subject"] == fi("Confirm your e-mail address")
    assert fi("Hello %(name)s,", name=name) in mail["body"]  # plain text: no HTML entities in e-mail
    link = link_in(mail)
    assert re.fullmatch(r"/verify/[A-Za-z0-9_-]{20,}", link), link
    assert mail["body"].count(f"{BASE}{link}") == 1

    refused = await try_signin(browser, email, NEW_PASSWORD)
    assert refused.status_code == 400
    assert field_error(refused.text, "email") == html(
        "Confirm your e-mail address first. Open the link in the e-mail we sent you"
    )
    assert await signed_in_name(browser) is None

    verified = await browser.get(link)
    assert verified.status_code == 200
    assert html("Your e-mail address is confirmed") in verified.text
    [user] = await users_with(email)
    assert user["email_verified_at"] is not None

    signed_in = await try_signin(browser, email, NEW_PASSWORD)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/me"
    assert await signed_in_name(browser) == html("Hello, %(name)s", name=name)

    again = await browser.get(link)
    assert again.status_code == 400
    assert html("The link does not work") in again.text


async def test_sign_up_with_an_address_in_use_looks_the_same_and_mails_the_owner(browser: Browser, worker: Any) -> None:
    existing, fresh = new_address("olemassa"), new_address()
    owner_id = await make_user(existing, name="Olli Olemassa")

    first = await browser.post("/signup", {"name": "Uusi Ihminen", "email": fresh, "password": NEW_PASSWORD})
    second = await browser.post("/signup", {"name": "Joku Muu", "email": existing, "password": OTHER_PASSWORD})
    assert first.status_code == second.status_code == 200
    assert second.text.replace(existing, "ADDRESS") == first.text.replace(fresh, "ADDRESS")

    users = await users_with(existing)
    assert [(u["id"], u["name"]) for u in users] == [(owner_id, "Olli Olemassa")]
    mail = wait_for_mail(existing)
    assert mail["subject"] == fi("You already have an account in Osuus")
    assert "/verify/" not in mail["body"]
    assert f"{BASE}/reset" in mail["body"]
    assert len(mail_to(existing)) == 1

    # The account is untouched: the old password works, the one typed into the sign-up form does not.
    assert (await try_signin(browser, existing, OTHER_PASSWORD)).status_code == 400
    assert (await try_signin(browser, existing, PASSWORD)).status_code == 303
    assert await signed_in_name(browser) == html("Hello, %(name)s", name="Olli Olemassa")


BAD_SIGNUPS = [
    pytest.param(
        {"name": "", "email": "", "password": ""},
        {"name": "Enter your name", "email": "Enter your e-mail address", "password": "Enter a password"},
        id="empty",
    ),
    pytest.param(
        {"name": "Matti Meikäläinen", "email": "EMAIL", "password": "lyhyt-42"},
        {"password": "The password must be at least 10 characters long"},
        id="short-password",
    ),
    pytest.param(
        {"name": "Matti Meikäläinen", "email": "EMAIL", "password": "password123456"},
        {"password": "This password is too easy to guess. Choose a password that others do not use"},
        id="common-password",
    ),
    pytest.param(
        {"name": "Matti Meikäläinen", "email": "EMAIL", "password": "qwertyuiop"},
        {"password": "This password is too easy to guess. Choose a password that others do not use"},
        id="keyboard-password",
    ),
    pytest.param(
        {"name": "Matti Meikäläinen", "email": "matti.meikalainen.example.fi", "password": NEW_PASSWORD},
        {"email": "Enter the e-mail address in the form name@example.fi"},
        id="malformed-email",
    ),
]


@pytest.mark.parametrize(("data", "errors"), BAD_SIGNUPS)
async def test_sign_up_with_bad_input_is_refused_next_to_the_fields(
    browser: Browser, data: dict[str, str], errors: dict[str, str]
) -> None:
    data = {k: new_address("huono") if v == "EMAIL" else v for k, v in data.items()}
    before = await user_count()
    response = await browser.post("/signup", data)
    assert response.status_code == 400
    for name in ("name", "email", "password"):
        expected = html(errors[name]) if name in errors else None
        assert field_error(response.text, name) == expected, name
    assert input_value(response.text, "name") == str(escape(data["name"]))
    assert input_value(response.text, "email") == str(escape(data["email"]))
    assert input_value(response.text, "password") == ""
    assert await user_count() == before
    if data["email"]:
        assert await users_with(data["email"]) == []
        assert await outbox_to(data["email"]) == []


# --- password reset --------------------------------------------------------------------------------------


async def test_password_reset_changes_the_password_once(browser: Browser, browsers: Any, worker: Any) -> None:
    email = new_address("unohti")
    await make_user(email, name="Unohtaja")
    response = await browser.post("/reset", {"email": email})
    assert response.status_code == 200
    assert (
        html(
            "If %(email)s has an account, we sent a link there. With the link you can choose a new password.",
            email=email,
        )
        in response.text
    )

    mail = wait_for_mail(email)
    assert mail["subject"] == fi("Choose a new password")
    link = link_in(mail)
    assert re.fullmatch(r"/reset/[A-Za-z0-9_-]{20,}", link), link
    assert (await browser.get(link)).status_code == 200

    weak = await browser.post(link, {"password": "lyhyt"})
    assert weak.status_code == 400
    assert field_error(weak.text, "password") == html("The password must be at least 10 characters long")
    assert (await browser.get(link)).status_code == 200  # a refused password does not use up the link

    done = await browser.post(link, {"password": NEW_PASSWORD})
    assert done.status_code == 200
    old, new = browsers(), browsers()
    assert (await try_signin(old, email, PASSWORD)).status_code == 400
    assert (await try_signin(new, email, NEW_PASSWORD)).status_code == 303
    assert await signed_in_name(new) == html("Hello, %(name)s", name="Unohtaja")

    assert (await browser.get(link)).status_code == 400
    second = await browser.post(link, {"password": OTHER_PASSWORD})
    assert second.status_code == 400
    assert html("The link does not work") in second.text
    assert (await try_signin(browsers(), email, OTHER_PASSWORD)).status_code == 400


async def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    browser: Browser, worker: Any
) -> None:
    known, unknown = new_address("tunnettu"), new_address("tuntematon")
    await make_user(known)
    first = await browser.post("/reset", {"email": known})
    second = await browser.post("/reset", {"email": unknown})
    assert first.status_code == second.status_code == 200
    assert second.text.replace(unknown, "ADDRESS") == first.text.replace(known, "ADDRESS")
    assert await outbox_to(unknown) == []
    wait_for_mail(known)  # the worker is delivering: had there been a mail to the unknown address, it went too
    assert mail_to(unknown) == []
    assert await users_with(unknown) == []


async def test_expired_reset_link_is_refused(browser: Browser, browsers: Any, worker: Any) -> None:
    from osuus.platform.tokens import token_hash

    email = new_address("vanha")
    await make_user(email)
    assert (await browser.post("/reset", {"email": email})).status_code == 200
    link = link_in(wait_for_mail(email))
    token = link.removeprefix("/reset/")
    async with owner_connection() as conn:
        status = await conn.execute(
            "UPDATE email_token SET expires_at = now() - interval '1 minute' WHERE token_hash = $1",
            token_hash(token),
        )
    assert status == "UPDATE 1"

    assert (await browser.get(link)).status_code == 400
    refused = await browser.post(link, {"password": NEW_PASSWORD})
    assert refused.status_code == 400
    assert html("The link does not work") in refused.text
    assert (await try_signin(browsers(), email, NEW_PASSWORD)).status_code == 400
    assert (await try_signin(browsers(), email, PASSWORD)).status_code == 303


# --- invitations -----------------------------------------------------------------------------------------


async def invitations_to(coop: Place, email: str) -> list[dict[str, Any]]:
    from osuus.platform.tables import Invitation
    from osuus.platform.tenancy import coop_unit

    async with coop_unit(coop.id):
        return (
            await Invitation.select(Invitation.role, Invitation.name, Invitation.invited_by, Invitation.accepted_at)
            .where(Invitation.email == email)
            .run()
        )


async def roles_of(coop: Place, user_id: int) -> list[str]:
    from osuus.platform.tables import CoopRole
    from osuus.platform.tenancy import coop_unit

    async with coop_unit(coop.id):
        rows = (
            await CoopRole.select(CoopRole.role)
            .where((CoopRole.coop == coop.id) & (CoopRole.user == user_id))
            .order_by(CoopRole.role)
            .run()
        )
    return [r["role"] for r in rows]


async def invite(admin: Browser, coop: Place, email: str, name: str, role: str) -> str:
    response = await admin.post(f"/c/{coop.slug}/people/invite", {"email": email, "name": name, "role": role})
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == f"/c/{coop.slug}/people?sent=1"
    mail = wait_for_mail(email)
    assert mail["subject"] == fi("Invitation to %(place)s", place=coop.name)
    link = link_in(mail)
    assert re.fullmatch(r"/invite/[A-Za-z0-9_-]{20,}", link), link
    return link


async def test_invitation_creates_the_account_and_the_role(
    browser: Browser, browsers: Any, coop: Place, worker: Any
) -> None:
    email, name = new_address("kutsuttu"), "Kaisa Kutsuttu"
    await browser.signin(coop.emails["admin"])
    link = await invite(browser, coop, email, name, "member")
    [row] = await invitations_to(coop, email)
    assert (row["role"], row["name"], row["invited_by"], row["accepted_at"]) == (
        "member",
        name,
        coop.users["admin"],
        None,
    )

    guest = browsers()
    form = await guest.get(link)
    assert form.status_code == 200
    assert html("Invitation to %(place)s", place=coop.name) in form.text
    assert input_value(form.text, "name") == name

    weak = await guest.post(link, {"name": name, "password": "lyhyt"})
    assert weak.status_code == 400
    assert field_error(weak.text, "password") == html("The password must be at least 10 characters long")
    assert await users_with(email) == []

    accepted = await guest.post(link, {"name": name, "password": NEW_PASSWORD})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/c/{coop.slug}/"
    [user] = await users_with(email)
    assert user["name"] == name
    assert user["email_verified_at"] is not None  # the invitation link proved the address
    assert await roles_of(coop, user["id"]) == ["member"]
    [row] = await invitations_to(coop, email)
    assert row["accepted_at"] is not None
    assert (await guest.get(f"/c/{coop.slug}/")).status_code == 200  # signed in by accepting

    assert (await guest.get(link)).status_code == 404
    assert (await browsers().get(link)).status_code == 404
    assert (await guest.post(link, {"name": name, "password": NEW_PASSWORD})).status_code == 404
    assert len(await users_with(email)) == 1


async def test_invitation_of_an_existing_account_links_the_role_after_sign_in(
    browser: Browser, browsers: Any, coop: Place, worker: Any
) -> None:
    email = new_address("jo-tili")
    user_id = await make_user(email, name="Jo Tilillinen")
    await browser.signin(coop.emails["admin"])
    link = await invite(browser, coop, email, "Jo Tilillinen", "coach")

    stranger = browsers()
    assert (await stranger.get(link)).status_code == 200
    redirected = await stranger.post(link, {})
    assert redirected.status_code == 303
    assert redirected.headers["location"] == f"/signin?next={link}"
    assert await roles_of(coop, user_id) == []

    person = browsers()
    await person.signin(email)
    assert (await person.get(link)).status_code == 200
    accepted = await person.post(link, {})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/c/{coop.slug}/"
    assert await roles_of(coop, user_id) == ["coach"]
    assert [u["id"] for u in await users_with(email)] == [user_id]
    assert (await person.get(f"/c/{coop.slug}/")).status_code == 200
    assert (await person.get(link)).status_code == 404


@pytest.mark.parametrize("role", ["board", "coach", "member"])
async def test_only_an_admin_may_invite(browser: Browser, coop: Place, role: str) -> None:
    email = new_address("ei-kutsua")
    await browser.signin(coop.emails[role])
    response = await browser.post(
        f"/c/{coop.slug}/people/invite", {"email": email, "name": "Ei Kutsuttu", "role": "member"}
    )
    assert response.status_code == 403
    assert await invitations_to(coop, email) == []
    assert await outbox_to(email) == []


# --- sign-in limit ---------------------------------------------------------------------------------------


async def test_sign_in_is_limited_per_account_and_audited(app: Any, browsers: Any) -> None:
    from osuus.platform.settings import get_settings

    assert get_settings().signin_limit == 5
    email = new_address("arvaaja")
    user_id = await make_user(email)
    ip = f"10.{os.urandom(1)[0]}.{os.urandom(1)[0]}.{os.urandom(1)[0] or 1}"
    browser = browsers(ip)
    for _ in range(5):
        wrong = await try_signin(browser, email, "vaara-salasana-123")
        assert wrong.status_code == 400
        assert field_error(wrong.text, "email") == html("The e-mail address or the password is wrong")
    limited = await try_signin(browser, email, PASSWORD)
    assert limited.status_code == 429
    assert field_error(limited.text, "email") == html("Too many tries. Wait 15 minutes and try again")
    assert input_value(limited.text, "password") == ""
    assert await signed_in_name(browser) is None
    # The right password from a fresh browser at another address is refused too: the limit is per account.
    assert (await try_signin(browsers("192.0.2.77"), email, PASSWORD)).status_code == 429
    # Another account signs in from the same address.
    other = new_address("naapuri")
    await make_user(other)
    assert (await try_signin(browsers(ip), other, PASSWORD)).status_code == 303

    async with owner_connection("operator") as conn:
        rows = await conn.fetch("SELECT action, actor_id, ip FROM audit_log WHERE target = $1 ORDER BY id", email)
    assert [tuple(r) for r in rows] == [
        *[("account.signin_failed", user_id, ip)] * 5,
        ("account.signin_limited", None, ip),
        ("account.signin_limited", None, "192.0.2.77"),
    ]


# --- CSRF ------------------------------------------------------------------------------------------------


async def test_sign_up_without_the_csrf_token_is_refused(browser: Browser) -> None:
    email = new_address("csrf")
    data = {"name": "Cecilia Csrf", "email": email, "password": NEW_PASSWORD}
    await browser.csrf()  # the browser has the CSRF cookie; only the form field is missing
    refused = await browser.post("/signup", data, csrf=False)
    assert refused.status_code == 403
    assert await users_with(email) == []
    assert (await browser.post("/signup", data)).status_code == 200
    assert len(await users_with(email)) == 1


async def test_notice_without_the_csrf_token_is_refused(browser: Browser, coop: Place) -> None:
    from osuus.platform.tenancy import coop_unit
    from osuus.tenants.noticeboard.tables import Notice

    async def notices(title: str) -> int:
        async with coop_unit(coop.id):
            return int(await Notice.count().where(Notice.title == title).run())

    await browser.signin(coop.emails["admin"])
    title = unique("Väärennetty tiedote")
    path = f"/c/{coop.slug}/notices/new"
    refused = await browser.post(path, {"title": title, "body": "Teksti"}, csrf=False)
    assert refused.status_code == 403
    assert await notices(title) == 0
    posted = await browser.post(path, {"title": title, "body": "Teksti"})
    assert posted.status_code == 303
    assert await notices(title) == 1


# --- the session cookie ----------------------------------------------------------------------------------


async def test_sign_in_replaces_the_session_and_sign_out_ends_it(app: Any, browser: Browser) -> None:
    email = new_address("istunto")
    await make_user(email, name="Iida Istunto")
    planted = "a" * 64  # e.g. a session id an attacker made the victim's browser use
    browser.http.cookies.set("osuus_session", planted, domain="testserver.local")
    assert (await browser.get("/me")).status_code == 303

    response = await try_signin(browser, email, PASSWORD)
    assert response.status_code == 303
    header = session_cookie(response)
    assert header is not None
    signed_in = cookie_value(header)
    assert signed_in not in {planted, "", "null"}
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert await signed_in_name(browser) == html("Hello, %(name)s", name="Iida Istunto")

    async def me_with(session_id: str) -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE, cookies={"osuus_session": session_id}
        ) as client:
            return await client.get("/me")

    assert (await me_with(planted)).status_code == 303  # the old id did not become the signed-in session
    assert (await me_with(signed_in)).status_code == 200

    out = await browser.post("/signout", {})
    assert out.status_code == 303
    assert out.headers["location"] == "/"
    cleared = session_cookie(out)
    assert cleared is not None
    assert cookie_value(cleared) in {"", "null"}
    assert browser.http.cookies.get("osuus_session") in {None, "", "null"}
    me = await browser.get("/me")
    assert me.status_code == 303
    assert me.headers["location"] == "/signin?next=/me"
    replayed = await me_with(signed_in)
    assert replayed.status_code == 303  # the session is gone on the server, not only in this browser
    assert replayed.headers["location"] == "/signin?next=/me"


# --- language --------------------------------------------------------------------------------------------


async def test_language_choice_sets_the_cookie(browser: Browser) -> None:
    assert '<html lang="fi">' in (await browser.get("/")).text
    response = await browser.post("/lang", {"lang": "sv", "next": "/"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith("lang=")]
    assert cookie_value(header) == "sv"
    assert browser.http.cookies.get("lang") == "sv"
    assert '<html lang="sv">' in (await browser.get("/")).text


async def test_language_choice_is_saved_for_a_signed_in_person(browser: Browser, browsers: Any) -> None:
    email = new_address("svenska")
    await make_user(email, name="Sven Svensson")
    await browser.signin(email)
    response = await browser.post("/lang", {"lang": "sv", "next": "/me"})
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    assert browser.http.cookies.get("lang") == "sv"
    [user] = await users_with(email)
    assert user["language"] == "sv"
    me = await browser.get("/me")
    assert me.status_code == 200
    assert '<html lang="sv">' in me.text

    # Signing in elsewhere brings the saved language along.
    elsewhere = browsers()
    assert '<html lang="fi">' in (await elsewhere.get("/")).text
    await elsewhere.signin(email)
    assert elsewhere.http.cookies.get("lang") == "sv"
    assert '<html lang="sv">' in (await elsewhere.get("/me")).text
