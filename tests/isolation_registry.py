"""Routes whose cross-coop isolation is tested in a context's own test module (e.g. tests/tenants/members/).

A context's isolation module calls `covered(("GET", "/c/{slug:str}/members"), ...)` at import; the guard in
tests/platform/test_isolation.py then accepts those routes. Pytest imports every test module before running any.
"""

from __future__ import annotations

COVERED: set[tuple[str, str]] = set()


def covered(*routes: tuple[str, str]) -> None:
    COVERED.update(routes)
