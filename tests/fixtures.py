"""Shared fixtures: the app, a browser-like client with CSRF, factories, a real worker, the mailbox."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

PASSWORD = "kissa-istuu-puussa-42"
_HASH: dict[str, str] = {}


@pytest.fixture(scope="session")
async def db() -> AsyncIterator[None]:
    from piccolo.engine import engine_finder

    engine = engine_finder()
    await engine.start_connection_pool(min_size=1, max_size=5)
    yield
    await engine.close_connection_pool()


@pytest.fixture(scope="session")
async def app(db: None) -> AsyncIterator[Any]:
    from osuus.app import create_app

    asgi = create_app()
    yield asgi
    litestar = asgi.app.app
    await litestar.state.redis.aclose()


class Browser:
    """An httpx client that keeps cookies and fills in the CSRF token like a browser's form would."""

    def __init__(self, app: Any) -> None:
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local", follow_redirects=False
        )

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def csrf(self) -> str:
        token = self.http.cookies.get("osuus_csrf")
        if token is None:
            await self.http.get("/signin")
            token = self.http.cookies.get("osuus_csrf")
        assert token
        return token

    async def post(
        self, path: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        body = dict(data or {})
        if csrf:
            body["_csrf_token"] = await self.csrf()
        return await self.http.post(path, data=body, **kwargs)

    async def signin(self, email: str, password: str = PASSWORD) -> httpx.Response:
        response = await self.post("/signin", {"email": email, "password": password, "next": "/me"})
        assert response.status_code == 303, response.text[:2000]
        return response

    async def close(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[Browser]:
    b = Browser(app)
    yield b
    await b.close()


@pytest.fixture
def new_browser(app: Any) -> Iterator[Any]:
    made: list[Browser] = []

    def make() -> Browser:
        b = Browser(app)
        made.append(b)
        return b

    yield make


async def password_hash() -> str:
    if "h" not in _HASH:
        from osuus.platform.passwords import hash_password

        _HASH["h"] = await hash_password(PASSWORD)
    return _HASH["h"]


def unique(prefix: str) -> str:
    return f"{prefix}-{os.urandom(3).hex()}"


async def make_user(email: str | None = None, name: str = "Testi Henkilö", verified: bool = True) -> int:
    from osuus.platform.tables import User
    from osuus.platform.tenancy import public_unit

    email = email or f"{unique('u')}@example.fi"
    async with public_unit():
        rows = (
            await User.insert(
                User(
                    email=email,
                    name=name,
                    password_hash=await password_hash(),
                    email_verified_at=dt.datetime.now(dt.UTC) if verified else None,
                )
            )
            .returning(User.id)
            .run()
        )
    return int(rows[0]["id"])


async def make_operator(user_id: int) -> None:
    """Platform operators are created by the owner role (the app role may only read them)."""
    import asyncpg

    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    try:
        await conn.execute("INSERT INTO platform_operator (user_id, created_at) VALUES ($1, now())", user_id)
    finally:
        await conn.close()


async def make_region(slug: str | None = None) -> int:
    from osuus.platform.tables import Region
    from osuus.platform.tenancy import public_unit

    slug = slug or unique("region")
    async with public_unit():
        rows = await Region.insert(Region(slug=slug, name=slug.title())).returning(Region.id).run()
    return int(rows[0]["id"])


async def make_coop(region_id: int, slug: str | None = None, status: str = "active") -> tuple[int, str]:
    from osuus.platform.tables import Coop
    from osuus.platform.tenancy import public_unit

    slug = slug or unique("coop")
    async with public_unit():
        rows = (
            await Coop.insert(Coop(slug=slug, name=f"Osuuskunta {slug}", region=region_id, status=status))
            .returning(Coop.id)
            .run()
        )
    return int(rows[0]["id"]), slug


async def grant(coop_id: int, user_id: int, role: str) -> int:
    from osuus.platform.tables import CoopRole
    from osuus.platform.tenancy import coop_unit

    async with coop_unit(coop_id):
        rows = await CoopRole.insert(CoopRole(coop=coop_id, user=user_id, role=role)).returning(CoopRole.id).run()
    return int(rows[0]["id"])


async def make_org(region_id: int, slug: str | None = None, kind: str = "municipality") -> tuple[int, str]:
    from osuus.platform.tables import Organisation, OrganisationRegion
    from osuus.platform.tenancy import public_unit

    slug = slug or unique("org")
    async with public_unit():
        rows = (
            await Organisation.insert(Organisation(slug=slug, name=f"Organisaatio {slug}", kind=kind))
            .returning(Organisation.id)
            .run()
        )
        org_id = int(rows[0]["id"])
        await OrganisationRegion.insert(OrganisationRegion(organisation=org_id, region=region_id)).run()
    return org_id, slug


async def grant_org(org_id: int, user_id: int, role: str) -> None:
    from osuus.platform.tables import OrganisationRole
    from osuus.platform.tenancy import public_unit

    async with public_unit():
        await OrganisationRole.insert(OrganisationRole(organisation=org_id, user=user_id, role=role)).run()


async def make_notice(coop_id: int, author_id: int, title: str = "Tiedote", org_id: int | None = None) -> int:
    from osuus.platform.tenancy import coop_unit
    from osuus.tenants.noticeboard.service import add_notice

    async with coop_unit(coop_id):
        return await add_notice(coop_id, author_id, title, "Teksti", org_id)


@dataclass
class CoopWorld:
    id: int
    slug: str
    users: dict[str, int] = field(default_factory=dict)  # role -> user id
    emails: dict[str, str] = field(default_factory=dict)  # role -> e-mail
    role_ids: dict[str, int] = field(default_factory=dict)  # role -> coop_role id
    notice: int = 0


@dataclass
class World:
    region: int
    a: CoopWorld
    b: CoopWorld
    org_id: int
    org_slug: str
    org_admin: str
    other_org_slug: str
    other_org_admin: str
    operator: str
    a_notice_to_org: int = 0
    b_notice_to_org: int = 0


ROLES = ("admin", "board", "coach", "member")


async def _coop_world(region: int) -> CoopWorld:
    coop_id, slug = await make_coop(region)
    world = CoopWorld(coop_id, slug)
    for role in ROLES:
        email = f"{role}.{slug}@example.fi"
        user = await make_user(email, name=f"{role.title()} {slug}")
        world.users[role], world.emails[role] = user, email
        world.role_ids[role] = await grant(coop_id, user, role)
    world.notice = await make_notice(coop_id, world.users["admin"], f"Tiedote {slug}")
    return world


@pytest.fixture(scope="session")
async def world(db: None) -> World:
    """Two coops in one region with a person in every role, two organisations and an operator."""
    region = await make_region()
    a, b = await _coop_world(region), await _coop_world(region)
    org_id, org_slug = await make_org(region)
    other_id, other_slug = await make_org(region, kind="parish")
    org_admin = f"admin.{org_slug}@example.fi"
    await grant_org(org_id, await make_user(org_admin, name="Org Admin"), "admin")
    other_admin = f"admin.{other_slug}@example.fi"
    await grant_org(other_id, await make_user(other_admin, name="Other Org Admin"), "admin")
    operator = f"operator.{os.urandom(3).hex()}@example.fi"
    await make_operator(await make_user(operator, name="Olli Operaattori"))
    w = World(region, a, b, org_id, org_slug, org_admin, other_slug, other_admin, operator)
    w.a_notice_to_org = await make_notice(a.id, a.users["admin"], "A kumppanille", org_id=org_id)
    w.b_notice_to_org = await make_notice(b.id, b.users["admin"], "B toiselle", org_id=other_id)
    return w


# --- a real worker and the mailbox -------------------------------------------------------------------


def mail_dir() -> Path:
    return Path(os.environ["OSUUS_DATA_DIR"]) / "mail"


def read_mail() -> list[dict[str, Any]]:
    folder = mail_dir()
    if not folder.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def wait_for_mail(to: str, timeout: float = 20, contains: str = "") -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in read_mail():
            if message["to"] == to and contains in message["subject"] + message["body"]:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} within {timeout} s; mailbox has {[m['to'] for m in read_mail()]}")


def link_in(message: dict[str, Any]) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message["body"])
    assert match, message["body"]
    return match.group(1)


@contextlib.contextmanager
def running_worker(**extra_env: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, **extra_env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "osuus.cli", "worker", "--threads", "2"], env=env, start_new_session=True
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def worker() -> Iterator[subprocess.Popen[bytes]]:
    with running_worker() as proc:
        yield proc


# --- a program using the JSON API with a bearer token (no cookies) ------------------------------------------------


class ApiClient:
    """Calls /api/… like a program would: JSON bodies, `Authorization: Bearer <token>`, no cookies, no CSRF."""

    def __init__(self, app: Any, token: str | None = None, language: str | None = None) -> None:
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local", follow_redirects=False
        )
        self.token = token
        self.language = language

    def headers(self) -> dict[str, str]:
        headers = {"accept": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        if self.language:
            headers["accept-language"] = self.language
        return headers

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.headers(), **kwargs)

    async def post(self, path: str, data: Any = None) -> httpx.Response:
        return await self.http.post(path, json={} if data is None else data, headers=self.headers())

    async def delete(self, path: str) -> httpx.Response:
        return await self.http.delete(path, headers=self.headers())

    async def close(self) -> None:
        await self.http.aclose()


async def api_client(app: Any, user_id: int, language: str | None = "en") -> ApiClient:
    """A client with a fresh token of this person (osuus.platform.apitokens.issue_token)."""
    from osuus.platform.apitokens import issue_token

    return ApiClient(app, await issue_token(user_id, f"test-{os.urandom(2).hex()}"), language)


@dataclass
class ApiPlace:
    """A fresh coop of its own (exact counts, whatever other tests do) with one person and one API client per role."""

    id: int
    slug: str
    users: dict[str, int]
    api: dict[str, ApiClient]

    async def close(self) -> None:
        for client in self.api.values():
            await client.close()


async def make_api_place(app: Any) -> ApiPlace:
    region = await make_region()
    coop_id, slug = await make_coop(region)
    users: dict[str, int] = {}
    api: dict[str, ApiClient] = {}
    for role in ROLES:
        users[role] = await make_user(f"{role}.{slug}@example.fi", name=f"{role.title()} {slug}")
        await grant(coop_id, users[role], role)
        api[role] = await api_client(app, users[role])
    return ApiPlace(coop_id, slug, users, api)


# --- one signed-in browser per person for a module -----------------------------------------------------------------

from collections.abc import Awaitable, Callable  # noqa: E402

SignIn = Callable[[str], Awaitable[Browser]]


async def english(browser: Browser) -> Browser:
    """Pages in English, so that tests can read the messages (sign-in sets the person's own language).

    The cookie is set directly: the language switch would also save "en" as the person's language for the session.
    """
    browser.http.cookies.set("lang", "en", domain="testserver.local", path="/")
    return browser


@contextlib.asynccontextmanager
async def browsers_by_email(app: Any, in_english: bool = False) -> AsyncIterator[SignIn]:
    """`get(email)`: that person's browser, signed in on first use (pages in English when `in_english`); all are
    closed at the end."""
    browsers: dict[str, Browser] = {}

    async def get(email: str) -> Browser:
        if email not in browsers:
            browsers[email] = Browser(app)
            await browsers[email].signin(email)
            if in_english:
                await english(browsers[email])
        return browsers[email]

    yield get
    for b in browsers.values():
        await b.close()


@pytest.fixture(scope="module")
async def signed_in(app: Any) -> AsyncIterator[SignIn]:
    """One signed-in browser per person for the whole module (signing in for every case would be slow)."""
    async with browsers_by_email(app) as get:
        yield get
