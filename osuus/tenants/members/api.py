"""JSON API for the members context under /api/v1/coops/{slug}/."""

from __future__ import annotations

from typing import Any

API_HANDLERS: list[Any] = []
