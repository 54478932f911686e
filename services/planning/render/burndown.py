"""An increment's burn-down as a standalone SVG: remaining effort by day over the ideal line."""

from __future__ import annotations

from collections.abc import Sequence

from services.planning.domain.increments import BurndownDay
from shared import svg

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 56, 48
FONT = "'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif"
INK, MUTED, AXIS = "#111827", "#6b7280", "#d1d5db"
IDEAL, REMAINING = "#9ca3af", "#4338ca"


def render_burndown(title: str, days: Sequence[BurndownDay]) -> str:
    """Remaining hours (solid) and the ideal line (dashed), one point per day."""
    top = max([1.0, *(d.ideal_hours for d in days), *(d.remaining_hours or 0 for d in days)])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(days) - 1, 1)

    def point(index: int, hours: float) -> tuple[float, float]:
        return LEFT + index * step, TOP + plot_height * (1 - hours / top)

    parts = [
        svg.text(LEFT, 32, f"Burn-down: {title}", font_size=16, font_weight="bold", fill=INK),
        svg.line(LEFT, TOP, LEFT, TOP + plot_height, AXIS),
        svg.line(LEFT, TOP + plot_height, LEFT + plot_width, TOP + plot_height, AXIS),
        svg.text(LEFT - 8, TOP + 4, f"{top:g} h", font_size=11, fill=MUTED, text_anchor="end"),
        svg.text(LEFT - 8, TOP + plot_height, "0 h", font_size=11, fill=MUTED, text_anchor="end"),
    ]
    if days:
        parts += [
            svg.text(LEFT, HEIGHT - 20, days[0].day.isoformat(), font_size=11, fill=MUTED),
            svg.text(
                LEFT + plot_width,
                HEIGHT - 20,
                days[-1].day.isoformat(),
                font_size=11,
                fill=MUTED,
                text_anchor="end",
            ),
            svg.polyline(
                [point(i, d.ideal_hours) for i, d in enumerate(days)],
                stroke=IDEAL,
                stroke_dasharray="6 4",
                stroke_width=2,
            ),
        ]
        actual = [
            point(i, d.remaining_hours) for i, d in enumerate(days) if d.remaining_hours is not None
        ]
        if actual:
            parts.append(svg.polyline(actual, stroke=REMAINING, stroke_width=3))
    return svg.document(WIDTH, HEIGHT, parts, title=f"Burn-down: {title}", font_family=FONT)
