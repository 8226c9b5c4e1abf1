"""Shared pieces of the JSON API under /api/v1/coops/{slug}/…: JSON bodies become the same Form the pages use, so
the API goes through the same service functions, checks and roles; refused input comes back as 400 with the
messages in the caller's language."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec
from litestar import Response
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme

from osuus.platform.context import provide_viewer
from osuus.platform.dates import format_date
from osuus.platform.http import Form, api_error
from osuus.platform.i18n import N_, gettext
from osuus.platform.money import format_euros

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_NEEDED = N_(
    "Changes through the API need an API token. Make one on the page My API tokens and send it in the header "
    "Authorization: Bearer <token>."
)
CONFIRM_NEEDED = N_('This decision cannot be undone. Send "confirm": true to make it.')

# The OpenAPI description of how to authenticate: a bearer token for everything, the session cookie for reads.
BEARER, COOKIE = "BearerToken", "SessionCookie"
SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        description="An API token made on the page /me/tokens, sent as `Authorization: Bearer osuus_…`. "
        "It acts as the person who made it, with their roles in the coop. Required for every change.",
    ),
    COOKIE: SecurityScheme(
        type="apiKey",
        security_scheme_in="cookie",
        name="osuus_session",
        description="The session of a signed-in browser. Accepted for reading only.",
    ),
}
COMPONENTS = Components(security_schemes=SECURITY_SCHEMES)
READ_SECURITY: list[SecurityRequirement] = [{BEARER: []}, {COOKIE: []}]
WRITE_SECURITY: list[SecurityRequirement] = [{BEARER: []}]


class ErrorOut(msgspec.Struct):
    """Every refusal that is not about fields: 401, 403, 404, 409 …, the message in the caller's language."""

    status: int
    error: str


class InvalidOut(msgspec.Struct):
    """Refused input (400): a message for each field, in the caller's language."""

    errors: dict[str, str]


_ERRORS = {
    401: "No valid API token (for a change), or not signed in",
    403: "The person's role in the coop does not allow this",
    404: "No such coop, or no such object in this coop",
}


def responses(ok: Any = None, status: int = 200, *, form: bool = False, conflict: str = "") -> dict[int, ResponseSpec]:
    """The OpenAPI description of what a handler answers: `ok` with `status`, and the errors it may give."""
    specs = {code: ResponseSpec(ErrorOut, description=text) for code, text in _ERRORS.items()}
    if form:
        specs[400] = ResponseSpec(InvalidOut, description="Refused input, with a message for each field")
    if conflict:
        specs[409] = ResponseSpec(ErrorOut, description=conflict)
    if ok is not None:
        specs[status] = ResponseSpec(ok, description="Done" if status == 201 else "OK")
    return specs


async def require_token_for_writes(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The API router's guard: changes need a bearer token, never the session cookie.

    Browsers send the cookie by themselves, so a write on the cookie alone could be forged by another site (CSRF).
    A token is never sent by a browser on its own, which is why /api/ is left out of the CSRF check.
    """
    if connection.scope.get("method", "GET") not in WRITE_METHODS:
        return
    await provide_viewer(connection)  # type: ignore[arg-type]
    if connection.scope["state"].get("osuus_auth") != "token":
        raise NotAuthorizedException(extra={"message": TOKEN_NEEDED})


def refused(status: int, message: str) -> Response[Any]:
    """A refusal that is not about one field: {"status": 409, "error": "…"} in the caller's language."""
    return api_error(status, message)


@dataclass
class ApiForm(Form):
    """A Form made from a JSON body; remembers which JSON field each form field came from, for the error keys."""

    json_names: dict[str, str] = field(default_factory=dict)  # form field -> JSON field


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATE_NEEDED = N_("Write the date as yyyy-mm-dd, for example 2026-03-27")
CENTS_NEEDED = N_("Write the amount in cents as a whole number, for example 2550 for 25.50 euros")


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else ""
    if value is None:
        return ""
    return value


def form_from_json(
    data: dict[str, Any] | None,
    *,
    dates: tuple[str, ...] = (),
    cents: tuple[str, ...] = (),
    names: dict[str, str] | None = None,
) -> ApiForm:
    """A JSON object as the form a page would send, so the page's service function checks it the same way.

    Numbers and booleans become the text a page would send (true is "yes"). `dates` are form fields whose JSON
    value is an ISO date (2026-03-27): they become the page's 27.3.2026. `cents` are form fields of euros whose
    JSON field is `<name>_cents`, a whole number of cents. `names` renames other JSON fields to form fields
    ({"organisation_id": "organisation"}). Errors come back under the JSON names (see `invalid`).
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    renames = dict(names or {})
    for name in cents:
        renames[f"{name}_cents"] = name
    json_names = {form_name: json_name for json_name, form_name in renames.items()}
    for key, value in (data or {}).items():
        if key in cents and f"{key}_cents" in renames:
            continue  # the euros field itself is not taken: amounts come only as cents
        name = renames.get(key, key)
        if name in cents and key != name:
            if value is None or value == "":
                value = ""
            elif isinstance(value, int) and not isinstance(value, bool):
                value = format_euros(value)
            else:
                errors[name] = CENTS_NEEDED
                value = ""
        elif name in dates and value not in (None, ""):
            try:
                day = dt.date.fromisoformat(value) if isinstance(value, str) and _ISO_DATE.match(value) else None
            except ValueError:
                day = None
            if day is None:
                errors[name] = ISO_DATE_NEEDED
                value = ""
            else:
                value = format_date(day)
        values[name] = _text(value)
    base = Form.from_data(values)
    form = ApiForm(values=base.values, json_names=json_names)
    for name, message in errors.items():
        form.error(name, message)
    return form


def invalid(form: Form, status: int = 400) -> Response[dict[str, Any]]:
    """The refused fields with their messages, translated: {"errors": {"field": "message"}} (JSON field names)."""
    names = form.json_names if isinstance(form, ApiForm) else {}
    return Response(
        {"errors": {names.get(name, name): gettext(message) for name, message in form.errors.items()}},
        status_code=status,
    )


T = TypeVar("T")


async def answer(form: Form, result: T | None, body: Callable[[T], Awaitable[Any]], status: int = 201) -> Response[Any]:
    """The answer to a change a service function made with a form from JSON: 400 with the refused fields when it
    refused (returned None or False), else `await body(result)` (the object as it is now) with `status`."""
    if result is None or result is False:
        return invalid(form)
    return Response(await body(result), status_code=status)


def yes_no(value: Any) -> str:
    """A JSON boolean as a page's yes/no radio sends it: "yes", "no", "" when missing, "?" (refused) otherwise."""
    return "yes" if value is True else "no" if value is False else "" if value is None else "?"


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """Dates and times in the JSON: ISO 8601, or null."""
    return value.isoformat() if value is not None else None
