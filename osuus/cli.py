"""The `osuus` command: web, worker, scheduler, migrate, demo, create-operator, reencrypt, check, provision, dev."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from osuus.platform.settings import SettingsError, describe, get_settings, secret_settings


class CommandError(Exception):
    """A command's argument is not usable; the message says which and why."""


def _owner_role() -> None:
    """Commands that change the schema or platform roles connect as the owner role."""
    os.environ["OSUUS_DB_ROLE"] = "owner"
    if not get_settings().database_owner_url:
        raise SettingsError("DATABASE_OWNER_URL: set it to the role that owns the tables (see osuus provision)")


async def _with_pool(coro: Callable[[], object]) -> object:
    from osuus.platform.tenancy import db

    engine = db()
    await engine.start_connection_pool(min_size=1, max_size=2)
    try:
        return await coro()  # type: ignore[misc]
    finally:
        await engine.close_connection_pool()


def cmd_migrate(_: argparse.Namespace) -> int:
    from osuus.platform.runtime import ensure_services

    ensure_services(need_redis=False)
    _owner_role()
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = asyncio.run(run_forwards(app_name="all", migration_id="all", fake=False))
    if not result.success:
        print(f"osuus: migration failed: {result.message}", file=sys.stderr)
        return 1
    print("osuus: database is up to date")
    return 0


def cmd_demo(_: argparse.Namespace) -> int:
    from osuus.platform.runtime import ensure_services

    ensure_services()
    _owner_role()
    from osuus.platform.demo import load_demo

    loaded = asyncio.run(_with_pool(load_demo))
    print("osuus: demo data loaded" if loaded else "osuus: demo data was already there")
    return 0


def cmd_create_operator(args: argparse.Namespace) -> int:
    from osuus.platform.runtime import ensure_services

    ensure_services()
    _owner_role()

    async def create() -> None:
        import datetime as dt

        from osuus.platform.passwords import hash_password, password_problem
        from osuus.platform.tables import Operator, User
        from osuus.platform.tenancy import operator_unit, public_unit

        email = args.email.strip().lower()
        if problem := password_problem(args.password, (email, args.name)):
            raise CommandError(f"--password: {problem}")
        hashed = await hash_password(args.password)
        async with public_unit():
            row = await User.select(User.id).where(User.email == email).first().run()
            if row is None:
                row = (
                    await User.insert(
                        User(
                            email=email,
                            name=args.name,
                            password_hash=hashed,
                            email_verified_at=dt.datetime.now(dt.UTC),
                        )
                    )
                    .returning(User.id)
                    .run()
                )[0]
        async with operator_unit(row["id"]):
            if not await Operator.exists().where(Operator.user == row["id"]).run():
                await Operator.insert(Operator(user=row["id"])).run()

    asyncio.run(_with_pool(create))
    print(f"osuus: {args.email} is a platform operator")
    return 0


def cmd_reencrypt(args: argparse.Namespace) -> int:
    """Seal again, under the first key of DATA_KEYS, every sealed row whose key is an older one.

    Coop by coop, inside the coop's unit (RLS), one transaction per batch, so a long run holds no long locks and can
    be stopped and started again: a row already moved is not looked at again. Prints counts only, never a value;
    audits the run. Exit status 1 when some rows did not open (their key is missing from DATA_KEYS)."""
    from osuus.platform.runtime import ensure_services

    if args.batch < 1:
        raise CommandError("--batch: give a whole number of 1 or more")
    ensure_services(need_redis=False)
    _owner_role()  # the app's role may not rewrite sealed rows: they are insert-only for it

    async def run() -> tuple[int, int, int, int]:
        from osuus.platform import audit, crypto
        from osuus.platform.tables import Coop
        from osuus.platform.tenancy import coop_unit, public_unit
        from osuus.tenants.employment.service import reseal_profiles_in_unit

        current = crypto.keyring().current_id
        async with public_unit():
            query = Coop.select(Coop.id).order_by(Coop.id)
            if args.coop:
                query = query.where(Coop.slug == args.coop)
            coops = [int(r["id"]) for r in await query.run()]
        if args.coop and not coops:
            raise CommandError(f"--coop: there is no coop {args.coop!r}")
        resealed = unreadable = touched = 0
        for coop_id in coops:
            after, done, skipped = 0, 0, 0
            while True:
                async with coop_unit(coop_id):
                    found = await reseal_profiles_in_unit(coop_id, after, args.batch)
                    done += found.resealed
                    skipped += found.unreadable
                    if found.seen < args.batch and (done or skipped):
                        await audit.record(
                            "employment.benefit_profiles_resealed",
                            actor_id=None,
                            coop_id=coop_id,
                            target=f"coop:{coop_id}",
                            resealed=done,
                            unreadable=skipped,
                            key_id=current,
                        )
                after = found.last_id
                if found.seen < args.batch:
                    break
            resealed, unreadable = resealed + done, unreadable + skipped
            touched += 1 if done or skipped else 0
        async with public_unit():
            await audit.record(
                "platform.reencrypted",
                actor_id=None,
                target="benefit_profile",
                coops=len(coops),
                resealed=resealed,
                unreadable=unreadable,
                key_id=current,
            )
        return len(coops), touched, resealed, unreadable

    counts: tuple[int, int, int, int] = asyncio.run(_with_pool(run))  # type: ignore[assignment]
    coops, touched, resealed, unreadable = counts
    print(f"osuus: benefit profiles: {resealed} re-encrypted, {unreadable} did not open ({touched} of {coops} coops)")
    if unreadable:
        print("osuus: some rows did not open: put their old key back in DATA_KEYS and run again", file=sys.stderr)
        return 1
    return 0


def cmd_provision(args: argparse.Namespace) -> int:
    from osuus.platform.provision import provision

    admin = get_settings().database_admin_url
    if not admin:
        raise SettingsError("DATABASE_ADMIN_URL: set it to a superuser URL to create the database and roles")
    app_url, owner_url = asyncio.run(provision(admin, args.database))
    print(f"DATABASE_URL={app_url}\nDATABASE_OWNER_URL={owner_url}")
    return 0


def cmd_web(_: argparse.Namespace) -> int:
    from osuus.platform.runtime import ensure_services

    ensure_services()
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "osuus.app:create_app",
        factory=True,
        host=settings.web_host,
        port=settings.web_port,
        workers=settings.web_workers,
        log_level="warning",
        proxy_headers=settings.production,
        lifespan="on",
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from osuus.platform.runtime import ensure_services

    ensure_services()
    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    parsed = make_argument_parser().parse_args(  # type: ignore[no-untyped-call]
        ["osuus.workers.actors", "--processes", str(args.processes), "--threads", str(args.threads)]
    )
    return int(dramatiq_main(parsed) or 0)  # type: ignore[no-untyped-call]


def cmd_scheduler(_: argparse.Namespace) -> int:
    from osuus.platform.runtime import ensure_services

    ensure_services()
    from osuus.platform.logging import configure_logging
    from osuus.workers.scheduler import run

    configure_logging(get_settings())
    asyncio.run(run())
    return 0


def cmd_check(_: argparse.Namespace) -> int:
    """Print what is configured and whether Postgres, Redis and the worker answer."""
    settings = get_settings()
    print("Settings:")
    secrets = secret_settings()
    for env, default, _doc in describe():
        value = os.environ.get(env)
        secret = env in secrets
        shown = "(set)" if value and secret else (value if value is not None else f"(default) {default}")
        print(f"  {env:22} {shown}")
    if settings.embedded_db or settings.embedded_redis:
        print("Embedded servers: DATABASE_URL or REDIS_URL is unset; `osuus check` looks at the running `make run`.")
        return 0
    ok = True

    async def probe() -> None:
        nonlocal ok
        import asyncpg
        from redis.asyncio import Redis

        try:
            conn = await asyncpg.connect(str(settings.database_url), timeout=5)
            row = await conn.fetchrow(
                "SELECT current_user AS u, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            await conn.close()
            safe = not row["rolsuper"] and not row["rolbypassrls"]
            print(f"PostgreSQL: answers as {row['u']}" + ("" if safe else " — WARNING: superuser or BYPASSRLS"))
            ok = ok and safe
        except Exception as exc:
            print(f"PostgreSQL: does not answer ({type(exc).__name__})")
            ok = False
        redis = Redis.from_url(str(settings.redis_url))
        try:
            await redis.ping()
            beats = await redis.zrangebyscore("dramatiq:__heartbeats__", (time.time() - 60) * 1000, "+inf")
            print("Redis: answers")
            print(f"Worker: {len(beats)} answering" if beats else "Worker: none answering")
            ok = ok and bool(beats)
        except Exception as exc:
            print(f"Redis: does not answer ({type(exc).__name__})")
            ok = False
        finally:
            await redis.aclose()

    asyncio.run(probe())
    return 0 if ok else 1


def _die_with_parent() -> None:
    """In a child: get SIGTERM if the supervisor dies, even by SIGKILL (Linux), so nothing outlives it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def cmd_dev(args: argparse.Namespace) -> int:
    """`make run`: embedded servers, roles, migrations, demo data once, then web + worker + scheduler."""
    from osuus.platform.runtime import ensure_services

    started = time.monotonic()
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    # Ctrl-C at any moment, even during start-up, ends in the same clean stop below.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    services = ensure_services()
    env = {**os.environ, **services.env}
    py = [sys.executable, "-m", "osuus.cli"]
    children: list[subprocess.Popen[bytes]] = []
    try:
        for step in (["migrate"], ["demo"]):
            if stopping or subprocess.call(py + step, env=env) != 0:
                return 0 if stopping else 1
        # Each child leads its own process group, so stopping it also stops what it forked (Dramatiq's workers).
        for command in (["web"], ["worker", "--threads", "2"], ["scheduler"]):
            children.append(
                subprocess.Popen([*py, *command], env=env, start_new_session=True, preexec_fn=_die_with_parent)  # noqa: PLW1509 - prctl only
            )
        settings = get_settings()
        url = f"http://{settings.web_host}:{settings.web_port}/"
        if _wait_for(url, 60, lambda: stopping):
            from osuus.platform.demo import DEMO_PASSWORD, USERS

            print(f"\nOsuus is running at {url}  (ready {time.monotonic() - started:.1f} s after start)")
            print(f"Mail sent by the app: {url}dev/mail\nDemo logins (password {DEMO_PASSWORD}):")
            for user in USERS:
                print(f"  {user.email:32} {user.what}")
            print("Press Ctrl-C to stop.\n", flush=True)
        while not stopping and all(c.poll() is None for c in children):
            time.sleep(0.3)
    finally:
        _stop_children(children)
        services.stop()
        print("osuus: stopped; nothing is left running", flush=True)
    return 0


def _stop_children(children: list[subprocess.Popen[bytes]], grace: float = 10) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)  # the leader stops its own children (Dramatiq forwards it)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _wait_for(url: str, seconds: float, cancelled: Callable[[], bool]) -> bool:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not cancelled():
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2):  # noqa: S310 - our own local address
                return True
        except OSError:
            time.sleep(0.2)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="osuus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("web", help="serve the web app").set_defaults(func=cmd_web)
    worker = sub.add_parser("worker", help="run the job worker")
    worker.add_argument("--processes", type=int, default=1)
    worker.add_argument("--threads", type=int, default=4)
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("scheduler", help="run periodic jobs (one instance)").set_defaults(func=cmd_scheduler)
    sub.add_parser("migrate", help="apply database migrations (owner role)").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo data once").set_defaults(func=cmd_demo)
    op = sub.add_parser("create-operator", help="create or promote a platform operator")
    op.add_argument("email")
    op.add_argument("--name", default="Operator")
    op.add_argument("--password", required=True)
    op.set_defaults(func=cmd_create_operator)
    sub.add_parser("check", help="print settings; check Postgres, Redis and the worker").set_defaults(func=cmd_check)
    reenc = sub.add_parser("reencrypt", help="seal rows of an older DATA_KEYS key again under the first key")
    reenc.add_argument("--batch", type=int, default=500, help="rows per transaction")
    reenc.add_argument("--coop", default="", help="only this coop (its slug)")
    reenc.set_defaults(func=cmd_reencrypt)
    prov = sub.add_parser("provision", help="create the database and roles (DATABASE_ADMIN_URL)")
    prov.add_argument("--database", default="osuus")
    prov.set_defaults(func=cmd_provision)
    sub.add_parser("dev", help="everything `make run` does").set_defaults(func=cmd_dev)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"osuus: setting {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"osuus: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
