"""Web plumbing shared by every context: templates, forms, error pages, headers, language, tenant resolution."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import structlog
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import MediaType, Request, Response
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from osuus.platform import i18n
from osuus.platform.context import find_coop, find_org
from osuus.platform.i18n import N_

log = structlog.get_logger(__name__)
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "txt"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.raw_ngettext, newstyle=True
    )
    env.filters.update(
        eur=i18n.eur,
        date_long=i18n.date_long,
        datetime_short=i18n.datetime_short,
        clock=i18n.clock,
        duration=i18n.duration,
        number=i18n.number,
        percent=i18n.percent,
    )
    env.globals.update(LANGUAGES=i18n.LANGUAGES, LANGUAGE_NAMES=i18n.LANGUAGE_NAMES, get_language=i18n.get_language)
    return env


MAX_ID = 2**63 - 1  # PostgreSQL bigint: no row id is larger


def is_digits(text: str) -> bool:
    """Only 0-9 (`str.isdigit` also accepts "²" and other digits `int` refuses)."""
    return text.isascii() and text.isdigit()


def parse_id(text: str) -> int | None:
    """A row id chosen or typed in a form: plain ASCII digits that fit a bigint, else None (then "choose from the
    list"). `str.isdigit` alone would let "²" or a 30-digit number through to the database."""
    text = text.strip()
    if not is_digits(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def query_id(text: str | None) -> int | None:
    """An optional id in the address's query (`?request=12`): None when there is none; one that no row can have
    ("abc", "²", a number beyond bigint) is simply not found (404), like such an id in the path."""
    if not text:
        return None
    value = parse_id(text)
    if value is None:
        raise NotFoundException()
    return value


@dataclass
class Form:
    """Submitted values and errors (message ids, translated in the template). Values are always kept."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Form:
        values = {}
        for key, value in (data or {}).items():
            if key == "_csrf_token":
                continue
            if isinstance(value, list):
                value = value[-1] if value else ""
            values[key] = str(value).strip() if key not in {"password", "password2"} else str(value)
        return cls(values=values)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def page(request: Request, template: str, status: int = 200, **context: Any) -> Template:  # type: ignore[type-arg]
    context.setdefault("viewer", request.scope["state"].get("osuus_viewer"))
    context.setdefault("form", Form())
    context["path"] = request.url.path
    context["dev_mode"] = request.app.state.settings.development
    return Template(template_name=template, context=context, status_code=status)


def safe_next(value: str | None, default: str = "/me") -> str:
    """Only local paths may be redirect targets."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


_ERROR_TEXT = {
    400: (N_("The request could not be read"), N_("Go back and try again.")),
    403: (
        N_("You do not have access to this page"),
        N_("If you think you should have access, ask your coop's admin."),
    ),
    404: (N_("Page not found"), N_("Check the address. The page may have been removed.")),
    405: (N_("This action is not possible here"), N_("Go back and try again.")),
    413: (N_("The form was too large"), N_("Send less text or smaller files.")),
    429: (N_("Too many tries"), N_("Wait 15 minutes and try again.")),
    500: (N_("Something went wrong on our side"), N_("Your data is safe. Try again in a moment.")),
}


_API_ERROR_TEXT = {
    401: N_("Sign in, or send an API token in the header Authorization: Bearer <token>."),
    403: N_("You do not have access to this. Your role in the coop does not allow it."),
    404: N_("Not found. Check the address and the id."),
    409: N_("This cannot be done in the current state."),
    429: N_("Too many tries. Wait 15 minutes and try again."),
}


def _api_message(exc: Exception, status: int) -> str:
    """A message id given with the exception (`extra={"message": …}`), or the status's plain message."""
    extra = getattr(exc, "extra", None) if isinstance(exc, HTTPException) else None
    if isinstance(extra, dict) and isinstance(extra.get("message"), str):
        return str(extra["message"])
    if status in _API_ERROR_TEXT:
        return _API_ERROR_TEXT[status]
    return _ERROR_TEXT.get(status, _ERROR_TEXT[400] if status < 500 else _ERROR_TEXT[500])[0]


def api_error(status: int, message: str) -> Response[Any]:
    """The JSON API's error body: {"status": 401, "error": "…"} with the message translated."""
    return Response({"status": status, "error": i18n.gettext(message)}, status_code=status, media_type=MediaType.JSON)


def error_response(request: Request, exc: Exception) -> Response[Any]:  # type: ignore[type-arg]
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status >= 500:
        log.exception("http.error", path=request.url.path, error=type(exc).__name__)
    if request.url.path.startswith("/api/"):
        return api_error(status, _api_message(exc, status))
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/signin?next={quote(target)}", status_code=303)
    csrf = status == 403 and "CSRF" in str(getattr(exc, "detail", ""))
    title, advice = _ERROR_TEXT.get(status, _ERROR_TEXT[400] if status < 500 else _ERROR_TEXT[500])
    if csrf:
        title, advice = (N_("The form had expired"), N_("Go back, load the page again and send the form again."))
    return page(request, "errors/error.html", status=status, status_code=status, title=title, advice=advice)


class SecurityHeaders:
    """Adds CSP (no inline script), frame-ancestors none, Referrer-Policy and nosniff to every response."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if self.secure:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_COOKIE = re.compile(r"(?:^|;\s*)lang=([a-z]{2})")


def _accepted_language(header: bytes) -> str | None:
    """The first of our languages in an Accept-Language header ("en-GB,en;q=0.9,fi;q=0.8" gives "en")."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.decode("latin-1").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower()[:2]
        if code in i18n.LANGUAGES and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else None


class LanguageAndRequestId:
    """Sets the request's language from the `lang` cookie (under /api/ also from Accept-Language when there is no
    cookie: programs send no cookie) and binds a request id to the logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        cookie = accept = b""
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie = value
            elif name == b"accept-language":
                accept = value
        match = _COOKIE.search(cookie.decode("latin-1"))
        language = match.group(1) if match else None
        if language is None and str(scope.get("path", "")).startswith("/api/") and accept:
            language = _accepted_language(accept)
        token = i18n.set_language(language or i18n.DEFAULT_LANGUAGE)
        structlog.contextvars.bind_contextvars(request_id=secrets.token_hex(6), path=scope.get("path"))
        try:
            await self.app(scope, receive, send)
        finally:
            i18n.reset_language(token)
            structlog.contextvars.clear_contextvars()


class _SlugResolver(ASGIMiddleware):
    """Resolves the `{slug}` of a router's path once per request; an unknown slug is the 404 page."""

    state_key = ""
    log_key = ""

    async def find(self, slug: str) -> dict[str, object] | None:
        raise NotImplementedError

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        slug = scope.get("path_params", {}).get("slug", "")
        found = await self.find(slug) if slug else None
        if found is None:
            raise NotFoundException()
        scope["state"][self.state_key] = found
        structlog.contextvars.bind_contextvars(**{self.log_key: found["id"]})
        await next_app(scope, receive, send)


class CoopResolver(_SlugResolver):
    """/c/{slug}/… and /api/v1/coops/{slug}/…: the coop, stored as scope state `osuus_coop`."""

    state_key, log_key = "osuus_coop", "coop_id"

    async def find(self, slug: str) -> dict[str, object] | None:
        return await find_coop(slug)


class OrgResolver(_SlugResolver):
    """/o/{slug}/…: the organisation, stored as scope state `osuus_org`."""

    state_key, log_key = "osuus_org", "org_id"

    async def find(self, slug: str) -> dict[str, object] | None:
        return await find_org(slug)


def client_ip(request: Request) -> str:  # type: ignore[type-arg]
    return request.client.host if request.client else ""
