"""The acceptance certificate: a PDF recording the customer's signed decision on a package."""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from services.delivery.domain.decisions import Decision, PunchItem, Verdict

# Core fonts keep the PDF small and free of font files, but they only cover Windows-1252.
_ENCODING = "windows-1252"

_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_RULE = (206, 212, 218)
_BAND = (233, 236, 239)
_ACCENT = (31, 58, 96)
_GREEN = (25, 135, 84)
_AMBER = (176, 110, 0)
_RED = (176, 42, 55)

_TITLES = {
    Decision.ACCEPTED: "Certificate of Acceptance",
    Decision.CONDITIONALLY_ACCEPTED: "Certificate of Conditional Acceptance",
    Decision.REJECTED: "Record of Rejection",
}
_DECISION_LABELS = {
    Decision.ACCEPTED: ("ACCEPTED", _GREEN),
    Decision.CONDITIONALLY_ACCEPTED: ("CONDITIONALLY ACCEPTED", _AMBER),
    Decision.REJECTED: ("REJECTED", _RED),
}
_VERDICT_LABELS = {Verdict.MET: ("Met", _GREEN), Verdict.NOT_MET: ("Not met", _RED)}


@dataclass(frozen=True)
class CertificateCriterion:
    description: str
    verdict: Verdict
    comment: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict(self.verdict))


@dataclass(frozen=True)
class CertificateDeliverable:
    name: str
    criteria: Sequence[CertificateCriterion]


@dataclass(frozen=True)
class SignatureBlock:
    signer_name: str
    signer_title: str
    signed_at: datetime
    client_address: str


@dataclass(frozen=True)
class CertificateData:
    """Everything the certificate shows; `content_sha256` is the package digest signed."""

    order_number: str
    customer_name: str
    package_version: int
    package_date: date
    decision: Decision
    deliverables: Sequence[CertificateDeliverable]
    signature: SignatureBlock
    content_sha256: str
    punch_list: Sequence[PunchItem] = ()
    reasons: Sequence[str] = ()
    issuer: str = "Ordo"

    def __post_init__(self) -> None:
        object.__setattr__(self, "decision", Decision(self.decision))


def pdf_safe(text: str) -> str:
    """`text` with every character the core fonts lack replaced: accents dropped, else '?'."""
    kept = []
    for character in text:
        if _encodable(character):
            kept.append(character)
            continue
        base = "".join(
            part
            for part in unicodedata.normalize("NFKD", character)
            if not unicodedata.combining(part)
        )
        kept.append(base if base and _encodable(base) else "?")
    return "".join(kept)


def _encodable(text: str) -> bool:
    try:
        text.encode(_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes; the same data always gives the same bytes."""
    pdf = _CertificatePdf(data)
    pdf.add_page()
    _heading(pdf, data)
    _facts(pdf, data)
    _criteria_table(pdf, data.deliverables)
    if data.punch_list:
        _punch_list(pdf, data.punch_list)
    if data.reasons:
        _reasons(pdf, data.reasons)
    _signature(pdf, data)
    return bytes(pdf.output())


class _CertificatePdf(FPDF):
    def __init__(self, data: CertificateData) -> None:
        super().__init__(format="A4")
        self.data = data
        self.core_fonts_encoding = _ENCODING
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=22)
        # A fixed creation date keeps the output reproducible for the same signature.
        self.set_creation_date(_utc(data.signature.signed_at))
        self.set_title(pdf_safe(f"{_TITLES[data.decision]} - order {data.order_number}"))
        self.set_author(pdf_safe(data.issuer))
        self.set_subject(f"Delivery package v{data.package_version}")
        self.set_creator(pdf_safe(data.issuer))

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(*_ACCENT)
        self.cell(0, 5, pdf_safe(self.data.issuer.upper()), new_x=XPos.LMARGIN)
        self.set_font("Helvetica", "", 9)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, pdf_safe(f"Order {self.data.order_number}"), align="R")
        self.ln(6)
        self.set_draw_color(*_ACCENT)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(6)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
        self.set_font("Helvetica", "", 7.5)
        self.set_text_color(*_MUTED)
        digest = self.data.content_sha256
        self.cell(
            0,
            4,
            pdf_safe(
                f"Order {self.data.order_number} - package v{self.data.package_version}"
                f" - content SHA-256 {digest[:16]}..."
            ),
            new_x=XPos.LMARGIN,
        )
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")


def _heading(pdf: _CertificatePdf, data: CertificateData) -> None:
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_text_color(*_INK)
    pdf.cell(0, 11, _TITLES[data.decision], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(*_MUTED)
    what = "rejected" if data.decision is Decision.REJECTED else "accepted"
    pdf.multi_cell(
        0,
        5,
        pdf_safe(
            f"The customer named below examined version {data.package_version} of the delivery "
            f"package for order {data.order_number} against the agreed acceptance criteria and "
            f"{what} it as recorded in this document."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(5)


def _facts(pdf: _CertificatePdf, data: CertificateData) -> None:
    label, colour = _DECISION_LABELS[data.decision]
    label_style = FontFace(family="Helvetica", emphasis="", size_pt=9, color=_MUTED)
    value_style = FontFace(family="Helvetica", emphasis="B", size_pt=10.5, color=_INK)
    facts = [
        ("Order", data.order_number),
        ("Customer", data.customer_name),
        ("Package", f"Version {data.package_version} of {data.package_date.isoformat()}"),
    ]
    with pdf.table(
        col_widths=(28, 72),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.NONE,
        text_align="LEFT",
        line_height=6,
        padding=(0.5, 0),
    ) as table:
        for name, value in facts:
            row = table.row()
            row.cell(name, style=label_style)
            row.cell(pdf_safe(value), style=value_style)
        row = table.row()
        row.cell("Decision", style=label_style)
        row.cell(label, style=FontFace(family="Helvetica", emphasis="B", size_pt=12, color=colour))
    pdf.ln(7)


def _section(pdf: _CertificatePdf, title: str) -> None:
    # Keep a heading with at least a few lines of what follows it.
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


_CRITERIA_COLUMNS = (9, 52, 14, 45)
_COLUMN_TITLE_STYLE = FontFace(
    family="Helvetica", emphasis="B", size_pt=9, color=(255, 255, 255), fill_color=_ACCENT
)


def _body_text(pdf: _CertificatePdf) -> None:
    # Tables take their body font and rule colour from the document state when rendered.
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.2)


def _table_styles(headings_style: FontFace = _COLUMN_TITLE_STYLE) -> dict:
    return {
        "headings_style": headings_style,
        "borders_layout": TableBordersLayout.HORIZONTAL_LINES,
        "text_align": "LEFT",
        "line_height": 5,
        "padding": (1.5, 2),
        "v_align": "TOP",
    }


# A table row must fit on one page: a longer criterion or comment is cut in its cell and
# printed whole in the notes below the table.
CELL_CHARACTERS = 600


def _criteria_table(pdf: _CertificatePdf, deliverables: Sequence[CertificateDeliverable]) -> None:
    _section(pdf, "Deliverables and acceptance criteria")
    _criteria_column_titles(pdf)
    group_style = FontFace(family="Helvetica", emphasis="B", size_pt=9.5, fill_color=_BAND)
    notes: list[tuple[str, str]] = []
    for number, deliverable in enumerate(deliverables, start=1):
        # One table per deliverable: its name repeats if the table runs onto the next page,
        # and a name is never left alone at the foot of a page.
        if pdf.will_page_break(24):
            pdf.add_page()
            _criteria_column_titles(pdf)
        _body_text(pdf)
        with pdf.table(
            col_widths=_CRITERIA_COLUMNS, **_table_styles(headings_style=group_style)
        ) as table:
            table.row().cell(pdf_safe(f"{number}. {deliverable.name}"), colspan=4)
            for index, criterion in enumerate(deliverable.criteria, start=1):
                verdict, colour = _VERDICT_LABELS[criterion.verdict]
                reference = f"{number}.{index}"
                row = table.row()
                row.cell(reference, style=FontFace(color=_MUTED))
                row.cell(_fitted(criterion.description, f"{reference} criterion", notes))
                row.cell(verdict, style=FontFace(emphasis="B", color=colour))
                row.cell(_fitted(criterion.comment, f"{reference} comment", notes) or "-")
    pdf.ln(6)
    if notes:
        _notes(pdf, notes)


def _fitted(text: str, note: str, notes: list[tuple[str, str]]) -> str:
    """`text` for a table cell; a longer one is cut there and kept whole as a note."""
    text = pdf_safe(text)
    if len(text) <= CELL_CHARACTERS:
        return text
    notes.append((note, text))
    return f"{text[:CELL_CHARACTERS].rstrip()} ... (in full under Notes, {note})"


def _notes(pdf: _CertificatePdf, notes: list[tuple[str, str]]) -> None:
    _section(pdf, "Notes")
    for note, text in notes:
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_text_color(*_INK)
        pdf.cell(0, 5, note.capitalize(), new_x="LMARGIN", new_y="NEXT")
        _body_text(pdf)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(4)


def _criteria_column_titles(pdf: _CertificatePdf) -> None:
    _body_text(pdf)
    with pdf.table(col_widths=_CRITERIA_COLUMNS, **_table_styles()) as table:
        heading = table.row()
        for title in ("#", "Acceptance criterion", "Result", "Comment"):
            heading.cell(title)


def _punch_list(pdf: _CertificatePdf, punch_list: Sequence[PunchItem]) -> None:
    _section(pdf, "Punch list (conditions of acceptance)")
    _body_text(pdf)
    with pdf.table(col_widths=(9, 71, 22, 18), **_table_styles()) as table:
        heading = table.row()
        for title in ("#", "Outstanding item", "Due date", "Status"):
            heading.cell(title)
        for number, item in enumerate(punch_list, start=1):
            row = table.row()
            row.cell(str(number), style=FontFace(color=_MUTED))
            row.cell(pdf_safe(item.description))
            row.cell(item.due_date.isoformat())
            row.cell(item.status.value.capitalize())
    pdf.ln(6)


def _reasons(pdf: _CertificatePdf, reasons: Sequence[str]) -> None:
    _section(pdf, "Reasons for rejection")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(*_INK)
    for reason in reasons:
        pdf.cell(6, 5.5, "\u2022")
        pdf.multi_cell(0, 5.5, pdf_safe(reason), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)


def _signature(pdf: _CertificatePdf, data: CertificateData) -> None:
    signature = data.signature
    if pdf.will_page_break(62):
        pdf.add_page()
    _section(pdf, "Signature")
    top = pdf.get_y()
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_text_color(*_INK)
    pdf.set_x(pdf.l_margin + 5)
    pdf.cell(0, 9, pdf_safe(signature.signer_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(*_MUTED)
    pdf.set_x(pdf.l_margin + 5)
    pdf.cell(
        0,
        5,
        pdf_safe(f"{signature.signer_title}, {data.customer_name}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    signed_at = _utc(signature.signed_at).strftime("%Y-%m-%d %H:%M:%S UTC")
    details = [
        ("Signed at (UTC)", signed_at, "Helvetica"),
        ("Client address", signature.client_address, "Helvetica"),
        ("Package content SHA-256", data.content_sha256, "Courier"),
    ]
    for label, value, family in details:
        pdf.set_x(pdf.l_margin + 5)
        pdf.set_font("Helvetica", "", 8.5)
        pdf.set_text_color(*_MUTED)
        pdf.cell(44, 5.5, label)
        pdf.set_font(family, "", 8 if family == "Courier" else 9)
        pdf.set_text_color(*_INK)
        pdf.cell(0, 5.5, pdf_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_x(pdf.l_margin + 5)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        pdf.epw - 10,
        4,
        "Signed electronically. The SHA-256 digest identifies the exact package content - "
        "deliverables, criteria, document checksums and version - that this decision covers.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(0.4)
    pdf.rect(pdf.l_margin, top - 1, pdf.epw, pdf.get_y() - top + 1)


def _utc(moment: datetime) -> datetime:
    # Naive datetimes are stored as UTC by the service.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
