"""Measure `make run`: seconds to the first page (cold or warm), peak memory of the web process, clean stop."""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

URL = "http://127.0.0.1:8000"


def wait_for_page(deadline: float) -> float:
    start = time.monotonic()
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(URL + "/", timeout=2) as response:  # noqa: S310 - local address
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the first page was not served in time")


def web_process(root: psutil.Process) -> psutil.Process | None:
    for child in root.children(recursive=True):
        try:
            if "web" in child.cmdline() and "osuus.cli" in " ".join(child.cmdline()):
                return child
        except psutil.Error:
            continue
    return None


def browse(rounds: int) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(URL + "/signin").read().decode()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {"_csrf_token": token, "email": "pj@taidokkaat.example", "password": "osuus-demo-2026", "next": "/me"}
    ).encode()
    opener.open(URL + "/signin", data=data).read()
    pages = ["/me", "/c/taidokkaat/", "/c/taidokkaat/people", "/c/taidokkaat/profile", "/c/taidokkaat/notices/new"]
    served = 0
    for _ in range(rounds):
        for path in pages:
            opener.open(URL + path).read()
            served += 1
    return served


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--cold", action="store_true", help="remove .venv and var/ first")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    if args.cold:
        shutil.rmtree(args.checkout / ".venv", ignore_errors=True)
        shutil.rmtree(args.checkout / "var", ignore_errors=True)
    started = time.monotonic()
    proc = subprocess.Popen(["make", "run"], cwd=args.checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_page(started + 900)
    first_page = time.monotonic() - started
    root = psutil.Process(proc.pid)
    web = web_process(root)
    peak = 0
    served = 0
    begin = time.monotonic()
    while served < args.rounds * 5:
        served += browse(1)
        if web is not None:
            peak = max(peak, web.memory_info().rss)
    elapsed = time.monotonic() - begin
    osuus = next((c for c in root.children(recursive=True) if "dev" in c.cmdline()), None)
    if osuus is not None:
        osuus.send_signal(signal.SIGINT)
    proc.wait(60)
    stopped_at = time.monotonic()
    left: list[str] = []
    while time.monotonic() - stopped_at < 15:
        left = [
            " ".join(p.info["cmdline"] or [])[:120]
            for p in psutil.process_iter(["cmdline"])
            if str(args.checkout) in " ".join(p.info["cmdline"] or [])
            and "bench/startup.py" not in " ".join(p.info["cmdline"] or [])
        ]
        if not left:
            break
        time.sleep(0.5)
    print(f"make run {'cold' if args.cold else 'warm'}: first page after {first_page:.1f} s")
    print(f"served {served} signed-in pages in {elapsed:.1f} s ({served / elapsed:.0f}/s, one client)")
    print(f"web process peak RSS: {peak / 1024 / 1024:.0f} MiB")
    print(f"processes left 15 s after Ctrl-C: {left or 'none'}")
    sys.exit(1 if left else 0)


if __name__ == "__main__":
    main()
