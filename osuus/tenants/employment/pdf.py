"""The employment contract and the monthly earnings statement as PDF (fpdf2, built-in Helvetica).

Helvetica with the Windows-1252 encoding covers Finnish and Swedish letters (ä ö å), the euro sign and dashes;
any other character is replaced, so a name never breaks the document. The statement never shows the benefit or
the earnings limit: it is the worker's own paper to give to Kela or the unemployment fund.
"""

from __future__ import annotations

from fpdf import FPDF

from osuus.platform.dates import format_date
from osuus.platform.i18n import N_, date_long, eur, gettext
from osuus.tenants.employment.earnings import hours_text
from osuus.tenants.employment.service import ContractDocument, Statement, TermsView

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

    def line_text(self, text: str, bold: bool = False, size: int = 12) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, size * 0.58, _clean(text), new_x="LMARGIN", new_y="NEXT")

    def pair(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "", 12)
        self.cell(70, 7, _clean(label))
        self.set_font("Helvetica", "B", 12)
        self.multi_cell(0, 7, _clean(value), new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[str], widths: list[int], bold: bool = False) -> None:
        self.set_font("Helvetica", "B" if bold else "", 11)
        for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
            align = "L" if index == 0 else "R"
            self.cell(width, 7, _clean(text), border="B", align=align)
        self.ln(7)

    def bytes(self) -> bytes:
        return bytes(self.output())


def kind_text(kind: str) -> str:
    return gettext("Fixed-term") if kind == "fixed_term" else gettext("Until further notice")


def hours_week_text(terms: TermsView) -> str:
    if terms.on_call:
        return gettext("On-call work (no fixed hours)")
    return gettext("%(hours)s hours a week", hours=terms.hours_per_week)


def subsidy_text(terms: TermsView) -> str:
    if terms.subsidy_percent is None or terms.subsidy_from is None:
        return gettext("No wage subsidy")
    if terms.subsidy_until is not None:
        return gettext(
            "%(percent)s %% from %(start)s to %(end)s",
            percent=terms.subsidy_percent,
            start=date_long(terms.subsidy_from),
            end=date_long(terms.subsidy_until),
        )
    return gettext("%(percent)s %% from %(start)s", percent=terms.subsidy_percent, start=date_long(terms.subsidy_from))


def _terms(doc: _Document, t: TermsView) -> None:
    doc.pair(gettext("Working hours"), hours_week_text(t))
    doc.pair(gettext("Hourly wage"), eur(t.hourly_wage_cents))
    doc.pair(gettext("Collective agreement"), t.collective_agreement or gettext("Not given"))
    doc.pair(gettext("Wage subsidy"), subsidy_text(t))


END_REASON_TEXT = {
    "fixed_term_ended": N_("The fixed term ended"),
    "resigned": N_("The worker resigned"),
    "agreement": N_("Ended by agreement"),
    "other": N_("Other reason"),
}


def contract_pdf(d: ContractDocument) -> bytes:
    c = d.contract
    doc = _Document(gettext("Employment contract"))
    doc.heading(gettext("Employment contract"), size=22)
    doc.line_text(d.coop_name, bold=True)
    if d.business_id:
        doc.line_text(gettext("Business ID: %(id)s", id=d.business_id))
    doc.ln(4)
    doc.pair(gettext("Employer"), d.coop_name)
    doc.pair(gettext("Employee"), d.worker.name)
    doc.pair(gettext("Contract"), kind_text(c.kind))
    doc.pair(gettext("First day"), date_long(c.starts_on))
    doc.pair(gettext("Last day"), date_long(c.ends_on) if c.ends_on else gettext("No end date"))
    doc.pair(gettext("Job"), c.job_title or gettext("Not given"))
    doc.ln(4)
    first = c.terms[0]
    doc.heading(gettext("Terms from %(date)s", date=date_long(first.valid_from)), size=14)
    _terms(doc, first)
    for t in c.amendments:
        doc.ln(4)
        doc.heading(gettext("Change from %(date)s", date=date_long(t.valid_from)), size=14)
        if t.note:
            doc.line_text(t.note)
        _terms(doc, t)
    if c.ending is not None:
        e = c.ending
        doc.ln(4)
        doc.heading(gettext("The contract was ended"), size=14)
        doc.pair(gettext("Last day of work"), date_long(e.last_day))
        if c.planned_ends_on and c.planned_ends_on != e.last_day:
            doc.pair(gettext("Agreed last day"), date_long(c.planned_ends_on))
        reason = END_REASON_TEXT.get(e.reason, e.reason)
        doc.pair(gettext("Why"), gettext(reason) + (f": {e.reason_text}" if e.reason_text else ""))
        doc.pair(gettext("Saved by"), gettext("%(name)s on %(date)s", name=e.ended_by, date=date_long(e.created_at)))
    doc.ln(6)
    doc.line_text(gettext("Date: %(date)s", date=date_long(d.made_on)))
    doc.ln(16)
    doc.line_text("_______________________________        _______________________________")
    doc.line_text(gettext("Employer's signature") + "                              " + gettext("Employee's signature"))
    return doc.bytes()


WIDTHS = [60, 30, 45, 45]


def statement_pdf(s: Statement) -> bytes:
    doc = _Document(gettext("Earnings statement"))
    doc.heading(gettext("Earnings statement"), size=20)
    doc.line_text(s.coop_name, bold=True)
    if s.business_id:
        doc.line_text(gettext("Business ID: %(id)s", id=s.business_id))
    doc.ln(3)
    doc.pair(gettext("Employee"), s.worker.name)
    doc.pair(gettext("Month"), s.month_label)
    doc.pair(gettext("Days worked"), str(s.totals.days_worked))
    doc.pair(gettext("Hours worked"), hours_text(s.totals.minutes))
    doc.pair(gettext("Gross pay in total"), eur(s.totals.gross_cents))
    doc.ln(4)
    doc.line_text(gettext("Pay before taxes, from approved working hours and other pay of the month."), size=11)
    doc.ln(3)
    doc.row([gettext("Date"), gettext("Hours"), gettext("Hourly wage"), gettext("Gross pay")], WIDTHS, bold=True)
    if not s.rows:
        doc.line_text(gettext("No approved working hours or other pay in this month."))
    for r in s.rows:
        if r.kind == "hours":
            wage = eur(r.hourly_wage_cents) if r.hourly_wage_cents is not None else gettext("No contract")
            doc.row([format_date(r.day), hours_text(r.minutes), wage, eur(r.pay_cents)], WIDTHS)
        else:
            doc.row([format_date(r.day), "", r.note or gettext("Other pay"), eur(r.pay_cents)], WIDTHS)
    doc.row([gettext("Total"), hours_text(s.totals.minutes), "", eur(s.totals.gross_cents)], WIDTHS, bold=True)
    doc.ln(6)
    doc.line_text(gettext("Made on %(date)s with Osuus.", date=date_long(s.made_on)), size=11)
    return doc.bytes()
