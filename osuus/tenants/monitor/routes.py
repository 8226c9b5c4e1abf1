"""Monitor pages: /c/{slug}/monitor (admins, board, job coaches) and /ops/monitor (operators' risk list)."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from osuus.platform.context import CoopContext, Viewer
from osuus.platform.http import page
from osuus.tenants.monitor import rules, service


@get("/monitor")
async def coop_monitor(request: Request, coop: CoopContext) -> Template:  # type: ignore[type-arg]
    monitor = await service.status_for(coop)
    return page(request, "monitor/coop.html", coop=coop, monitor=monitor, limits=_limits())


@get("/monitor")
async def ops_monitor(request: Request, operator: Viewer) -> Template:  # type: ignore[type-arg]
    coops = await service.coops_at_risk_across_coops(operator)
    return page(request, "monitor/ops.html", coops=coops)


def _limits() -> dict[str, object]:
    return {
        "alone": rules.ALONE_LIMIT,
        "family": rules.FAMILY_LIMIT,
        "majority": rules.MAJORITY_LIMIT,
        "safe": rules.SAFE_VOTERS,
    }


HANDLERS = [coop_monitor]
OPS_HANDLERS = [ops_monitor]
