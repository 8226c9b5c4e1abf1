"""Shared pieces of the JSON API under /api/v1/coops/{slug}/…: JSON bodies become the same Form the pages use, so
the API goes through the same service functions, checks and roles; refused input comes back as 400 with the
messages in the caller's language."""

from __future__ import annotations

from typing import Any

from litestar import Response

from osuus.platform.http import Form
from osuus.platform.i18n import gettext


def form_from_json(data: dict[str, Any] | None) -> Form:
    """A JSON object as a form: numbers and booleans become the text a page would send."""
    values: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if isinstance(value, bool):
            values[key] = "yes" if value else ""
        elif value is None:
            values[key] = ""
        else:
            values[key] = value
    return Form.from_data(values)


def invalid(form: Form, status: int = 400) -> Response[dict[str, Any]]:
    """The refused fields with their messages, translated: {"errors": {"field": "message"}}."""
    return Response({"errors": {name: gettext(message) for name, message in form.errors.items()}}, status_code=status)
