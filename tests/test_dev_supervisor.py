"""`make run`'s supervisor: serves the demo on embedded servers, stops everything on Ctrl-C, reuses its data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_once(data_dir: Path, port: int) -> tuple[str, list[int]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "OSUUS_"))}
    env.update(OSUUS_DATA_DIR=str(data_dir), WEB_PORT=str(port), OSUUS_ENV="development")
    proc = subprocess.Popen(
        [sys.executable, "-m", "osuus.cli", "dev"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120
        status = 0
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=2) as response:
                    status = response.status
            except OSError:
                time.sleep(0.3)
        assert status == 200
        started = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        started += [
            p.pid for p in psutil.process_iter(["cmdline"]) if str(data_dir) in " ".join(p.info["cmdline"] or [])
        ]
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    return output, started


def leftovers(pids: list[int]) -> list[int]:
    """The web, worker, scheduler, redis-server and postgres processes of the run that are still alive."""
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


def test_dev_serves_stops_cleanly_and_reuses_its_data() -> None:
    data_dir = Path(os.environ["OSUUS_DATA_DIR"]) / "dev"
    port = free_port()
    first, pids = run_once(data_dir, port)
    assert len(pids) >= 5  # web, worker (and its process), scheduler, redis-server, postgres
    assert "osuus: demo data loaded" in first
    assert "pj@taidokkaat.example" in first
    assert "osuus: stopped; nothing is left running" in first
    time.sleep(0.5)
    assert leftovers(pids) == []
    second, pids = run_once(data_dir, port)
    assert "osuus: demo data was already there" in second
    time.sleep(0.5)
    assert leftovers(pids) == []
