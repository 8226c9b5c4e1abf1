"""The member's share statement, share certificate and membership certificate as PDF (fpdf2, built-in Helvetica).

Helvetica with the Windows-1252 encoding covers Finnish and Swedish letters (ä ö å), the euro sign and dashes;
any other character is replaced, so a name never breaks the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fpdf import FPDF

from osuus.platform.i18n import N_, date_long, eur, gettext, ngettext
from osuus.tenants.shares.service import RefundView, Statement

COMPRESS = True  # tests switch this off to read the text in the PDF
_ENCODING = "windows-1252"


def _clean(text: str) -> str:
    return text.encode(_ENCODING, "replace").decode(_ENCODING)


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = _ENCODING
        self.set_compression(COMPRESS)
        self.set_title(_clean(title))
        self.set_creator("Osuus")
        self.set_auto_page_break(auto=True, margin=20)
        self.add_page()

    def heading(self, text: str, size: int = 18) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, size * 0.6, _clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def line_text(self, text: str, bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", 12)
        self.multi_cell(0, 7, _clean(text), new_x="LMARGIN", new_y="NEXT")

    def pair(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "", 12)
        self.cell(80, 7, _clean(label))
        self.set_font("Helvetica", "B", 12)
        self.cell(0, 7, _clean(value), new_x="LMARGIN", new_y="NEXT")

    def bytes(self) -> bytes:
        return bytes(self.output())


def _kind(kind: str) -> str:
    return gettext("Payment") if kind == "payment" else gettext("Refund")


def _source(source: str) -> str:
    return {
        "manual": gettext("Cash or other"),
        "bank": gettext("Bank transfer"),
        "payroll": gettext("From wages"),
        "transfer": gettext("Moved with shares"),
    }.get(source, source)


_REASONS = {"subscribed": N_("Took shares"), "refunded": N_("Returned shares"), "transferred": N_("Moved shares")}


def refund_sentence(refund: RefundView) -> str:
    """What the member gets back, in the member's own words (the statement and "My share payments" say the same)."""
    if refund.status == "paid":
        if refund.last_refund_on:
            return gettext(
                "You got back %(amount)s. The last payment was on %(date)s.",
                amount=eur(refund.refunded_cents),
                date=date_long(refund.last_refund_on),
            )
        return gettext("You got back %(amount)s.", amount=eur(refund.refunded_cents))
    if refund.status == "due":
        return gettext("You get back %(amount)s. The cooperative can pay it now.", amount=eur(refund.owed_cents))
    return gettext(
        "You get back %(amount)s after %(date)s.", amount=eur(refund.owed_cents), date=date_long(refund.due_on)
    )


def statement_pdf(s: Statement) -> bytes:
    doc = _Document(gettext("Share statement"))
    doc.heading(gettext("Share statement"))
    doc.line_text(s.coop_name, bold=True)
    doc.line_text(gettext("Member: %(name)s", name=s.member.name))
    doc.line_text(gettext("Date: %(date)s", date=date_long(s.on)))
    doc.ln(4)
    b = s.balance
    doc.pair(gettext("Shares"), str(b.shares))
    doc.pair(gettext("The shares are worth"), eur(b.owed_cents))
    doc.pair(gettext("Paid"), eur(b.paid_cents))
    if not s.has_left:
        doc.pair(gettext("Still to pay"), eur(b.unpaid_cents))
    if b.overpaid_cents and not s.has_left:
        doc.pair(gettext("Paid too much"), eur(b.overpaid_cents))
    if s.refund:
        doc.ln(4)
        doc.heading(gettext("Money back after leaving"), size=14)
        doc.line_text(refund_sentence(s.refund))
    if s.fee_year and s.fee_year.fee_cents:
        doc.ln(4)
        doc.heading(gettext("Supporting member fee"), size=14)
        doc.line_text(
            gettext(
                "Fee for %(year)s: %(fee)s. Paid %(paid)s.",
                year=s.fee_year.year,
                fee=eur(s.fee_year.fee_cents),
                paid=eur(s.fee_year.paid_cents),
            )
        )
    doc.ln(6)
    doc.heading(gettext("Payments"), size=14)
    if not s.payments:
        doc.line_text(gettext("No payments yet."))
    for p in s.payments:
        text = f"{date_long(p.paid_on)}: {_kind(p.kind)} {eur(p.amount_cents)} ({_source(p.source)})"
        if p.reference:
            text += f", {p.reference}"
        doc.line_text(text)
    doc.ln(6)
    doc.heading(gettext("Changes in shares"), size=14)
    if not s.changes:
        doc.line_text(gettext("No shares yet."))
    for c in s.changes:
        text = ngettext(
            "%(date)s: %(shares)s share, worth %(value)s",
            "%(date)s: %(shares)s shares, worth %(value)s",
            abs(c.shares),
            date=date_long(c.on_date),
            shares=f"{c.shares:+d}",
            value=eur(c.value_cents),
        )
        text += f" ({gettext(_REASONS.get(c.reason, c.reason))}"
        if c.counterpart:
            text += ": " + (
                gettext("to %(name)s", name=c.counterpart)
                if c.shares < 0
                else gettext("from %(name)s", name=c.counterpart)
            )
        doc.line_text(text + ")")
    return doc.bytes()


def certificate_pdf(s: Statement) -> bytes:
    doc = _Document(gettext("Share certificate"))
    doc.heading(gettext("Share certificate"), size=22)
    doc.line_text(s.coop_name, bold=True)
    doc.ln(6)
    doc.line_text(
        ngettext(
            "%(name)s is a member of %(coop)s and holds %(num)s share.",
            "%(name)s is a member of %(coop)s and holds %(num)s shares.",
            s.balance.shares,
            name=s.member.name,
            coop=s.coop_name,
        )
    )
    doc.ln(4)
    doc.pair(gettext("The shares are worth"), eur(s.balance.owed_cents))
    doc.pair(gettext("Paid"), eur(s.balance.paid_cents))
    doc.pair(gettext("Still to pay"), eur(s.balance.unpaid_cents))
    doc.ln(6)
    doc.line_text(gettext("Date: %(date)s", date=date_long(s.on)))
    doc.ln(16)
    doc.line_text("_______________________________")
    doc.line_text(gettext("Signature of the board"))
    return doc.bytes()


# --- the membership certificate -----------------------------------------------------------------------------------

_MEMBER_SENTENCE = {
    "member": N_("%(name)s is a member of %(coop)s."),
    "trial": N_("%(name)s is a trial member of %(coop)s."),
    "supporting": N_("%(name)s is a supporting member of %(coop)s."),
}
_CLASS = {"member": N_("Member"), "trial": N_("Trial member"), "supporting": N_("Supporting member")}
CERTIFIED_CLASSES = tuple(_CLASS)


@dataclass(frozen=True)
class Membership:
    """What a membership certificate says."""

    name: str
    member_class: str  # one of CERTIFIED_CLASSES
    member_since: dt.date | None
    coop_name: str
    business_id: str
    on: dt.date


def membership_pdf(m: Membership) -> bytes:
    doc = _Document(gettext("Membership certificate"))
    doc.heading(gettext("Membership certificate"), size=22)
    doc.line_text(m.coop_name, bold=True)
    doc.ln(6)
    doc.line_text(gettext(_MEMBER_SENTENCE[m.member_class], name=m.name, coop=m.coop_name))
    doc.ln(4)
    doc.pair(gettext("Name"), m.name)
    doc.pair(gettext("Class"), gettext(_CLASS[m.member_class]))
    doc.pair(gettext("Member since"), date_long(m.member_since) if m.member_since else gettext("Not given"))
    doc.pair(gettext("Cooperative"), m.coop_name)
    doc.pair(gettext("Business ID"), m.business_id or gettext("Not given"))
    doc.ln(6)
    doc.line_text(gettext("Date: %(date)s", date=date_long(m.on)))
    doc.ln(16)
    doc.line_text("_______________________________")
    doc.line_text(gettext("Signature of the board"))
    return doc.bytes()
