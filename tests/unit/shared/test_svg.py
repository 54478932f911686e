"""The small SVG toolkit the Gantt and KPI charts draw with."""

from xml.etree import ElementTree

from shared import svg


def test_attributes_are_hyphenated_escaped_and_floats_kept_to_one_decimal():
    drawn = svg.element("rect", x=1.25, y=2, stroke_width=0.5, fill='a"b', data_none=None)
    assert drawn == '<rect x="1.2" y="2" stroke-width="0.5" fill=\'a"b\'/>'


def test_text_is_escaped_and_a_halo_draws_a_white_outline_underneath():
    drawn = svg.text(3.0, 4.0, "R&D <late>", halo=True, fill="#000000")
    outline, label = drawn.split("\n")
    assert "R&amp;D &lt;late&gt;" in label and 'fill="#000000"' in label
    assert 'stroke="#ffffff"' in outline and 'fill="#ffffff"' in outline


def test_a_document_is_well_formed_svg_with_its_title_and_a_white_background():
    picture = svg.document(
        200,
        100,
        [
            svg.line(0, 0, 10.5, 10.5, stroke="#333333"),
            svg.polyline([(0, 0), (1.5, 2.25)], stroke="#123456"),
            svg.group([svg.rect(1, 1, 5, 5, fill="#ff0000")], tooltip="a <task>"),
        ],
        title="Plan & chart",
    )
    root = ElementTree.fromstring(picture)
    namespace = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{namespace}svg" and root.get("viewBox") == "0 0 200 100"
    assert root.find(f"{namespace}title").text == "Plan & chart"
    assert root.find(f"{namespace}polyline").get("points") == "0,0 1.5,2.2"
    assert root.find(f"{namespace}g/{namespace}title").text == "a <task>"
