"""The web application: routers per context, sessions, CSRF, templates, error pages, headers."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import structlog
from litestar import Litestar, Request, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.redis import RedisStore
from litestar.template import TemplateConfig
from redis.asyncio import Redis

from osuus.platform import api, devmail
from osuus.platform.accounts import routes as accounts
from osuus.platform.context import provide_coop, provide_operator, provide_org, provide_viewer
from osuus.platform.coops import routes as coops
from osuus.platform.http import (
    MAX_ID,
    CoopResolver,
    LanguageAndRequestId,
    OrgResolver,
    SecurityHeaders,
    error_response,
    make_environment,
)
from osuus.platform.logging import configure_logging
from osuus.platform.operators import routes as operators
from osuus.platform.organisations import routes as organisations
from osuus.platform.sessions import RotatingSessionConfig
from osuus.platform.settings import Settings, get_settings
from osuus.platform.tenancy import db
from osuus.tenants.catalogue import api as catalogue_api
from osuus.tenants.catalogue import routes as catalogue
from osuus.tenants.customers import api as customers_api
from osuus.tenants.customers import routes as customers
from osuus.tenants.employment import api as employment_api
from osuus.tenants.employment import routes as employment
from osuus.tenants.governance import api as governance_api
from osuus.tenants.governance import routes as governance
from osuus.tenants.meetings import api as meetings_api
from osuus.tenants.meetings import routes as meetings
from osuus.tenants.members import api as members_api
from osuus.tenants.members import routes as members
from osuus.tenants.monitor import routes as monitor
from osuus.tenants.noticeboard import routes as noticeboard
from osuus.tenants.profile import routes as profile
from osuus.tenants.shares import api as shares_api
from osuus.tenants.shares import routes as shares
from osuus.tenants.votes import api as votes_api
from osuus.tenants.votes import routes as votes
from osuus.tenants.work import api as work_api
from osuus.tenants.work import routes as work
from osuus.tenants.work import substitute_api as work_substitute_api

STATIC_DIR = Path(__file__).resolve().parent / "static"
log = structlog.get_logger(__name__)


@get("/healthz", include_in_schema=False)
async def healthz(request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    from osuus.platform.tenancy import public_unit

    async with public_unit():
        await db().run_ddl("SELECT 1")
    await request.app.state.redis.ping()
    return {"ok": True}


async def provide_viewer_first(request: Request) -> None:  # type: ignore[type-arg]
    # An id in the address that no row can have (beyond PostgreSQL's bigint) is simply not found.
    if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in request.path_params.values()):
        raise NotFoundException()
    if not request.url.path.startswith(("/static/", "/healthz")):
        await provide_viewer(request)


def create_litestar(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings)
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set: start through `osuus`, which starts embedded Redis")
    redis = Redis.from_url(settings.redis_url)

    async def start() -> None:
        await db().start_connection_pool(min_size=settings.db_pool_min, max_size=settings.db_pool_max)
        # Everything loaded so far (modules, routes, compiled templates) lives as long as the process: keep it out
        # of the garbage collector's generations, so that collections during requests stay short (tail latency).
        gc.collect()
        gc.freeze()
        log.info("web.started")

    async def stop() -> None:
        await db().close_connection_pool()
        await redis.aclose()
        from osuus.workers.broker import close_broker

        close_broker()

    sessions = RotatingSessionConfig(
        store="sessions",
        key="osuus_session",
        max_age=settings.session_days * 24 * 3600,
        httponly=True,
        secure=settings.production,
        samesite="lax",
        renew_on_access=True,
    )
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name="osuus_csrf",
        cookie_secure=settings.production,
        cookie_httponly=True,
        cookie_samesite="lax",
        # Anchored: a bare "/api/" would also match a coop whose slug is "api" (/c/api/…) and drop its CSRF check.
        # The API takes no cookie-only writes (see api.require_token_for_writes), so it needs no CSRF token.
        exclude=["^/webhooks/", "^/api/"],
    )
    coop_router = Router(
        path="/c/{slug:str}",
        route_handlers=[
            *coops.HANDLERS,
            *noticeboard.HANDLERS,
            *profile.HANDLERS,
            *governance.HANDLERS,
            *members.HANDLERS,
            *monitor.HANDLERS,
            *shares.HANDLERS,
            *meetings.HANDLERS,
            *votes.HANDLERS,
            *catalogue.HANDLERS,
            *customers.HANDLERS,
            *employment.HANDLERS,
            *work.HANDLERS,
        ],
        middleware=[CoopResolver()],
        dependencies={"coop": Provide(provide_coop)},
        include_in_schema=False,
    )
    api_router = Router(
        path="/api/v1/coops/{slug:str}",
        route_handlers=[
            *noticeboard.API_HANDLERS,
            *members_api.API_HANDLERS,
            *shares_api.API_HANDLERS,
            *governance_api.API_HANDLERS,
            *meetings_api.API_HANDLERS,
            *votes_api.API_HANDLERS,
            *catalogue_api.API_HANDLERS,
            *customers_api.API_HANDLERS,
            *employment_api.API_HANDLERS,
            *work_api.API_HANDLERS,
            *work_substitute_api.API_HANDLERS,
        ],
        middleware=[CoopResolver()],
        dependencies={"coop": Provide(provide_coop)},
        guards=[api.require_token_for_writes],
        tags=["coops"],
    )
    org_router = Router(
        path="/o/{slug:str}",
        route_handlers=organisations.HANDLERS,
        middleware=[OrgResolver()],
        dependencies={"org": Provide(provide_org)},
        include_in_schema=False,
    )
    ops_router = Router(
        path="/ops",
        route_handlers=[*operators.HANDLERS, *monitor.OPS_HANDLERS],
        dependencies={"operator": Provide(provide_operator)},
        include_in_schema=False,
    )
    public_router = Router(
        path="/",
        route_handlers=[*accounts.HANDLERS, *devmail.HANDLERS, *members.PUBLIC_HANDLERS, *catalogue.PUBLIC_HANDLERS],
        include_in_schema=False,
    )
    return Litestar(
        route_handlers=[
            public_router,
            coop_router,
            org_router,
            ops_router,
            api_router,
            healthz,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        dependencies={"viewer": Provide(provide_viewer)},
        # Resolve the signed-in person once per request, so every page (and error page) shows the right menu.
        before_request=provide_viewer_first,
        middleware=[sessions.middleware],
        stores={"sessions": RedisStore(redis, namespace="osuus_sessions")},
        csrf_config=csrf,
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(make_environment())),
        exception_handlers={HTTPException: error_response, Exception: error_response},
        openapi_config=OpenAPIConfig(
            title="Osuus API",
            version="1",
            path="/schema",
            security=api.READ_SECURITY,
            components=api.COMPONENTS,
        ),
        request_max_body_size=settings.max_body_bytes,
        state=State({"settings": settings, "redis": redis}),
        on_startup=[start],
        on_shutdown=[stop],
        debug=False,
    )


def create_app(settings: Settings | None = None) -> Any:
    """The ASGI app: Litestar inside the headers and language wrappers (they also cover unmatched paths)."""
    settings = settings or get_settings()
    return LanguageAndRequestId(SecurityHeaders(create_litestar(settings), secure=settings.production))
