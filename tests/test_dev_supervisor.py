"""`make run`'s supervisor: serves the demo on embedded servers, stops everything on Ctrl-C, reuses its data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
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
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl-C to stop."):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(180), "".join(lines)[-3000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=10) as response:
            assert response.status == 200
        started = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        started += [
            p.pid for p in psutil.process_iter(["cmdline"]) if str(data_dir) in " ".join(p.info["cmdline"] or [])
        ]
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        proc.wait(60)
        reader.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines)
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
