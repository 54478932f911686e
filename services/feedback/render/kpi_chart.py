"""The KPI dashboard as a self-contained SVG: headline tiles over a monthly orders chart."""

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.feedback.domain.kpis import Kpis, TrendPoint
from shared import svg

WIDTH, HEIGHT = 960, 580
MARGIN = 32
FONT = "'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif"

INK, MUTED, FAINT = "#111827", "#6b7280", "#9ca3af"
AXIS, GRID, CARD = "#d1d5db", "#e5e7eb", "#f9fafb"
CREATED_FILL, ACCEPTED_FILL, ON_TIME_LINE = "#c7d2fe", "#4338ca", "#d97706"
GOOD, BAD = "#047857", "#b91c1c"

TILE_TOP, TILE_HEIGHT, TILE_GAP = 92, 104, 16
PANEL_TOP = TILE_TOP + TILE_HEIGHT + 20
PLOT_LEFT, PLOT_RIGHT = MARGIN + 56, WIDTH - MARGIN - 56
PLOT_TOP, PLOT_BOTTOM = PANEL_TOP + 68, HEIGHT - 92
GRID_STEPS = 4
MAX_MONTH_LABELS = 12
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


@dataclass(frozen=True)
class _Headline:
    label: str
    value: Callable[[Kpis], float | None]
    fmt: Callable[[float], str]


def _percent(value: float) -> str:
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def _signed(value: float) -> str:
    text = f"{value:+.0f}" if value == int(value) else f"{value:+.1f}"
    return "0" if text in ("+0", "-0") else text


HEADLINES = (
    _Headline("NPS", lambda kpis: kpis.nps, _signed),
    _Headline("CSAT", lambda kpis: kpis.csat, _percent),
    _Headline("First-pass rate", lambda kpis: kpis.first_pass_acceptance_rate, _percent),
    _Headline("On-time delivery", lambda kpis: kpis.on_time_rate, _percent),
)


def render_kpi_chart(trend: Sequence[TrendPoint], *, title: str) -> str:
    """An SVG dashboard of ``trend``: latest NPS, CSAT and rates, and orders per month."""
    parts = [
        _text(MARGIN, 46, title, size=22, weight="bold"),
        _text(MARGIN, 70, _subtitle(trend), size=13, fill=MUTED),
    ]
    tile_width = (WIDTH - 2 * MARGIN - (len(HEADLINES) - 1) * TILE_GAP) / len(HEADLINES)
    for index, headline in enumerate(HEADLINES):
        parts.append(_tile(MARGIN + index * (tile_width + TILE_GAP), tile_width, headline, trend))
    parts.append(_card(MARGIN, PANEL_TOP, WIDTH - 2 * MARGIN, HEIGHT - PANEL_TOP - 40))
    if any(point.kpis.order_count for point in trend):
        parts.append(_orders_chart(trend))
    else:
        parts.append(_no_data())
    parts.append(
        _text(
            MARGIN,
            HEIGHT - 16,
            "Orders are counted in the month they were created. On time: accepted on or before "
            "the due date as moved by approved change requests.",
            size=11,
            fill=FAINT,
        )
    )
    return svg.document(
        WIDTH, HEIGHT, parts, title=title, font_family=FONT, role="img", aria_label=title
    )


def _subtitle(trend: Sequence[TrendPoint]) -> str:
    if not trend:
        return "Order KPIs"
    first, last = _month_name(trend[0].month), _month_name(trend[-1].month)
    return f"Order KPIs, {first} to {last}" if first != last else f"Order KPIs, {first}"


def _month_name(month: str, *, short: bool = False) -> str:
    year, number = month.split("-")
    name = calendar.month_abbr[int(number)]
    return name if short else f"{name} {year}"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 12,
    fill: str = INK,
    weight: str = "normal",
    anchor: str = "start",
    rotate: int = 0,
    halo: bool = False,
) -> str:
    return svg.text(
        float(x),
        float(y),
        content,
        halo=halo,
        font_size=size,
        font_weight=weight,
        text_anchor=anchor,
        transform=f"rotate({rotate} {x:.1f} {y:.1f})" if rotate else None,
        fill=fill,
    )


def _marker(x: float, y: float) -> str:
    return svg.element(
        "circle", cx=float(x), cy=float(y), r=4, fill=svg.WHITE, stroke=ON_TIME_LINE, stroke_width=2
    )


def _card(x: float, y: float, width: float, height: float) -> str:
    return svg.rect(float(x), float(y), float(width), float(height), rx=10, fill=CARD, stroke=GRID)


def _latest_two(
    trend: Sequence[TrendPoint], value: Callable[[Kpis], float | None]
) -> list[tuple[str, float]]:
    known = [(point.month, value(point.kpis)) for point in trend]
    return [(month, figure) for month, figure in known if figure is not None][-2:]


def _tile(x: float, width: float, headline: _Headline, trend: Sequence[TrendPoint]) -> str:
    parts = [
        _card(x, TILE_TOP, width, TILE_HEIGHT),
        _text(x + 16, TILE_TOP + 24, headline.label.upper(), size=11, fill=MUTED, weight="bold"),
    ]
    latest = _latest_two(trend, headline.value)
    if not latest:
        parts.append(_text(x + 16, TILE_TOP + 62, "—", size=30, fill=FAINT, weight="bold"))
        parts.append(_text(x + 16, TILE_TOP + 88, "no data yet", size=12, fill=FAINT))
        return "\n".join(parts)
    month, figure = latest[-1]
    parts.append(
        _text(x + width - 16, TILE_TOP + 24, _month_name(month), size=11, fill=FAINT, anchor="end")
    )
    parts.append(_text(x + 16, TILE_TOP + 62, headline.fmt(figure), size=30, weight="bold"))
    if len(latest) == 2:
        before_month, before = latest[0]
        change = figure - before
        arrow, colour = ("▲", GOOD) if change > 0 else ("▼", BAD) if change < 0 else ("●", MUTED)
        note = f"{arrow} {abs(change):.1f} pts vs {_month_name(before_month, short=True)}"
        parts.append(_text(x + 16, TILE_TOP + 88, note, size=12, fill=colour))
    else:
        parts.append(_text(x + 16, TILE_TOP + 88, "first month measured", size=12, fill=MUTED))
    parts.append(_sparkline(x + width - 86, TILE_TOP + 40, 70, 34, trend, headline.value))
    return "\n".join(parts)


def _sparkline(
    x: float,
    y: float,
    width: float,
    height: float,
    trend: Sequence[TrendPoint],
    value: Callable[[Kpis], float | None],
) -> str:
    figures = [value(point.kpis) for point in trend]
    known = [figure for figure in figures if figure is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    spread = (high - low) or 1.0
    step = width / max(len(figures) - 1, 1)

    def position(index: int, figure: float) -> tuple[float, float]:
        return x + index * step, y + height - (figure - low) / spread * height

    lines = [
        _polyline([position(index, figure) for index, figure in run], ACCEPTED_FILL, 1.6)
        for run in _runs(figures)
    ]
    last_x, last_y = position(len(figures) - 1 - figures[::-1].index(known[-1]), known[-1])
    lines.append(svg.element("circle", cx=last_x, cy=last_y, r=2.6, fill=ACCEPTED_FILL))
    return "\n".join(lines)


def _runs(figures: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Split a series at its gaps, so a line is never drawn across a month without data."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, figure in enumerate(figures):
        if figure is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, figure))
    return [run for run in runs if run]


def _polyline(points: Sequence[tuple[float, float]], colour: str, width: float) -> str:
    return svg.polyline(
        [(float(px), float(py)) for px, py in points],
        stroke=colour,
        stroke_width=width,
        stroke_linejoin="round",
        stroke_linecap="round",
    )


def _nice_step(largest: int) -> int:
    wanted = -(-largest // GRID_STEPS)
    return next((step for step in NICE_STEPS if step >= wanted), wanted)


@dataclass(frozen=True)
class _Plot:
    """Where the orders chart draws: one slot per month, counts left, percentages right."""

    months: int
    count_step: int

    @property
    def slot(self) -> float:
        return (PLOT_RIGHT - PLOT_LEFT) / self.months

    def centre(self, index: int) -> float:
        return PLOT_LEFT + self.slot * (index + 0.5)

    def y_of_count(self, count: float) -> float:
        return PLOT_BOTTOM - count / (self.count_step * GRID_STEPS) * (PLOT_BOTTOM - PLOT_TOP)

    def y_of_percent(self, percent: float) -> float:
        return PLOT_BOTTOM - percent / 100 * (PLOT_BOTTOM - PLOT_TOP)


def _orders_chart(trend: Sequence[TrendPoint]) -> str:
    largest = max(max(point.kpis.order_count, point.kpis.accepted_count) for point in trend)
    plot = _Plot(len(trend), _nice_step(largest))
    return "\n".join(
        (_legend(), _axis_titles(), _grid(plot), _bars(plot, trend), _on_time_line(plot, trend))
    )


def _grid(plot: _Plot) -> str:
    # Counts and percentages share the gridlines: both axes have GRID_STEPS intervals.
    parts = []
    for tick in range(GRID_STEPS + 1):
        y = plot.y_of_count(tick * plot.count_step)
        count, percent = str(tick * plot.count_step), f"{tick * 100 // GRID_STEPS}%"
        parts.append(svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, stroke=AXIS if tick == 0 else GRID))
        parts.append(_text(PLOT_LEFT - 10, y + 4, count, size=11, fill=MUTED, anchor="end"))
        parts.append(_text(PLOT_RIGHT + 10, y + 4, percent, size=11, fill=MUTED))
    return "\n".join(parts)


def _bars(plot: _Plot, trend: Sequence[TrendPoint]) -> str:
    bar = min(plot.slot * 0.32, 28)
    label_every = -(-len(trend) // MAX_MONTH_LABELS)
    parts = []
    for index, point in enumerate(trend):
        centre = plot.centre(index)
        for left, count, fill in (
            (centre - bar, point.kpis.order_count, CREATED_FILL),
            (centre, point.kpis.accepted_count, ACCEPTED_FILL),
        ):
            top = plot.y_of_count(count)
            parts.append(svg.rect(float(left), top, float(bar), PLOT_BOTTOM - top, rx=2, fill=fill))
        parts.append(_month_label(centre, point.month, index, label_every))
    return "\n".join(parts)


def _on_time_line(plot: _Plot, trend: Sequence[TrendPoint]) -> str:
    parts = []
    for run in _runs([point.kpis.on_time_rate for point in trend]):
        points = [(plot.centre(index), plot.y_of_percent(rate)) for index, rate in run]
        parts.append(_polyline(points, ON_TIME_LINE, 2.5))
        for (x, y), (_, rate) in zip(points, run, strict=True):
            parts.append(_marker(x, y))
            if len(trend) <= MAX_MONTH_LABELS:
                parts.append(
                    _text(
                        x,
                        y - 10,
                        _percent(rate),
                        size=11,
                        fill=ON_TIME_LINE,
                        weight="bold",
                        anchor="middle",
                        halo=True,
                    )
                )
    return "\n".join(parts)


def _month_label(centre: float, month: str, index: int, label_every: int) -> str:
    labels = []
    if index % label_every == 0:
        name = _month_name(month, short=True)
        labels.append(_text(centre, PLOT_BOTTOM + 18, name, size=11, fill=MUTED, anchor="middle"))
    if index == 0 or month.endswith("-01"):
        year = month[:4]
        labels.append(_text(centre, PLOT_BOTTOM + 32, year, size=10, fill=FAINT, anchor="middle"))
    return "\n".join(labels)


def _legend() -> str:
    y = PANEL_TOP + 26
    parts = [_text(MARGIN + 20, y + 4, "Orders per month", size=14, weight="bold")]
    x = WIDTH - MARGIN - 470
    for label, fill in (("Created", CREATED_FILL), ("Accepted", ACCEPTED_FILL)):
        parts.append(svg.rect(x, y - 6, 12, 12, rx=2, fill=fill))
        parts.append(_text(x + 18, y + 4, label, size=12, fill=MUTED))
        x += 100
    parts.append(svg.line(x, y, x + 22, y, stroke=ON_TIME_LINE, stroke_width=2.5))
    parts.append(_marker(x + 11, y))
    parts.append(_text(x + 30, y + 4, "On-time rate (right axis)", size=12, fill=MUTED))
    return "\n".join(parts)


def _axis_titles() -> str:
    middle = (PLOT_TOP + PLOT_BOTTOM) / 2
    left, right = MARGIN + 16, WIDTH - MARGIN - 12
    return "\n".join(
        (
            _text(left, middle, "Orders", size=11, fill=MUTED, anchor="middle", rotate=-90),
            _text(right, middle, "On time", size=11, fill=MUTED, anchor="middle", rotate=90),
        )
    )


def _no_data() -> str:
    middle_x = WIDTH / 2
    middle_y = (PANEL_TOP + HEIGHT - 40) / 2
    return "\n".join(
        (
            svg.element(
                "circle",
                cx=middle_x,
                cy=middle_y - 34,
                r=18,
                fill="none",
                stroke=FAINT,
                stroke_width=2,
                stroke_dasharray="4 4",
            ),
            _text(
                middle_x,
                middle_y + 10,
                "No data yet",
                size=18,
                fill=MUTED,
                weight="bold",
                anchor="middle",
            ),
            _text(
                middle_x,
                middle_y + 34,
                "KPIs appear here once the first order of the period is created.",
                size=13,
                fill=FAINT,
                anchor="middle",
            ),
        )
    )
