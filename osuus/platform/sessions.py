"""Server-side sessions in Redis whose id is replaced at sign-in (no session fixation).

Visitors who are not signed in get no session at all: nothing is stored and no cookie is set for an empty session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty
from litestar.utils.dataclass import extract_dataclass_items


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:  # type: ignore[type-arg]
        state = connection.scope["state"]
        if state.get("osuus_rotate_session"):
            if "osuus_new_session_id" not in state:
                state["osuus_old_session_id"] = connection.cookies.get(self.config.key)
                state["osuus_new_session_id"] = self.generate_session_id()
            return str(state["osuus_new_session_id"])
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session, message, connection) -> None:  # type: ignore[no-untyped-def]
        if not scope_session and not connection.cookies.get(self.config.key):
            return
        if scope_session is Empty:
            # Signed out: forget the session and expire the cookie now (Litestar's own "null" cookie keeps Max-Age).
            await self.delete(
                self.get_session_id(connection), store=self.config.get_store_from_app(connection.scope["app"])
            )
            params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
            params["max_age"] = 0
            cookie = Cookie(value="null", key=self.config.key, expires=0, **params)
            MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))
            return
        await super().store_in_message(scope_session, message, connection)
        old = connection.scope["state"].get("osuus_old_session_id")
        if old:
            await self.delete(old, store=self.config.get_store_from_app(connection.scope["app"]))


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class: type[ServerSideSessionBackend] = field(default=RotatingSessionBackend, init=False)
