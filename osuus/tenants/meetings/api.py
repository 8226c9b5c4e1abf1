"""JSON API for meetings and votes under /api/v1/coops/{slug}/meetings."""

from __future__ import annotations

from typing import Any

API_HANDLERS: list[Any] = []
