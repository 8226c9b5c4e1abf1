"""Units of work: the tenant is set first, units refuse to nest, coops cannot reach or remove each other's rows."""

from __future__ import annotations

import os

import asyncpg
import pytest
from piccolo.engine import engine_finder

from osuus.platform.tables import Coop
from osuus.platform.tenancy import TenancyError, coop_unit, current_coop_id, public_unit
from osuus.tenants.noticeboard.tables import Activity, Notice
from tests.fixtures import World, make_coop, make_notice, make_region, make_user

# PostgreSQL 18 reports a RESTRICT reference as restrict_violation, older versions as foreign_key_violation.
RESTRICT_REFUSED = (asyncpg.exceptions.RestrictViolationError, asyncpg.exceptions.ForeignKeyViolationError)


async def current_setting() -> str:
    rows = await Notice.raw("SELECT current_setting('app.coop_id', true) AS v").run()
    return str(rows[0]["v"])


async def test_units_refuse_to_nest_and_never_retarget_the_outer_one(world: World) -> None:
    async with coop_unit(world.a.id):
        with pytest.raises(TenancyError):
            async with coop_unit(world.b.id):
                pytest.fail("the inner unit must not open")
        with pytest.raises(TenancyError):
            async with public_unit():
                pytest.fail("the inner unit must not open")
        assert await current_setting() == str(world.a.id)
        coops = {r["coop_id"] for r in await Notice.raw("SELECT coop_id FROM notice").run()}
        assert coops == {world.a.id}
        assert current_coop_id() == world.a.id


async def test_piccolo_nested_transaction_is_refused_inside_a_unit(world: World) -> None:
    from piccolo.engine.exceptions import TransactionError

    async with coop_unit(world.a.id):
        with pytest.raises(TransactionError):
            async with engine_finder().transaction(allow_nested=False):
                pass


async def test_unfiltered_raw_query_sees_only_its_own_coop(world: World) -> None:
    async with coop_unit(world.a.id):
        notices = await Notice.raw("SELECT id, coop_id FROM notice").run()
        activity = await Activity.raw("SELECT coop_id FROM activity").run()
    assert notices and {r["coop_id"] for r in notices} == {world.a.id}
    assert world.b.notice not in {r["id"] for r in notices}
    assert {r["coop_id"] for r in activity} == {world.a.id}


async def test_no_tenant_means_no_rows(world: World) -> None:
    assert await Notice.select(Notice.id).run() == []  # no unit: a pool connection without a tenant
    async with public_unit():
        assert await Notice.select(Notice.id).run() == []
        assert await Activity.count().run() == 0


async def test_writing_into_another_coop_is_refused(world: World) -> None:
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with coop_unit(world.a.id):
            await Notice.insert(Notice(coop=world.b.id, author=world.a.users["admin"], title="x", body="y")).run()
    async with coop_unit(world.b.id):
        assert await Notice.count().where(Notice.title == "x").run() == 0


async def test_moving_a_row_to_another_coop_is_refused(world: World) -> None:
    notice = await make_notice(world.a.id, world.a.users["admin"], "siirto")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with coop_unit(world.a.id):
            await Notice.update({Notice.coop: world.b.id}).where(Notice.id == notice).run()
    async with coop_unit(world.a.id):
        assert await Notice.select(Notice.coop).where(Notice.id == notice).first().run() == {"coop_id": world.a.id}


async def test_composite_reference_cannot_point_into_another_coop(world: World) -> None:
    with pytest.raises(asyncpg.exceptions.ForeignKeyViolationError):
        async with coop_unit(world.a.id):
            await Activity.insert(Activity(coop=world.a.id, kind="x", notice=world.b.notice)).run()
    async with coop_unit(world.a.id):
        assert await Activity.count().where(Activity.kind == "x").run() == 0


@pytest.mark.parametrize("bad", ["0", "-1", "1; DROP TABLE notice", "1.5", "abc"])
async def test_tenant_id_is_validated_before_set_local(bad: str) -> None:
    with pytest.raises((TenancyError, ValueError)):
        async with coop_unit(bad):  # type: ignore[arg-type]
            pass


async def test_app_role_cannot_delete_or_renumber_a_coop(db: None) -> None:
    region = await make_region()
    coop_id, _ = await make_coop(region)
    await make_notice(coop_id, await make_user(), "jää")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with public_unit():
            await Coop.delete().where(Coop.id == coop_id).run()
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with public_unit():
            await Coop.update({Coop.id: coop_id + 100000}).where(Coop.id == coop_id).run()
    async with coop_unit(coop_id):
        assert await Notice.count().where(Notice.coop == coop_id).run() == 1


async def test_even_the_owner_cannot_delete_a_coop_that_has_rows(db: None) -> None:
    region = await make_region()
    coop_id, _ = await make_coop(region)
    await make_notice(coop_id, await make_user(), "jää")
    conn = await asyncpg.connect(os.environ["DATABASE_OWNER_URL"])
    try:
        with pytest.raises(RESTRICT_REFUSED):
            await conn.execute("DELETE FROM coop WHERE id = $1", coop_id)
        with pytest.raises(RESTRICT_REFUSED):
            await conn.execute("UPDATE coop SET id = id + 100000 WHERE id = $1", coop_id)
    finally:
        await conn.close()
    async with coop_unit(coop_id):
        assert await Notice.count().where(Notice.coop == coop_id).run() == 1


async def test_audit_log_is_append_only_for_the_app(world: World) -> None:
    from osuus.platform import audit

    async with coop_unit(world.a.id):
        await audit.record("test.event", actor_id=world.a.users["admin"], coop_id=world.a.id, target="t")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with coop_unit(world.a.id):
            await Notice.raw("DELETE FROM audit_log WHERE action = 'test.event'").run()
    async with coop_unit(world.a.id):
        rows = await Notice.raw("SELECT count(*) AS n FROM audit_log WHERE action = 'test.event'").run()
    assert rows[0]["n"] == 1
