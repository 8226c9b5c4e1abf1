"""Demo data of employment (Taidokkaat): contracts, benefit profiles (sealed with the DATA_KEYS key), the job coach
of the workers and some other pay. Dates are relative to today so the demo always shows the same picture.

Maija Jäsen has a disability pension with her own earnings limit of 976,59 € a month (DOMAIN.md: the limit is never
below the guarantee-pension floor, 976,59 €/month in 2024); Timo Tekijä gets adjusted unemployment benefit (no
limit); Leena Laine another benefit with a limit; Sanna Saarinen none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from osuus.platform.dates import today
from osuus.platform.tenancy import current_coop_id
from osuus.tenants.employment.service import seal_profile
from osuus.tenants.employment.tables import BenefitProfile, ContractTerms, EmploymentContract, OtherPay, WorkerCoach
from osuus.tenants.members.tables import Member

AGREEMENT = "Kiinteistöpalvelualan työehtosopimus"
MAIJA_LIMIT_CENTS = 97_659


@dataclass(frozen=True)
class DemoContract:
    name: str
    kind: str
    started_days_ago: int
    ends_in_days: int | None  # fixed-term: the last day from today
    job_title: str
    weekly_minutes: int
    wage_cents: int
    subsidy_percent: int | None = None
    raise_to_cents: int | None = None  # an amendment from the first day of this month


CONTRACTS = [
    DemoContract("Maija Jäsen", "indefinite", 380, None, "Kotipalvelu ja pihatyöt", 20 * 60, 1235, 70, 1280),
    DemoContract("Timo Tekijä", "fixed_term", 60, 120, "Siivous (kutsuttaessa)", 0, 1150),
    DemoContract("Sanna Saarinen", "indefinite", 650, None, "Henkilöstövuokraus", 30 * 60, 1310),
    DemoContract("Leena Laine", "indefinite", 250, None, "IT-tuki kotiin", 10 * 60, 1235),
]
# name -> (kind, limit in cents or None)
PROFILES = {
    "Maija Jäsen": ("disability_pension", MAIJA_LIMIT_CENTS),
    "Timo Tekijä": ("unemployment", None),
    "Sanna Saarinen": ("none", None),
    "Leena Laine": ("other", 80_000),
}
COACHED = ("Maija Jäsen", "Timo Tekijä", "Leena Laine")


async def load_employment_demo(coop_id: int, users: dict[str, int]) -> None:
    """Fill employment of the coop whose unit is open (after its member register). `users` maps demo e-mail
    addresses to account ids: pj@taidokkaat.example records, valmentaja@osuus.example is the workers' coach."""
    assert current_coop_id() == coop_id, "load_employment_demo runs inside the coop's unit"
    on = today()
    admin = users["pj@taidokkaat.example"]
    coach = users.get("valmentaja@osuus.example")
    rows = await Member.select(Member.id, Member.name).where(Member.coop == coop_id).run()
    ids = {r["name"]: int(r["id"]) for r in rows}
    for c in CONTRACTS:
        member_id = ids.get(c.name)
        if member_id is None:
            continue
        starts = on - dt.timedelta(days=c.started_days_ago)
        ends = on + dt.timedelta(days=c.ends_in_days) if c.ends_in_days is not None else None
        contract_id = (
            await EmploymentContract.insert(
                EmploymentContract(
                    coop=coop_id,
                    member=member_id,
                    kind=c.kind,
                    starts_on=starts,
                    ends_on=ends,
                    job_title=c.job_title,
                    created_by=admin,
                )
            )
            .returning(EmploymentContract.id)
            .run()
        )[0]["id"]
        subsidy_until = starts + dt.timedelta(days=364) if c.subsidy_percent else None
        await ContractTerms.insert(
            ContractTerms(
                coop=coop_id,
                contract=contract_id,
                valid_from=starts,
                weekly_minutes=c.weekly_minutes,
                hourly_wage_cents=c.wage_cents,
                collective_agreement=AGREEMENT,
                subsidy_percent=c.subsidy_percent,
                subsidy_from=starts if c.subsidy_percent else None,
                subsidy_until=subsidy_until,
                created_by=admin,
            )
        ).run()
        if c.raise_to_cents:
            await ContractTerms.insert(
                ContractTerms(
                    coop=coop_id,
                    contract=contract_id,
                    valid_from=on.replace(day=1),
                    weekly_minutes=c.weekly_minutes,
                    hourly_wage_cents=c.raise_to_cents,
                    collective_agreement=AGREEMENT,
                    note="Palkka nousee työehtosopimuksen mukaan.",
                    created_by=admin,
                )
            ).run()
    for name, (kind, limit) in PROFILES.items():
        member_id = ids.get(name)
        if member_id is None:
            continue
        valid_from = dt.date(on.year, 1, 1)
        sealed = seal_profile(coop_id, member_id, valid_from, kind, limit)
        await BenefitProfile.insert(
            BenefitProfile(
                coop=coop_id,
                member=member_id,
                valid_from=valid_from,
                key_id=sealed.key_id,
                sealed=sealed.ciphertext,
                recorded_by=coach or admin,
            )
        ).run()
    if coach is not None:
        for name in COACHED:
            if name in ids:
                await WorkerCoach.insert(WorkerCoach(coop=coop_id, member=ids[name], coach=coach, added_by=admin)).run()
    if "Maija Jäsen" in ids:
        await OtherPay.insert(
            OtherPay(
                coop=coop_id,
                member=ids["Maija Jäsen"],
                on_date=on.replace(day=1),
                amount_cents=4_000,
                note="Ilta- ja viikonloppulisä",
                recorded_by=admin,
            ),
            OtherPay(
                coop=coop_id,
                member=ids["Maija Jäsen"],
                on_date=on.replace(day=1) - dt.timedelta(days=10),
                amount_cents=2_500,
                note="Kokouspalkkio",
                recorded_by=admin,
            ),
        ).run()
