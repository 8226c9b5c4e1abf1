"""Test harness: real PostgreSQL and Redis (embedded, or DATABASE_URL / REDIS_URL), a throwaway database per run.

Servers start in pytest_configure, before any test module imports the app (settings are read once), and stop in
pytest_unconfigure. DATABASE_URL, when given, must be a role that may create databases and roles.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_state: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    from osuus.platform.provision import provision

    work = ROOT / "var" / "test"
    work.mkdir(parents=True, exist_ok=True)
    external_db = os.environ.get("DATABASE_URL")
    external_redis = os.environ.get("REDIS_URL")
    run_dir = work / f"run-{os.getpid()}"  # mail and outboxes of this run; PostgreSQL is shared, databases are not
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir()
    _state["run_dir"] = run_dir
    env: dict[str, str] = {
        "OSUUS_ENV": "test",
        "OSUUS_DATA_DIR": str(run_dir),
        "SECRET_KEY": "test-" + "k" * 40,
        "JOB_MIN_BACKOFF_MS": "200",
        "JOB_MAX_RETRIES": "3",
        "OUTBOX_SWEEP_SECONDS": "1",
        "BASE_URL": "http://testserver.local",
    }
    if external_db:
        admin_url = external_db
    else:
        from osuus.platform.embedded import start_postgres

        pg = start_postgres(work / "pg")
        _state["pg"] = pg
        admin_url = pg.admin_url
    database = f"osuus_test_{secrets.token_hex(4)}"
    app_url, owner_url = asyncio.run(provision(admin_url, database))
    _state["admin_url"], _state["database"] = admin_url, database
    env.update(DATABASE_URL=app_url, DATABASE_OWNER_URL=owner_url, DATABASE_ADMIN_URL=admin_url)
    if external_redis:
        redis_url = external_redis.rsplit("/", 1)[0] + "/13" if external_redis.startswith("redis") else external_redis
        import redis as redis_sync

        redis_sync.Redis.from_url(redis_url).flushdb()
    else:
        from osuus.platform.embedded import start_redis

        embedded = start_redis(work / f"redis-{os.getpid()}", fresh=True)
        _state["redis"] = embedded
        redis_url = embedded.url
    env["REDIS_URL"] = redis_url
    os.environ.update(env)
    os.environ.pop("OSUUS_DB_ROLE", None)
    result = subprocess.run(
        [sys.executable, "-m", "osuus.cli", "migrate"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise pytest.UsageError(f"migrations failed:\n{result.stdout}\n{result.stderr}")
    from osuus.platform.settings import reset_settings

    reset_settings()


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    from osuus.platform.provision import drop_database

    if "database" in _state:
        try:
            asyncio.run(drop_database(str(_state["admin_url"]), str(_state["database"])))
        except Exception as exc:  # the run's result matters more than the clean-up
            print(f"could not drop the test database: {exc}", file=sys.stderr)
    redis = _state.pop("redis", None)
    if redis is not None:
        redis.stop()  # type: ignore[attr-defined]
        shutil.rmtree(redis.folder, ignore_errors=True)  # type: ignore[attr-defined]
    pg = _state.pop("pg", None)
    if pg is not None:
        pg.stop()  # type: ignore[attr-defined]
    shutil.rmtree(str(_state.pop("run_dir", "")), ignore_errors=True)


pytest_plugins = ["tests.fixtures"]
