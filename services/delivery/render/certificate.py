"""The acceptance certificate: a PDF recording the customer's signed decision on a package.

Drawn in the customer's language (en or zh-CN) with Ordo's Unicode font (shared.pdf), so names,
criteria and comments keep their Chinese; it lists the package's documents with their SHA-256.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from services.delivery.domain.decisions import Decision, PunchItem, PunchItemStatus, Verdict
from shared.pdf import UnicodePdf, configured_font

# Any text a person wrote (names, criteria, comments) may be Chinese: it is drawn in the
# Unicode font; digests stay in Courier.
_SANS = UnicodePdf.FAMILY

_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_RULE = (206, 212, 218)
_BAND = (233, 236, 239)
_ACCENT = (31, 58, 96)
_GREEN = (25, 135, 84)
_AMBER = (176, 110, 0)
_RED = (176, 42, 55)

_DECISION_COLOURS = {
    Decision.ACCEPTED: _GREEN,
    Decision.CONDITIONALLY_ACCEPTED: _AMBER,
    Decision.REJECTED: _RED,
}
_VERDICT_COLOURS = {Verdict.MET: _GREEN, Verdict.NOT_MET: _RED}

LOCALES = ("en", "zh-CN")

# Every word the certificate prints itself, per locale; {placeholders} are filled in.
_WORDS = {
    "en": {
        Decision.ACCEPTED: "Certificate of Acceptance",
        Decision.CONDITIONALLY_ACCEPTED: "Certificate of Conditional Acceptance",
        Decision.REJECTED: "Record of Rejection",
        "decision." + Decision.ACCEPTED: "ACCEPTED",
        "decision." + Decision.CONDITIONALLY_ACCEPTED: "CONDITIONALLY ACCEPTED",
        "decision." + Decision.REJECTED: "REJECTED",
        Verdict.MET: "Met",
        Verdict.NOT_MET: "Not met",
        PunchItemStatus.OPEN: "Open",
        PunchItemStatus.DONE: "Done",
        "intro.accepted": (
            "The customer named below examined version {version} of the delivery package for "
            "order {order} against the agreed acceptance criteria and accepted it as recorded "
            "in this document."
        ),
        "intro.rejected": (
            "The customer named below examined version {version} of the delivery package for "
            "order {order} against the agreed acceptance criteria and rejected it as recorded "
            "in this document."
        ),
        "order": "Order",
        "order_number": "Order {order}",
        "customer": "Customer",
        "package": "Package",
        "package_of": "Version {version} of {date}",
        "decision": "Decision",
        "criteria": "Deliverables and acceptance criteria",
        "criterion": "Acceptance criterion",
        "result": "Result",
        "comment": "Comment",
        "note_criterion": "{reference} criterion",
        "note_comment": "{reference} comment",
        "cut": "{text} ... (in full under Notes, {note})",
        "notes": "Notes",
        "documents": "Documents",
        "document": "Document",
        "file": "File",
        "punch_list": "Punch list (conditions of acceptance)",
        "outstanding": "Outstanding item",
        "due": "Due date",
        "status": "Status",
        "reasons": "Reasons for rejection",
        "signature": "Signature",
        "signed_at": "Signed at (UTC)",
        "client_address": "Client address",
        "content_sha256": "Package content SHA-256",
        "signed_electronically": (
            "Signed electronically. The SHA-256 digest identifies the exact package content - "
            "deliverables, criteria, document checksums and version - that this decision covers."
        ),
        "footer": "Order {order} - package v{version} - content SHA-256 {digest}...",
        "page": "Page {page} of {{nb}}",
        "title": "{title} - order {order}",
        "subject": "Delivery package v{version}",
    },
    "zh-CN": {
        Decision.ACCEPTED: "验收证书",
        Decision.CONDITIONALLY_ACCEPTED: "有条件验收证书",
        Decision.REJECTED: "拒收记录",
        "decision." + Decision.ACCEPTED: "已验收",
        "decision." + Decision.CONDITIONALLY_ACCEPTED: "有条件验收",
        "decision." + Decision.REJECTED: "拒收",
        Verdict.MET: "满足",
        Verdict.NOT_MET: "不满足",
        PunchItemStatus.OPEN: "未完成",
        PunchItemStatus.DONE: "已完成",
        "intro.accepted": (
            "下列客户已按约定的验收标准审查订单 {order} 的交付包第 {version} 版，"
            "并按本文件所记录的内容予以验收。"
        ),
        "intro.rejected": (
            "下列客户已按约定的验收标准审查订单 {order} 的交付包第 {version} 版，"
            "并按本文件所记录的内容予以拒收。"
        ),
        "order": "订单",
        "order_number": "订单 {order}",
        "customer": "客户",
        "package": "交付包",
        "package_of": "第 {version} 版，{date}",
        "decision": "决定",
        "criteria": "交付物与验收标准",
        "criterion": "验收标准",
        "result": "结果",
        "comment": "意见",
        "note_criterion": "{reference} 验收标准",
        "note_comment": "{reference} 意见",
        "cut": "{text} ……（全文见附注 {note}）",
        "notes": "附注",
        "documents": "文档",
        "document": "文档",
        "file": "文件",
        "punch_list": "遗留问题清单（验收条件）",
        "outstanding": "待完成事项",
        "due": "截止日期",
        "status": "状态",
        "reasons": "拒收理由",
        "signature": "签署",
        "signed_at": "签署时间（UTC）",
        "client_address": "客户端地址",
        "content_sha256": "交付包内容 SHA-256",
        "signed_electronically": (
            "电子签署。SHA-256 摘要唯一标识本决定所涵盖的交付包内容——交付物、验收标准、"
            "文档校验和及版本。"
        ),
        "footer": "订单 {order} - 交付包第 {version} 版 - 内容 SHA-256 {digest}...",
        "page": "第 {page} 页，共 {{nb}} 页",
        "title": "{title} - 订单 {order}",
        "subject": "交付包第 {version} 版",
    },
}


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
class CertificateDocument:
    """A document of the package, as frozen at submission."""

    name: str
    filename: str
    version: int
    sha256: str


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
    documents: Sequence[CertificateDocument] = ()
    punch_list: Sequence[PunchItem] = ()
    reasons: Sequence[str] = ()
    issuer: str = "Ordo"
    locale: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "decision", Decision(self.decision))
        if self.locale not in LOCALES:
            object.__setattr__(self, "locale", "en")


# Drawing with the CJK font costs about a second, and the same certificate is fetched again
# (the customer's confirmation page, staff): the newest ones are kept, by what they show.
KEPT_CERTIFICATES = 32
_kept: OrderedDict[str, bytes] = OrderedDict()
_kept_lock = threading.Lock()


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes, drawn or kept from an earlier drawing of the same data."""
    key = hashlib.sha256(repr((data, configured_font())).encode()).hexdigest()
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    pdf = draw_certificate(data)
    with _kept_lock:
        _kept[key] = pdf
        while len(_kept) > KEPT_CERTIFICATES:
            _kept.popitem(last=False)
    return pdf


def draw_certificate(data: CertificateData) -> bytes:
    """The certificate drawn as PDF bytes; the same data always gives the same bytes."""
    pdf = _CertificatePdf(data)
    pdf.add_page()
    _heading(pdf, data)
    _facts(pdf, data)
    _criteria_table(pdf, data.deliverables)
    if data.documents:
        _documents(pdf, data.documents)
    if data.punch_list:
        _punch_list(pdf, data.punch_list)
    if data.reasons:
        _reasons(pdf, data.reasons)
    _signature(pdf, data)
    return bytes(pdf.output())


class _CertificatePdf(UnicodePdf):
    def __init__(self, data: CertificateData) -> None:
        super().__init__(format="A4")
        self.data = data
        self.words = _WORDS[data.locale]
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=22)
        # A fixed creation date keeps the output reproducible for the same signature.
        self.set_creation_date(_utc(data.signature.signed_at))
        self.set_title(self.say("title", title=self.words[data.decision], order=data.order_number))
        self.set_author(data.issuer)
        self.set_subject(self.say("subject", version=data.package_version))
        self.set_creator(data.issuer)
        self.set_lang(data.locale)

    def say(self, key: str, **values) -> str:
        return self.words[key].format(**values)

    def header(self) -> None:
        self.set_font(_SANS, "B", 9)
        self.set_text_color(*_ACCENT)
        self.cell(0, 5, self.data.issuer.upper(), new_x=XPos.LMARGIN)
        self.set_font(_SANS, "", 9)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, self.say("order_number", order=self.data.order_number), align="R")
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
        self.set_font(_SANS, "", 7.5)
        self.set_text_color(*_MUTED)
        footer = self.say(
            "footer",
            order=self.data.order_number,
            version=self.data.package_version,
            digest=self.data.content_sha256[:16],
        )
        self.cell(0, 4, footer, new_x=XPos.LMARGIN)
        self.cell(0, 4, self.say("page", page=self.page_no()), align="R")


def _heading(pdf: _CertificatePdf, data: CertificateData) -> None:
    pdf.set_font(_SANS, "B", 22)
    pdf.set_text_color(*_INK)
    pdf.cell(0, 11, pdf.words[data.decision], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font(_SANS, "", 10)
    pdf.set_text_color(*_MUTED)
    intro = "intro.rejected" if data.decision is Decision.REJECTED else "intro.accepted"
    pdf.multi_cell(
        0,
        5,
        pdf.say(intro, version=data.package_version, order=data.order_number),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(5)


def _facts(pdf: _CertificatePdf, data: CertificateData) -> None:
    label_style = pdf.face(size_pt=9, color=_MUTED)
    value_style = pdf.face("B", size_pt=10.5, color=_INK)
    package = pdf.say(
        "package_of", version=data.package_version, date=data.package_date.isoformat()
    )
    facts = [
        (pdf.words["order"], data.order_number),
        (pdf.words["customer"], data.customer_name),
        (pdf.words["package"], package),
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
            row.cell(value, style=value_style)
        row = table.row()
        row.cell(pdf.words["decision"], style=label_style)
        decision_style = pdf.face("B", size_pt=12, color=_DECISION_COLOURS[data.decision])
        row.cell(pdf.words["decision." + data.decision], style=decision_style)
    pdf.ln(7)


def _section(pdf: _CertificatePdf, title: str) -> None:
    # Keep a heading with at least a few lines of what follows it.
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font(_SANS, "B", 12)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


_CRITERIA_COLUMNS = (9, 52, 14, 45)


def _body_text(pdf: _CertificatePdf) -> None:
    # Tables take their body font and rule colour from the document state when rendered.
    pdf.set_font(_SANS, "", 9)
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.2)


def _table_styles(pdf: _CertificatePdf, headings_style: FontFace | None = None) -> dict:
    column_titles = pdf.face("B", size_pt=9, color=(255, 255, 255), fill_color=_ACCENT)
    return {
        "headings_style": headings_style or column_titles,
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
    _section(pdf, pdf.words["criteria"])
    _criteria_column_titles(pdf)
    group_style = pdf.face("B", size_pt=9.5, fill_color=_BAND)
    notes: list[tuple[str, str]] = []
    for number, deliverable in enumerate(deliverables, start=1):
        # One table per deliverable: its name repeats if the table runs onto the next page,
        # and a name is never left alone at the foot of a page.
        if pdf.will_page_break(24):
            pdf.add_page()
            _criteria_column_titles(pdf)
        _body_text(pdf)
        with pdf.table(col_widths=_CRITERIA_COLUMNS, **_table_styles(pdf, group_style)) as table:
            table.row().cell(f"{number}. {deliverable.name}", colspan=4)
            for index, criterion in enumerate(deliverable.criteria, start=1):
                reference = f"{number}.{index}"
                row = table.row()
                row.cell(reference, style=FontFace(color=_MUTED))
                row.cell(_fitted(pdf, criterion.description, "note_criterion", reference, notes))
                row.cell(
                    pdf.words[criterion.verdict],
                    style=FontFace(emphasis="B", color=_VERDICT_COLOURS[criterion.verdict]),
                )
                row.cell(_fitted(pdf, criterion.comment, "note_comment", reference, notes) or "-")
    pdf.ln(6)
    if notes:
        _notes(pdf, notes)


def _fitted(
    pdf: _CertificatePdf, text: str, note_key: str, reference: str, notes: list[tuple[str, str]]
) -> str:
    """`text` for a table cell; a longer one is cut there and kept whole as a note."""
    if len(text) <= CELL_CHARACTERS:
        return text
    note = pdf.say(note_key, reference=reference)
    notes.append((note, text))
    return pdf.say("cut", text=text[:CELL_CHARACTERS].rstrip(), note=note)


def _notes(pdf: _CertificatePdf, notes: list[tuple[str, str]]) -> None:
    _section(pdf, pdf.words["notes"])
    for note, text in notes:
        pdf.set_font(_SANS, "B", 9)
        pdf.set_text_color(*_INK)
        pdf.cell(0, 5, note[:1].upper() + note[1:], new_x="LMARGIN", new_y="NEXT")
        _body_text(pdf)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(4)


def _criteria_column_titles(pdf: _CertificatePdf) -> None:
    _body_text(pdf)
    with pdf.table(col_widths=_CRITERIA_COLUMNS, **_table_styles(pdf)) as table:
        heading = table.row()
        for title in ("#", pdf.words["criterion"], pdf.words["result"], pdf.words["comment"]):
            heading.cell(title)


def _documents(pdf: _CertificatePdf, documents: Sequence[CertificateDocument]) -> None:
    _section(pdf, pdf.words["documents"])
    _body_text(pdf)
    digest_style = FontFace(family="Courier", size_pt=7, color=_INK)
    with pdf.table(col_widths=(8, 38, 74), **_table_styles(pdf)) as table:
        heading = table.row()
        for title in ("#", pdf.words["document"], "SHA-256"):
            heading.cell(title)
        for number, document in enumerate(documents, start=1):
            row = table.row()
            row.cell(str(number), style=FontFace(color=_MUTED))
            row.cell(f"{document.name} (v{document.version})\n{document.filename}")
            row.cell(document.sha256, style=digest_style)
    pdf.ln(6)


def _punch_list(pdf: _CertificatePdf, punch_list: Sequence[PunchItem]) -> None:
    _section(pdf, pdf.words["punch_list"])
    _body_text(pdf)
    with pdf.table(col_widths=(9, 71, 22, 18), **_table_styles(pdf)) as table:
        heading = table.row()
        for title in ("#", pdf.words["outstanding"], pdf.words["due"], pdf.words["status"]):
            heading.cell(title)
        for number, item in enumerate(punch_list, start=1):
            row = table.row()
            row.cell(str(number), style=FontFace(color=_MUTED))
            row.cell(item.description)
            row.cell(item.due_date.isoformat())
            row.cell(pdf.words[item.status])
    pdf.ln(6)


def _reasons(pdf: _CertificatePdf, reasons: Sequence[str]) -> None:
    _section(pdf, pdf.words["reasons"])
    pdf.set_font(_SANS, "", 10)
    pdf.set_text_color(*_INK)
    for reason in reasons:
        pdf.cell(6, 5.5, "\u2022")
        pdf.multi_cell(0, 5.5, reason, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)


def _signature(pdf: _CertificatePdf, data: CertificateData) -> None:
    signature = data.signature
    if pdf.will_page_break(62):
        pdf.add_page()
    _section(pdf, pdf.words["signature"])
    top = pdf.get_y()
    pdf.set_font(_SANS, "B", 13)
    pdf.set_text_color(*_INK)
    pdf.set_x(pdf.l_margin + 5)
    pdf.cell(0, 9, signature.signer_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_SANS, "", 10)
    pdf.set_text_color(*_MUTED)
    pdf.set_x(pdf.l_margin + 5)
    pdf.cell(
        0,
        5,
        f"{signature.signer_title}, {data.customer_name}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    signed_at = _utc(signature.signed_at).strftime("%Y-%m-%d %H:%M:%S UTC")
    details = [
        (pdf.words["signed_at"], signed_at, _SANS),
        (pdf.words["client_address"], signature.client_address, _SANS),
        (pdf.words["content_sha256"], data.content_sha256, "Courier"),
    ]
    for label, value, family in details:
        pdf.set_x(pdf.l_margin + 5)
        pdf.set_font(_SANS, "", 8.5)
        pdf.set_text_color(*_MUTED)
        pdf.cell(44, 5.5, label)
        pdf.set_font(family, "", 8 if family == "Courier" else 9)
        pdf.set_text_color(*_INK)
        pdf.cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_x(pdf.l_margin + 5)
    pdf.set_font(_SANS, "I", 8)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        pdf.epw - 10,
        4,
        pdf.words["signed_electronically"],
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
