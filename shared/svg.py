"""A small SVG toolkit: elements as strings, attributes escaped and numbers kept short.

Renderers (the Gantt chart, the KPI chart) build a list of these strings and wrap it in
`document()`. Attribute names are written with underscores (`font_size`, `stroke_width`)
and come out hyphenated; `None` leaves an attribute out; floats are written to one decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

WHITE = "#ffffff"


def element(tag: str, content: str | None = None, /, **attributes: object) -> str:
    """`<tag a="…">content</tag>` (content already markup), or `<tag a="…"/>` without content."""
    written = "".join(
        f" {name.rstrip('_').replace('_', '-')}={quoteattr(_value(value))}"
        for name, value in attributes.items()
        if value is not None
    )
    if content is None:
        return f"<{tag}{written}/>"
    return f"<{tag}{written}>{content}</{tag}>"


def document(width: float, height: float, parts: Iterable[str], *, title: str = "", **attributes):
    """The whole picture: an `<svg>` root with a white background, a title and `parts`."""
    head = [element("title", escape(title))] if title else []
    body = "\n".join([*head, rect(0, 0, width, height, fill=WHITE), *parts])
    return element(
        "svg",
        f"\n{body}\n",
        xmlns="http://www.w3.org/2000/svg",
        width=_whole(width),
        height=_whole(height),
        viewBox=f"0 0 {_whole(width)} {_whole(height)}",
        **attributes,
    )


def text(x: float, y: float, content: str, /, *, halo: bool = False, **attributes) -> str:
    """A label; with `halo`, a white outline drawn underneath keeps it legible over a bar."""
    label = element("text", escape(content), x=x, y=y, **attributes)
    if not halo:
        return label
    outline = element(
        "text",
        escape(content),
        x=x,
        y=y,
        **{**attributes, "fill": WHITE},
        stroke=WHITE,
        stroke_width=4,
        stroke_linejoin="round",
    )
    return f"{outline}\n{label}"


def line(x1: float, y1: float, x2: float, y2: float, /, stroke: str, **attributes) -> str:
    return element("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, **attributes)


def rect(x: float, y: float, width: float, height: float, /, **attributes) -> str:
    return element("rect", x=x, y=y, width=width, height=height, **attributes)


def polyline(points: Sequence[tuple[float, float]], /, **attributes) -> str:
    written = " ".join(f"{_value(x)},{_value(y)}" for x, y in points)
    return element("polyline", points=written, fill=attributes.pop("fill", "none"), **attributes)


def group(parts: Iterable[str], /, tooltip: str | None = None, **attributes) -> str:
    """Parts drawn together; `tooltip` becomes the `<title>` a browser shows on hover."""
    head = [element("title", escape(tooltip))] if tooltip else []
    return element("g", "".join([*head, *parts]), **attributes)


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _whole(number: float) -> str:
    return f"{number:.0f}" if float(number).is_integer() else f"{number:.1f}"
