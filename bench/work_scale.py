"""Issue 4's scale benchmark: the coop's week and "my work" on a 10-coop and a 1,000-coop database.

Each coop gets the same realistic year: 30 workers with accounts, contracts and wages (a third with a sealed
benefit profile and a monthly limit), an admin, two job coaches and a board member, customers and catalogue
items, 11 jobs each weekday of 2026 with two workers on each, and two hour rows per worker per job done
(≈ 10,000 hour rows per coop: 10 million for 1,000 coops). The data is made inside PostgreSQL
(`INSERT … SELECT … FROM generate_series`) as the owner role, one coop per transaction with `SET LOCAL app.coop_id`
(row-level security stays forced); only the profiles are sealed in Python (AES-GCM, as the app seals them) and
copied in. The work tables' secondary indexes, unique constraints and foreign keys are dropped before the load and
made again after it from their saved definitions, so the database ends exactly as the migrations leave it.

Then the app runs in-process against the database (settings from the environment, as the tests do) and each page
is timed around the ASGI call (first byte of the request to the last byte of the response: server-side, no
network), for many (coop, person) pairs spread over the coops.

    .venv/bin/python bench/work_scale.py --coops 10
    .venv/bin/python bench/work_scale.py --coops 1000
    .venv/bin/python bench/work_scale.py --coops 1000 --skip-load --requests 300

Needs a PostgreSQL superuser URL (`--admin-url`, default the system PostgreSQL) to create the database and roles.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from osuus.platform.provision import (  # noqa: E402 - after the path: run as a script from anywhere
    APP_ROLE,
    OWNER_ROLE,
    drop_database,
    provision,
    with_user_and_db,
)

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "osuus-bench-2026"  # noqa: S105 - every bench account signs in with it (a throwaway database)
YEAR_START = dt.date(2026, 1, 1)
DAYS = 365
SLOTS = 11  # jobs per weekday and coop
WORKERS = 30
USERS_PER_COOP = 40  # id block per coop: 1 admin, 2-3 coaches, 4 board, 5-34 workers
FIRST_WORKER = 5
CUSTOMERS = 50
ITEMS = 5
ADMINS = 10  # people whose pages are timed: admins (the week) and workers ("My work")
WORKERS_ASKED = 30
BIG = ("work_order", "work_order_line", "work_assignment", "work_hours")
FIRST = ("Aino", "Eero", "Helmi", "Juho", "Kaisa", "Lauri", "Maija", "Niilo", "Oona", "Pekka", "Riikka", "Sami")
LAST = ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen")
LIMITS = (80_000, 95_000, 110_000, 130_000, 150_000)  # monthly earnings limits, cents

# ---------------------------------------------------------------------------------------------------------------
# The data of one coop ($1: the coop's number 1..N, which is also its id; $2: the bench's today).

NAMES = "(ARRAY[" + ",".join(f"'{n}'" for n in FIRST) + "])"
SURNAMES = "(ARRAY[" + ",".join(f"'{n}'" for n in LAST) + "])"

PEOPLE_SQL = [
    f"""INSERT INTO member (id, coop_id, user_id, name, email, member_class, status, joined_on)
SELECT ($1 - 1) * {USERS_PER_COOP} + j, $1, ($1 - 1) * {USERS_PER_COOP} + j,
  {NAMES}[1 + (j + $1) % {len(FIRST)}] || ' ' || {SURNAMES}[1 + (j * 7 + $1) % {len(LAST)}],
  'u' || $1 || '-' || j || '@bench.example', CASE WHEN j >= {FIRST_WORKER} THEN 'employee' ELSE 'member' END,
  'active', DATE '2024-01-01'
FROM generate_series(1, {FIRST_WORKER + WORKERS - 1}) j WHERE j NOT IN (2, 3)""",
    f"""INSERT INTO coop_role (coop_id, user_id, role)
SELECT $1, ($1 - 1) * {USERS_PER_COOP} + j,
  CASE WHEN j = 1 THEN 'admin' WHEN j IN (2, 3) THEN 'coach' WHEN j = 4 THEN 'board' ELSE 'member' END
FROM generate_series(1, {FIRST_WORKER + WORKERS - 1}) j""",
    f"""INSERT INTO customer (id, coop_id, kind, name, street, postcode, city, email)
SELECT ($1 - 1) * {CUSTOMERS} + c, $1, 'household',
  {NAMES}[1 + c % {len(FIRST)}] || ' ' || {SURNAMES}[1 + (c * 5 + $1) % {len(LAST)}],
  'Kotikatu ' || c, '00' || (100 + c % 900), 'Helsinki', 'asiakas' || c || '@bench.example'
FROM generate_series(1, {CUSTOMERS}) c""",
    f"""INSERT INTO catalogue_item (id, coop_id, kind, name_fi, name_sv, name_en, unit, price_cents, vat_code, active,
  public)
SELECT ($1 - 1) * {ITEMS} + i, $1, 'service',
  (ARRAY['Siivous', 'Pihatyöt', 'Muuttoapu', 'Ikkunanpesu', 'Kauppa-apu'])[i],
  (ARRAY['Städning', 'Trädgårdsarbete', 'Flytthjälp', 'Fönstertvätt', 'Butikshjälp'])[i],
  (ARRAY['Cleaning', 'Garden work', 'Moving help', 'Window cleaning', 'Shopping help'])[i],
  'hour', 3500 + i * 300, 'general', true, true
FROM generate_series(1, {ITEMS}) i""",
    f"""INSERT INTO employment_contract (id, coop_id, member_id, kind, starts_on, job_title)
SELECT ($1 - 1) * {USERS_PER_COOP} + j, $1, ($1 - 1) * {USERS_PER_COOP} + j, 'indefinite', DATE '2025-01-01',
  'Palvelutyöntekijä'
FROM generate_series({FIRST_WORKER}, {FIRST_WORKER + WORKERS - 1}) j""",
    f"""INSERT INTO contract_terms (id, coop_id, contract_id, valid_from, weekly_minutes, hourly_wage_cents,
  collective_agreement)
SELECT ($1 - 1) * {USERS_PER_COOP} + j, $1, ($1 - 1) * {USERS_PER_COOP} + j, DATE '2025-01-01', 0,
  1300 + (j % 5) * 100, 'Yksityisen sosiaalipalvelualan TES'
FROM generate_series({FIRST_WORKER}, {FIRST_WORKER + WORKERS - 1}) j""",
    f"""INSERT INTO worker_coach (coop_id, member_id, coach_id, added_by)
SELECT $1, ($1 - 1) * {USERS_PER_COOP} + j, ($1 - 1) * {USERS_PER_COOP} + 2 + j % 2, ($1 - 1) * {USERS_PER_COOP} + 1
FROM generate_series({FIRST_WORKER}, {FIRST_WORKER + WORKERS - 1}) j""",
]

# Job (d, s): day d of the year, slot s of the day; id = (coop - 1) * DAYS * SLOTS + d * SLOTS + s + 1.
# Past jobs are done (invoiced before the last 60 days), today's in progress, later ones scheduled; the last
# slot of every seventh day was cancelled; one job in 25 of the coming weeks is still a request without people.
ORDERS_PER_COOP = DAYS * SLOTS
JOBS = f"""
FROM generate_series(0, {DAYS - 1}) d CROSS JOIN generate_series(0, {SLOTS - 1}) s
CROSS JOIN LATERAL (SELECT DATE '{YEAR_START}' + d AS day) x
CROSS JOIN LATERAL (SELECT ($1::int - 1)::bigint * {ORDERS_PER_COOP} + d * {SLOTS} + s + 1 AS oid,
  CASE WHEN s = {SLOTS - 1} AND d % 7 = 0 THEN 'cancelled'
       WHEN x.day < $2::date - 60 THEN 'invoiced' WHEN x.day < $2 THEN 'done' WHEN x.day = $2 THEN 'in_progress'
       WHEN (d * {SLOTS} + s) % 25 = 0 THEN 'requested' ELSE 'scheduled' END AS status) o"""
WEEKDAY = "extract(isodow FROM x.day) < 6"

ORDERS_SQL = f"""INSERT INTO work_order (id, coop_id, title, status, source, customer_id, place, day, starts_at,
  ends_at, created_at, created_by, updated_at)
SELECT o.oid, $1, (ARRAY['Siivous', 'Pihatyöt', 'Muuttoapu', 'Ikkunanpesu', 'Kauppa-apu'])[1 + s % 5]
    || ' / ' || {NAMES}[1 + (d + s) % {len(FIRST)}], o.status, 'staff',
  ($1 - 1) * {CUSTOMERS} + 1 + (d * 7 + s) % {CUSTOMERS},
  'Kotikatu ' || (1 + (d + s) % {CUSTOMERS}) || ', Helsinki', x.day,
  (x.day + make_time(8 + (s % 4) * 2, 0, 0)) AT TIME ZONE 'Europe/Helsinki',
  (x.day + make_time(12 + (s % 4) * 2, 0, 0)) AT TIME ZONE 'Europe/Helsinki',
  (x.day - 14)::timestamptz, ($1 - 1) * {USERS_PER_COOP} + 1, (x.day - 14)::timestamptz
{JOBS}
WHERE {WEEKDAY}"""

LINES_SQL = f"""INSERT INTO work_order_line (id, coop_id, order_id, item_id, name, quantity, unit, price_cents,
  vat_code)
SELECT o.oid, $1, o.oid, ($1 - 1) * {ITEMS} + 1 + s % 5,
  (ARRAY['Siivous', 'Pihatyöt', 'Muuttoapu', 'Ikkunanpesu', 'Kauppa-apu'])[1 + s % 5], 8, 'hour',
  3500 + (1 + s % 5) * 300, 'general'
{JOBS}
WHERE {WEEKDAY}"""

# Two workers per job (k = 0, 1): 22 different workers a day, one job each. Past jobs were accepted; of the coming
# ones, one in five is still an open offer.
ASSIGNMENTS_SQL = f"""INSERT INTO work_assignment (id, coop_id, order_id, role, member_id, status, planned_day,
  planned_minutes, offered_by, created_at, answered_at)
SELECT o.oid * 2 - 1 + k, $1, o.oid, 'worker',
  ($1 - 1) * {USERS_PER_COOP} + {FIRST_WORKER} + (d * {2 * SLOTS} + s * 2 + k) % {WORKERS},
  CASE WHEN o.status = 'cancelled' THEN 'cancelled' WHEN x.day > $2 AND (d + s + k) % 5 = 0 THEN 'offered'
       ELSE 'accepted' END,
  x.day, 240, ($1 - 1) * {USERS_PER_COOP} + 1, (x.day - 14)::timestamptz,
  CASE WHEN x.day > $2 AND (d + s + k) % 5 = 0 THEN NULL ELSE (x.day - 13)::timestamptz END
{JOBS}
CROSS JOIN generate_series(0, 1) k
WHERE {WEEKDAY} AND o.status <> 'requested'"""

# Two rows per worker and past job: the morning's two hours by the clock, then two hours entered at once. Rows of
# the last week wait for approval (two in three); the others were approved by the admin. One second row in 37 is
# a correction of the first (the first then no longer counts).
HOURS_SQL = f"""INSERT INTO work_hours (id, coop_id, assignment_id, order_id, member_id, day, started_at, ended_at,
  minutes, source, status, supersedes_id, chain_id, created_at, created_by, approved_at, approved_by)
SELECT (o.oid * 2 - 1 + k) * 2 - 1 + r, $1, o.oid * 2 - 1 + k, o.oid,
  ($1 - 1) * {USERS_PER_COOP} + {FIRST_WORKER} + (d * {2 * SLOTS} + s * 2 + k) % {WORKERS}, x.day,
  CASE WHEN r = 0 THEN (x.day + make_time(8 + (s % 4) * 2, 0, 0)) AT TIME ZONE 'Europe/Helsinki' END,
  CASE WHEN r = 0 THEN (x.day + make_time(10 + (s % 4) * 2, 0, 0)) AT TIME ZONE 'Europe/Helsinki' END,
  CASE WHEN r = 1 AND c.fix THEN 235 ELSE 120 END,
  CASE WHEN r = 0 THEN 'timer' WHEN c.fix THEN 'correction' ELSE 'quick' END, st.status,
  CASE WHEN r = 1 AND c.fix THEN (o.oid * 2 - 1 + k) * 2 - 1 END,
  CASE WHEN r = 1 AND c.fix THEN (o.oid * 2 - 1 + k) * 2 - 1 END,
  (x.day + time '16:00') AT TIME ZONE 'Europe/Helsinki', ($1 - 1) * {USERS_PER_COOP} + {FIRST_WORKER}
    + (d * {2 * SLOTS} + s * 2 + k) % {WORKERS},
  CASE WHEN st.status = 'approved' THEN (x.day + 2)::timestamptz END,
  CASE WHEN st.status = 'approved' THEN ($1 - 1) * {USERS_PER_COOP} + 1 END
{JOBS}
CROSS JOIN generate_series(0, 1) k CROSS JOIN generate_series(0, 1) r
CROSS JOIN LATERAL (SELECT (d * {SLOTS} + s + k) % 37 = 0 AS fix) c
CROSS JOIN LATERAL (SELECT CASE WHEN x.day >= $2::date - 7 AND (s + k + r) % 3 <> 0 THEN 'waiting'
  ELSE 'approved' END AS status) st
WHERE {WEEKDAY} AND o.status IN ('done', 'invoiced')"""


def _sealed_profiles(coops: range) -> list[tuple[Any, ...]]:
    """Every third worker has a disability pension with a monthly limit, sealed as the app seals it."""
    from osuus.tenants.employment.service import seal_profile

    valid_from = dt.date(2025, 1, 1)
    rows = []
    for coop in coops:
        for j in range(FIRST_WORKER, FIRST_WORKER + WORKERS, 3):
            member_id = (coop - 1) * USERS_PER_COOP + j
            limit = LIMITS[(j + coop) % len(LIMITS)]
            sealed = seal_profile(coop, member_id, valid_from, "disability_pension", limit)
            rows.append(
                (coop, member_id, valid_from, sealed.key_id, sealed.ciphertext, (coop - 1) * USERS_PER_COOP + 1)
            )
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Provisioning and loading


def _env(app_url: str, owner_url: str, admin_url: str, data_dir: str) -> dict[str, str]:
    return {
        "OSUUS_ENV": "test",
        "OSUUS_DATA_DIR": data_dir,
        "SECRET_KEY": "bench-" + "k" * 40,
        "BASE_URL": "http://testserver.local",
        "LOG_LEVEL": "warning",
        "DATABASE_URL": app_url,
        "DATABASE_OWNER_URL": owner_url,
        "DATABASE_ADMIN_URL": admin_url,
    }


async def migrate(env: dict[str, str]) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "osuus.cli", "migrate", env=env, cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"migrations failed:\n{out.decode()}")


async def migrate_existing(admin_url: str, database: str, data_dir: str) -> None:
    """An existing bench database brought up to the code's migrations (timed: new indexes on big tables)."""
    env = {**os.environ, **_env(with_user_and_db(admin_url, APP_ROLE, database),
                                with_user_and_db(admin_url, OWNER_ROLE, database), admin_url, data_dir)}  # fmt: skip
    env.pop("OSUUS_DB_ROLE", None)
    started = time.monotonic()
    await migrate(env)
    print(f"  migrated in {time.monotonic() - started:.1f} s", flush=True)


class Clock:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    async def step(self, name: str, work: Callable[[], Awaitable[Any]]) -> Any:
        started = time.monotonic()
        result = await work()
        took = time.monotonic() - started
        self.steps.append((name, took))
        print(f"  {name:<44} {took:8.1f} s", flush=True)
        return result


async def _per_coop(owner_url: str, coops: range, statements: list[str], today: dt.date, jobs: int = 2) -> None:
    """Each statement once per coop, in one transaction per coop with the coop set (RLS stays forced)."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for c in coops:
        queue.put_nowait(c)

    async def run() -> None:
        conn = await asyncpg.connect(owner_url)
        try:
            await conn.execute("SET synchronous_commit = off")
            while not queue.empty():
                coop = queue.get_nowait()
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL app.coop_id = '{int(coop)}'")
                    for sql in statements:
                        args = (coop, today) if "$2" in sql else (coop,)
                        await conn.execute(sql.replace("$1", "$1::int").replace("$2", "$2::date"), *args)
        finally:
            await conn.close()

    await asyncio.gather(*(run() for _ in range(jobs)))


async def _saved_definitions(conn: asyncpg.Connection) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(table, name, definition) of the foreign keys and unique constraints on the work tables, and the CREATE
    INDEX statements of their other secondary indexes; primary keys stay."""
    constraints = await conn.fetch(
        """SELECT c.conrelid::regclass::text AS t, c.conname AS name, pg_get_constraintdef(c.oid) AS def, c.contype
        FROM pg_constraint c
        WHERE c.contype IN ('f', 'u')
          AND (c.conrelid::regclass::text = ANY($1) OR c.confrelid::regclass::text = ANY($1))
        ORDER BY c.contype, c.conname""",
        list(BIG),
    )
    indexes = await conn.fetch(
        """SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY($1) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        list(BIG),
    )
    return [(r["t"], r["name"], r["def"]) for r in constraints], [r["def"] for r in indexes]


async def load(  # noqa: PLR0915 - the load's steps one after another, each timed
    admin_url: str, database: str, coops: int, today: dt.date, data_dir: str
) -> list[tuple[str, float]]:
    clock = Clock()
    await drop_database(admin_url, database)
    app_url, owner_url = await clock.step("create database and roles", lambda: provision(admin_url, database))
    env = {**os.environ, **_env(app_url, owner_url, admin_url, data_dir)}
    env.pop("OSUUS_DB_ROLE", None)

    await clock.step("migrate", lambda: migrate(env))
    os.environ.update(_env(app_url, owner_url, admin_url, data_dir))
    from osuus.platform.passwords import hash_password

    password_hash = await hash_password(PASSWORD)
    numbers = range(1, coops + 1)
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("SET maintenance_work_mem = '1GB'")

        async def shared_rows() -> None:  # coops and accounts are shared tables (no coop set)
            region = await conn.fetchval(
                "INSERT INTO region (slug, name) VALUES ('bench-uusimaa', 'Uusimaa') RETURNING id"
            )
            await conn.execute(
                """INSERT INTO coop (id, slug, name, status, region_id, created_at)
                SELECT n, 'bench-' || lpad(n::text, 4, '0'), 'Osuuskunta ' || n, 'active', $2,
                  TIMESTAMPTZ '2024-01-01'
                FROM generate_series(1, $1) n""",
                coops,
                region,
            )
            await conn.execute(
                f"""INSERT INTO app_user (id, email, password_hash, name, language, email_verified_at)
                SELECT (n - 1) * {USERS_PER_COOP} + j, 'u' || n || '-' || j || '@bench.example', $2,
                  {NAMES}[1 + (j + n) % {len(FIRST)}] || ' ' || {SURNAMES}[1 + (j * 7 + n) % {len(LAST)}], 'fi',
                  TIMESTAMPTZ '2024-01-01'
                FROM generate_series(1, $1) n CROSS JOIN generate_series(1, {FIRST_WORKER + WORKERS - 1}) j""",
                coops,
                password_hash,
            )

        await clock.step(f"coops and accounts ({coops} coops)", shared_rows)
        await clock.step(
            "members, roles, customers, items, contracts", lambda: _per_coop(owner_url, numbers, PEOPLE_SQL, today)
        )

        async def profiles() -> None:
            rows = _sealed_profiles(numbers)
            for coop in numbers:  # one coop per transaction: the policy checks each row's coop
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL app.coop_id = '{int(coop)}'")
                    await conn.executemany(  # COPY is refused where row-level security applies
                        "INSERT INTO benefit_profile (coop_id, member_id, valid_from, key_id, sealed, recorded_by) "
                        "VALUES ($1, $2, $3, $4, $5, $6)",
                        [r for r in rows if r[0] == coop],
                    )

        await clock.step("benefit profiles (sealed in Python)", profiles)
        constraints, indexes = await _saved_definitions(conn)

        async def drop() -> None:
            for table, name, _ in constraints:
                await conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for definition in indexes:
                name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
                await conn.execute(f"DROP INDEX {name}")

        await clock.step(f"drop {len(indexes)} indexes, {len(constraints)} keys of work tables", drop)
        await clock.step("work orders", lambda: _per_coop(owner_url, numbers, [ORDERS_SQL], today))
        await clock.step("order lines", lambda: _per_coop(owner_url, numbers, [LINES_SQL], today))
        await clock.step("assignments", lambda: _per_coop(owner_url, numbers, [ASSIGNMENTS_SQL], today))
        await clock.step("hours", lambda: _per_coop(owner_url, numbers, [HOURS_SQL], today))

        async def rebuild() -> None:
            statements = list(indexes)
            statements += [f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}" for t, n, d in constraints if "UNIQUE" in d]
            await _parallel(owner_url, statements)
            # Foreign keys last: each is checked against the whole table in one query.
            await _parallel(
                owner_url, [f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}" for t, n, d in constraints if "UNIQUE" not in d]
            )

        await clock.step("indexes and keys made again (checked)", rebuild)

    finally:
        await conn.close()

    await clock.step("sequences after the ids given", lambda: set_sequences(admin_url, database))

    async def analyze() -> None:
        admin = await asyncpg.connect(with_user_and_db(admin_url, _admin_user(admin_url), database))
        try:
            await admin.execute("VACUUM (ANALYZE)")
        finally:
            await admin.close()

    await clock.step("VACUUM ANALYZE", analyze)
    total = sum(t for _, t in clock.steps)
    print(f"  {'total':<44} {total:8.1f} s", flush=True)
    return clock.steps


def _admin_user(admin_url: str) -> str:
    return urlsplit(admin_url).username or "postgres"


async def set_sequences(admin_url: str, database: str) -> None:
    """Each id sequence after the highest id loaded. As the admin: the owner sees no tenant rows without a coop set
    (forced row-level security), so its max(id) would be empty."""
    admin = await asyncpg.connect(with_user_and_db(admin_url, _admin_user(admin_url), database))
    try:
        for table in ("coop", "app_user", "region", "member", "customer", "catalogue_item", "employment_contract",
                      "contract_terms", *BIG):  # fmt: skip
            top = await admin.fetchval(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            await admin.execute("SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)", table, top)
    finally:
        await admin.close()


async def _parallel(url: str, statements: list[str], jobs: int = 2) -> None:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for s in statements:
        queue.put_nowait(s)

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("SET maintenance_work_mem = '512MB'")
            while not queue.empty():
                await conn.execute(queue.get_nowait())
        finally:
            await conn.close()

    await asyncio.gather(*(run() for _ in range(jobs)))


# ---------------------------------------------------------------------------------------------------------------
# Measuring


class Timed:
    """ASGI wrapper: seconds from the call to the last body message of each HTTP response, per path kind."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.last = time.perf_counter() - started

        await self.app(scope, receive, timed_send)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(  # noqa: PLR0915 - set up, sign in, warm up, time, clean up: one script
    database: str, admin_url: str, coops: int, requests: int, data_dir: str
) -> dict[str, Any]:
    import httpx

    from osuus.platform.embedded import start_redis

    app_url = with_user_and_db(admin_url, APP_ROLE, database)
    owner_url = with_user_and_db(admin_url, OWNER_ROLE, database)
    redis = start_redis(Path(data_dir) / "redis", fresh=True)
    os.environ.update(_env(app_url, owner_url, admin_url, data_dir))
    os.environ["REDIS_URL"] = redis.url
    os.environ.pop("OSUUS_DB_ROLE", None)
    from osuus.app import create_app
    from osuus.platform.settings import reset_settings

    reset_settings()
    app = create_app()
    server = app.app.app  # the Litestar app inside the outer ASGI wrappers
    for hook in server.on_startup:  # as the web server starts it: the pool, and the garbage collector frozen
        await hook()
    timed = Timed(app)
    # The same number of people on both databases (so each is asked for as often): the admins of ADMINS coops (the
    # week page) and WORKERS_ASKED workers ("My work"), spread over as many coops as there are (one worker a coop
    # on the big database; three a coop on the 10-coop one).
    rng = random.Random(4)
    people: dict[str, list[tuple[str, str]]] = {"week": [], "mine": []}
    for coop in sorted(rng.sample(range(1, coops + 1), min(coops, ADMINS))):
        people["week"].append((f"bench-{coop:04d}", f"u{coop}-1@bench.example"))
    spread = rng.sample(range(1, coops + 1), min(coops, WORKERS_ASKED))
    for n in range(WORKERS_ASKED):
        coop = spread[n % len(spread)]
        j = FIRST_WORKER + (n * 7 + coop) % WORKERS
        people["mine"].append((f"bench-{coop:04d}", f"u{coop}-{j}@bench.example"))
    clients: dict[str, httpx.AsyncClient] = {}

    async def client(email: str) -> httpx.AsyncClient:
        if email not in clients:
            c = httpx.AsyncClient(transport=httpx.ASGITransport(app=timed), base_url="http://testserver.local")
            await c.get("/signin")
            token = c.cookies.get("osuus_csrf")
            r = await c.post(
                "/signin", data={"_csrf_token": token, "email": email, "password": PASSWORD, "next": "/me"}
            )
            if r.status_code != 303:
                raise SystemExit(f"could not sign in {email}: {r.status_code}")
            clients[email] = c
        return clients[email]

    pages = {"week": "/c/{}/work/week", "mine": "/c/{}/work/mine"}
    results: dict[str, list[float]] = {}
    try:
        for kind, path in pages.items():
            pairs = people[kind]
            for slug, email in pairs:  # warm-up: every pair once (signs in, fills caches and the pool)
                c = await client(email)
                r = await c.get(path.format(slug))
                if r.status_code != 200:
                    raise SystemExit(f"{path.format(slug)} as {email}: {r.status_code}\n{r.text[:500]}")
            times = []
            for n in range(requests):
                slug, email = pairs[n % len(pairs)]
                c = await client(email)
                r = await c.get(path.format(slug))
                assert r.status_code == 200, r.status_code
                times.append(timed.last * 1000)
            results[kind] = times
    finally:
        for c in clients.values():
            await c.aclose()
        for hook in server.on_shutdown:
            await hook()
        redis.stop()
    admin = await asyncpg.connect(with_user_and_db(admin_url, _admin_user(admin_url), database))
    try:
        counts = {
            t: await admin.fetchval(f"SELECT count(*) FROM {t}")
            for t in ("coop", "work_order", "work_assignment", "work_hours")
        }
    finally:
        await admin.close()
    return {"times": results, "counts": counts, "pairs": {k: len(v) for k, v in people.items()}}


def _row(name: str, times: list[float]) -> str:
    return f"{name:<22} {statistics.median(times):7.1f} {_percentile(times, 0.95):7.1f} {max(times):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default=ADMIN_URL, help="a PostgreSQL superuser (creates databases and roles)")
    parser.add_argument("--coops", type=int, nargs="+", default=[10, 1000], help="database sizes (default 10 1000)")
    parser.add_argument("--skip-load", action="store_true", help="measure the existing osuus_bench_<coops> databases")
    parser.add_argument("--load-only", action="store_true", help="load, do not measure")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page (after one warm-up each)")
    parser.add_argument("--rounds", type=int, default=3, help="measuring rounds, taking turns between the databases")
    parser.add_argument("--today", default="2026-11-23", help="the day the load calls today (statuses of jobs)")
    parser.add_argument("--measure-into", help=argparse.SUPPRESS)  # one database per process (settings are global)
    args = parser.parse_args()
    if args.measure_into:
        folder = str(Path(args.measure_into).parent)  # the parent's temporary folder (removed by the parent)
        result = asyncio.run(
            measure(f"osuus_bench_{args.coops[0]}", args.admin_url, args.coops[0], args.requests, folder)
        )
        Path(args.measure_into).write_text(json.dumps(result))
        return
    today = dt.date.fromisoformat(args.today)
    data_dir = tempfile.mkdtemp(prefix="osuus-bench-")
    try:
        report = _run(args, today, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    _print(report)


def _run(args: argparse.Namespace, today: dt.date, data_dir: str) -> dict[int, dict[str, Any]]:
    report: dict[int, dict[str, Any]] = {}
    for coops in args.coops:
        database = f"osuus_bench_{coops}"
        print(f"{database}:", flush=True)
        if not args.skip_load:
            try:
                asyncio.run(load(args.admin_url, database, coops, today, data_dir))
            except BaseException:
                print(f"  the load failed: {database} is dropped", flush=True)
                asyncio.run(drop_database(args.admin_url, database))
                raise
        else:
            asyncio.run(migrate_existing(args.admin_url, database, data_dir))
    if args.load_only:
        return report
    # Rounds that take turns between the databases: a busy moment of the machine falls on both alike.
    for n in range(args.rounds):
        for coops in args.coops:
            out = Path(data_dir) / f"measured-{coops}-{n}.json"
            subprocess.run(
                [sys.executable, __file__, "--coops", str(coops), "--admin-url", args.admin_url,
                 "--requests", str(max(1, args.requests // args.rounds)), "--measure-into", str(out)],
                check=True,
            )  # fmt: skip
            measured = json.loads(out.read_text())
            if coops not in report:
                report[coops] = measured
            else:
                for kind, times in measured["times"].items():
                    report[coops]["times"][kind].extend(times)
    return report


def _print(report: dict[int, dict[str, Any]]) -> None:
    if not report:
        return
    print()
    print("server-side time per request, ms (p50 / p95 / max)")
    header = f"{'page':<12}" + "".join(f"  {str(c) + ' coops':>26}" for c in report)
    print(header)
    for kind, title in (("week", "coop's week"), ("mine", "my work")):
        cells = []
        for c in report:
            t = report[c]["times"][kind]
            cells.append(f"{statistics.median(t):8.1f} {_percentile(t, 0.95):8.1f} {max(t):8.1f}")
        print(f"{title:<12}" + "".join(f"  {cell:>26}" for cell in cells))
    for c in report:
        counts = report[c]["counts"]
        pairs = report[c]["pairs"]
        print(
            f"{c} coops: {counts['work_hours']:,} work_hours, {counts['work_assignment']:,} assignments, "
            f"{counts['work_order']:,} orders; {pairs['week']} admins and {pairs['mine']} workers over the coops"
        )


if __name__ == "__main__":
    main()
