"""Unit tests of the KPI dashboard SVG."""

import calendar
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from datetime import date

from services.feedback.domain.kpis import TrendPoint, compute_kpis, recent_months
from services.feedback.render.kpi_chart import render_kpi_chart

SVG = "{http://www.w3.org/2000/svg}"
EMPTY = compute_kpis([])
TODAY = date(2026, 6, 1)


def point(month: str, **figures) -> TrendPoint:
    return TrendPoint(month, replace(EMPTY, **figures))


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(svg).iter(f"{SVG}text")]


TREND = [
    point("2025-12", order_count=6, accepted_count=5, on_time_rate=80.0, nps=20.0, csat=75.0),
    point("2026-01", order_count=9, accepted_count=7, on_time_rate=None, nps=None, csat=80.0),
    point(
        "2026-02",
        order_count=4,
        accepted_count=2,
        on_time_rate=50.0,
        nps=33.3,
        csat=66.7,
        first_pass_acceptance_rate=100.0,
    ),
]


def test_the_chart_is_well_formed_svg_with_the_escaped_title():
    svg = render_kpi_chart(TREND, title="Q1 <draft> & more")
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Q1 <draft> & more"
    assert "Q1 &lt;draft&gt; &amp; more" in svg


def test_tiles_show_the_latest_figure_with_the_change_since_the_month_before():
    labels = texts(render_kpi_chart(TREND, title="KPIs"))
    assert "+33.3" in labels  # NPS of February
    assert "▲ 13.3 pts vs Dec" in labels  # January had no NPS, so December is compared
    assert "66.7%" in labels
    assert "▼ 13.3 pts vs Jan" in labels
    assert "first month measured" in labels  # first-pass rate is known for February only


def test_the_orders_chart_labels_months_axes_and_legend():
    labels = texts(render_kpi_chart(TREND, title="KPIs"))
    for expected in ("Dec", "Jan", "Feb", "2025", "2026", "Created", "Accepted", "Orders"):
        assert expected in labels
    assert {"0%", "50%", "100%"} <= set(labels)
    assert {"80%", "50%"} <= set(labels)  # on-time rates at the points


def test_the_on_time_line_breaks_at_a_month_without_a_rate():
    root = ElementTree.fromstring(render_kpi_chart(TREND, title="KPIs"))
    on_time_lines = [
        line for line in root.iter(f"{SVG}polyline") if line.get("stroke-width") == "2.5"
    ]
    assert len(on_time_lines) == 2


def test_months_without_orders_show_a_no_data_panel():
    trend = [point(month) for month in recent_months(TODAY, 6)]
    labels = texts(render_kpi_chart(trend, title="KPIs"))
    assert "No data yet" in labels
    assert labels.count("no data yet") == 4
    assert "Created" not in labels


def test_an_empty_trend_still_renders():
    labels = texts(render_kpi_chart([], title="KPIs"))
    assert "No data yet" in labels


def test_a_long_trend_thins_its_month_labels_and_drops_point_labels():
    months = recent_months(TODAY, 24)
    trend = [point(month, order_count=3, accepted_count=2, on_time_rate=50.0) for month in months]
    labels = texts(render_kpi_chart(trend, title="KPIs"))
    assert sum(1 for label in labels if label in calendar.month_abbr) == 12
    assert labels.count("50%") == 2  # the right axis and the on-time tile, no point labels
