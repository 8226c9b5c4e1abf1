"""The schema follows the tenancy rules: every table declared, tenant tables fenced by forced RLS and composite keys."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import asyncpg
import pytest
from piccolo.conf.apps import Finder
from piccolo.table import Table

from osuus.platform.tables import SharedTable, TenantTable


def all_tables() -> list[type[Table]]:
    return Finder().get_table_classes()


@pytest.fixture
async def owner() -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    yield conn
    await conn.close()


def tenant_tables() -> list[str]:
    return sorted(t._meta.tablename for t in all_tables() if issubclass(t, TenantTable))


def test_every_table_declares_shared_or_tenant() -> None:
    undeclared = [t.__name__ for t in all_tables() if not issubclass(t, SharedTable | TenantTable)]
    assert undeclared == []
    both = [t.__name__ for t in all_tables() if issubclass(t, SharedTable) and issubclass(t, TenantTable)]
    assert both == []
    assert set(tenant_tables()) >= {
        "activity",
        "coop_profile",
        "notice",
        "member",
        "member_event",
        "family_link",
        "board_seat",
    }


async def test_database_has_no_table_unknown_to_the_code(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
    )
    known = {t._meta.tablename for t in all_tables()} | {"migration"}
    assert sorted(r["relname"] for r in rows if r["relname"] not in known) == []


async def test_every_table_with_coop_id_has_forced_rls_and_a_policy(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch(
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
           FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'coop_id' AND NOT a.attisdropped
           WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname"""
    )
    names = [r["relname"] for r in rows]
    assert set(tenant_tables()) <= set(names)
    bad = [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"] and r["policies"])]
    assert bad == []


@pytest.mark.parametrize("table", tenant_tables())
async def test_tenant_table_shape(owner: asyncpg.Connection, table: str) -> None:
    not_null = await owner.fetchval(
        "SELECT attnotnull FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'coop_id'", table
    )
    assert not_null is True
    unique_pairs = await owner.fetch(
        """SELECT array_agg(a.attname ORDER BY k.ord) AS cols FROM pg_constraint con
           CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
           WHERE con.conrelid = $1::regclass AND con.contype IN ('u', 'p') GROUP BY con.oid""",
        table,
    )
    assert ["coop_id", "id"] in [list(r["cols"]) for r in unique_pairs]
    # Citus: the primary key and every unique constraint start with the distribution column. A table that
    # Piccolo foreign keys point at keeps PRIMARY KEY (id) (Piccolo references id); deploy/citus swaps it.
    primary = await owner.fetchval(
        """SELECT array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)
           FROM pg_constraint con WHERE con.conrelid = $1::regclass AND con.contype = 'p'""",
        table,
    )
    assert list(primary) in (["coop_id", "id"], ["id"])
    assert [list(r["cols"]) for r in unique_pairs if r["cols"][0] != "coop_id" and list(r["cols"]) != ["id"]] == []
    indexed = await owner.fetchval(
        """SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
           WHERE i.indrelid = $1::regclass AND a.attname = 'coop_id'""",
        table,
    )
    assert indexed >= 1


async def test_references_between_tenant_tables_are_composite(owner: asyncpg.Connection) -> None:
    """Every ORM reference from a tenant table to another is a (coop_id, x) -> (coop_id, id) key in the database."""
    from piccolo.columns import ForeignKey

    expected = {
        (t._meta.tablename, c._meta.db_column_name, c._foreign_key_meta.resolved_references._meta.tablename)
        for t in all_tables()
        if issubclass(t, TenantTable)
        for c in t._meta.foreign_key_columns
        if isinstance(c, ForeignKey) and issubclass(c._foreign_key_meta.resolved_references, TenantTable)
    }
    assert ("activity", "notice_id", "notice") in expected
    fks = await owner.fetch(
        """SELECT con.conrelid::regclass::text AS src, con.confrelid::regclass::text AS dst,
                  array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
                  array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS refs
           FROM pg_constraint con WHERE con.contype = 'f'"""
    )
    tenant = set(tenant_tables())
    composite = {
        (r["src"], r["cols"][1], r["dst"])
        for r in fks
        if len(r["cols"]) == 2 and r["cols"][0] == "coop_id" and list(r["refs"]) == ["coop_id", "id"]
    }
    assert sorted(expected - composite) == []
    # A single-column reference between tenant tables (Piccolo's own) is allowed only beside its composite twin.
    single = {
        (r["src"], r["cols"][0], r["dst"])
        for r in fks
        if r["src"] in tenant and r["dst"] in tenant and len(r["cols"]) == 1
    }
    assert sorted(single - composite) == []


async def test_references_to_coop_never_cascade(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch(
        """SELECT conrelid::regclass::text AS src, confdeltype, confupdtype FROM pg_constraint
           WHERE contype = 'f' AND confrelid = 'coop'::regclass"""
    )
    assert len(rows) >= 7
    # "char" columns come back as bytes; b"r" is RESTRICT.
    assert [r["src"] for r in rows if (r["confdeltype"], r["confupdtype"]) != (b"r", b"r")] == []


async def test_app_role_is_neither_superuser_nor_owner(owner: asyncpg.Connection) -> None:
    app = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        role = await app.fetchrow(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname = current_user"
        )
    finally:
        await app.close()
    assert (role["rolsuper"], role["rolbypassrls"], role["rolcreaterole"], role["rolcreatedb"]) == (
        False,
        False,
        False,
        False,
    )
    owned = await owner.fetchval(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)",
        role["rolname"],
    )
    assert owned == 0
    is_owner_member = await owner.fetchval("SELECT pg_has_role($1, 'osuus_owner', 'MEMBER')", role["rolname"])
    assert is_owner_member is False


@pytest.mark.parametrize(
    ("table", "privilege", "expected"),
    [
        ("coop", "DELETE", False),
        ("region", "DELETE", False),
        ("app_user", "DELETE", False),
        ("audit_log", "UPDATE", False),
        ("audit_log", "DELETE", False),
        ("platform_operator", "INSERT", False),
        ("outbox", "DELETE", False),
        ("notice", "DELETE", True),
    ],
)
async def test_app_role_table_privileges(owner: asyncpg.Connection, table: str, privilege: str, expected: bool) -> None:
    assert await owner.fetchval("SELECT has_table_privilege('osuus_app', $1, $2)", table, privilege) is expected


async def test_app_role_cannot_change_a_coop_id(owner: asyncpg.Connection) -> None:
    assert await owner.fetchval("SELECT has_column_privilege('osuus_app', 'coop', 'id', 'UPDATE')") is False
    assert await owner.fetchval("SELECT has_column_privilege('osuus_app', 'coop', 'status', 'UPDATE')") is True


async def test_every_migration_has_a_description() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "osuus"
    files = [p for p in root.rglob("piccolo_migrations/*.py") if p.name != "__init__.py"]
    assert len(files) >= 6
    missing = [p.name for p in files if 'DESCRIPTION = ""' in p.read_text() or "DESCRIPTION =" not in p.read_text()]
    assert missing == []
