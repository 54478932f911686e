"""A status report as a page (HTML) and a document (PDF), in English or Chinese.

Both read the report's frozen content (see usecases/status_reports.py); the PDF draws with
shared.pdf's Unicode font so Chinese names and narratives print.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from shared.pdf import UnicodePdf

LABELS = {
    "en": {
        "title": "Status report {number}",
        "order": "Order",
        "status_date": "Status date",
        "status": "Status",
        "draft": "DRAFT",
        "reasons": "Why",
        "progress": "Progress",
        "narrative": "The project manager's view",
        "earned_value": "Earned value",
        "milestones_done": "Milestones reached since the last report",
        "milestones_due": "Milestones due in the next two weeks",
        "top_risks": "Top risks",
        "open_issues": "Open issues",
        "open_action_items": "Open action items",
        "changes": "Since the previous report",
        "forecast_finish": "Forecast finish",
        "none": "none",
        "overdue": "overdue",
    },
    "zh-CN": {
        "title": "第 {number} 期状态报告",
        "order": "订单",
        "status_date": "状态日期",
        "status": "状态",
        "draft": "草稿",
        "reasons": "原因",
        "progress": "进度",
        "narrative": "项目经理说明",
        "earned_value": "挣值",
        "milestones_done": "自上期报告以来达成的里程碑",
        "milestones_due": "未来两周到期的里程碑",
        "top_risks": "主要风险",
        "open_issues": "未解决的问题",
        "open_action_items": "未完成的待办事项",
        "changes": "与上期相比",
        "forecast_finish": "预计完成",
        "none": "无",
        "overdue": "已逾期",
    },
}
RAG_COLOURS = {"green": (22, 163, 74), "amber": (217, 119, 6), "red": (220, 38, 38)}
EV_KEYS = ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac")

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _labels(locale: str) -> dict:
    return LABELS.get(locale, LABELS["en"])


def report_html(*, number: int, status: str, narrative: str, content: dict, locale: str) -> str:
    """The report as a self-contained HTML page (inline CSS, nothing fetched)."""
    return _ENVIRONMENT.get_template("status_report.html").render(
        number=number,
        status=status,
        narrative=narrative,
        report=content,
        labels=_labels(locale),
        locale=locale if locale in LABELS else "en",
        ev_keys=EV_KEYS,
    )


def _lines(content: dict, labels: dict) -> list[tuple[str, list[str]]]:
    """The report's sections as (heading, lines), shared by the PDF's layout."""
    none = [labels["none"]]
    return [
        (
            labels["milestones_done"],
            [f"{m['name']} ({m['reached_on']})" for m in content["milestones_done"]] or none,
        ),
        (
            labels["milestones_due"],
            [f"{m['name']} ({m['finish_date']})" for m in content["milestones_due"]] or none,
        ),
        (
            labels["top_risks"],
            [f"{r['title']} ({r['score']}, {r['response']})" for r in content["top_risks"]] or none,
        ),
        (
            labels["open_issues"],
            [f"{i['title']} ({i['severity']})" for i in content["open_issues"]] or none,
        ),
        (
            labels["open_action_items"],
            [
                f"{a['title']} - {a['owner']} ({a['due_date'] or '-'})"
                + (f" {labels['overdue']}" if a["overdue"] else "")
                for a in content["open_action_items"]
            ]
            or none,
        ),
        (
            labels["changes"],
            [f"{c['label']}: {c['before']} -> {c['now']}" for c in content["changes"]] or none,
        ),
    ]


def report_pdf(*, number: int, status: str, narrative: str, content: dict, locale: str) -> bytes:
    """The report as an A4 PDF."""
    labels = _labels(locale)
    summary = content["summary"]
    pdf = UnicodePdf(format="A4")
    pdf.set_title(labels["title"].format(number=number))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(UnicodePdf.FAMILY, "B", 16)
    heading = labels["title"].format(number=number)
    if status != "published":
        heading += f" ({labels['draft']})"
    pdf.multi_cell(width, 9, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(UnicodePdf.FAMILY, "", 11)
    pdf.multi_cell(
        width,
        6,
        f"{labels['order']}: {content['order_number']} {content['order_title']}\n"
        f"{labels['status_date']}: {content['status_date']}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.set_fill_color(*RAG_COLOURS.get(summary["rag"], (107, 114, 128)))
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(UnicodePdf.FAMILY, "B", 12)
    pdf.cell(40, 8, f"{labels['status']}: {summary['rag'].upper()}", fill=True)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(10)
    pdf.set_font(UnicodePdf.FAMILY, "", 10)
    for reason in summary["reasons"]:
        pdf.multi_cell(width, 5, f"- {reason}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        width,
        6,
        f"{labels['progress']}: {summary['percent_complete']} %   "
        f"{labels['forecast_finish']}: {summary['forecast_finish'] or '-'}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _section(pdf, labels["narrative"], [narrative or "-"])
    earned = content["earned_value"]
    _section(
        pdf,
        labels["earned_value"],
        [
            "  ".join(
                f"{key.upper()} {earned.get(key) if earned.get(key) is not None else '-'}"
                for key in EV_KEYS
            )
        ],
    )
    for heading, lines in _lines(content, labels):
        _section(pdf, heading, lines)
    return bytes(pdf.output())


def _section(pdf: UnicodePdf, heading: str, lines: list[str]) -> None:
    pdf.ln(3)
    pdf.set_font(UnicodePdf.FAMILY, "B", 12)
    pdf.multi_cell(pdf.epw, 7, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(UnicodePdf.FAMILY, "", 10)
    for line in lines:
        pdf.multi_cell(pdf.epw, 5, line, new_x="LMARGIN", new_y="NEXT")
