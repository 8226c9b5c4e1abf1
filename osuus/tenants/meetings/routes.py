"""Meeting pages under /c/{slug}/meetings."""

from __future__ import annotations

from typing import Any

HANDLERS: list[Any] = []
