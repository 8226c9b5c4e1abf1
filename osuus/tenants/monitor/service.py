"""The entrepreneur-status monitor: recompute the coop's status from the register, store it, tell on change."""

from __future__ import annotations


async def recompute_in_unit(coop_id: int, actor_id: int | None = None) -> None:
    """Recompute and store the coop's status inside the open coop unit of work.

    Members and governance call this after every change of membership, family links or board seats, in the
    same transaction as the change. (Filled in by the monitor work of issue 3.)
    """
    return None
