"""`osuus reencrypt`: after a key rotation, rows sealed under an older DATA_KEYS key are sealed again under the first
key, coop by coop; a second run changes nothing; the output has counts only; the run is audited."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

from osuus.platform import crypto
from osuus.platform.settings import DEVELOPMENT_DATA_KEYS
from osuus.platform.tenancy import coop_unit, operator_unit
from osuus.tenants.employment import service
from osuus.tenants.employment.tables import BenefitProfile
from tests.fixtures import make_coop, make_region, make_user
from tests.tenants.employment.conftest import make_member

OLD_KEY = base64.b64encode(b"an-older-key-of-32-bytes-for-it!").decode()
NEW_KEYS = f"{DEVELOPMENT_DATA_KEYS},old1:{OLD_KEY}"  # the development key first: it is the current one


def osuus(*args: str, data_keys: str = NEW_KEYS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "osuus.cli", *args],
        env={**os.environ, "DATA_KEYS": data_keys},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def add_old_profile(coop_id: int, member_id: int, kind: str, limit: int | None, day: dt.date) -> int:
    """A profile row sealed, as before the rotation, under the key `old1`."""
    ring = crypto.Keyring.parse(f"old1:{OLD_KEY}")
    value = json.dumps({"kind": kind, "limit_cents": limit}, sort_keys=True, separators=(",", ":")).encode()
    sealed = ring.seal(value, f"benefit_profile:{coop_id}:{member_id}:{day.isoformat()}".encode())
    async with coop_unit(coop_id):
        rows = (
            await BenefitProfile.insert(
                BenefitProfile(
                    coop=coop_id, member=member_id, valid_from=day, key_id=sealed.key_id, sealed=sealed.ciphertext
                )
            )
            .returning(BenefitProfile.id)
            .run()
        )
    return int(rows[0]["id"])


async def profiles(coop_id: int) -> list[dict[str, Any]]:
    async with coop_unit(coop_id):
        return await BenefitProfile.select(
            BenefitProfile.id, BenefitProfile.member, BenefitProfile.valid_from, BenefitProfile.key_id,
            BenefitProfile.sealed,
        ).where(BenefitProfile.coop == coop_id).order_by(BenefitProfile.id).run()  # fmt: skip


async def opened(coop_id: int) -> list[tuple[str, Any]]:
    """Each row's key id and its value, opened with the development key only (what the app has after rotation)."""
    ring = crypto.Keyring.parse(DEVELOPMENT_DATA_KEYS)
    found = []
    for r in await profiles(coop_id):
        aad = f"benefit_profile:{coop_id}:{r['member_id']}:{r['valid_from'].isoformat()}".encode()
        found.append((r["key_id"], json.loads(ring.open(r["key_id"], bytes(r["sealed"]), aad))))
    return found


async def audit_of(action: str) -> list[dict[str, Any]]:
    operator = await make_user()
    async with operator_unit(operator):
        rows = await BenefitProfile.raw(
            "SELECT coop_id, actor_id, detail FROM audit_log WHERE action = {} ORDER BY id", action
        ).run()
    return [{**r, "detail": json.loads(r["detail"]) if isinstance(r["detail"], str) else r["detail"]} for r in rows]


async def test_rows_under_an_old_key_are_sealed_again_and_a_second_run_changes_nothing(db: None) -> None:
    region = await make_region()
    a_id, a_slug = await make_coop(region)
    b_id, _ = await make_coop(region)
    maija = await make_member(a_id, "Maija Rotaatio")
    pekka = await make_member(b_id, "Pekka Rotaatio")
    old_rows = [
        await add_old_profile(a_id, maija, "disability_pension", 93_780, dt.date(2026, 1, 1)),
        await add_old_profile(a_id, maija, "disability_pension", 95_000, dt.date(2026, 7, 1)),
        await add_old_profile(b_id, pekka, "unemployment", 30_000, dt.date(2026, 3, 1)),
    ]
    none_row = await add_old_profile(a_id, maija, "none", None, dt.date(2026, 9, 1))
    async with coop_unit(a_id):  # one row of A is already under the current key: it is left alone
        sealed = service.seal_profile(a_id, maija, dt.date(2026, 10, 1), "other", 12_345)
        await BenefitProfile.insert(
            BenefitProfile(
                coop=a_id, member=maija, valid_from=dt.date(2026, 10, 1), key_id=sealed.key_id,
                sealed=sealed.ciphertext,
            )
        ).run()  # fmt: skip
    untouched = (await profiles(a_id))[-1]
    assert untouched["key_id"] == "dev1"

    result = osuus("reencrypt", "--batch", "2")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    last = result.stdout.strip().splitlines()[-1]  # before it: the structured log (events, ids and counts)
    assert last.startswith("osuus: benefit profiles: ") and " re-encrypted, 0 did not open (" in last
    resealed = int(last.split(": ")[2].split(" ")[0])
    assert resealed >= 4  # ours; rows other tests left under an old key would be counted too

    assert await opened(a_id) == [
        ("dev1", {"kind": "disability_pension", "limit_cents": 93_780}),
        ("dev1", {"kind": "disability_pension", "limit_cents": 95_000}),
        ("dev1", {"kind": "none", "limit_cents": None}),
        ("dev1", {"kind": "other", "limit_cents": 12_345}),
    ]
    assert await opened(b_id) == [("dev1", {"kind": "unemployment", "limit_cents": 30_000})]
    after = await profiles(a_id)
    assert after[-1] == untouched  # already current: not rewritten
    assert [r["id"] for r in after] == [*old_rows[:2], none_row, untouched["id"]]

    # Nothing secret on the screen: no value, no key.
    for secret in ("93780", "93 780", "95000", "30000", "disability", "unemployment", OLD_KEY[:12], "Maija"):
        assert secret not in result.stdout + result.stderr

    audits = await audit_of("employment.benefit_profiles_resealed")
    mine = {r["coop_id"]: r["detail"] for r in audits if r["coop_id"] in (a_id, b_id)}
    assert mine == {
        a_id: {"resealed": 3, "unreadable": 0, "key_id": "dev1"},
        b_id: {"resealed": 1, "unreadable": 0, "key_id": "dev1"},
    }
    runs = await audit_of("platform.reencrypted")
    assert runs[-1]["coop_id"] is None and runs[-1]["detail"]["resealed"] == resealed

    before = await profiles(a_id) + await profiles(b_id)
    again = osuus("reencrypt")
    assert again.returncode == 0, again.stderr
    assert (
        again.stdout.strip()
        .splitlines()[-1]
        .startswith("osuus: benefit profiles: 0 re-encrypted, 0 did not open (0 of ")
    )
    assert await profiles(a_id) + await profiles(b_id) == before
    assert len(await audit_of("employment.benefit_profiles_resealed")) == len(audits)

    # The app, with only the current key, reads the worker's profile as before.
    admin = await make_user()
    from osuus.platform.context import CoopContext, load_viewer
    from tests.fixtures import grant

    await grant(a_id, admin, "admin")
    viewer = await load_viewer(admin)
    assert viewer is not None
    ctx = CoopContext(
        id=a_id, slug=a_slug, name="A", status="active", roles=viewer.coop_roles(a_slug), viewer=viewer, region_id=0
    )
    page = await service.benefit_page(ctx, maija, "127.0.0.1")
    assert page.current is not None and (page.current.kind, page.current.limit_cents) == ("other", 12_345)


async def test_a_row_whose_key_is_gone_is_counted_and_left_alone(db: None) -> None:
    coop_id, slug = await make_coop(await make_region())
    member = await make_member(coop_id, "Liisa Avaimeton")
    row = await add_old_profile(coop_id, member, "other", 50_000, dt.date(2026, 2, 1))
    before = await profiles(coop_id)
    result = osuus("reencrypt", "--coop", slug, data_keys=DEVELOPMENT_DATA_KEYS)  # old1 was dropped too early
    assert result.returncode == 1
    assert (
        result.stdout.strip().splitlines()[-1]
        == "osuus: benefit profiles: 0 re-encrypted, 1 did not open (1 of 1 coops)"
    )
    assert "put their old key back in DATA_KEYS" in result.stderr
    assert "50000" not in result.stdout + result.stderr
    assert await profiles(coop_id) == before
    assert before[0]["id"] == row and before[0]["key_id"] == "old1"


def test_reencrypt_refuses_an_unknown_coop_and_a_bad_batch() -> None:
    unknown = osuus("reencrypt", "--coop", "ei-tallaista-osuuskuntaa")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "osuus: --coop: there is no coop 'ei-tallaista-osuuskuntaa'"
    bad = osuus("reencrypt", "--batch", "0")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "osuus: --batch: give a whole number of 1 or more"
