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
