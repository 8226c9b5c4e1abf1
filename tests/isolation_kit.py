"""The shared pieces of the isolation tests (tests/**/test_isolation_*.py): a route with who may use it and what
they get with coop B's ids, its address with the ids filled in, and sending it with the form or body."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from tests.fixtures import ROLES, ApiClient, Browser, SignIn, World, api_client

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


@contextlib.asynccontextmanager
async def api_clients(app: Any, world: World) -> AsyncIterator[dict[str, ApiClient]]:
    """An API client per role of coop A (with its own token) and "anonymous" (no token); all closed at the end."""
    made = {role: await api_client(app, world.a.users[role]) for role in ROLES}
    made["anonymous"] = ApiClient(app, None, "en")
    yield made
    for client in made.values():
        await client.close()


async def client_for(route: Route, who: str, signed_in: SignIn, clients: dict[str, ApiClient], world: World) -> Any:
    """Coop A's person with role `who`: their API client for an API route, else their signed-in browser."""
    return clients[who] if route.api else await signed_in(world.a.emails[who])


def assert_sent_to_sign_in(route: Route, target: str, response: httpx.Response) -> None:
    """Without a sign-in: the API answers 401, a page sends the browser to sign in and back to `target`."""
    if route.api:
        assert response.status_code == 401, response.text[:300]
    else:
        assert response.status_code == 303, response.text[:300]
        assert response.headers["location"] == f"/signin?next={quote(target)}"
