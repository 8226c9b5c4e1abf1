"""Meeting minutes as PDF (fpdf2, built-in Helvetica, like the share documents in osuus/tenants/shares/pdf.py)."""

from __future__ import annotations

from osuus.platform.i18n import date_long, gettext
from osuus.tenants.meetings.service import Minutes
from osuus.tenants.shares.pdf import _Document


def _outcome(outcome: str) -> str:
    if outcome == "approved":
        return gettext("Approved")
    if outcome == "rejected":
        return gettext("Rejected")
    if outcome == "noted":
        return gettext("Noted")
    return gettext("No decision yet")


def _names(rows: list[str]) -> str:
    return ", ".join(rows) if rows else gettext("Nobody")


def minutes_pdf(coop_name: str, minutes: Minutes) -> bytes:
    m = minutes.meeting
    title = gettext("Minutes: %(title)s", title=m.title)
    doc = _Document(title)
    doc.heading(title)
    doc.line_text(coop_name, bold=True)
    if m.minutes_approved_at is None:
        doc.line_text(gettext("Draft. The minutes are not approved yet."), bold=True)
    doc.ln(2)
    doc.pair(gettext("Time"), gettext("%(date)s at %(time)s", date=date_long(m.day), time=m.time_text))
    if m.place:
        doc.pair(gettext("Place"), m.place)
    if m.remote_info:
        doc.line_text(gettext("Remote: %(info)s", info=m.remote_info))
    doc.pair(gettext("Chair"), m.chair_name or "-")
    doc.pair(gettext("Secretary"), m.secretary_name or "-")
    checkers = [n for n in (m.checker1_name, m.checker2_name) if n]
    doc.pair(gettext("Minute checkers"), " & ".join(checkers) or "-")
    doc.ln(4)
    doc.heading(gettext("Who was there"), size=14)
    doc.line_text(gettext("In person: %(names)s", names=_names([a.member_name for a in minutes.in_person])))
    doc.line_text(gettext("Remotely: %(names)s", names=_names([a.member_name for a in minutes.remote])))
    if minutes.proxy:
        proxies = [
            gettext("%(name)s (proxy: %(holder)s)", name=a.member_name, holder=a.proxy_holder_name)
            for a in minutes.proxy
        ]
        doc.line_text(gettext("Represented by a proxy: %(names)s", names=", ".join(proxies)))
    counts = minutes.page.counts
    doc.line_text(
        gettext(
            "%(present)s present and %(proxy)s represented. Together %(total)s.",
            present=counts.present,
            proxy=counts.proxy,
            total=counts.total,
        )
    )
    doc.ln(4)
    for item in minutes.page.items:
        doc.heading(f"§ {item.position}. {item.title}", size=13)
        if item.description:
            doc.line_text(item.description)
        result = minutes.page.results.get(item.id)
        if result is not None:
            doc.line_text(str(result.summary))
        doc.line_text(gettext("Decision: %(outcome)s", outcome=_outcome(item.outcome)), bold=True)
        if item.decision and not (result is not None and str(result.summary) == item.decision):
            doc.line_text(item.decision)
        doc.ln(3)
    doc.line_text(gettext("The chair closed the meeting."))
    if m.minutes_approved_at is not None:
        doc.line_text(gettext("The minutes were approved on %(date)s.", date=date_long(m.minutes_approved_at)))
    doc.ln(14)
    for label, name in (
        (gettext("Chair"), m.chair_name),
        (gettext("Secretary"), m.secretary_name),
        (gettext("Minute checker"), m.checker1_name),
        (gettext("Minute checker"), m.checker2_name),
    ):
        doc.line_text("_______________________________")
        doc.line_text(f"{label}: {name}" if name else label)
        doc.ln(6)
    return doc.bytes()
