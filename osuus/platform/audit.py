"""The audit log: who did what, when, in which coop or organisation. Insert-only for the app."""

from __future__ import annotations

import json
from typing import Any

import structlog

from osuus.platform.tables import AuditLog
from osuus.platform.tenancy import current_unit

log = structlog.get_logger(__name__)


async def record(
    action: str,
    *,
    actor_id: int | None,
    coop_id: int | None = None,
    org_id: int | None = None,
    target: str = "",
    ip: str = "",
    **detail: Any,
) -> None:
    """Write one audit row in the open unit of work (so it commits or rolls back with the action)."""
    current_unit()
    # A plain INSERT without RETURNING: the app may write audit rows it is not allowed to read back.
    await AuditLog.raw(
        "INSERT INTO audit_log (at, actor_id, action, coop_id, organisation_id, target, detail, ip) "
        "VALUES (now(), {}, {}, {}, {}, {}, {}::jsonb, {})",
        actor_id,
        action,
        coop_id,
        org_id,
        target[:200],
        json.dumps(detail, default=str),
        ip[:45],
    ).run()
    log.info("audit." + action, actor_id=actor_id, coop_id=coop_id, org_id=org_id, target=target)
