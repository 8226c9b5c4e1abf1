"""Create the database and its three roles from a superuser connection.

- `osuus_owner` owns the tables; migrations run as it.
- `osuus_runtime` (no login) holds the app's grants; migrations grant to it.
- `osuus_app` logs in as the app: a member of `osuus_runtime`, neither superuser, BYPASSRLS nor owner, so
  forced row-level security applies to every query it makes.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

OWNER_ROLE = "osuus_owner"
RUNTIME_ROLE = "osuus_runtime"
APP_ROLE = "osuus_app"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def with_user_and_db(url: str, user: str, database: str) -> str:
    """The same server address with another role and database (no password: trust or .pgpass)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{user}@{host}" + (f":{parts.port}" if parts.port else "")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query)])
    return urlunsplit((parts.scheme, netloc, "/" + database, query, ""))


async def _ensure_role(conn: asyncpg.Connection, name: str, login: bool) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name)
    options = ("LOGIN" if login else "NOLOGIN") + " NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
    if exists:
        await conn.execute(f"ALTER ROLE {name} {options}")
    else:
        await conn.execute(f"CREATE ROLE {name} {options}")


async def provision(admin_url: str, database: str) -> tuple[str, str]:
    """Create roles and database if missing; return (app_url, owner_url)."""
    if not _IDENT.match(database):
        raise ValueError(f"database name {database!r} is not a plain identifier")
    conn = await asyncpg.connect(admin_url)
    try:
        await _ensure_role(conn, OWNER_ROLE, login=True)
        await _ensure_role(conn, RUNTIME_ROLE, login=False)
        await _ensure_role(conn, APP_ROLE, login=True)
        await conn.execute(f"GRANT {RUNTIME_ROLE} TO {APP_ROLE}")
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await conn.execute(f"CREATE DATABASE {database} OWNER {OWNER_ROLE} ENCODING 'UTF8' TEMPLATE template0")
    finally:
        await conn.close()
    db_admin = await asyncpg.connect(with_user_and_db(admin_url, urlsplit(admin_url).username or "postgres", database))
    try:
        await db_admin.execute(f"ALTER SCHEMA public OWNER TO {OWNER_ROLE}")
        await db_admin.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        await db_admin.execute(f"GRANT USAGE ON SCHEMA public TO {RUNTIME_ROLE}")
        await db_admin.execute(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
        await db_admin.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {RUNTIME_ROLE}")
        await db_admin.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {RUNTIME_ROLE}"
        )
    finally:
        await db_admin.close()
    return with_user_and_db(admin_url, APP_ROLE, database), with_user_and_db(admin_url, OWNER_ROLE, database)


async def drop_database(admin_url: str, database: str) -> None:
    if not _IDENT.match(database):
        raise ValueError(f"database name {database!r} is not a plain identifier")
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    finally:
        await conn.close()
