"""Demo data inside one coop (Taidokkaat): the member register, family links, the board and the share register.

Written straight into the tables inside the coop's unit of work, with dates relative to today so the demo always
shows the same picture: eight members with a vote (the entrepreneur-status monitor says "enough"), a married couple,
a trial member, a supporting organisation, an open application, a board term that ends within 60 days, and share
payments in every state (paid at once, paid by instalments, deducted from wages, not paid yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from osuus.platform.dates import today
from osuus.platform.tenancy import current_coop_id
from osuus.tenants.governance.tables import BoardSeat
from osuus.tenants.members.tables import FamilyLink, Member, MemberEvent
from osuus.tenants.monitor.service import recompute_in_unit
from osuus.tenants.shares.tables import PaymentPlan, ShareChange, SharePayment, SharePolicy

SHARE_PRICE = 10_000  # cents: one share of 100 €
SUPPORTING_FEE = 5_000  # the supporting member's yearly fee (its payments are not share money)


@dataclass(frozen=True)
class DemoMember:
    key: str
    name: str
    member_class: str
    joined_days_ago: int
    email: str = ""
    paid: tuple[int, ...] = (SHARE_PRICE,)  # payments in cents, oldest first
    plan: str = "lump_sum"


MEMBERS = [
    DemoMember("pirjo", "Pirjo Puheenjohtaja", "member", 900, "pj@taidokkaat.example"),
    DemoMember("heikki", "Heikki Hallitus", "member", 900, "hallitus@taidokkaat.example"),
    DemoMember("maija", "Maija Jäsen", "member", 400, "jasen@taidokkaat.example", (2_000, 2_000), "wage_deduction"),
    DemoMember("matti", "Matti Jäsen", "member", 400, "matti.jasen@example.fi"),
    DemoMember("sanna", "Sanna Saarinen", "member", 700, "sanna.saarinen@example.fi", (2_500, 2_500, 2_500, 2_500)),
    DemoMember("timo", "Timo Tekijä", "member", 600, "", (2_500, 2_500), "instalments"),
    DemoMember("leena", "Leena Laine", "member", 300, "leena.laine@example.fi"),
    DemoMember("jussi", "Jussi Järvinen", "member", 120, "", ()),
    DemoMember("aapo", "Aapo Alku", "trial", 30, "", ()),
]


async def load_coop_demo(coop_id: int, users: dict[str, int], supporting_org: tuple[int, str]) -> None:
    """Fill the register of the coop whose unit is open. `users` maps demo e-mail addresses to account ids."""
    assert current_coop_id() == coop_id, "load_coop_demo runs inside the coop's unit"
    on = today()
    admin = users["pj@taidokkaat.example"]
    started = on - dt.timedelta(days=1000)
    await SharePolicy.insert(
        SharePolicy(
            coop=coop_id,
            valid_from=started,
            share_price_cents=SHARE_PRICE,
            shares_required=1,
            supporting_fee_cents=SUPPORTING_FEE,
            decided_by="Perustamiskokous",
            recorded_by=admin,
        )
    ).run()
    ids: dict[str, int] = {}
    for m in MEMBERS:
        joined = on - dt.timedelta(days=m.joined_days_ago)
        ids[m.key] = await _member(coop_id, admin, m.name, m.member_class, joined, m.email, users.get(m.email))
        await _shares(coop_id, admin, ids[m.key], joined, m)
    org_id, org_name = supporting_org
    await _member(coop_id, admin, org_name, "supporting", on - dt.timedelta(days=500), "", None, org_id)
    applied = on - dt.timedelta(days=5)
    applicant = (
        await Member.insert(
            Member(
                coop=coop_id,
                name="Aino Hakija",
                email="aino.hakija@example.fi",
                member_class="applicant",
                status="applied",
                applied_on=applied,
            )
        )
        .returning(Member.id)
        .run()
    )[0]["id"]
    await MemberEvent.insert(MemberEvent(coop=coop_id, member=applicant, kind="applied", on_date=applied)).run()
    await FamilyLink.insert(
        FamilyLink(coop=coop_id, member=ids["maija"], relative=ids["matti"], relation="spouse")
    ).run()
    term = on - dt.timedelta(days=300)
    seats = [
        ("Pirjo Puheenjohtaja", ids["pirjo"], "chair", "partial_work_ability", True, None),
        ("Heikki Hallitus", ids["heikki"], "member", "partial_work_ability", True, on + dt.timedelta(days=40)),
        ("Ville Valmentaja", None, "member", "job_coach", True, None),
        ("Matti Jäsen", ids["matti"], "vice_chair", "relative", True, None),
        ("Kaarlo Kummi", None, "member", "business_mentor", False, None),
    ]
    for holder, member, role, kind, vote, end in seats:
        await BoardSeat.insert(
            BoardSeat(
                coop=coop_id,
                member=member,
                holder_name=holder,
                role=role,
                kind=kind,
                has_vote=vote,
                term_start=term,
                term_end=end,
            )
        ).run()
    await recompute_in_unit(coop_id)


async def _member(
    coop_id: int,
    admin: int,
    name: str,
    member_class: str,
    joined: dt.date,
    email: str,
    user_id: int | None,
    org_id: int | None = None,
) -> int:
    applied = joined - dt.timedelta(days=14)
    member_id: int = (
        await Member.insert(
            Member(
                coop=coop_id,
                user=user_id,
                organisation=org_id,
                name=name,
                email=email,
                member_class=member_class,
                status="active",
                applied_on=applied,
                joined_on=joined,
            )
        )
        .returning(Member.id)
        .run()
    )[0]["id"]
    admitted = "trial_started" if member_class == "trial" else "admitted"
    await MemberEvent.insert(
        MemberEvent(coop=coop_id, member=member_id, kind="applied", on_date=applied),
        MemberEvent(
            coop=coop_id,
            member=member_id,
            kind=admitted,
            on_date=joined,
            decided_by="Hallituksen kokous",
            recorded_by=admin,
            note=member_class,
        ),
    ).run()
    return member_id


async def _shares(coop_id: int, admin: int, member_id: int, joined: dt.date, m: DemoMember) -> None:
    if m.member_class != "member":
        return
    await ShareChange.insert(
        ShareChange(
            coop=coop_id,
            member=member_id,
            shares=1,
            value_cents=SHARE_PRICE,
            on_date=joined,
            reason="subscribed",
            recorded_by=admin,
        )
    ).run()
    instalment = 2_000 if m.plan == "wage_deduction" else 2_500 if m.plan == "instalments" else 0
    done = sum(m.paid) >= SHARE_PRICE
    plan_id: int = (
        await PaymentPlan.insert(
            PaymentPlan(
                coop=coop_id,
                member=member_id,
                kind=m.plan,
                total_cents=SHARE_PRICE,
                instalment_cents=instalment,
                protected_net_cents=80_000 if m.plan == "wage_deduction" else 0,
                starts_on=joined,
                status="paid" if done else "active",
                created_by=admin,
            )
        )
        .returning(PaymentPlan.id)
        .run()
    )[0]["id"]
    for n, amount in enumerate(m.paid):
        await SharePayment.insert(
            SharePayment(
                coop=coop_id,
                member=member_id,
                plan=plan_id,
                amount_cents=amount,
                kind="payment",
                paid_on=joined + dt.timedelta(days=30 * n + 7),
                source="payroll" if m.plan == "wage_deduction" else "bank",
                recorded_by=admin,
            )
        ).run()
