"""Every page in a real browser: axe-core (WCAG 2.x A/AA), languages, reflow at 320 px, target size, keyboard.

The real app runs under uvicorn in a subprocess against the harness's PostgreSQL and Redis; headless
Chromium (Debian's /usr/bin/chromium, never a Playwright download) visits each page as the right person.
Forms are also submitted empty so that their error state is checked. Screenshots go to var/screenshots/.

PLAIN-LANGUAGE §4: T1 (44 px targets in member flows), T2 (skip link, keyboard), T4 (no horizontal scroll
at 320 px), T5 (text spacing), T7 (error summary, focus, "Error:" title), T10 (`lang`).
OSUUS_SKIP_BROWSER=1 skips these tests where Chromium cannot be installed; otherwise a missing Chromium fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures import PASSWORD, World, grant, make_coop, make_region, make_user, unique

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("OSUUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
LANGUAGES = ("fi", "sv", "en")
MEMBER_TARGET = 44  # CSS px, PLAIN-LANGUAGE T1 for member flows


def _require_browser() -> None:
    """Skip only when asked to; a missing browser must not silently pass CI."""
    if os.environ.get("OSUUS_SKIP_BROWSER") == "1":
        pytest.skip("OSUUS_SKIP_BROWSER=1: browser tests skipped")
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it (apt-get install -y chromium) or set "
            "OSUUS_CHROMIUM to its path; set OSUUS_SKIP_BROWSER=1 to skip the browser tests.",
            pytrace=False,
        )
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        pytest.fail(
            f"{exc.name} is not installed: pip install -e '.[dev]' (or set OSUUS_SKIP_BROWSER=1)", pytrace=False
        )


# --- the pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One page: who looks at it, its address (a template filled from Site.values) and the expected status."""

    name: str
    who: str  # anon | admin | member | org | operator | solo | reg | reg_member | reg_unlinked | reg_coach
    path: str
    status: int = 200


def _dev_mail_status() -> int:
    return 200 if os.environ.get("OSUUS_ENV") == "development" else 404


# The vote pages of the register coop's meeting (site data from _vote_site).
VOTES = "/c/{reg_slug}/meetings/{vote_meeting}/items/"
# The meeting pages of the register coop (site data from _meeting_site).
MEETINGS = "/c/{reg_slug}/meetings/"
# The work pages of the register coop (site data from _work_site).
WORK = "/c/{reg_slug}/work/"
# The employment pages of the register coop (site data from _employment_site).
EMPLOYMENT = "/c/{reg_slug}/employment/"
PAGES = [
    Spec("home", "anon", "/"),
    Spec("signup", "anon", "/signup"),
    Spec("signin", "anon", "/signin"),
    Spec("reset-request", "anon", "/reset"),
    Spec("reset-form", "anon", "/reset/{reset_token}"),
    Spec("reset-bad-token", "anon", "/reset/not-a-real-token", 400),
    Spec("verify-ok", "anon", "/verify/{fresh_verify_token}"),
    Spec("verify-bad-token", "anon", "/verify/not-a-real-token", 400),
    Spec("invite-new-account", "anon", "/invite/{invite_new}"),
    Spec("invite-existing-account", "anon", "/invite/{invite_existing}"),
    Spec("invite-signed-in", "member", "/invite/{invite_new}"),
    Spec("invite-bad-token", "anon", "/invite/not-a-real-token", 404),
    Spec("not-found-path", "anon", "/no-such-page", 404),
    Spec("not-found-coop", "anon", "/c/no-such-coop/", 404),
    Spec("not-found-signed-in", "admin", "/c/no-such-coop/people", 404),
    Spec("forbidden", "member", "/c/{a_slug}/people", 403),
    Spec("dev-mail", "anon", "/dev/mail", _dev_mail_status()),
    Spec("me", "admin", "/me"),
    Spec("tokens", "admin", "/me/tokens"),
    Spec("tokens-empty", "solo", "/me/tokens"),
    Spec("tokens-new", "admin", "/me/tokens/new"),
    Spec("tokens-revoke", "admin", "/me/tokens/{token_active}/revoke"),
    Spec("tokens-revoke-revoked", "admin", "/me/tokens/{token_revoked}/revoke"),
    Spec("coop-home-admin", "admin", "/c/{a_slug}/"),
    Spec("coop-home-saved", "admin", "/c/{a_slug}/?saved=profile"),
    Spec("coop-people", "admin", "/c/{a_slug}/people"),
    Spec("coop-people-sent", "admin", "/c/{a_slug}/people?sent=1"),
    Spec("coop-invite", "admin", "/c/{a_slug}/people/invite"),
    Spec("coop-remove-role", "admin", "/c/{a_slug}/people/{a_member_role}/remove"),
    Spec("coop-profile", "admin", "/c/{a_slug}/profile"),
    Spec("notice-new", "admin", "/c/{a_slug}/notices/new"),
    Spec("notice-detail", "admin", "/c/{a_slug}/notices/{a_notice_to_org}"),
    Spec("notice-delete", "admin", "/c/{a_slug}/notices/{a_notice}/delete"),
    Spec("me-member", "member", "/me"),
    Spec("coop-home-member", "member", "/c/{a_slug}/"),
    Spec("notice-detail-member", "member", "/c/{a_slug}/notices/{a_notice}"),
    Spec("org-home", "org", "/o/{org_slug}/"),
    Spec("org-home-sent", "org", "/o/{org_slug}/?sent=1"),
    Spec("org-notice", "org", "/o/{org_slug}/notices/{a_notice_to_org}"),
    Spec("org-invite", "org", "/o/{org_slug}/people/invite"),
    Spec("ops-home", "operator", "/ops/"),
    Spec("ops-region-new", "operator", "/ops/regions/new"),
    Spec("ops-coop-new", "operator", "/ops/coops/new"),
    Spec("ops-coop-detail", "operator", "/ops/coops/{a_id}"),
    Spec("ops-coop-detail-sent", "operator", "/ops/coops/{a_id}?sent=1"),
    Spec("ops-org-new", "operator", "/ops/organisations/new"),
    Spec("ops-audit", "operator", "/ops/audit"),
    Spec("ops-audit-search", "operator", "/ops/audit?q=example.fi&action=account"),
    Spec("ops-jobs", "operator", "/ops/jobs"),
    # The member register, in the test's own coop ("reg": its admin; "reg_member": a member linked to a row).
    Spec("members", "reg", "/c/{reg_slug}/members"),
    Spec("members-filtered", "reg", "/c/{reg_slug}/members?member_class=member&status=active"),
    Spec("members-filtered-empty", "reg", "/c/{reg_slug}/members?member_class=supporting&status=rejected"),
    Spec("members-new", "reg", "/c/{reg_slug}/members/new"),
    Spec("member-detail", "reg", "/c/{reg_slug}/members/{m_person}"),
    Spec("member-detail-added", "reg", "/c/{reg_slug}/members/{m_person}?done=added"),
    Spec("member-detail-decided", "reg", "/c/{reg_slug}/members/{m_person}?done=resign"),
    Spec("member-detail-unlinked", "reg", "/c/{reg_slug}/members/{m_person}?done=unlinked"),
    Spec("member-detail-by-coach", "reg_coach", "/c/{reg_slug}/members/{m_person}"),
    Spec("member-detail-applied", "reg", "/c/{reg_slug}/members/{m_applied}"),
    Spec("member-detail-left", "reg", "/c/{reg_slug}/members/{m_left}"),
    Spec("decide-admit", "reg", "/c/{reg_slug}/members/{m_applied}/decide/admit"),
    Spec("decide-reject", "reg", "/c/{reg_slug}/members/{m_applied}/decide/reject"),
    Spec("decide-start-trial", "reg", "/c/{reg_slug}/members/{m_employee}/decide/start-trial"),
    Spec("decide-end-trial", "reg", "/c/{reg_slug}/members/{m_trial}/decide/end-trial"),
    Spec("decide-change-class", "reg", "/c/{reg_slug}/members/{m_person}/decide/change-class"),
    Spec("decide-resign", "reg", "/c/{reg_slug}/members/{m_person}/decide/resign"),
    Spec("decide-expel", "reg", "/c/{reg_slug}/members/{m_person}/decide/expel"),
    Spec("decide-deceased", "reg", "/c/{reg_slug}/members/{m_person}/decide/deceased"),
    Spec("decide-not-possible", "reg", "/c/{reg_slug}/members/{m_person}/decide/admit", 409),
    Spec("family-new", "reg", "/c/{reg_slug}/members/{m_person}/family/new"),
    Spec("family-remove", "reg", "/c/{reg_slug}/members/{m_person}/family/{family_link}/remove"),
    Spec("my-membership", "reg_member", "/c/{reg_slug}/me"),
    Spec("my-membership-unlinked", "reg_unlinked", "/c/{reg_slug}/me"),
    Spec("join", "anon", "/join/{reg_slug}"),
    Spec("join-signed-in", "member", "/join/{reg_slug}"),
    Spec("join-closed", "anon", "/join/{closed_slug}", 403),
    # The board.
    Spec("board", "reg", "/c/{reg_slug}/board"),
    Spec("board-saved", "reg", "/c/{reg_slug}/board?saved=added"),
    Spec("board-saved-target", "reg", "/c/{reg_slug}/board?saved=target"),
    Spec("board-member", "reg_member", "/c/{reg_slug}/board"),
    Spec("board-coach", "reg_coach", "/c/{reg_slug}/board"),
    Spec("board-seat-new", "reg", "/c/{reg_slug}/board/seats/new"),
    Spec("board-seat-end", "reg", "/c/{reg_slug}/board/seats/{seat_chair}/end"),
    Spec("board-seat-end-ended", "reg", "/c/{reg_slug}/board/seats/{seat_past}/end"),
    Spec("board-target", "reg", "/c/{reg_slug}/board/target"),
    # The member status check.
    Spec("monitor", "reg", "/c/{reg_slug}/monitor"),
    Spec("ops-monitor", "operator", "/ops/monitor"),
    # The share register.
    Spec("shares", "reg", "/c/{reg_slug}/shares"),
    Spec("shares-done", "reg", "/c/{reg_slug}/shares?done=policy"),
    Spec("shares-policy", "reg", "/c/{reg_slug}/shares/policy"),
    Spec("shares-member", "reg", "/c/{reg_slug}/shares/members/{m_self}"),
    Spec("shares-member-none", "reg", "/c/{reg_slug}/shares/members/{m_person}"),
    Spec("shares-plan", "reg", "/c/{reg_slug}/shares/members/{m_person}/plan"),
    Spec("shares-payment", "reg", "/c/{reg_slug}/shares/members/{m_self}/payment"),
    Spec("shares-mine", "reg_member", "/c/{reg_slug}/shares/mine"),
    Spec("shares-mine-unlinked", "reg_unlinked", "/c/{reg_slug}/shares/mine"),
    # Votes on agenda items (the register coop's meeting: an open vote, an election, an item without a vote, closed).
    Spec("vote", "reg_member", VOTES + "{vote_item}/vote"),
    Spec("vote-done", "reg_member", VOTES + "{vote_item}/vote?done=cast"),
    Spec("vote-election", "reg_member", VOTES + "{vote_election}/vote"),
    Spec("vote-none", "reg", VOTES + "{vote_none}/vote"),
    Spec("vote-open", "reg", VOTES + "{vote_none}/vote/open"),
    Spec("vote-manager", "reg", VOTES + "{vote_item}/vote"),
    Spec("vote-assisted", "reg_coach", VOTES + "{vote_item}/vote/assisted"),
    Spec("vote-close", "reg", VOTES + "{vote_item}/vote/close"),
    Spec("vote-close-closed", "reg", VOTES + "{vote_closed}/vote/close", 409),
    Spec("vote-result-open", "reg", VOTES + "{vote_item}/vote/result"),
    Spec("vote-result", "reg_member", VOTES + "{vote_closed}/vote/result"),
    Spec("vote-result-secret", "reg", VOTES + "{vote_secret}/vote/result?done=closed"),
    # Meetings of the register coop (site data from _meeting_site): a noticed general meeting with an application
    # and a proxy, a draft board meeting, a closed meeting with approved minutes.
    Spec("meetings", "reg", "/c/{reg_slug}/meetings"),
    Spec("meetings-member", "reg_member", "/c/{reg_slug}/meetings"),
    Spec("meetings-mine", "reg_member", "/c/{reg_slug}/meetings/mine"),
    Spec("meetings-mine-unlinked", "reg_unlinked", "/c/{reg_slug}/meetings/mine"),
    Spec("meetings-rules", "reg", "/c/{reg_slug}/meetings/rules"),
    Spec("meeting-new", "reg", "/c/{reg_slug}/meetings/new"),
    Spec("meeting", "reg", MEETINGS + "{mtg_general}"),
    Spec("meeting-done", "reg", MEETINGS + "{mtg_general}?done=noticed"),
    Spec("meeting-member", "reg_member", MEETINGS + "{mtg_general}"),
    Spec("meeting-board", "reg", MEETINGS + "{mtg_board}"),
    Spec("meeting-edit", "reg", MEETINGS + "{mtg_general}/edit"),
    Spec("meeting-item-new", "reg", MEETINGS + "{mtg_board}/items/new"),
    Spec("meeting-item-edit", "reg", MEETINGS + "{mtg_general}/items/{mtg_item}/edit"),
    Spec("meeting-item-move", "reg", MEETINGS + "{mtg_general}/items/{mtg_item}/move"),
    Spec("meeting-item-remove", "reg", MEETINGS + "{mtg_general}/items/{mtg_item}/remove"),
    Spec("meeting-item-decide", "reg", MEETINGS + "{mtg_general}/items/{mtg_item}/decide"),
    Spec("meeting-application-decide", "reg", MEETINGS + "{mtg_general}/items/{mtg_app_item}/decide"),
    Spec("meeting-applicants", "reg", MEETINGS + "{mtg_board}/applicants"),
    Spec("meeting-attendance", "reg", MEETINGS + "{mtg_general}/attendance"),
    Spec("meeting-attendance-remove", "reg", MEETINGS + "{mtg_general}/attendance/{mtg_attendance}/remove"),
    Spec("meeting-notice", "reg", MEETINGS + "{mtg_board}/notice"),
    Spec("meeting-notice-sent", "reg", MEETINGS + "{mtg_general}/notice"),
    Spec("meeting-cancel", "reg", MEETINGS + "{mtg_board}/cancel"),
    Spec("meeting-minutes", "reg", MEETINGS + "{mtg_general}/minutes"),
    Spec("meeting-minutes-closed", "reg_member", MEETINGS + "{mtg_closed}/minutes"),
    Spec("meeting-roles", "reg", MEETINGS + "{mtg_general}/minutes/roles"),
    Spec("meeting-approve", "reg", MEETINGS + "{mtg_general}/minutes/approve"),
    Spec("meeting-closed-refused", "reg", MEETINGS + "{mtg_closed}/edit", 409),
    # Refunds, plans, transfers and supporting fees (a coop of their own, site data from _share_site; "reg" is its
    # admin), accounts and contact details of members, "My documents" (the register coop).
    Spec("shares-refund-register", "reg", "/c/{shr_slug}/shares"),
    Spec("shares-member-left", "reg", "/c/{shr_slug}/shares/members/{shr_left}"),
    Spec("shares-member-supporting", "reg", "/c/{shr_slug}/shares/members/{shr_supporter}?done=fee"),
    Spec("shares-refund", "reg", "/c/{shr_slug}/shares/members/{shr_left}/refund"),
    Spec("shares-refund-not-possible", "reg", "/c/{shr_slug}/shares/members/{shr_planned}/refund", 409),
    Spec("shares-plan-cancel", "reg", "/c/{shr_slug}/shares/members/{shr_planned}/plan/{shr_plan}/cancel"),
    Spec("shares-transfer", "reg", "/c/{shr_slug}/shares/members/{shr_planned}/transfer"),
    Spec("shares-fee", "reg", "/c/{shr_slug}/shares/members/{shr_supporter}/fee"),
    Spec("member-account", "reg", "/c/{reg_slug}/members/{m_person}/account"),
    Spec("member-account-linked", "reg", "/c/{reg_slug}/members/{m_self}/account"),
    Spec("member-contact", "reg", "/c/{reg_slug}/members/{m_person}/contact"),
    Spec("member-detail-contact", "reg", "/c/{reg_slug}/members/{m_person}?done=contact"),
    Spec("my-contact", "reg_member", "/c/{reg_slug}/me/contact"),
    Spec("my-contact-unlinked", "reg_unlinked", "/c/{reg_slug}/me/contact"),
    Spec("my-membership-contact-done", "reg_member", "/c/{reg_slug}/me?done=contact"),
    Spec("my-documents", "reg_member", "/c/{reg_slug}/me/documents"),
    Spec("my-documents-unlinked", "reg_unlinked", "/c/{reg_slug}/me/documents"),
    # The catalogue, the public shop, its requests and the customers (the register coop; site data from
    # _catalogue_site).
    Spec("catalogue", "reg", "/c/{reg_slug}/catalogue"),
    Spec("catalogue-member", "reg_member", "/c/{reg_slug}/catalogue"),
    Spec("catalogue-inactive", "reg", "/c/{reg_slug}/catalogue?show=inactive"),
    Spec("catalogue-new", "reg", "/c/{reg_slug}/catalogue/new"),
    Spec("catalogue-item", "reg", "/c/{reg_slug}/catalogue/{cat_item}"),
    Spec("catalogue-item-done", "reg", "/c/{reg_slug}/catalogue/{cat_item}?done=added"),
    Spec("catalogue-item-product", "reg", "/c/{reg_slug}/catalogue/{cat_product}"),
    Spec("catalogue-item-off-sale", "reg", "/c/{reg_slug}/catalogue/{cat_off}"),
    Spec("catalogue-item-member", "reg_member", "/c/{reg_slug}/catalogue/{cat_item}"),
    Spec("catalogue-edit", "reg", "/c/{reg_slug}/catalogue/{cat_item}/edit"),
    Spec("catalogue-deactivate", "reg", "/c/{reg_slug}/catalogue/{cat_item}/deactivate"),
    Spec("catalogue-photo", "reg", "/c/{reg_slug}/catalogue/{cat_item}/photo"),
    Spec("catalogue-photo-new", "reg", "/c/{reg_slug}/catalogue/{cat_product}/photo"),
    Spec("shop", "anon", "/shop/{reg_slug}"),
    Spec("shop-signed-in", "reg_member", "/shop/{reg_slug}"),
    Spec("shop-empty", "anon", "/shop/{solo_slug}"),
    Spec("shop-request", "anon", "/shop/{reg_slug}/request?item={cat_item}"),
    Spec("shop-not-found", "anon", "/shop/{closed_slug}", 404),
    Spec("requests", "reg", "/c/{reg_slug}/requests"),
    Spec("requests-empty", "reg", "/c/{reg_slug}/requests?status=handled"),
    Spec("request", "reg", "/c/{reg_slug}/requests/{cat_request}"),
    Spec("request-done", "reg", "/c/{reg_slug}/requests/{cat_request}?done=handled"),
    Spec("request-spam", "reg", "/c/{reg_slug}/requests/{cat_spam}"),
    Spec("customers", "reg", "/c/{reg_slug}/customers"),
    Spec("customers-search-empty", "reg", "/c/{reg_slug}/customers?q=ei-ketaan"),
    Spec("customers-new", "reg", "/c/{reg_slug}/customers/new"),
    Spec("customers-new-from-request", "reg", "/c/{reg_slug}/customers/new?request={cat_request}"),
    Spec("customer-edit", "reg", "/c/{reg_slug}/customers/{cat_customer}/edit"),
    Spec("customer-edit-done", "reg", "/c/{reg_slug}/customers/{cat_customer}/edit?done=added"),
    # Work: orders, offers, hours to approve and "My work" (the register coop; site data from _work_site).
    Spec("work-orders", "reg", WORK + "orders"),
    Spec("work-orders-filtered", "reg", WORK + "orders?status=scheduled"),
    Spec("work-orders-coach", "reg_coach", WORK + "orders"),
    Spec("work-order-new", "reg", WORK + "orders/new"),
    Spec("work-order-new-from-request", "reg", WORK + "orders/new?request={cat_request}"),
    Spec("work-order", "reg", WORK + "orders/{w_order}"),
    Spec("work-order-done", "reg", WORK + "orders/{w_order}?done=offered"),
    Spec("work-order-coach", "reg_coach", WORK + "orders/{w_open}"),
    Spec("work-order-edit", "reg", WORK + "orders/{w_order}/edit"),
    Spec("work-step", "reg", WORK + "orders/{w_requested}/steps/accept"),
    Spec("work-step-cancel", "reg", WORK + "orders/{w_requested}/steps/cancel"),
    Spec("work-step-refused", "reg", WORK + "orders/{w_requested}/steps/done", 409),
    Spec("work-offer", "reg", WORK + "orders/{w_open}/offer"),
    Spec("work-offer-nobody", "reg", WORK + "orders/{w_order}/offer"),
    Spec("work-join", "reg_coach", WORK + "orders/{w_open}/join"),
    Spec("work-withdraw", "reg", WORK + "assignments/{w_offer}/withdraw"),
    Spec("work-hours", "reg_coach", WORK + "hours"),
    Spec("work-hours-empty", "reg", WORK + "hours?done=approved"),
    Spec("work-hours-return", "reg_coach", WORK + "hours/{w_entry}/return"),
    Spec("work-hours-entry", "reg", WORK + "hours/{w_corrected}?done=corrected"),
    Spec("work-hours-entry-member", "reg_member", WORK + "hours/{w_entry}"),
    Spec("work-hours-correct", "reg_coach", WORK + "hours/{w_entry}/correct"),
    Spec("work-mine", "reg_member", WORK + "mine"),
    Spec("work-mine-done", "reg_member", WORK + "mine?done=accepted"),
    Spec("work-mine-empty", "reg_unlinked", WORK + "mine"),
    Spec("work-accept", "reg_member", WORK + "mine/{w_offer}/accept"),
    Spec("work-decline", "reg_member", WORK + "mine/{w_offer}/decline"),
    Spec("work-log", "reg_member", WORK + "mine/{w_job}/log"),
    Spec("work-my-hours", "reg_member", WORK + "mine/hours"),
    Spec("work-week-dashboard", "reg", WORK + "week"),
    Spec("work-cant-come", "reg_member", WORK + "mine/{w_giveup}/cant-come"),
    Spec("work-mine-cant-come", "reg_member", WORK + "mine?done=cant_come"),
    Spec("work-substitutes", "reg", WORK + "substitutes?done=rule"),
    Spec("work-substitutes-coach", "reg_coach", WORK + "substitutes"),
    Spec("work-substitute", "reg", WORK + "substitutes/{w_search}?done=offers"),
    Spec("work-substitute-coach", "reg_coach", WORK + "substitutes/{w_search}"),
    Spec("work-substitute-stop", "reg", WORK + "substitutes/{w_search}/stop"),
    Spec("work-people", "reg", WORK + "people?done=saved"),
    Spec("work-skills", "reg", WORK + "people/{m_self}"),
    Spec("employment-contract-end", "reg", EMPLOYMENT + "workers/{m_self}/contracts/{emp_contract}/end"),
    # Employment: contracts, the benefit profile, earnings (site data from _employment_site).
    Spec("employment-workers", "reg", EMPLOYMENT + "workers"),
    Spec("employment-worker", "reg", EMPLOYMENT + "workers/{m_self}/contracts"),
    Spec("employment-worker-empty", "reg", EMPLOYMENT + "workers/{m_person}/contracts"),
    Spec("employment-worker-own", "reg_member", EMPLOYMENT + "workers/{m_self}/contracts"),
    Spec("employment-contract", "reg", EMPLOYMENT + "workers/{m_self}/contracts/{emp_contract}?done=amended"),
    Spec("employment-contract-new", "reg", EMPLOYMENT + "workers/{m_person}/contracts/new"),
    Spec("employment-contract-amend", "reg", EMPLOYMENT + "workers/{m_self}/contracts/{emp_contract}/amend"),
    Spec("employment-benefit", "reg", EMPLOYMENT + "workers/{m_self}/benefit?done=benefit"),
    Spec("employment-benefit-own", "reg_member", EMPLOYMENT + "workers/{m_self}/benefit"),
    Spec("employment-benefit-coach", "reg_coach", EMPLOYMENT + "workers/{m_self}/benefit"),
    Spec("employment-benefit-none", "reg", EMPLOYMENT + "workers/{m_person}/benefit"),
    Spec("employment-benefit-new", "reg", EMPLOYMENT + "workers/{m_self}/benefit/new"),
    Spec("employment-pay-new", "reg", EMPLOYMENT + "workers/{m_self}/pay/new"),
    Spec("employment-coaches", "reg", EMPLOYMENT + "workers/{m_self}/coaches?done=coach"),
    Spec("employment-coaches-add", "reg", EMPLOYMENT + "workers/{m_person}/coaches"),
    Spec("earnings-mine", "reg_member", EMPLOYMENT + "mine"),
    Spec("earnings-mine-other-month", "reg_member", EMPLOYMENT + "mine?month=2025-02"),
    Spec("earnings-mine-unlinked", "reg_unlinked", EMPLOYMENT + "mine"),
    Spec("earnings-worker", "reg", EMPLOYMENT + "workers/{m_self}/earnings?done=pay"),
    Spec("earnings-worker-coach", "reg_coach", EMPLOYMENT + "workers/{m_self}/earnings"),
    Spec("earnings-over", "reg", EMPLOYMENT + "workers/{m_employee}/earnings"),
]
SCREENSHOT_PAGES = [
    "home",
    "signin",
    "signup",
    "reset-form",
    "invite-new-account",
    "not-found-path",
    "me",
    "tokens",
    "coop-home-admin",
    "coop-home-member",
    "coop-people",
    "coop-invite",
    "coop-remove-role",
    "coop-profile",
    "notice-new",
    "notice-detail",
    "notice-delete",
    "org-home",
    "org-invite",
    "ops-home",
    "ops-coop-detail",
    "ops-org-new",
    "ops-audit",
    "members",
    "members-new",
    "member-detail",
    "member-detail-applied",
    "decide-admit",
    "decide-resign",
    "decide-not-possible",
    "family-new",
    "family-remove",
    "my-membership",
    "my-membership-unlinked",
    "join",
    "join-closed",
    "board",
    "board-member",
    "board-seat-new",
    "board-seat-end",
    "board-target",
    "monitor",
    "ops-monitor",
    "shares",
    "shares-policy",
    "shares-member",
    "shares-plan",
    "shares-payment",
    "shares-mine",
    "vote",
    "vote-election",
    "vote-assisted",
    "vote-result",
    "meetings",
    "meetings-mine",
    "meeting",
    "meeting-attendance",
    "meeting-minutes",
    "shares-refund-register",
    "shares-refund",
    "shares-plan-cancel",
    "member-account",
    "my-documents",
    "catalogue",
    "catalogue-item",
    "catalogue-new",
    "shop",
    "shop-request",
    "request",
    "customers",
    "customer-edit",
    "employment-worker",
    "employment-contract",
    "employment-benefit-own",
    "earnings-mine",
    "earnings-over",
    "work-mine",
    "work-accept",
    "work-order",
    "work-hours",
    "work-hours-entry",
    "work-cant-come",
    "work-mine-cant-come",
    "work-substitute",
    "work-skills",
    "employment-contract-end",
]


@dataclass(frozen=True)
class FormState:
    """A form sent with its button: empty by default (text fields cleared), or with the given values.

    `fill` maps a CSS selector to a value (a template like Spec.path): text is typed, a select chooses the
    option with that value, a checkbox or radio button is checked.
    """

    name: str
    who: str
    path: str
    form: str = "main form"  # CSS selector of the form whose submit button is pressed
    fill: tuple[tuple[str, str], ...] = ()
    status: int = 400
    errors: bool = True  # the result shows the error summary (T7)
    field_errors: bool = True  # … and the title starts with "Error:"
    join_hits: int | None = None  # applications already sent from this address (the /join rate limit)
    shop_hits: int | None = None  # requests already sent from this address (the /shop rate limit)


FORMS = [
    FormState("signup", "anon", "/signup"),
    FormState("signin", "anon", "/signin"),
    FormState(
        "signin-wrong",
        "anon",
        "/signin",
        fill=(("#email", "nobody-{uniq}@example.fi"), ("#password", "wrong-password-123")),
    ),
    FormState("signin-unverified", "anon", "/signin", fill=(("#email", "{unverified_email}"), ("#password", PASSWORD))),
    FormState("reset-request", "anon", "/reset"),
    FormState("reset-form", "anon", "/reset/{reset_token}"),
    FormState("invite-new-account", "anon", "/invite/{invite_new}"),
    FormState("coop-invite", "admin", "/c/{a_slug}/people/invite"),
    FormState(
        "coop-profile", "admin", "/c/{a_slug}/profile", fill=(("#email", "not an address"), ("#phone", "call me"))
    ),
    FormState("notice-new", "admin", "/c/{a_slug}/notices/new"),
    FormState("tokens-new", "admin", "/me/tokens/new"),
    FormState("tokens-made", "admin", "/me/tokens/new", status=200, errors=False, fill=(("#name", "Palkanlaskenta"),)),
    FormState(
        "coop-remove-last-admin",
        "solo",
        "/c/{solo_slug}/people/{solo_admin_role}/remove",
        status=409,
        field_errors=False,
    ),
    FormState("org-invite", "org", "/o/{org_slug}/people/invite"),
    FormState("ops-region-new", "operator", "/ops/regions/new"),
    FormState("ops-coop-new", "operator", "/ops/coops/new"),
    FormState("ops-coop-invite", "operator", "/ops/coops/{a_id}", form="main form[action$='/invite']"),
    FormState("ops-org-new", "operator", "/ops/organisations/new"),
    FormState("members-new", "reg", "/c/{reg_slug}/members/new"),
    FormState(
        "members-new-organisation",
        "reg",
        "/c/{reg_slug}/members/new",
        fill=(("#kind-organisation", "check"), ("#on_date", "31.2.2026")),
    ),
    FormState("decide-admit", "reg", "/c/{reg_slug}/members/{m_applied}/decide/admit"),
    FormState("decide-reject", "reg", "/c/{reg_slug}/members/{m_applied}/decide/reject"),
    FormState("decide-start-trial", "reg", "/c/{reg_slug}/members/{m_employee}/decide/start-trial"),
    FormState("decide-end-trial", "reg", "/c/{reg_slug}/members/{m_trial}/decide/end-trial"),
    FormState("decide-change-class", "reg", "/c/{reg_slug}/members/{m_person}/decide/change-class"),
    FormState("decide-resign", "reg", "/c/{reg_slug}/members/{m_person}/decide/resign"),
    FormState("decide-expel", "reg", "/c/{reg_slug}/members/{m_person}/decide/expel"),
    FormState("decide-deceased", "reg", "/c/{reg_slug}/members/{m_person}/decide/deceased"),
    FormState("family-new", "reg", "/c/{reg_slug}/members/{m_person}/family/new"),
    FormState("join", "anon", "/join/{reg_slug}"),
    FormState(
        "join-bad-values",
        "anon",
        "/join/{reg_slug}",
        fill=(("#name", "Hakija"), ("#email", "not an address"), ("#phone", "call me")),
    ),
    FormState("board-seat-new", "reg", "/c/{reg_slug}/board/seats/new"),
    FormState("board-seat-end", "reg", "/c/{reg_slug}/board/seats/{seat_chair}/end"),
    FormState("board-target", "reg", "/c/{reg_slug}/board/target", fill=(("#seats_relative", "many"),)),
    FormState("shares-policy", "reg", "/c/{reg_slug}/shares/policy"),
    FormState("shares-plan", "reg", "/c/{reg_slug}/shares/members/{m_person}/plan"),
    FormState("shares-payment", "reg", "/c/{reg_slug}/shares/members/{m_self}/payment"),
    # Result pages of forms sent correctly (no errors): also pages people see.
    FormState(
        "signup-done",
        "anon",
        "/signup",
        status=200,
        errors=False,
        fill=(("#name", "Uusi Ihminen"), ("#email", "new-{uniq}@example.fi"), ("#password", PASSWORD)),
    ),
    FormState(
        "reset-request-done", "anon", "/reset", status=200, errors=False, fill=(("#email", "nobody-{uniq}@example.fi"),)
    ),
    FormState(
        "reset-done", "anon", "/reset/{fresh_reset_token}", status=200, errors=False, fill=(("#password", PASSWORD),)
    ),
    FormState(
        "ops-region-new-done",
        "operator",
        "/ops/regions/new",
        status=200,
        errors=False,
        fill=(("#name", "Saavutettava alue"), ("#slug", "a11y-{uniq}")),
    ),
    FormState(
        "ops-coop-new-done",
        "operator",
        "/ops/coops/new",
        status=200,
        errors=False,
        fill=(("#name", "Saavutettava osuuskunta"), ("#slug", "a11y-{uniq}"), ("#region_id", "{a11y_region}")),
    ),
    FormState(
        "ops-org-new-done",
        "operator",
        "/ops/organisations/new",
        status=200,
        errors=False,
        fill=(
            ("#name", "Saavutettava järjestö"),
            ("#slug", "a11y-{uniq}"),
            ("#kind", "association"),
            ("input[name=regions][value='{a11y_region}']", "check"),
        ),
    ),
    # The check page of each decision that cannot be undone (nothing is saved until it is confirmed).
    *(
        FormState(
            f"decide-{action}-check",
            "reg",
            f"/c/{{reg_slug}}/members/{{{member}}}/decide/{action}",
            status=200,
            errors=False,
            fill=(("#on_date", "{today}"), ("#decided_by", "Hallituksen kokous")),
        )
        for action, member in (("reject", "m_applied"), ("resign", "m_person"), ("expel", "m_person"))
    ),
    FormState(
        "decide-deceased-check",
        "reg",
        "/c/{reg_slug}/members/{m_person}/decide/deceased",
        status=200,
        errors=False,
        fill=(("#on_date", "{today}"),),
    ),
    FormState(
        "join-sent",
        "anon",
        "/join/{reg_slug}",
        status=200,
        errors=False,
        fill=(("#name", "Hilla Hakija"), ("#email", "hakija-{uniq}@example.fi")),
        join_hits=0,
    ),
    FormState(
        "join-limited",
        "anon",
        "/join/{reg_slug}",
        status=429,
        errors=False,
        fill=(("#name", "Hilla Hakija"), ("#email", "hakija-{uniq}@example.fi")),
        join_hits=5,  # members.service.APPLY_LIMIT
    ),
    # Votes: the check page after the big Empty vote button (nothing is given before it is confirmed), an election
    # ballot without a choice, assisted voting with nothing filled in and filled in (its check page), a new vote.
    FormState("vote-check", "reg_member", VOTES + "{vote_item}/vote", status=200, errors=False),
    FormState("vote-election", "reg_member", VOTES + "{vote_election}/vote"),
    FormState("vote-assisted", "reg_coach", VOTES + "{vote_item}/vote/assisted"),
    FormState(
        "vote-assisted-check",
        "reg_coach",
        VOTES + "{vote_item}/vote/assisted",
        fill=(
            ("#voter", "m{m_person}"),
            ("#choice", "check"),
            ("#witness_name", "Liisa Todistaja"),
            ("#member_confirmed", "check"),
        ),
        status=200,
        errors=False,
    ),
    FormState("vote-open", "reg", VOTES + "{vote_none}/vote/open"),
    # Meetings: a new meeting with nothing filled in, an empty agenda item, a proxy over the limit of one, an
    # application without a decision, the rules with nothing filled in.
    FormState("meeting-new", "reg", "/c/{reg_slug}/meetings/new"),
    FormState("meeting-item-new", "reg", MEETINGS + "{mtg_board}/items/new"),
    FormState(
        "meeting-attendance-proxy-over",
        "reg",
        MEETINGS + "{mtg_general}/attendance",
        fill=(("#member_id", "{m_self}"), ("#mode-proxy", "check"), ("#proxy_holder_id", "{m_person}")),
    ),
    FormState("meeting-application-decide", "reg", MEETINGS + "{mtg_general}/items/{mtg_app_item}/decide"),
    FormState("meetings-rules", "reg", "/c/{reg_slug}/meetings/rules"),
    # Refunds, cancelling a plan, moving shares, supporting fees, linking an account, contact details: sent empty
    # (or with a bad address where empty fields would be a valid answer).
    FormState("shares-refund", "reg", "/c/{shr_slug}/shares/members/{shr_left}/refund"),
    FormState("shares-plan-cancel", "reg", "/c/{shr_slug}/shares/members/{shr_planned}/plan/{shr_plan}/cancel"),
    FormState("shares-transfer", "reg", "/c/{shr_slug}/shares/members/{shr_planned}/transfer"),
    FormState("shares-fee", "reg", "/c/{shr_slug}/shares/members/{shr_supporter}/fee"),
    FormState("member-account", "reg", "/c/{reg_slug}/members/{m_person}/account"),
    FormState(
        "member-account-no-account",
        "reg",
        "/c/{reg_slug}/members/{m_person}/account",
        fill=(("#email", "nobody-{uniq}@example.fi"),),
    ),
    FormState("member-contact", "reg", "/c/{reg_slug}/members/{m_person}/contact"),
    FormState(
        "my-contact",
        "reg_member",
        "/c/{reg_slug}/me/contact",
        fill=(("#email", "not an address"), ("#phone", "call me")),
    ),
    # The catalogue, the shop's request form (empty, a bad business ID, sent, over the limit) and customers.
    FormState("catalogue-new", "reg", "/c/{reg_slug}/catalogue/new"),
    FormState(
        "catalogue-new-credit-for-product",
        "reg",
        "/c/{reg_slug}/catalogue/new",
        fill=(
            ("#kind-product", "check"),
            ("#name_fi", "Kuivattu minttu"),
            ("#description_fi", "Minttua."),
            ("#category", "herbs_food"),
            ("#price", "4,90"),
            ("#household_credit", "check"),
            ("#labour_share", "120"),
        ),
    ),
    FormState("catalogue-edit", "reg", "/c/{reg_slug}/catalogue/{cat_item}/edit"),
    FormState("catalogue-photo", "reg", "/c/{reg_slug}/catalogue/{cat_product}/photo"),
    FormState("shop-request", "anon", "/shop/{reg_slug}/request"),
    FormState(
        "shop-request-business",
        "anon",
        "/shop/{reg_slug}/request",
        fill=(
            ("#kind-business", "check"),
            ("#name", "Pekka Yrittäjä"),
            ("#business_id", "1234567-8"),
            ("#email", "pekka-{uniq}@example.fi"),
            ("#wished_from", "1.1.2020"),
        ),
    ),
    FormState(
        "shop-request-sent",
        "anon",
        "/shop/{reg_slug}/request",
        status=200,
        errors=False,
        fill=(("#name", "Hilla Asiakas"), ("#email", "asiakas-{uniq}@example.fi"), ("#message", "Paljonko maksaa?")),
        shop_hits=0,
    ),
    FormState(
        "shop-request-limited",
        "anon",
        "/shop/{reg_slug}/request",
        status=429,
        errors=False,
        fill=(("#name", "Hilla Asiakas"), ("#email", "asiakas-{uniq}@example.fi"), ("#message", "Paljonko maksaa?")),
        shop_hits=5,  # catalogue.storefront.REQUEST_LIMIT
    ),
    FormState("customers-new", "reg", "/c/{reg_slug}/customers/new"),
    FormState(
        "customers-new-company",
        "reg",
        "/c/{reg_slug}/customers/new",
        fill=(
            ("#kind-company", "check"),
            ("#name", "Puu ja Pelti Oy"),
            ("#business_id", "1234567-8"),
            ("#einvoice_address", "0037 väärin"),
            ("#postcode", "334"),
        ),
    ),
    FormState("customer-edit", "reg", "/c/{reg_slug}/customers/{cat_customer}/edit"),
    FormState("work-order-new", "reg", "/c/{reg_slug}/work/orders/new"),
    FormState(
        "work-order-new-bad-time",
        "reg",
        "/c/{reg_slug}/work/orders/new",
        fill=(("#title", "Pihatyöt"), ("#customer_name", "Liisa"), ("#day", "31.2.2026"), ("#start", "12.00")),
    ),
    FormState("work-offer", "reg", "/c/{reg_slug}/work/orders/{w_open}/offer"),
    FormState("work-join", "reg_coach", "/c/{reg_slug}/work/orders/{w_open}/join"),
    FormState("work-hours-return", "reg_coach", "/c/{reg_slug}/work/hours/{w_entry}/return"),
    FormState("work-hours-correct", "reg_coach", "/c/{reg_slug}/work/hours/{w_entry}/correct"),
    FormState("work-log", "reg_member", "/c/{reg_slug}/work/mine/{w_job}/log"),
    FormState(
        "work-log-both",
        "reg_member",
        "/c/{reg_slug}/work/mine/{w_job}/log",
        fill=(("#day", "{today}"), ("#start", "8.30"), ("#end", "8.00"), ("#hours", "2")),
    ),
    FormState(
        "work-cant-come-long", "reg_member", WORK + "mine/{w_giveup}/cant-come", fill=(("#reason", "Sairas. " * 130),)
    ),
    FormState(
        "work-skills-no-days",
        "reg",
        WORK + "people/{m_self}",
        fill=tuple(("#days" if d == "1" else f"#day_{d}", "uncheck") for d in "1234567"),
    ),
    FormState("employment-contract-end", "reg", EMPLOYMENT + "workers/{m_self}/contracts/{emp_contract}/end"),
    FormState(
        "employment-contract-end-check",
        "reg",
        EMPLOYMENT + "workers/{m_self}/contracts/{emp_contract}/end",
        fill=(("#last_day", "{today}"), ("#reason-agreement", "check")),
        status=200,
        errors=False,
    ),
    FormState("employment-contract-new", "reg", EMPLOYMENT + "workers/{m_person}/contracts/new"),
    FormState(
        "employment-contract-new-fixed-term",
        "reg",
        EMPLOYMENT + "workers/{m_person}/contracts/new",
        fill=(
            ("#kind-fixed_term", "check"),
            ("#starts_on", "1.2.2026"),
            ("#hours_per_week", "20"),
            ("#hourly_wage", "12,35"),
            ("#subsidy_percent", "70"),
        ),
    ),
    FormState("employment-contract-amend", "reg", EMPLOYMENT + "workers/{m_self}/contracts/{emp_contract}/amend"),
    FormState("employment-benefit-new", "reg", EMPLOYMENT + "workers/{m_self}/benefit/new"),
    FormState("employment-pay-new", "reg", EMPLOYMENT + "workers/{m_self}/pay/new"),
    FormState("employment-coaches-add", "reg", EMPLOYMENT + "workers/{m_person}/coaches"),
]


# --- the server, the data and the browser -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The real app under uvicorn on a free port, with the environment the harness filled in."""
    _require_browser()
    log_path = Path(os.environ["OSUUS_DATA_DIR"]) / "uvicorn-a11y.log"
    for _attempt in range(3):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "osuus.app:create_app",
                    "--factory",
                    "--port",
                    str(port),
                    "--host",
                    "127.0.0.1",
                ],
                env=os.environ.copy(),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            _stop(proc)
            if "address already in use" in log_path.read_text(errors="replace"):
                continue  # someone took the port between our check and uvicorn's bind
            pytest.fail(f"uvicorn did not become healthy:\n{log_path.read_text(errors='replace')[-3000:]}")
        break
    else:
        pytest.fail("no free port for uvicorn after 3 tries")
    try:
        yield url
    finally:
        _stop(proc)


@dataclass
class Site:
    """Ids, slugs and one-time tokens the page addresses need."""

    values: dict[str, Any] = field(default_factory=dict)

    async def url(self, template: str) -> str:
        extra: dict[str, Any] = {"uniq": os.urandom(4).hex()}
        if "{fresh_verify_token}" in template:
            extra["fresh_verify_token"] = await _email_token(self.values["verify_user"], "verify")
        if "{fresh_reset_token}" in template:
            extra["fresh_reset_token"] = await _email_token(self.values["reset_user"], "reset")
        return template.format(**self.values, **extra)


async def _email_token(user_id: int, purpose: str) -> str:
    from osuus.platform.tables import EmailToken
    from osuus.platform.tenancy import public_unit
    from osuus.platform.tokens import new_token

    raw, hashed = new_token()
    async with public_unit():
        await EmailToken.insert(
            EmailToken(
                user=user_id,
                purpose=purpose,
                token_hash=hashed,
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
            )
        ).run()
    return raw


async def _invitation(coop_id: int, inviter: int, email: str, role: str) -> str:
    from osuus.platform.tables import Invitation
    from osuus.platform.tenancy import coop_unit
    from osuus.platform.tokens import new_token

    raw, hashed = new_token()
    async with coop_unit(coop_id, user_id=inviter):
        await Invitation.insert(
            Invitation(
                token_hash=hashed,
                email=email,
                name="Kutsuttu Ihminen",
                coop=coop_id,
                role=role,
                invited_by=inviter,
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=14),
            )
        ).run()
    return raw


async def _api_token(user_id: int, name: str, revoked: bool) -> int:
    """An API token of the person (the list and revoke pages show it); the plain token is not needed."""
    from osuus.platform import apitokens

    await apitokens.issue_token(user_id, name)
    token = next(t for t in await apitokens.list_tokens(user_id) if t.name == name and t.revoked_at is None)
    if revoked:
        await apitokens.revoke(user_id, token.id)
    return token.id


def _today_fi() -> str:
    from osuus.platform.dates import format_date, today

    return format_date(today())


async def _register_coop(region: int) -> dict[str, Any]:
    """The test's own coop with a member register, a board with warnings and a share fee.

    Its admin ("reg") sees everything; "reg_member" is linked to a row of the register, "reg_unlinked" is not.
    Nothing here is confirmed by the tests, so every member keeps the status the decision pages need.
    """
    from osuus.platform.tenancy import coop_unit
    from osuus.tenants.governance.service import today as board_today
    from osuus.tenants.governance.tables import BoardSeat
    from osuus.tenants.members.tables import FamilyLink, Member, MemberEvent
    from osuus.tenants.shares.tables import SharePayment, SharePolicy

    coop_id, slug = await make_coop(region)
    users: dict[str, int] = {}
    emails: dict[str, str] = {}
    for who, role, name in (
        ("reg", "admin", "Rekisterin Ylläpitäjä"),
        ("reg_member", "member", "Minna Jäsen"),
        ("reg_unlinked", "member", "Ulla Tili"),
        ("reg_coach", "coach", "Kalle Valmentaja"),
    ):
        emails[who] = f"{who.replace('_', '-')}.{slug}@example.fi"
        users[who] = await make_user(emails[who], name=name)
        await grant(coop_id, users[who], role)
    joined = dt.date(2025, 1, 15)
    members = {
        # key: (name, class, status, linked user)
        "m_self": ("Minna Jäsen", "member", "active", users["reg_member"]),
        "m_person": ("Pekka Pitkänimi-Virtanen", "member", "active", None),
        "m_applied": ("Aino Hakija", "applicant", "applied", None),
        "m_employee": ("Eero Työntekijä", "employee", "active", None),
        "m_trial": ("Tiina Koejäsen", "trial", "active", None),
        "m_left": ("Lauri Lähtenyt", "member", "left", None),
    }
    ids: dict[str, Any] = {"reg_slug": slug, "reg_id": coop_id, "reg_emails": emails}
    async with coop_unit(coop_id):
        for key, (name, member_class, status, user) in members.items():
            rows = (
                await Member.insert(
                    Member(
                        coop=coop_id,
                        name=name,
                        email=f"{key.replace('_', '-')}.{slug}@example.fi",
                        phone="040 123 4567",
                        user=user,
                        member_class=member_class,
                        status=status,
                        applied_on=joined if status == "applied" else None,
                        joined_on=None if status == "applied" else joined,
                        left_on=dt.date(2025, 6, 30) if status == "left" else None,
                    )
                )
                .returning(Member.id)
                .run()
            )
            ids[key] = int(rows[0]["id"])
            events = [("applied" if status == "applied" else "admitted", joined)]
            if status == "left":
                events.append(("resigned", dt.date(2025, 6, 30)))
            for kind, on_date in events:
                await MemberEvent.insert(
                    MemberEvent(coop=coop_id, member=ids[key], kind=kind, on_date=on_date, decided_by="Hallitus")
                ).run()
        rows = (
            await FamilyLink.insert(
                FamilyLink(coop=coop_id, member=ids["m_person"], relative=ids["m_self"], relation="sibling")
            )
            .returning(FamilyLink.id)
            .run()
        )
        ids["family_link"] = int(rows[0]["id"])
        on = board_today()
        seats = {
            # A chair whose term ends soon, a member, a mentor without a vote and one who was on the board before:
            # the board page shows a term warning and the gaps against the default plan.
            "seat_chair": ("Pekka Pitkänimi-Virtanen", ids["m_person"], "chair", "partial_work_ability", True,
                           on - dt.timedelta(days=300), on + dt.timedelta(days=20)),
            "seat_member": ("Minna Jäsen", ids["m_self"], "member", "partial_work_ability", True,
                            on - dt.timedelta(days=300), None),
            "seat_mentor": ("Maija Mentori", None, "member", "business_mentor", False,
                            on - dt.timedelta(days=100), None),
            "seat_past": ("Lauri Lähtenyt", ids["m_left"], "vice_chair", "relative", True,
                          dt.date(2024, 1, 1), dt.date(2025, 6, 30)),
        }  # fmt: skip
        for key, (holder, member_id, role, kind, has_vote, start, end) in seats.items():
            rows = (
                await BoardSeat.insert(
                    BoardSeat(
                        coop=coop_id,
                        member=member_id,
                        holder_name=holder,
                        role=role,
                        kind=kind,
                        has_vote=has_vote,
                        term_start=start,
                        term_end=end,
                    )
                )
                .returning(BoardSeat.id)
                .run()
            )
            ids[key] = int(rows[0]["id"])
        await SharePolicy.insert(
            SharePolicy(
                coop=coop_id,
                valid_from=dt.date(2025, 1, 1),
                share_price_cents=10000,
                shares_required=2,
                supporting_fee_cents=5000,
                decided_by="Perustava kokous",
            )
        ).run()
        await SharePayment.insert(
            SharePayment(
                coop=coop_id,
                member=ids["m_self"],
                amount_cents=5000,
                kind="payment",
                paid_on=dt.date(2025, 2, 1),
                source="bank",
                reference="RF18 1234",
            )
        ).run()
    _closed, closed_slug = await make_coop(region, status="closed")
    ids["closed_slug"] = closed_slug
    return ids


async def _vote_site(values: dict[str, Any]) -> dict[str, int]:
    """A general meeting of the register coop with votes in every state the vote pages show.

    Its people with a vote are m_self ("reg_member") and m_person; the open vote and the election wait for both.
    """
    from osuus.platform.context import CoopContext, Viewer
    from osuus.platform.http import Form
    from osuus.platform.tables import User
    from osuus.platform.tenancy import coop_unit, public_unit
    from osuus.tenants.meetings.tables import AgendaItem, Meeting
    from osuus.tenants.votes import service as votes

    coop_id, slug = values["reg_id"], values["reg_slug"]
    async with public_unit():
        user = await User.select(User.id, User.name).where(User.email == f"reg.{slug}@example.fi").first().run()
    assert user is not None
    admin = CoopContext(coop_id, slug, "Rekisteriosuuskunta", "active", ("admin",), Viewer(user["id"], "", "", "fi"))
    async with coop_unit(coop_id):
        rows = (
            await Meeting.insert(
                Meeting(
                    coop=coop_id, kind="general", title="Kevätkokous", starts_at=dt.datetime.now(dt.UTC), status="held"
                )
            )
            .returning(Meeting.id)
            .run()
        )
        meeting_id = int(rows[0]["id"])
        items = {}
        for position, (key, title, kind) in enumerate(
            (
                ("vote_item", "Uusi ruohonleikkuri", "ordinary"),
                ("vote_election", "Hallituksen jäsenten valinta", "election"),
                ("vote_none", "Toimintasuunnitelma", "ordinary"),
                ("vote_closed", "Jäsenmaksun korotus", "ordinary"),
                ("vote_secret", "Tilintarkastajan valinta", "ordinary"),
            ),
            start=1,
        ):
            made = (
                await AgendaItem.insert(
                    AgendaItem(coop=coop_id, meeting=meeting_id, position=position, title=title, kind=kind)
                )
                .returning(AgendaItem.id)
                .run()
            )
            items[key] = int(made[0]["id"])
    opens = {
        "vote_item": ("Ostetaanko osuuskunnalle uusi ruohonleikkuri?", "simple", "no", ""),
        "vote_election": (
            "Ketkä valitaan hallitukseen?",
            "election",
            "yes",
            "Aino Aalto\nBertta Berg\nCecilia Cedergren",
        ),
        "vote_closed": ("Korotetaanko jäsenmaksua 10 euroa?", "two_thirds", "no", ""),
        "vote_secret": ("Valitaanko tilintarkastajaksi Tarkastus Oy?", "simple", "yes", ""),
    }
    for key, (question, method, anonymous, candidates) in opens.items():
        form = Form(values={"question": question, "method": method, "anonymous": anonymous, "seats": "2"})
        form.values["candidates"] = candidates
        assert await votes.open_vote(admin, meeting_id, items[key], form, "127.0.0.1") is not None
    for key, choices in (("vote_closed", ("yes", "no")), ("vote_secret", ("yes", "empty"))):
        for member, choice in zip(("m_self", "m_person"), choices, strict=True):
            form = Form(values={"voter": f"m{values[member]}", "choice": choice})
            form.values.update(witness_name="Liisa Todistaja", member_confirmed="yes")
            outcome = await votes.cast_assisted(admin, meeting_id, items[key], form, "127.0.0.1", confirmed=True)
            assert outcome.state == "cast", form.errors
        assert await votes.close_vote(admin, meeting_id, items[key], Form(), "127.0.0.1") is not None
    return {"vote_meeting": meeting_id, **items}


async def _share_site(values: dict[str, Any]) -> dict[str, Any]:
    """A coop of its own for refunds, plans, transfers and supporting fees ("reg" is its admin), so that its members
    do not change the register coop's votes: a member who left with 100,00 € paid (a refund due), a member paying
    under a plan, a supporting member who has paid part of this year's fee."""
    from osuus.platform.dates import today
    from osuus.platform.tables import User
    from osuus.platform.tenancy import coop_unit, public_unit
    from osuus.tenants.members.tables import Member
    from osuus.tenants.shares.tables import PaymentPlan, ShareChange, SharePayment, SharePolicy, SupportingFee

    coop_id, slug = await make_coop(await make_region())
    async with public_unit():
        user = await User.select(User.id).where(User.email == f"reg.{values['reg_slug']}@example.fi").first().run()
    assert user is not None
    await grant(coop_id, user["id"], "admin")
    ids: dict[str, Any] = {"shr_slug": slug}
    async with coop_unit(coop_id):
        await SharePolicy.insert(
            SharePolicy(
                coop=coop_id,
                valid_from=dt.date(2024, 1, 1),
                share_price_cents=5000,
                shares_required=2,
                supporting_fee_cents=3000,
                decided_by="Perustava kokous",
            )
        ).run()
        for key, name, member_class, left_on in (
            ("shr_left", "Liisa Lähtenyt", "member", dt.date(2025, 3, 15)),
            ("shr_planned", "Paavo Plaani", "member", None),
            ("shr_receiver", "Saara Saaja", "member", None),
            ("shr_supporter", "Tuula Tukija", "supporting", None),
        ):
            rows = (
                await Member.insert(
                    Member(
                        coop=coop_id,
                        name=name,
                        member_class=member_class,
                        status="left" if left_on else "active",
                        joined_on=dt.date(2024, 2, 1),
                        left_on=left_on,
                    )
                )
                .returning(Member.id)
                .run()
            )
            ids[key] = int(rows[0]["id"])
        for key in ("shr_left", "shr_planned"):
            await ShareChange.insert(
                ShareChange(
                    coop=coop_id,
                    member=ids[key],
                    shares=2,
                    value_cents=10000,
                    on_date=dt.date(2024, 2, 1),
                    reason="subscribed",
                )
            ).run()
        rows = (
            await PaymentPlan.insert(
                PaymentPlan(
                    coop=coop_id,
                    member=ids["shr_planned"],
                    kind="wage_deduction",
                    total_cents=10000,
                    instalment_cents=2500,
                    protected_net_cents=69000,
                    starts_on=dt.date(2024, 3, 1),
                )
            )
            .returning(PaymentPlan.id)
            .run()
        )
        ids["shr_plan"] = int(rows[0]["id"])
        for key, amount, plan in (("shr_left", 10000, None), ("shr_planned", 2500, ids["shr_plan"])):
            await SharePayment.insert(
                SharePayment(
                    coop=coop_id,
                    member=ids[key],
                    plan=plan,
                    amount_cents=amount,
                    kind="payment",
                    paid_on=dt.date(2024, 3, 1),
                    source="bank",
                )
            ).run()
        await SupportingFee.insert(
            SupportingFee(
                coop=coop_id, member=ids["shr_supporter"], year=today().year, amount_cents=1000, paid_on=today()
            )
        ).run()
    return ids


async def _meeting_site(values: dict[str, Any]) -> dict[str, int]:
    """Meetings of the register coop: a noticed general meeting in three weeks (an item, an application, m_person
    present holding m_trial's proxy), a draft board meeting in five days, a closed meeting whose minutes m_self
    ("reg_member", who attended remotely) reads."""
    from osuus.platform.dates import HELSINKI, today
    from osuus.platform.tenancy import coop_unit
    from osuus.tenants.meetings.tables import AgendaItem, Attendance, Meeting

    coop_id = values["reg_id"]

    def at(days: int) -> dt.datetime:
        return dt.datetime.combine(today() + dt.timedelta(days=days), dt.time(18), tzinfo=HELSINKI)

    ids: dict[str, int] = {}
    now = dt.datetime.now(dt.UTC)
    async with coop_unit(coop_id):
        for key, kind, title, days, status, extra in (
            ("mtg_general", "general", "Syyskokous", 21, "noticed", {"notice_sent_at": now}),
            ("mtg_board", "board", "Hallituksen kokous", 5, "draft", {}),
            ("mtg_closed", "general", "Kevään kokous", -60, "closed",
             {"minutes_approved_at": now, "chair_name": "Pekka Pitkänimi-Virtanen", "secretary_name": "Minna Jäsen"}),
        ):  # fmt: skip
            rows = (
                await Meeting.insert(
                    Meeting(
                        coop=coop_id,
                        kind=kind,
                        title=title,
                        starts_at=at(days),
                        place="Toimisto, Rantakatu 5, Tampere",
                        remote_info="https://kokous.example.fi/osuus",
                        status=status,
                        **extra,
                    )
                )
                .returning(Meeting.id)
                .run()
            )
            ids[key] = int(rows[0]["id"])
        for key, meeting, title, kind, member in (
            ("mtg_item", "mtg_general", "Tilinpäätös ja toimintakertomus", "ordinary", None),
            ("mtg_app_item", "mtg_general", "Jäseneksi hakee Aino Hakija", "member_application", values["m_applied"]),
            ("mtg_closed_item", "mtg_closed", "Toimintasuunnitelma", "ordinary", None),
        ):
            rows = (
                await AgendaItem.insert(
                    AgendaItem(
                        coop=coop_id,
                        meeting=ids[meeting],
                        position=2 if key == "mtg_app_item" else 1,
                        title=title,
                        description="Hallitus esittelee asian.",
                        kind=kind,
                        member=member,
                        outcome="approved" if meeting == "mtg_closed" else "",
                        decision="Kokous hyväksyi suunnitelman." if meeting == "mtg_closed" else "",
                    )
                )
                .returning(AgendaItem.id)
                .run()
            )
            ids[key] = int(rows[0]["id"])
        for key, meeting, member, mode, holder in (
            ("mtg_attendance", "mtg_general", values["m_person"], "in_person", None),
            ("mtg_proxy", "mtg_general", values["m_trial"], "proxy", values["m_person"]),
            ("mtg_closed_remote", "mtg_closed", values["m_self"], "remote", None),
        ):
            rows = (
                await Attendance.insert(
                    Attendance(coop=coop_id, meeting=ids[meeting], member=member, mode=mode, proxy_holder=holder)
                )
                .returning(Attendance.id)
                .run()
            )
            ids[key] = int(rows[0]["id"])
    return ids


async def _catalogue_site(values: dict[str, Any]) -> dict[str, Any]:
    """The register coop's catalogue (a service with a photo and the tax credit, a product without a Swedish name,
    one off sale), a storefront request from a business, a spam request, and a company customer."""
    import io
    from decimal import Decimal

    from PIL import Image

    from osuus.platform.reference.tables import Category
    from osuus.platform.tenancy import coop_unit, public_unit
    from osuus.tenants.catalogue import photos
    from osuus.tenants.catalogue.tables import CatalogueItem, OrderRequest, OrderRequestLine
    from osuus.tenants.customers.tables import Customer

    coop_id = values["reg_id"]
    async with public_unit():
        categories = {r["slug"]: r["id"] for r in await Category.select(Category.id, Category.slug).run()}
    items = {
        # key: (fi, sv, en, kind, category, unit, cents, vat, labour share, active)
        "cat_item": ("Pihatyöt", "Trädgårdsarbete", "Garden work", "service", "gardening", "hour", 3600, "general",
                     100, True),
        "cat_product": ("Kuivattu nokkonen", "", "Dried nettle", "product", "herbs_food", "piece", 590,
                        "reduced_food", 0, True),
        "cat_off": ("Lumityöt", "Snöarbete", "Snow work", "service", "gardening", "hour", 3400, "general", 100, False),
    }  # fmt: skip
    ids: dict[str, Any] = {}
    async with coop_unit(coop_id):
        for key, (fi, sv, en, kind, category, unit, cents, vat_code, share, active) in items.items():
            rows = (
                await CatalogueItem.insert(
                    CatalogueItem(
                        coop=coop_id, kind=kind, name_fi=fi, name_sv=sv, name_en=en,
                        description_fi=f"{fi}: teemme huolellisesti.\nKysy lisää.", description_en=f"{en}, done well.",
                        category=categories[category], unit=unit, price_cents=cents, vat_code=vat_code,
                        household_credit=share > 0, labour_share=share, active=active, public=True,
                    )
                )
                .returning(CatalogueItem.id)
                .run()
            )  # fmt: skip
            ids[key] = int(rows[0]["id"])
        out = io.BytesIO()
        Image.new("RGB", (320, 200), (40, 120, 60)).save(out, format="PNG")
        name = photos.store(coop_id, ids["cat_item"], out.getvalue(), photos.Image("png"))
        await CatalogueItem.update({CatalogueItem.photo: name}).where(CatalogueItem.id == ids["cat_item"]).run()
        for key, status, who in (("cat_request", "new", "Pekka Pyytäjä"), ("cat_spam", "spam", "Roskaposti Robotti")):
            rows = (
                await OrderRequest.insert(
                    OrderRequest(
                        coop=coop_id, status=status, kind="business", name=who, company="Pyytäjä Oy",
                        business_id="1234567-1", email=f"{key}@example.fi", phone="040 111 2222",
                        street="Kuusitie 3", postcode="33470", city="Ylöjärvi", wished_from=dt.date.today(),
                        wished_to=dt.date.today() + dt.timedelta(days=7), message="Piha pitäisi siistiä.\nKiitos!",
                    )
                )
                .returning(OrderRequest.id)
                .run()
            )  # fmt: skip
            ids[key] = int(rows[0]["id"])
            await OrderRequestLine.insert(
                OrderRequestLine(
                    coop=coop_id, request=ids[key], item=ids["cat_item"], quantity=Decimal("2.5"), name="Pihatyöt",
                    unit="hour", price_cents=3600, vat_code="general",
                )
            ).run()  # fmt: skip
        rows = (
            await Customer.insert(
                Customer(
                    coop=coop_id, kind="company", name="Puu ja Pelti Oy", contact_name="Pirjo Pelti",
                    email="pirjo@puujapelti.example", street="Tehdaskatu 1", postcode="33100", city="Tampere",
                    business_id="1234567-1", einvoice_address="003712345671", einvoice_operator="003721291126",
                )
            )
            .returning(Customer.id)
            .run()
        )  # fmt: skip
        ids["cat_customer"] = int(rows[0]["id"])
    return ids


async def _employment_site(values: dict[str, Any]) -> dict[str, Any]:
    """Employment in the register coop: m_self ("reg_member") has a contract with an amendment, a disability pension
    with a limit, other pay this month and "reg_coach" as her job coach; m_employee is over a small limit."""
    from osuus.platform.dates import today
    from osuus.platform.tables import User
    from osuus.platform.tenancy import coop_unit, public_unit
    from osuus.tenants.employment.service import seal_profile
    from osuus.tenants.employment.tables import (
        BenefitProfile,
        ContractTerms,
        EmploymentContract,
        OtherPay,
        WorkerCoach,
    )

    coop_id = values["reg_id"]
    on = today()
    ids: dict[str, Any] = {}
    async with public_unit():
        coach = (
            await User.select(User.id).where(User.email == f"reg-coach.{values['reg_slug']}@example.fi").first().run()
        )
    assert coach is not None
    async with coop_unit(coop_id):
        for key, starts, wage in (("m_self", dt.date(2025, 2, 1), 1235), ("m_employee", dt.date(2025, 3, 1), 1150)):
            rows = (
                await EmploymentContract.insert(
                    EmploymentContract(
                        coop=coop_id, member=values[key], kind="indefinite", starts_on=starts,
                        job_title="Kotipalvelu ja pihatyöt",
                    )
                )
                .returning(EmploymentContract.id)
                .run()
            )  # fmt: skip
            contract = int(rows[0]["id"])
            ids.setdefault("emp_contract", contract)
            await ContractTerms.insert(
                ContractTerms(
                    coop=coop_id, contract=contract, valid_from=starts, weekly_minutes=20 * 60,
                    hourly_wage_cents=wage, collective_agreement="Kiinteistöpalvelualan työehtosopimus",
                    subsidy_percent=70, subsidy_from=starts, subsidy_until=starts + dt.timedelta(days=364),
                ),
                ContractTerms(
                    coop=coop_id, contract=contract, valid_from=dt.date(2025, 9, 1), weekly_minutes=25 * 60,
                    hourly_wage_cents=wage + 45, collective_agreement="Kiinteistöpalvelualan työehtosopimus",
                    note="Palkka nousee työehtosopimuksen mukaan.\nTunnit kasvavat.",
                ),
            ).run()  # fmt: skip
        for key, kind, limit in (("m_self", "disability_pension", 97659), ("m_employee", "other", 10000)):
            sealed = seal_profile(coop_id, values[key], dt.date(2025, 1, 1), kind, limit)
            await BenefitProfile.insert(
                BenefitProfile(
                    coop=coop_id, member=values[key], valid_from=dt.date(2025, 1, 1), key_id=sealed.key_id,
                    sealed=sealed.ciphertext,
                )
            ).run()  # fmt: skip
        await WorkerCoach.insert(WorkerCoach(coop=coop_id, member=values["m_self"], coach=coach["id"])).run()
        await OtherPay.insert(
            OtherPay(coop=coop_id, member=values["m_self"], on_date=on.replace(day=1), amount_cents=41250,
                     note="Ilta- ja viikonloppulisä"),
            OtherPay(coop=coop_id, member=values["m_employee"], on_date=on.replace(day=1), amount_cents=15000,
                     note="Bonus"),
        ).run()  # fmt: skip
    return ids


async def _work_site(values: dict[str, Any]) -> dict[str, Any]:
    """The register coop's work: a scheduled job with an offer to "reg_member" (Minna Jäsen), an accepted job in
    progress with her hours waiting, an accepted order nobody is on yet, a new order, and approved hours with a
    correction."""
    from decimal import Decimal

    from osuus.platform.dates import HELSINKI, today
    from osuus.platform.tenancy import coop_unit
    from osuus.tenants.work.tables import Assignment, HourEntry, OrderEvent, OrderLine, WorkOrder

    coop_id, member = values["reg_id"], values["m_self"]
    on = today()
    ids: dict[str, Any] = {}
    async with coop_unit(coop_id):
        orders = {
            # key: (title, status, day, hours)
            "w_order": ("Pihatyöt, Kuusitie 3", "scheduled", on + dt.timedelta(days=3), (9, 12)),
            "w_running": ("Puistojen pihatyöt", "in_progress", on, (8, 15)),
            "w_open": ("Kotisiivous, Koivukuja 3", "accepted", on + dt.timedelta(days=5), None),
            "w_requested": ("Pensasaidan leikkaus", "requested", None, None),
        }
        for key, (title, status, day, hours) in orders.items():
            rows = (
                await WorkOrder.insert(
                    WorkOrder(
                        coop=coop_id, title=title, status=status, customer_name="Liisa Laaksonen",
                        place="Kuusitie 3, 33470 Ylöjärvi", day=day,
                        starts_at=dt.datetime.combine(day, dt.time(hours[0]), tzinfo=HELSINKI) if hours else None,
                        ends_at=dt.datetime.combine(day, dt.time(hours[1]), tzinfo=HELSINKI) if hours else None,
                        notes="Tuo omat hanskat.\nPortti on pihan takana.",
                    )
                )
                .returning(WorkOrder.id)
                .run()
            )  # fmt: skip
            ids[key] = int(rows[0]["id"])
            event = OrderEvent(coop=coop_id, order=ids[key], kind="created", to_status="requested")
            await OrderEvent.insert(event).run()
            await OrderLine.insert(
                OrderLine(
                    coop=coop_id, order=ids[key], item=values["cat_item"], name="Pihatyöt", quantity=Decimal("2.5"),
                    unit="hour", price_cents=3600, vat_code="general", household_credit=True, labour_share=100,
                )
            ).run()  # fmt: skip
        for key, order, status, day in (
            ("w_offer", "w_order", "offered", on + dt.timedelta(days=3)),
            ("w_job", "w_running", "accepted", on),
        ):
            rows = (
                await Assignment.insert(
                    Assignment(
                        coop=coop_id, order=ids[order], member=member, status=status, planned_day=day,
                        planned_minutes=180, note="Tämä sopisi sinulle.",
                    )
                )
                .returning(Assignment.id)
                .run()
            )  # fmt: skip
            ids[key] = int(rows[0]["id"])

        async def hours(minutes: int, status: str, supersedes: int | None = None, note: str = "") -> int:
            rows = (
                await HourEntry.insert(
                    HourEntry(
                        coop=coop_id, assignment=ids["w_job"], order=ids["w_running"], member=member, day=on,
                        started_at=dt.datetime.combine(on, dt.time(8), tzinfo=HELSINKI),
                        ended_at=dt.datetime.combine(on, dt.time(8), tzinfo=HELSINKI) + dt.timedelta(minutes=minutes),
                        minutes=minutes, source="correction" if supersedes else "quick", status=status, note=note,
                        supersedes_id=supersedes, chain_id=supersedes,
                        approved_at=dt.datetime.now(dt.UTC) if status == "approved" else None,
                    )
                )
                .returning(HourEntry.id)
                .run()
            )  # fmt: skip
            return int(rows[0]["id"])

        # Minna's job in four days that she can give up, and a job she already said she cannot come to.
        from osuus.tenants.work.tables import Substitution

        for key, order_key, title, days in (
            ("w_giveup", "w_giveup_order", "Ikkunanpesu, Rantatie 2", 4),
            ("w_away", "w_away_order", "Lumityöt, Kirkkotie 5", 6),
        ):
            rows = (
                await WorkOrder.insert(
                    WorkOrder(
                        coop=coop_id, title=title, status="scheduled", customer_name="Liisa Laaksonen",
                        place="Rantatie 2, 33470 Ylöjärvi", day=on + dt.timedelta(days=days),
                    )
                )
                .returning(WorkOrder.id)
                .run()
            )  # fmt: skip
            ids[order_key] = int(rows[0]["id"])
            await OrderLine.insert(
                OrderLine(
                    coop=coop_id, order=ids[order_key], item=values["cat_item"], name="Pihatyöt",
                    quantity=Decimal("2"), unit="hour", price_cents=3600, vat_code="general",
                )
            ).run()  # fmt: skip
            rows = (
                await Assignment.insert(
                    Assignment(
                        coop=coop_id, order=ids[order_key], member=member, status="accepted",
                        planned_day=on + dt.timedelta(days=days), planned_minutes=120,
                    )
                )
                .returning(Assignment.id)
                .run()
            )  # fmt: skip
            ids[key] = int(rows[0]["id"])
        rows = (
            await Substitution.insert(
                Substitution(
                    coop=coop_id, order=ids["w_away_order"], assignment=ids["w_away"], member=member, status="open",
                    reason="Lääkäriaika.",
                )
            )
            .returning(Substitution.id)
            .run()
        )  # fmt: skip
        ids["w_search"] = int(rows[0]["id"])

        first = await hours(210, "approved")
        ids["w_corrected"] = await hours(180, "approved", first, "Lounastauko puuttui.")
        ids["w_entry"] = await hours(120, "waiting")
    return ids


@pytest.fixture(scope="session")
async def site(world: World) -> Site:
    a = world.a
    region = await make_region()  # what these tests add goes here, away from the shared world's region
    solo_id, solo_slug = await make_coop(region)
    solo_admin_email = f"solo.{solo_slug}@example.fi"
    solo_admin = await make_user(solo_admin_email, name="Yksin Ylläpitäjä")
    unverified_email = f"{unique('unverified')}@example.fi"
    await make_user(unverified_email, name="Vahvistamaton Ihminen", verified=False)
    reset_user = await make_user(name="Unohtava Ihminen")
    values = {
        "a_slug": a.slug,
        "a_id": a.id,
        "a_notice": a.notice,
        "a_notice_to_org": world.a_notice_to_org,
        "a_member_role": a.role_ids["member"],
        "org_slug": world.org_slug,
        "solo_slug": solo_slug,
        "solo_admin_role": await grant(solo_id, solo_admin, "admin"),
        "unverified_email": unverified_email,
        "reset_user": reset_user,
        "verify_user": await make_user(name="Uusi Vahvistaja", verified=False),
        "reset_token": await _email_token(reset_user, "reset"),
        "invite_new": await _invitation(solo_id, solo_admin, f"{unique('invited')}@example.fi", "member"),
        "invite_existing": await _invitation(solo_id, solo_admin, world.b.emails["member"], "coach"),
        "a11y_region": region,
        "today": _today_fi(),
        "token_active": await _api_token(a.users["admin"], "Palkanlaskenta", revoked=False),
        "token_revoked": await _api_token(a.users["admin"], "Vanha kirjanpito", revoked=True),
    }
    reg = await _register_coop(region)
    reg_emails = reg.pop("reg_emails")
    values.update(reg)
    values.update(await _vote_site(values))
    values.update(await _meeting_site(values))
    values.update(await _share_site(values))
    values.update(await _catalogue_site(values))
    values.update(await _work_site(values))
    values.update(await _employment_site(values))
    site = Site(values)
    site.values["emails"] = {
        "admin": a.emails["admin"],
        "member": a.emails["member"],
        "org": world.org_admin,
        "operator": world.operator,
        "solo": solo_admin_email,
        **reg_emails,
    }
    return site


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Any]:
    _require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def _new_context(chromium: Any, server: str, width: int = 1280, height: int = 900) -> Any:
    context = await chromium.new_context(base_url=server, viewport={"width": width, "height": height}, locale="fi-FI")
    context.set_default_timeout(15_000)
    return context


async def _sign_in(page: Any, email: str) -> None:
    await page.goto("/signin")
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    async with page.expect_navigation():
        await page.click("main form[action='/signin'] button[type=submit]")
    assert urlsplit(page.url).path == "/me", f"sign-in as {email} ended at {page.url}"


@pytest.fixture(scope="session")
async def contexts(chromium: Any, server: str, site: Site) -> AsyncIterator[dict[str, Any]]:
    """One browser context (cookie jar) per person; the anonymous one never signs in."""
    made: dict[str, Any] = {}
    for who in (
        "anon",
        "admin",
        "member",
        "org",
        "operator",
        "solo",
        "reg",
        "reg_member",
        "reg_unlinked",
        "reg_coach",
    ):
        context = await _new_context(chromium, server)
        if who != "anon":
            page = await context.new_page()
            await _sign_in(page, site.values["emails"][who])
            await page.close()
        made[who] = context
    yield made
    for context in made.values():
        await context.close()


@contextlib.asynccontextmanager
async def _page(context: Any) -> AsyncIterator[Any]:
    page = await context.new_page()
    try:
        yield page
    finally:
        await page.close()


@contextlib.asynccontextmanager
async def _language(context: Any, server: str, language: str) -> AsyncIterator[None]:
    await context.add_cookies([{"name": "lang", "value": language, "url": server}])
    try:
        yield
    finally:
        await context.add_cookies([{"name": "lang", "value": "fi", "url": server}])


async def _visit(page: Any, site: Site, spec: Spec) -> None:
    response = await page.goto(await site.url(spec.path))
    assert response is not None
    assert response.status == spec.status, f"{spec.name}: {page.url} answered {response.status}, expected {spec.status}"


async def _axe(page: Any) -> str:
    """Run axe on the page; return a readable list of violations ('' when there are none)."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page, options=AXE_OPTIONS)
    lines = []
    for v in results.response["violations"]:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{', '.join(v['tags'])}]")
        for node in v["nodes"][:8]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {' '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


async def _overflow(page: Any) -> int:
    return int(await page.evaluate("document.documentElement.scrollWidth"))


async def _wide_elements(page: Any, width: int) -> list[str]:
    """Which elements stick out of a narrow viewport: the outermost ones and positioned ones (message only)."""
    return list(
        await page.evaluate(
            """(w) => Array.from(document.querySelectorAll('body *'))
             .filter(e => e.getBoundingClientRect().right > w + 1 &&
                          (e.parentElement.getBoundingClientRect().right <= w + 1 ||
                           getComputedStyle(e).position === 'absolute' || getComputedStyle(e).position === 'fixed'))
             .slice(0, 8)
             .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                       (e.className ? '.' + String(e.className).split(' ').join('.') : '') +
                       ' right=' + Math.round(e.getBoundingClientRect().right))""",
            width,
        )
    )


SUMMARY_IN_FIELD_ORDER_JS = """() => {
  const fields = Array.from(document.querySelectorAll('.error-summary a'))
    .map(a => document.getElementById(decodeURIComponent(a.hash.slice(1))));
  return fields.every((f, i) => i === 0 ||
    (fields[i - 1].compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0);
}"""


TEXT_SPACING_JS = """() => {
  for (const e of document.querySelectorAll('*')) {
    e.style.setProperty('line-height', '1.5', 'important');
    e.style.setProperty('letter-spacing', '0.12em', 'important');
    e.style.setProperty('word-spacing', '0.16em', 'important');
  }
  for (const p of document.querySelectorAll('p')) p.style.setProperty('margin-bottom', '2em', 'important');
}"""


# --- axe on every page and every form's error state ---------------------------------------------------


@pytest.mark.parametrize("spec", PAGES, ids=[s.name for s in PAGES])
async def test_page_has_no_axe_violations(spec: Spec, contexts: dict[str, Any], site: Site) -> None:
    async with _page(contexts[spec.who]) as page:
        await _visit(page, site, spec)
        report = await _axe(page)
        assert not report, f"axe found problems on {spec.name} ({page.url}):\n{report}"


@contextlib.contextmanager
def _join_hits(hits: int | None, form: str = "join") -> Iterator[None]:
    """Set how many applications (or, with form="shop", shop requests) this address has sent within the hour
    (None: leave the counter alone)."""
    if hits is None:
        yield
        return
    import redis

    from osuus.platform.ratelimit import Limiter

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = f"{Limiter(None).prefix}:{form}:127.0.0.1"
    try:
        client.delete(key)
        if hits:
            client.set(key, hits, ex=3600)
        yield
    finally:
        client.delete(key)
        client.close()


@pytest.mark.parametrize("state", FORMS, ids=[f.name for f in FORMS])
async def test_form_state_has_no_axe_violations(
    state: FormState, contexts: dict[str, Any], site: Site, server: str
) -> None:
    from osuus.platform import i18n

    async with _page(contexts[state.who]) as page:
        response = await page.goto(await site.url(state.path))
        assert response is not None and response.status == 200, f"{state.name}: {page.url} did not open"
        form = page.locator(state.form).first
        fill = dict(state.fill)
        for field_ in await form.locator(
            "input[type=text], input[type=email], input[type=password], input[type=tel], textarea"
        ).all():
            if "#" + (await field_.get_attribute("id") or "") not in fill:
                await field_.fill("")
        for selector, value in fill.items():
            control = form.locator(await site.url(selector))
            kind = await control.evaluate("e => e.type")
            if kind in {"checkbox", "radio"}:
                await (control.uncheck() if value == "uncheck" else control.check())
            elif kind.startswith("select"):
                await control.select_option(await site.url(value))
            else:
                await control.fill(await site.url(value))
        with _join_hits(state.join_hits), _join_hits(state.shop_hits, "shop"):
            async with page.expect_navigation() as navigation:
                await form.locator("button[type=submit]").last.click()
            result = await navigation.value
        status = result.status if result else None
        assert status == state.status, f"{state.name}: sending the form answered {status}, not {state.status}"
        summary = page.locator(".error-summary")
        if state.errors:
            await summary.wait_for()
            focused = await page.evaluate("document.activeElement && document.activeElement.className")
            assert "error-summary" in str(focused), f"{state.name}: focus is on {focused!r}, not the summary"
            if state.field_errors:
                with i18n.language("fi"):
                    prefix = i18n.gettext("Error:")
                title = await page.title()
                assert title.startswith(prefix), f"{state.name}: title {title!r} does not start {prefix!r}"
                for link in await summary.locator("a").all():
                    target = (await link.get_attribute("href") or "").lstrip("#")
                    assert await page.locator(f"[id='{target}']").count() == 1, (
                        f"{state.name}: error summary links to #{target}, which is not on the page"
                    )
                in_order = await page.evaluate(SUMMARY_IN_FIELD_ORDER_JS)
                assert in_order, f"{state.name}: the error summary is not in the order of the fields"
        else:
            assert await summary.count() == 0, f"{state.name}: unexpected error summary"
        report = await _axe(page)
        assert not report, f"axe found problems on the result of {state.name} ({page.url}):\n{report}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"form-{state.name}-1280.png"), full_page=True)
        await page.set_viewport_size({"width": 320, "height": 640})
        width = await _overflow(page)
        assert width <= 321, (
            f"{state.name} (after sending) scrolls sideways at 320 px: scrollWidth={width}; "
            f"{await _wide_elements(page, 320)}"
        )
        await page.screenshot(path=str(SCREENSHOTS / f"form-{state.name}-320.png"), full_page=True)


# --- languages, reflow, text spacing -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_pages_have_lang_of_the_chosen_language(
    language: str, contexts: dict[str, Any], site: Site, server: str
) -> None:
    wrong = []
    for who in {s.who for s in PAGES}:
        async with _language(contexts[who], server, language), _page(contexts[who]) as page:
            for spec in (s for s in PAGES if s.who == who and "fresh" not in s.path):
                await _visit(page, site, spec)
                lang = await page.evaluate("document.documentElement.lang")
                if lang != language:
                    wrong.append(f"{spec.name}: lang={lang!r}")
    assert not wrong, f"pages without lang={language!r}: {wrong}"


async def test_language_buttons_switch_the_page_language(chromium: Any, server: str) -> None:
    context = await _new_context(chromium, server)
    try:
        async with _page(context) as page:
            await page.goto("/signin")
            assert await page.evaluate("document.documentElement.lang") == "fi"
            async with page.expect_navigation():
                await page.click("button.lang-button[value=sv]")
            assert urlsplit(page.url).path == "/signin"
            assert await page.evaluate("document.documentElement.lang") == "sv"
            assert await page.get_attribute("button.lang-button[value=sv]", "aria-pressed") == "true"
            assert await page.get_attribute("button.lang-button[value=fi]", "aria-pressed") == "false"
    finally:
        await context.close()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_sideways_scrolling_at_320_px(
    language: str, contexts: dict[str, Any], site: Site, server: str
) -> None:
    """T4 (WCAG 1.4.10) in every language, and T5: with WCAG 1.4.12 text spacing nothing sticks out either."""
    problems = []
    for who in {s.who for s in PAGES}:
        async with _language(contexts[who], server, language), _page(contexts[who]) as page:
            await page.set_viewport_size({"width": 320, "height": 640})
            for spec in (s for s in PAGES if s.who == who and "fresh" not in s.path):
                await _visit(page, site, spec)
                if (width := await _overflow(page)) > 321:
                    problems.append(f"{spec.name}: scrollWidth={width} {await _wide_elements(page, 320)}")
                    continue
                await page.evaluate(TEXT_SPACING_JS)
                if (width := await _overflow(page)) > 321:
                    problems.append(
                        f"{spec.name} with text spacing: scrollWidth={width} {await _wide_elements(page, 320)}"
                    )
    assert not problems, f"pages that scroll sideways at 320 px ({language}):\n" + "\n".join(problems)


# --- targets and keyboard -------------------------------------------------------------------------------

TARGETS = (
    "button, input:not([type=hidden]), select, textarea, a.button, .nav-list a, .sub-nav a, "
    ".header-tools a, .back-link, .skip-link"
)


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("anon", "/signin"),
        ("member", "/c/{a_slug}/"),
        ("member", "/me"),
        ("member", "/c/{a_slug}/notices/{a_notice}"),
        ("reg_member", "/c/{reg_slug}/me"),
        ("reg_member", "/c/{reg_slug}/shares/mine"),
        ("reg_member", "/c/{reg_slug}/board"),
        ("anon", "/join/{reg_slug}"),
        ("reg_member", VOTES + "{vote_item}/vote"),
        ("reg_member", VOTES + "{vote_election}/vote"),
        ("reg_member", "/c/{reg_slug}/meetings/mine"),
        ("reg_member", "/c/{reg_slug}/me/documents"),
        ("reg_member", "/c/{reg_slug}/me/contact"),
        ("reg_member", WORK + "mine"),
        ("reg_member", WORK + "mine/{w_offer}/accept"),
        ("reg_member", WORK + "mine/{w_job}/log"),
        ("reg_member", WORK + "mine/hours"),
        ("reg_member", EMPLOYMENT + "mine"),
        ("reg_member", EMPLOYMENT + "workers/{m_self}/benefit"),
    ],
)
@pytest.mark.parametrize("width", [1280, 320])
async def test_member_flow_targets_are_44_px(
    who: str, path: str, width: int, contexts: dict[str, Any], site: Site
) -> None:
    async with _page(contexts[who]) as page:
        await page.set_viewport_size({"width": width, "height": 800})
        await page.goto(await site.url(path))
        small = []
        checked = 0
        for element in await page.locator(TARGETS).all():
            box = await element.bounding_box()
            if box is None or not await element.is_visible():
                continue
            if await element.evaluate("e => e.closest('[aria-hidden=true]') !== null"):
                continue  # hidden from people (the honeypot field of /join)
            checked += 1
            if box["width"] < MEMBER_TARGET - 0.01 or box["height"] < MEMBER_TARGET - 0.01:
                html = (await element.evaluate("e => e.outerHTML"))[:120]
                small.append(f"{round(box['width'], 1)} x {round(box['height'], 1)}: {html}")
        assert checked >= 3, f"only {checked} controls found on {path}"
        assert not small, (
            f"controls smaller than {MEMBER_TARGET} x {MEMBER_TARGET} px on {path} at {width} px:\n" + "\n".join(small)
        )


async def test_keyboard_alone_skips_to_content_and_signs_in(chromium: Any, server: str, site: Site) -> None:
    context = await _new_context(chromium, server)
    try:
        async with _page(context) as page:
            await page.goto("/signin")
            await page.keyboard.press("Tab")
            active = await page.evaluate("document.activeElement.className")
            assert "skip-link" in active, f"first Tab focused {active!r}, not the skip link"
            box = await page.locator(".skip-link").bounding_box()
            assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is not visible: {box}"
            await page.keyboard.press("Enter")
            assert await page.evaluate("document.activeElement.id") == "main"
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.id") == "email", "Tab after the skip link"
            await page.keyboard.type(site.values["emails"]["member"])
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.id") == "password"
            await page.keyboard.type(PASSWORD)
            async with page.expect_navigation(url=lambda u: urlsplit(u).path == "/me"):
                await page.keyboard.press("Enter")
            assert await page.locator("h1").count() == 1
    finally:
        await context.close()


# --- screenshots for people to look at ------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375])
async def test_screenshots(width: int, contexts: dict[str, Any], site: Site) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    by_name = {s.name: s for s in PAGES}
    for name in SCREENSHOT_PAGES:
        spec = by_name[name]
        async with _page(contexts[spec.who]) as page:
            await page.set_viewport_size({"width": width, "height": 900})
            await _visit(page, site, spec)
            path = SCREENSHOTS / f"{name}-{width}.png"
            await page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 1000
