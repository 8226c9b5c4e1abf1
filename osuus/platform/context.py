"""Who is asking, and where: the viewer (signed-in person and their places) and the coop/organisation context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException

from osuus.platform.i18n import N_
from osuus.platform.tables import (
    Coop,
    Organisation,
    User,
)
from osuus.platform.tenancy import public_unit

BAD_TOKEN = N_("The token is not valid. It may be mistyped, expired or revoked. Make a new token on your page.")


@dataclass(frozen=True)
class Place:
    kind: str  # coop | org | ops
    slug: str
    name: str
    roles: tuple[str, ...]

    @property
    def url(self) -> str:
        return {"coop": f"/c/{self.slug}/", "org": f"/o/{self.slug}/", "ops": "/ops/"}[self.kind]


@dataclass(frozen=True)
class Viewer:
    id: int
    email: str
    name: str
    language: str
    places: tuple[Place, ...] = ()
    is_operator: bool = False
    coordinator_regions: tuple[int, ...] = ()

    def coop_roles(self, slug: str) -> tuple[str, ...]:
        for place in self.places:
            if place.kind == "coop" and place.slug == slug:
                return place.roles
        return ()

    def org_roles(self, slug: str) -> tuple[str, ...]:
        for place in self.places:
            if place.kind == "org" and place.slug == slug:
                return place.roles
        return ()


@dataclass(frozen=True)
class CoopContext:
    """A coop as seen by one signed-in person with at least one role there."""

    id: int
    slug: str
    name: str
    status: str
    roles: tuple[str, ...]
    viewer: Viewer
    region_id: int = 0

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def require(self, *roles: str) -> None:
        if not self.has(*roles):
            raise PermissionDeniedException()


@dataclass(frozen=True)
class OrgContext:
    id: int
    slug: str
    name: str
    kind: str
    roles: tuple[str, ...]
    viewer: Viewer

    def require(self, *roles: str) -> None:
        if not any(r in self.roles for r in roles):
            raise PermissionDeniedException()


# The person and every place they have a role in, in one query (it runs on every request).
_VIEWER_SQL = """SELECT u.id, u.email, u.name, u.language, u.is_active,
  coalesce((SELECT json_agg(json_build_object('role', r.role, 'slug', c.slug, 'name', c.name) ORDER BY c.name, r.id)
            FROM coop_role r JOIN coop c ON c.id = r.coop_id WHERE r.user_id = u.id), '[]') AS coops,
  coalesce((SELECT json_agg(json_build_object('role', r.role, 'slug', o.slug, 'name', o.name) ORDER BY o.name, r.id)
            FROM organisation_role r JOIN organisation o ON o.id = r.organisation_id WHERE r.user_id = u.id),
           '[]') AS orgs,
  EXISTS (SELECT 1 FROM platform_operator p WHERE p.user_id = u.id) AS is_operator,
  coalesce((SELECT array_agg(g.region_id ORDER BY g.id) FROM region_coordinator g WHERE g.user_id = u.id),
           ARRAY[]::bigint[]) AS regions
FROM app_user u WHERE u.id = {}"""


async def load_viewer(user_id: int) -> Viewer | None:
    async with public_unit(user_id=user_id):
        rows = await User.raw(_VIEWER_SQL, user_id).run()
    if not rows or not rows[0]["is_active"]:
        return None
    user = rows[0]
    places: dict[tuple[str, str], Place] = {}
    for kind, column in (("coop", "coops"), ("org", "orgs")):
        for row in _json(user[column]):
            key = (kind, row["slug"])
            old = places.get(key)
            places[key] = Place(kind, row["slug"], row["name"], (*old.roles, row["role"]) if old else (row["role"],))
    is_operator = bool(user["is_operator"])
    regions = tuple(int(r) for r in user["regions"])
    if is_operator or regions:
        places[("ops", "")] = Place("ops", "", "", ("operator",) if is_operator else ("coordinator",))
    return Viewer(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        language=user["language"],
        places=tuple(places.values()),
        is_operator=is_operator,
        coordinator_regions=regions,
    )


API_PREFIX = "/api/"


async def provide_viewer(request: Request) -> Viewer | None:  # type: ignore[type-arg]
    """The signed-in person: under /api/ from an `Authorization: Bearer` token when one is sent (a bad one is 401,
    never the session instead), otherwise from the session. Resolved once per request; scope state `osuus_auth`
    says how ("token", "session" or None)."""
    state = request.scope["state"]
    cached = state.get("osuus_viewer", ...)
    if cached is not ...:
        return cached
    header = request.headers.get("authorization")
    if header is not None and request.url.path.startswith(API_PREFIX):
        from osuus.platform.apitokens import resolve

        scheme, _, token = header.partition(" ")
        user_id = await resolve(token.strip()) if scheme.lower() == "bearer" else None
        viewer = await load_viewer(user_id) if user_id else None
        if viewer is None:
            raise NotAuthorizedException(extra={"message": BAD_TOKEN})
        state["osuus_viewer"], state["osuus_auth"] = viewer, "token"
        return viewer
    uid = request.session.get("uid")
    viewer = await load_viewer(int(uid)) if uid else None
    if uid and viewer is None:
        request.clear_session()
    state["osuus_viewer"], state["osuus_auth"] = viewer, "session" if viewer else None
    return viewer


def require_viewer(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise NotAuthorizedException()
    return viewer


async def find_coop(slug: str) -> dict[str, object] | None:
    async with public_unit():
        return (
            await Coop.select(Coop.id, Coop.slug, Coop.name, Coop.status, Coop.region)
            .where(Coop.slug == slug)
            .first()
            .run()
        )


async def find_org(slug: str) -> dict[str, object] | None:
    async with public_unit():
        return (
            await Organisation.select(Organisation.id, Organisation.slug, Organisation.name, Organisation.kind)
            .where(Organisation.slug == slug)
            .first()
            .run()
        )


async def provide_coop(request: Request, viewer: Viewer | None) -> CoopContext:  # type: ignore[type-arg]
    """The coop named in the path (resolved by CoopResolver), for a person with a role there."""
    coop = request.scope["state"].get("osuus_coop")
    if coop is None:
        raise NotFoundException()
    who = require_viewer(viewer)
    roles = who.coop_roles(str(coop["slug"]))
    if not roles:
        raise PermissionDeniedException()
    return CoopContext(
        id=int(coop["id"]),
        slug=str(coop["slug"]),
        name=str(coop["name"]),
        status=str(coop["status"]),
        roles=roles,
        viewer=who,
        region_id=int(coop["region_id"]),
    )


async def provide_org(request: Request, viewer: Viewer | None) -> OrgContext:  # type: ignore[type-arg]
    org = request.scope["state"].get("osuus_org")
    if org is None:
        raise NotFoundException()
    who = require_viewer(viewer)
    roles = who.org_roles(str(org["slug"]))
    if not roles:
        raise PermissionDeniedException()
    return OrgContext(
        id=int(org["id"]),
        slug=str(org["slug"]),
        name=str(org["name"]),
        kind=str(org["kind"]),
        roles=roles,
        viewer=who,
    )


async def provide_operator(viewer: Viewer | None) -> Viewer:
    who = require_viewer(viewer)
    if not (who.is_operator or who.coordinator_regions):
        raise PermissionDeniedException()
    return who


def _json(value: Any) -> list[dict[str, Any]]:
    """A json column as asyncpg gives it (text)."""
    found = json.loads(value) if isinstance(value, str) else value
    return list(found or [])
