"""The shared pieces of the isolation tests (tests/**/test_isolation_*.py): a route with who may use it and what
they get with coop B's ids, its address with the ids filled in, and sending it with the form or body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from tests.fixtures import ROLES, ApiClient, Browser

_PARAM = re.compile(r"\{(\w+):\w+\}")


@dataclass(frozen=True)
class Route:
    """One method on one path as Litestar lists it; who passes the role check and what they get with B's ids."""

    method: str
    path: str
    roles: tuple[str, ...] = ROLES  # who passes the role check
    status: int = 200  # what they get in their own coop's URL with coop B's ids
    form: str = ""  # the name of the form (or JSON body) sent with a write
    ids: bool = True  # the path names B's objects
    own: int = 200  # what A's admin gets with A's own ids (the control test)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


def fill(path: str, values: dict[str, Any]) -> str:
    """The path with its parameters ({slug:str}, {member_id:int} …) replaced by `values`."""
    return _PARAM.sub(lambda m: str(values[m.group(1)]), path)


async def send(client: Browser | ApiClient, route: Route, target: str, data: dict[str, Any]) -> httpx.Response:
    """The route's request: a GET, a DELETE (API only) or a POST of `data`."""
    if route.method == "GET":
        return await client.get(target)
    if route.method == "DELETE":
        assert isinstance(client, ApiClient)
        return await client.delete(target)
    return await client.post(target, data)
