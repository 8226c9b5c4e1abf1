"""The `osuus` command: check reports what answers; create-operator makes a platform operator."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.fixtures import Browser


def osuus(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "osuus.cli", *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_reports_database_redis_and_worker(worker: subprocess.Popen[bytes]) -> None:
    import time

    deadline = time.monotonic() + 30
    result = osuus("check")
    while "Worker: none answering" in result.stdout and time.monotonic() < deadline:
        time.sleep(1)
        result = osuus("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL: answers as osuus_app\n" in result.stdout
    assert "Redis: answers\n" in result.stdout
    # Each worker process of Dramatiq reports its own heartbeat; other tests' workers may still be counted.
    assert re.search(r"^Worker: [1-9][0-9]* answering$", result.stdout, re.MULTILINE)
    assert "SECRET_KEY             (set)" in result.stdout  # secrets are never printed


def test_check_never_prints_a_secret_value() -> None:
    from osuus.platform.settings import secret_settings

    data_keys = "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU="  # 32 bytes, base64
    result = subprocess.run(
        [sys.executable, "-m", "osuus.cli", "check"],
        env={**os.environ, "DATA_KEYS": data_keys, "SMTP_PASSWORD": "salainen-smtp-9"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert {"DATA_KEYS", "SECRET_KEY", "SMTP_PASSWORD"} <= secret_settings()
    assert "DATA_KEYS              (set)" in result.stdout
    assert "QUJDREVG" not in result.stdout and "salainen-smtp-9" not in result.stdout


async def test_create_operator_gives_the_operator_console(browser: Browser) -> None:
    email = f"ops-{os.urandom(3).hex()}@example.fi"
    result = osuus("create-operator", email, "--name", "Uusi Operaattori", "--password", "vahva-salasana-kahvikuppi-7")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"osuus: {email} is a platform operator"
    again = osuus("create-operator", email, "--password", "vahva-salasana-kahvikuppi-7")
    assert again.returncode == 0  # running it twice changes nothing
    await browser.signin(email, "vahva-salasana-kahvikuppi-7")
    response = await browser.get("/ops/")
    assert response.status_code == 200


def test_create_operator_refuses_a_weak_password() -> None:
    result = osuus("create-operator", "weak@example.fi", "--password", "salasana")
    assert result.returncode == 2
    assert result.stderr.strip() == "osuus: --password: The password must be at least 10 characters long"
