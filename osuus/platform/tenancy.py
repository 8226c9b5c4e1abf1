"""Units of work: one transaction each, with the tenant set first by SET LOCAL, and jobs sent after commit.

Every database access of the app runs inside exactly one unit:

- `coop_unit(coop_id)`   – a coop's rows (row-level security sees only that coop);
- `org_unit(org_id)`     – an organisation's view: what coops addressed to it, never a coop's other rows;
- `public_unit()`        – shared tables only (sign-in, sign-up); tenant tables return nothing;
- `operator_unit(user)`  – the loudly named cross-coop path for platform operators (audited by the caller);
- `relay_unit()`         – the outbox relay and job bookkeeping.

Units refuse to nest: a second unit inside a first would share its transaction and re-target its tenant
(Piccolo's nested transactions are the same transaction). So nesting raises, and the first stays untouched.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SCOPES = {"", "operator", "relay"}


class TenancyError(RuntimeError):
    """A unit of work was misused (nested, or a tenant-only call made outside a coop unit)."""


@dataclass
class Unit:
    coop_id: int | None = None
    org_id: int | None = None
    user_id: int | None = None
    scope: str = ""
    outbox_ids: list[int] = field(default_factory=list)


_current: ContextVar[Unit | None] = ContextVar("osuus_unit", default=None)


def _positive(name: str, value: Any) -> int:
    number = int(value)
    if number <= 0 or str(number) != str(value).strip():
        raise TenancyError(f"{name} must be a positive integer, got {value!r}")
    return number


def current_unit() -> Unit:
    unit = _current.get()
    if unit is None:
        raise TenancyError("no unit of work is open")
    return unit


def current_coop_id() -> int:
    """The coop of the open unit; raises rather than ever meaning 'all coops'."""
    coop_id = current_unit().coop_id
    if coop_id is None:
        raise TenancyError("this needs a coop unit of work")
    return coop_id


def in_unit() -> bool:
    return _current.get() is not None


def db() -> PostgresEngine:
    """The process's Piccolo engine (chosen once by piccolo_conf from OSUUS_DB_ROLE)."""
    engine = engine_finder()
    assert isinstance(engine, PostgresEngine)
    return engine


@asynccontextmanager
async def _unit(unit: Unit, invite_token: str | None = None) -> AsyncIterator[Unit]:
    if _current.get() is not None:
        raise TenancyError("units of work do not nest: finish the open one first")
    settings: list[tuple[str, str]] = []
    if unit.coop_id is not None:
        settings.append(("app.coop_id", str(_positive("coop_id", unit.coop_id))))
    if unit.org_id is not None:
        settings.append(("app.org_id", str(_positive("org_id", unit.org_id))))
    if unit.user_id is not None:
        settings.append(("app.user_id", str(_positive("user_id", unit.user_id))))
    if unit.scope not in _SCOPES:
        raise TenancyError(f"unknown scope {unit.scope!r}")
    if unit.scope:
        settings.append(("app.scope", unit.scope))
    if invite_token is not None:
        if not _HEX64.match(invite_token):
            raise TenancyError("invite token hash must be 64 hex digits")
        settings.append(("app.invite_token", invite_token))
    token = _current.set(unit)
    try:
        async with db().transaction(allow_nested=False) as tx:
            for name, value in settings:
                # SET LOCAL takes no bind parameter; every value was validated above (digits, hex or a fixed word).
                await tx.connection.execute(f"SET LOCAL {name} = '{value}'")
            yield unit
    finally:
        _current.reset(token)
    if unit.outbox_ids:
        from osuus.workers.outbox import publish

        await publish(unit.outbox_ids)


def coop_unit(coop_id: int, user_id: int | None = None) -> Any:
    return _unit(Unit(coop_id=coop_id, user_id=user_id))


def org_unit(org_id: int, user_id: int | None = None) -> Any:
    return _unit(Unit(org_id=org_id, user_id=user_id))


def public_unit(user_id: int | None = None, invite_token: str | None = None) -> Any:
    return _unit(Unit(user_id=user_id), invite_token=invite_token)


def operator_unit(user_id: int) -> Any:
    """Cross-coop reads for platform operators. Callers check the operator role and audit what they read."""
    return _unit(Unit(user_id=user_id, scope="operator"))


def relay_unit() -> Any:
    return _unit(Unit(scope="relay"))


async def lock_row(table: type[Table], coop_id: int, row_id: int) -> None:
    """Lock one row of the open unit's coop until the unit's transaction ends (SELECT … FOR UPDATE): the caller then
    reads and changes it knowing no one else can at the same time. Another coop's id locks nothing (RLS)."""
    if current_coop_id() != coop_id:
        raise TenancyError("lock_row needs the open unit of the same coop")
    name = table._meta.tablename
    await table.raw(f"SELECT id FROM {name} WHERE coop_id = {{}} AND id = {{}} FOR UPDATE", coop_id, row_id).run()
