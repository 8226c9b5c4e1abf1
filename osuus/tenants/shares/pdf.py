"""The member's share statement and share certificate as PDF (fpdf2, built-in Helvetica).

Helvetica with the Windows-1252 encoding covers Finnish and Swedish letters (ä ö å), the euro sign and dashes;
any other character is replaced, so a name never breaks the document.
"""

from __future__ import annotations

from fpdf import FPDF

from osuus.platform.i18n import date_long, eur, gettext
from osuus.tenants.shares.service import Statement

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
    return {"manual": gettext("Cash or other"), "bank": gettext("Bank transfer"), "payroll": gettext("From wages")}.get(
        source, source
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
    doc.pair(gettext("Still to pay"), eur(b.unpaid_cents))
    if b.overpaid_cents:
        doc.pair(gettext("Paid too much"), eur(b.overpaid_cents))
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
        doc.line_text(
            gettext(
                "%(date)s: %(shares)s shares, worth %(value)s",
                date=date_long(c.on_date),
                shares=f"{c.shares:+d}",
                value=eur(c.value_cents),
            )
        )
    return doc.bytes()


def certificate_pdf(s: Statement) -> bytes:
    doc = _Document(gettext("Share certificate"))
    doc.heading(gettext("Share certificate"), size=22)
    doc.line_text(s.coop_name, bold=True)
    doc.ln(6)
    doc.line_text(
        gettext(
            "%(name)s is a member of %(coop)s and holds %(shares)s shares.",
            name=s.member.name,
            coop=s.coop_name,
            shares=s.balance.shares,
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
