"""Gantt charts as standalone SVG documents: bars, progress, baselines, actuals, late work,
links and today.

The chart is one row per task (about 22 px, so it grows downwards for long plans) beside a
label column of WBS code and indented name. Dates are inclusive calendar dates: a bar covers
its start day to the end of its finish day; a milestone sits at the end of its day. Under each
bar a thin grey bar is the baseline (planned) span; over it a thin dark bar is the actual span
(to its actual finish, or to the status date while in progress). A late task (unfinished, its
forecast finish past its baseline finish) has an orange outline and says by how much. Resource
names may follow the bar. The Today label sits below the rows, clear of the month header.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared import svg

ROW_HEIGHT = 22
BAR_HEIGHT = 12
TITLE_HEIGHT = 64
AXIS_HEIGHT = 40
BOTTOM_MARGIN = 28
TARGET_CHART_WIDTH = 960
NAME_COLUMN_WIDTH = 290
INDENT = 14
CHAR_WIDTH = 6.4
BOLD_CHAR_WIDTH = 7.6
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

COLOURS = {
    "task": "#9fc3ea",
    "task_done": "#2b6cb0",
    "critical": "#f4a7a3",
    "critical_done": "#c53030",
    "summary": "#2d3748",
    "milestone": "#6b46c1",
    "baseline": "#a0aec0",
    "link": "#718096",
    "critical_link": "#c53030",
    "today": "#e53e3e",
    "late": "#dd6b20",
    "actual": "#1a365d",
    "grid": "#e2e8f0",
    "weekend": "#f7f7f9",
    "stripe": "#f8fafc",
    "text": "#1a202c",
    "muted": "#718096",
}


@dataclass(frozen=True)
class GanttRow:
    """One line of the chart; dates are inclusive, ``level`` 0 is the top of the WBS."""

    id: Hashable
    wbs_code: str
    name: str
    level: int
    start: date
    finish: date
    percent_complete: float = 0.0
    critical: bool = False
    milestone: bool = False
    summary: bool = False
    baseline_start: date | None = None
    baseline_finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    late: bool = False
    finish_variance_days: int | None = None
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class GanttLink:
    """A dependency arrow; ``type`` is FS, SS, FF or SF as in scheduling."""

    predecessor: Hashable
    successor: Hashable
    type: str = "FS"


def render_gantt(
    rows: Sequence[GanttRow],
    *,
    today: date | None = None,
    dependencies: Iterable[GanttLink] = (),
    title: str = "",
    status_date: date | None = None,
    show_resources: bool = False,
) -> str:
    """The chart as an SVG document (a string starting with ``<svg``); an in-progress task's
    actual bar runs to `status_date` (default `today`); `show_resources` writes each bar's
    resource names after it."""
    chart = _Chart(rows, today, list(dependencies), title)
    chart.status_date = status_date or today
    chart.show_resources = show_resources
    return chart.render()


class _Chart:
    """Geometry shared by the parts of one chart."""

    def __init__(
        self, rows: Sequence[GanttRow], today: date | None, links: list[GanttLink], title: str
    ) -> None:
        self.rows = list(rows)
        self.today = today
        self.links = links
        self.title = title
        days = [day for row in self.rows for day in _row_dates(row)]
        if today is not None:
            days.append(today)
        first, last = (min(days), max(days)) if days else (date.today(), date.today())
        # Start on a Monday and leave a few days of air at the end.
        self.first_day = first - timedelta(days=first.weekday() + 7 if days else 14)
        span = (last - self.first_day).days + 10
        self.day_width = min(28.0, max(3.0, TARGET_CHART_WIDTH / span))
        self.day_count = span
        longest_code = max((len(row.wbs_code) for row in self.rows), default=3)
        self.code_width = max(48, round(longest_code * CHAR_WIDTH + 16))
        self.chart_left = self.code_width + NAME_COLUMN_WIDTH
        self.chart_width = round(span * self.day_width)
        self.width = self.chart_left + self.chart_width + 48
        self.rows_top = TITLE_HEIGHT + AXIS_HEIGHT
        self.rows_bottom = self.rows_top + ROW_HEIGHT * len(self.rows)
        self.height = self.rows_bottom + BOTTOM_MARGIN
        self.row_of = {row.id: number for number, row in enumerate(self.rows)}
        self.status_date: date | None = today
        self.show_resources = False

    def x(self, day: date) -> float:
        """Left edge of a day's column."""
        return self.chart_left + (day - self.first_day).days * self.day_width

    def row_middle(self, number: int) -> float:
        return self.rows_top + number * ROW_HEIGHT + ROW_HEIGHT / 2

    def render(self) -> str:
        parts = [
            svg.element(
                "defs",
                _arrowhead("arrow", COLOURS["link"])
                + _arrowhead("arrow-critical", COLOURS["critical_link"]),
            ),
            *self._title(),
            *self._background(),
            *self._axis(),
            *self._labels(),
            *self._links(),
            *self._bars(),
            *self._today_line(),
            *self._legend(),
        ]
        return svg.document(
            self.width, self.height, parts, title=self.title, font_family=FONT, font_size=12
        )

    def _title(self) -> list[str]:
        return [_label(12, 26, self.title, size=16, weight="bold")]

    def _background(self) -> list[str]:
        parts = []
        for number in range(len(self.rows)):
            if number % 2:
                y = self.rows_top + number * ROW_HEIGHT
                parts.append(svg.rect(0, y, self.width, ROW_HEIGHT, fill=COLOURS["stripe"]))
        if self.day_width >= 6:
            for offset in range(self.day_count):
                day = self.first_day + timedelta(days=offset)
                if day.weekday() >= 5:
                    parts.append(
                        svg.rect(
                            self.x(day),
                            self.rows_top,
                            self.day_width,
                            self.rows_bottom - self.rows_top,
                            fill=COLOURS["weekend"],
                            fill_opacity=0.9,
                        )
                    )
        for offset in range(0, self.day_count + 1, 7):
            x = self.x(self.first_day + timedelta(days=offset))
            parts.append(_rule(x, self.rows_top - AXIS_HEIGHT / 2, x, self.rows_bottom, "grid"))
        parts.append(
            _rule(self.chart_left, TITLE_HEIGHT, self.chart_left, self.rows_bottom, "muted")
        )
        parts.append(_rule(0, self.rows_top, self.width, self.rows_top, "muted"))
        parts.append(_rule(0, self.rows_bottom, self.width, self.rows_bottom, "muted"))
        return parts

    def _axis(self) -> list[str]:
        parts = [
            _label(8, self.rows_top - 8, "WBS", weight="bold", colour="muted"),
            _label(self.code_width, self.rows_top - 8, "Task", weight="bold", colour="muted"),
        ]
        month_top = TITLE_HEIGHT + 14
        last = self.first_day + timedelta(days=self.day_count)
        month = self.first_day.replace(day=1)
        while month < last:
            following = (month + timedelta(days=32)).replace(day=1)
            left = max(self.x(month), self.chart_left)
            right = min(self.x(following), self.chart_left + self.chart_width)
            label = _widest_fitting(month, right - left - 8)
            if label:
                parts.append(_label(left + 4, month_top, label, weight="bold"))
            if month > self.first_day:
                parts.append(_rule(left, TITLE_HEIGHT, left, self.rows_top, "muted"))
            month = following
        week_width = 7 * self.day_width
        for offset in range(0, self.day_count, 7):
            monday = self.first_day + timedelta(days=offset)
            if week_width >= 44:
                label = f"{monday.day} {monday:%b}"
            elif week_width >= 18:
                label = str(monday.day)
            else:
                continue
            parts.append(
                _label(self.x(monday) + 3, self.rows_top - 8, label, size=10, colour="muted")
            )
        parts.append(
            _rule(
                self.chart_left,
                TITLE_HEIGHT + AXIS_HEIGHT / 2,
                self.chart_left + self.chart_width,
                TITLE_HEIGHT + AXIS_HEIGHT / 2,
                "grid",
            )
        )
        return parts

    def _labels(self) -> list[str]:
        parts = []
        for number, row in enumerate(self.rows):
            baseline = self.row_middle(number) + 4
            weight = "bold" if row.summary else "normal"
            parts.append(_label(8, baseline, row.wbs_code, colour="muted", weight=weight))
            indent = self.code_width + row.level * INDENT
            room = int((self.chart_left - indent - 10) / CHAR_WIDTH)
            parts.append(_label(indent, baseline, _clip(row.name, room), weight=weight))
        return parts

    def _bars(self) -> list[str]:
        parts = []
        for number, row in enumerate(self.rows):
            middle = self.row_middle(number)
            drawn = []
            if row.baseline_start and row.baseline_finish:
                left = self.x(row.baseline_start)
                right = self.x(row.baseline_finish + timedelta(days=1))
                drawn.append(
                    svg.rect(
                        left,
                        middle + BAR_HEIGHT / 2 + 1,
                        max(right - left, 2),
                        3,
                        fill=COLOURS["baseline"],
                    )
                )
            if row.actual_start and not row.milestone and not row.summary:
                drawn.append(self._actual(row, middle))
            if row.milestone:
                drawn.extend(self._milestone(row, middle))
            elif row.summary:
                drawn.append(self._summary(row, middle))
            else:
                drawn.extend(self._task(row, middle))
            parts.append(svg.group(drawn, tooltip=_tooltip(row)))
        return parts

    def _actual(self, row: GanttRow, middle: float) -> str:
        """The span worked: actual start to actual finish, or to the status date."""
        end = row.actual_finish or max(self.status_date or row.actual_start, row.actual_start)
        left = self.x(row.actual_start)
        right = self.x(end + timedelta(days=1))
        top = middle - BAR_HEIGHT / 2 - 4
        return svg.rect(left, top, max(right - left, 2), 3, fill=COLOURS["actual"])

    def _task(self, row: GanttRow, middle: float) -> list[str]:
        left = self.x(row.start)
        width = max(self.x(row.finish + timedelta(days=1)) - left, 2)
        top = middle - BAR_HEIGHT / 2
        fill, done = ("critical", "critical_done") if row.critical else ("task", "task_done")
        progress = width * min(max(row.percent_complete, 0), 100) / 100
        parts = [svg.rect(left, top, width, BAR_HEIGHT, rx=2, fill=COLOURS[fill])]
        if progress:
            parts.append(svg.rect(left, top, progress, BAR_HEIGHT, rx=2, fill=COLOURS[done]))
        parts.append(
            svg.rect(
                left,
                top,
                width,
                BAR_HEIGHT,
                rx=2,
                fill="none",
                stroke=COLOURS["late" if row.late else done],
                stroke_width=2 if row.late else 0.8,
            )
        )
        notes = []
        if row.percent_complete > 0:
            notes.append(f"{row.percent_complete:.0f}%")
        if row.late:
            days = row.finish_variance_days
            notes.append(f"late {days} d" if days else "late")
        if self.show_resources and row.resources:
            notes.append(", ".join(row.resources))
        if notes:
            colour = "late" if row.late else "muted"
            label = " · ".join(notes)
            parts.append(_label(left + width + 5, middle + 4, label, size=10, colour=colour))
        return parts

    def _summary(self, row: GanttRow, middle: float) -> str:
        left = self.x(row.start)
        right = max(self.x(row.finish + timedelta(days=1)), left + 4)
        top = middle - 5
        colour = COLOURS["critical_done"] if row.critical else COLOURS["summary"]
        points = [
            (left, top),
            (right, top),
            (right, top + 10),
            (right - 4, top + 5),
            (left + 4, top + 5),
            (left, top + 10),
        ]
        return _polygon(points, fill=colour)

    def _milestone(self, row: GanttRow, middle: float) -> list[str]:
        centre = self.x(row.finish + timedelta(days=1))
        size = 7
        colour = COLOURS["critical_done"] if row.critical else COLOURS["milestone"]
        points = [
            (centre, middle - size),
            (centre + size, middle),
            (centre, middle + size),
            (centre - size, middle),
        ]
        return [
            _polygon(points, fill=colour, stroke=svg.WHITE),
            _label(centre + size + 4, middle + 4, f"{row.finish:%d %b}", size=10, colour="muted"),
        ]

    def _anchor(self, row: GanttRow, at_start: bool) -> float:
        if row.milestone:
            return self.x(row.finish + timedelta(days=1))
        if at_start:
            return self.x(row.start)
        return self.x(row.finish + timedelta(days=1))

    def _links(self) -> list[str]:
        parts = []
        for link in self.links:
            if link.predecessor not in self.row_of or link.successor not in self.row_of:
                continue
            source_row = self.row_of[link.predecessor]
            target_row = self.row_of[link.successor]
            source, target = self.rows[source_row], self.rows[target_row]
            kind = str(link.type).upper()
            from_start, into_finish = kind[0] == "S", kind[1] == "F"
            points = self._link_points(
                self._anchor(source, from_start),
                self.row_middle(source_row),
                from_start,
                self._anchor(target, not into_finish),
                self.row_middle(target_row),
                into_finish,
            )
            critical = source.critical and target.critical
            parts.append(
                svg.polyline(
                    points,
                    stroke=COLOURS["critical_link" if critical else "link"],
                    stroke_width=1,
                    marker_end=f"url(#{'arrow-critical' if critical else 'arrow'})",
                )
            )
        return parts

    @staticmethod
    def _link_points(
        x1: float, y1: float, from_start: bool, x2: float, y2: float, into_finish: bool
    ) -> list[tuple[float, float]]:
        """An elbow line from a bar end to another bar's start (or end)."""
        down = 1 if y2 >= y1 else -1
        if not from_start and not into_finish and x2 + 6 >= x1 + 2:
            # Finish to start with room: across to just inside the successor, then onto its top.
            return [(x1, y1), (x2 + 6, y1), (x2 + 6, y2 - down * (BAR_HEIGHT / 2 + 1))]
        out = x1 - 8 if from_start else x1 + 8
        entry = x2 + 8 if into_finish else x2 - 8
        between = y2 - down * ROW_HEIGHT / 2
        end = x2 + 1 if into_finish else x2 - 1
        return [(x1, y1), (out, y1), (out, between), (entry, between), (entry, y2), (end, y2)]

    def _today_line(self) -> list[str]:
        if self.today is None:
            return []
        x = self.x(self.today) + self.day_width / 2
        label = f"Today {self.today.day} {self.today:%b}"
        pill = len(label) * 6.2 + 10
        # The label hangs below the rows: above them it would cover the month header.
        return [
            svg.line(
                x,
                self.rows_top - AXIS_HEIGHT / 2,
                x,
                self.rows_bottom + 4,
                stroke=COLOURS["today"],
                stroke_width=1.5,
                stroke_dasharray="4 3",
            ),
            svg.rect(x - pill / 2, self.rows_bottom + 4, pill, 15, rx=7, fill=COLOURS["today"]),
            svg.text(
                x,
                self.rows_bottom + 15,
                label,
                font_size=10,
                font_weight="bold",
                fill=svg.WHITE,
                text_anchor="middle",
            ),
        ]

    def _legend(self) -> list[str]:
        middle = 46
        parts = []
        x = 12.0
        samples = [
            ("Task, progress", _legend_bar(middle, "task", "task_done")),
            ("Critical task", _legend_bar(middle, "critical", "critical_done")),
            (
                "Summary",
                _polygon(
                    [
                        (0, middle - 5),
                        (26, middle - 5),
                        (26, middle + 5),
                        (22, middle),
                        (4, middle),
                        (0, middle + 5),
                    ],
                    fill=COLOURS["summary"],
                ),
            ),
            (
                "Milestone",
                _polygon(
                    [(13, middle - 7), (20, middle), (13, middle + 7), (6, middle)],
                    fill=COLOURS["milestone"],
                ),
            ),
            (
                "Late",
                svg.rect(
                    0,
                    middle - 5,
                    26,
                    10,
                    rx=2,
                    fill=COLOURS["task"],
                    stroke=COLOURS["late"],
                    stroke_width=2,
                ),
            ),
            ("Baseline (planned)", svg.rect(0, middle - 1.5, 26, 3, fill=COLOURS["baseline"])),
            ("Actual", svg.rect(0, middle - 1.5, 26, 3, fill=COLOURS["actual"])),
            (
                "Dependency",
                svg.polyline(
                    [(0, middle), (22, middle)], stroke=COLOURS["link"], marker_end="url(#arrow)"
                ),
            ),
            (
                "Today",
                svg.line(
                    13,
                    middle - 7,
                    13,
                    middle + 7,
                    stroke=COLOURS["today"],
                    stroke_width=1.5,
                    stroke_dasharray="4 3",
                ),
            ),
        ]
        for label, sample in samples:
            parts.append(svg.group([sample], transform=f"translate({x:.1f},0)"))
            parts.append(_label(x + 32, middle + 4, label, size=11))
            x += 32 + len(label) * CHAR_WIDTH + 22
        return parts


def _widest_fitting(month: date, room: float) -> str:
    """The longest of "November 2026", "Nov 2026" and "Nov" that fits in ``room`` pixels."""
    for pattern in ("%B %Y", "%b %Y", "%b"):
        label = month.strftime(pattern)
        if len(label) * BOLD_CHAR_WIDTH <= room:
            return label
    return ""


def _legend_bar(middle: float, fill: str, done: str) -> str:
    return svg.rect(0, middle - 5, 26, 10, rx=2, fill=COLOURS[fill]) + svg.rect(
        0, middle - 5, 13, 10, rx=2, fill=COLOURS[done]
    )


def _row_dates(row: GanttRow) -> list[date]:
    days = (
        row.start,
        row.finish,
        row.baseline_start,
        row.baseline_finish,
        row.actual_start,
        row.actual_finish,
    )
    return [day for day in days if day]


def _tooltip(row: GanttRow) -> str:
    span = (
        f"{row.start:%Y-%m-%d}"
        if row.milestone
        else f"{row.start:%Y-%m-%d} – {row.finish:%Y-%m-%d}"
    )
    text = f"{row.wbs_code} {row.name}: {span}, {row.percent_complete:.0f}% complete"
    if row.late:
        text += f", late ({row.finish_variance_days} working days past the baseline)"
    if row.resources:
        text += f"; {', '.join(row.resources)}"
    return text


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 1)] + "…"


def _arrowhead(name: str, colour: str) -> str:
    head = svg.element("path", d="M0,0 L8,4 L0,8 z", fill=colour)
    return svg.element(
        "marker",
        head,
        id=name,
        viewBox="0 0 8 8",
        refX=7,
        refY=4,
        markerWidth=7,
        markerHeight=7,
        orient="auto",
    )


def _polygon(points: list[tuple[float, float]], **attributes) -> str:
    written = " ".join(f"{float(x):.1f},{float(y):.1f}" for x, y in points)
    return svg.element("polygon", points=written, **attributes)


def _rule(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    """A one-pixel line in one of the chart's colours."""
    return svg.line(x1, y1, x2, y2, stroke=COLOURS[colour], stroke_width=1)


def _label(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 12,
    weight: str = "normal",
    colour: str = "text",
) -> str:
    """Text in the chart's font, `weight` and colour."""
    return svg.text(
        x,
        y,
        content,
        font_size=size,
        fill=COLOURS[colour],
        font_weight=None if weight == "normal" else weight,
    )
