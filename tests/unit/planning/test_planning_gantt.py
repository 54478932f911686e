"""Gantt SVG rendering: a well-formed document with every element the rows ask for."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

from services.planning.render.gantt import GanttLink, GanttRow, render_gantt

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = date(2026, 11, 2)


def rows() -> list[GanttRow]:
    return [
        GanttRow(
            "s", "1", "Design & <build>", 0, MONDAY, MONDAY + timedelta(days=11), 40, summary=True
        ),
        GanttRow(
            "a",
            "1.1",
            'Draft "spec"',
            1,
            MONDAY,
            MONDAY + timedelta(days=4),
            100,
            critical=True,
            baseline_start=MONDAY,
            baseline_finish=MONDAY + timedelta(days=3),
        ),
        GanttRow(
            "b", "1.2", "Build", 1, MONDAY + timedelta(days=7), MONDAY + timedelta(days=11), 25
        ),
        GanttRow(
            "m",
            "1.3",
            "Ready",
            1,
            MONDAY + timedelta(days=11),
            MONDAY + timedelta(days=11),
            milestone=True,
        ),
    ]


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_the_chart_is_well_formed_svg_with_escaped_names():
    svg = render_gantt(rows(), today=MONDAY + timedelta(days=3), title="Plan <ORD-1> & co")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Design & <build>" in texts
    assert 'Draft "spec"' in texts
    assert "Plan <ORD-1> & co" in texts
    assert "&lt;build&gt;" in svg


def test_milestones_are_diamonds_summaries_brackets_and_links_elbow_arrows():
    links = [GanttLink("a", "b"), GanttLink("b", "m"), GanttLink("a", "gone")]
    root = parse(render_gantt(rows(), today=None, dependencies=links, title="t"))
    polygons = [element for element in root.iter(f"{SVG}polygon")]
    # One diamond and one bracket in the chart, one of each in the legend.
    assert len(polygons) == 4
    arrows = [el for el in root.iter(f"{SVG}polyline") if el.get("marker-end")]
    assert len(arrows) == 1 + 2


def test_today_is_a_red_line_and_baselines_are_drawn_under_their_bars():
    svg = render_gantt(rows(), today=MONDAY + timedelta(days=3), title="t")
    assert "Today 5 Nov" in svg
    assert 'stroke="#e53e3e"' in svg
    assert "#a0aec0" in svg
    assert "Today 5 Nov" not in render_gantt(rows(), today=None, title="t")


def test_the_chart_grows_downwards_for_two_hundred_tasks():
    many = [
        GanttRow(
            n,
            f"1.{n}",
            f"Task {n}",
            1,
            MONDAY + timedelta(days=n % 30),
            MONDAY + timedelta(days=n % 30 + 3),
        )
        for n in range(200)
    ]
    root = parse(render_gantt(many, today=MONDAY, title="Big"))
    assert int(root.get("height")) >= 200 * 20
    assert int(root.get("width")) < 1600


def test_an_empty_plan_still_renders():
    assert parse(render_gantt([], today=MONDAY, title="Empty")).tag == f"{SVG}svg"


def _late_chart(**options) -> str:
    late = GanttRow(
        "l",
        "2",
        "Weld frame",
        0,
        MONDAY + timedelta(days=2),
        MONDAY + timedelta(days=9),
        50,
        baseline_start=MONDAY,
        baseline_finish=MONDAY + timedelta(days=4),
        actual_start=MONDAY + timedelta(days=2),
        late=True,
        finish_variance_days=3,
        resources=("Ann", "Bo"),
    )
    return render_gantt([*rows(), late], today=MONDAY + timedelta(days=5), **options)


def test_a_late_task_is_outlined_in_the_late_colour_says_by_how_much_and_has_a_legend_entry():
    chart = _late_chart()
    ElementTree.fromstring(chart)
    assert 'stroke="#dd6b20"' in chart
    assert "late 3 d" in chart
    assert ">Late<" in chart and ">Actual<" in chart and ">Baseline (planned)<" in chart


def test_an_actual_bar_runs_from_the_actual_start_to_the_status_date_while_in_progress():
    chart = _late_chart(status_date=MONDAY + timedelta(days=4))
    actual = [
        node
        for node in ElementTree.fromstring(chart).iter(f"{SVG}rect")
        if node.get("fill") == "#1a365d" and float(node.get("height")) == 3
    ]
    # One in the chart (the legend's sample is translated inside a group of its own).
    widths = sorted(float(node.get("width")) for node in actual)
    assert len(actual) == 2 and 26 in widths


def test_resource_names_are_written_on_the_bars_only_when_asked():
    assert ">50% · late 3 d<" in _late_chart()
    assert ">50% · late 3 d · Ann, Bo<" in _late_chart(show_resources=True)


def test_the_today_label_does_not_cover_the_month_header():
    root = ElementTree.fromstring(_late_chart())
    texts = list(root.iter(f"{SVG}text"))
    [today] = [node for node in texts if (node.text or "").startswith("Today ")]
    months = [node for node in texts if (node.text or "").startswith("November")]
    assert months
    # The pill hangs below the rows; the month names sit in the header above them.
    assert float(today.get("y")) > max(float(node.get("y")) for node in months) + 40
    assert float(root.get("height")) >= float(today.get("y")) + 4
