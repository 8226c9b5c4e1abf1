"""Finding or starting the servers a command needs: external ones from the settings, else embedded ones."""

from __future__ import annotations

import asyncio
import atexit
import os
from dataclasses import dataclass, field

from osuus.platform.embedded import EmbeddedPostgres, EmbeddedRedis, start_postgres, start_redis
from osuus.platform.provision import provision
from osuus.platform.settings import get_settings, reset_settings

DATABASE = "osuus"


@dataclass
class Services:
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None


def ensure_services(need_redis: bool = True) -> Services:
    """Start embedded PostgreSQL/Redis where no URL is configured; export their URLs for this process and its
    children. Embedded servers stop when the process exits."""
    settings = get_settings()
    services = Services()
    if settings.embedded_db:
        services.postgres = start_postgres(settings.data_dir / "pg")
        app_url, owner_url = asyncio.run(provision(services.postgres.admin_url, DATABASE))
        services.env.update(
            DATABASE_URL=app_url, DATABASE_OWNER_URL=owner_url, DATABASE_ADMIN_URL=services.postgres.admin_url
        )
    if settings.embedded_redis and need_redis:
        services.redis = start_redis(settings.data_dir / "redis")
        services.env["REDIS_URL"] = services.redis.url
    if services.env:
        os.environ.update(services.env)
        reset_settings()
        atexit.register(services.stop)
    return services
