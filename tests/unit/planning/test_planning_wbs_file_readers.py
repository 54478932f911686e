"""WBS files: CSV sheets and Microsoft Project XML (MSPDI) exports read as WBS import rows."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.planning.domain.limits import MAX_IMPORT_ROWS
from services.planning.domain.wbs_files import (
    CSV,
    MSPDI,
    file_kind,
    read_csv,
    read_mspdi,
    read_wbs_file,
)
from shared.errors import RuleViolation

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
HEADER = "id,outline,name,duration,milestone,department,effort_hours,cost,not_before,predecessors"


def sheet(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines, ""]).encode()


def refused(read, content: bytes) -> dict[str, str]:
    with pytest.raises(RuleViolation) as refusal:
        read(content)
    assert "nothing was written" in refusal.value.detail.lower()
    return refusal.value.errors


def project(*tasks: str, head: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Project xmlns="http://schemas.microsoft.com/project">{head}<Tasks>'
        "<Task><UID>0</UID><ID>0</ID><Name>The project</Name><OutlineLevel>0</OutlineLevel>"
        "<Summary>1</Summary></Task>" + "".join(tasks) + "</Tasks></Project>"
    ).encode()


def task(uid: int, name: str = "", level: int = 1, **elements: object) -> str:
    inner = "".join(f"<{tag}>{value}</{tag}>" for tag, value in elements.items() if tag != "links")
    links = "".join(
        "<PredecessorLink>"
        + "".join(f"<{tag}>{value}</{tag}>" for tag, value in link.items())
        + "</PredecessorLink>"
        for link in elements.get("links", ())
    )
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name or f'Task {uid}'}</Name>"
        f"<OutlineLevel>{level}</OutlineLevel>{inner}{links}</Task>"
    )


# CSV


def test_a_sheet_reads_as_rows_under_their_outline_parents_with_typed_values_and_links():
    requirement = uuid.uuid4()
    wbs = read_csv(
        sheet(
            "1,1,Design,,,engineering,,,,",
            "2,1.1,Draft,3,,engineering,24.5,1200.50,2027-01-04,",
            "3,1.2,Review,2,no,quality,,,,2",
            '4,2,Signed off,,yes,,,,,"1FS+1;3SS-2,2ff+3 days"',
            "5,,Test,1,,,,,,",
            "6,2.1,Below the milestone,4,,,,,,",
        )
    )
    assert wbs.tasks[:4] == [
        {"key": "1", "name": "Design", "parent": None, "department": "engineering"},
        {
            "key": "2",
            "name": "Draft",
            "parent": "1",
            "duration": 3,
            "department": "engineering",
            "effort_hours": 24.5,
            "cost": Decimal("1200.50"),
            "not_before": date(2027, 1, 4),
        },
        {
            "key": "3",
            "name": "Review",
            "parent": "1",
            "milestone": False,
            "duration": 2,
            "department": "quality",
        },
        {"key": "4", "name": "Signed off", "parent": None, "milestone": True},
    ]
    assert wbs.tasks[5]["parent"] == "4" and wbs.tasks[4]["parent"] is None
    assert wbs.links == [
        {"predecessor": "2", "successor": "3", "type": "FS", "lag": 0},
        {"predecessor": "1", "successor": "4", "type": "FS", "lag": 1},
        {"predecessor": "3", "successor": "4", "type": "SS", "lag": -2},
        {"predecessor": "2", "successor": "4", "type": "FF", "lag": 3},
    ]
    assert wbs.task_places[:2] == ["line 2", "line 3"] and wbs.link_places[-1] == "line 5"
    with_requirement = read_csv(sheet(f"1,Work,{requirement}", header="id,name,requirement_id"))
    assert with_requirement.tasks[0]["requirement_id"] == requirement


def test_a_sheet_from_a_spreadsheet_with_a_bom_semicolons_and_loose_headers_reads_the_same():
    content = "\ufeffID;Name;Effort Hours;Duration\r\n1;Draft;8;2\r\n\r\n2;Review;;1\r\n"
    wbs = read_csv(content.encode())
    assert [row["name"] for row in wbs.tasks] == ["Draft", "Review"]
    assert wbs.tasks[0]["effort_hours"] == 8.0 and wbs.task_places == ["line 2", "line 4"]


def test_a_column_without_a_name_is_not_read():
    wbs = read_csv(b"id,name,,duration,\n1,Draft,,2,\n2,Review,note,1,\n")
    assert [(row["name"], row["duration"]) for row in wbs.tasks] == [("Draft", 2), ("Review", 1)]


def test_a_quoted_name_may_hold_the_delimiter_and_a_line_break():
    wbs = read_csv(b'id,name,duration\n1,"Weld, grind\nand paint",2\n2,Next,1\n')
    assert wbs.tasks[0]["name"] == "Weld, grind\nand paint"
    assert wbs.task_places == ["line 2", "line 4"]


@pytest.mark.parametrize(
    "line, where, words",
    [
        ("x,1,Draft,,,,,,,", "line 2.id", "whole number"),
        ("1,1,,,,,,,,", "line 2.name", "needs a name"),
        ("1,1," + "n" * 201 + ",,,,,,,", "line 2.name", "200"),
        ("1,1.,Draft,,,,,,,", "line 2.outline", "outline number"),
        ("1,3.1,Draft,,,,,,,", "line 2.outline", "No line above has outline 3"),
        ("1,1,Draft,2.5,,,,,,", "line 2.duration", "whole number of working days"),
        ("1,1,Draft,2001,,,,,,", "line 2.duration", "2000"),
        ("1,1,Draft,,maybe,,,,,", "line 2.milestone", "yes or no"),
        ("1,1,Draft,,,marketing,,,,", "line 2.department", "engineering"),
        ("1,1,Draft,,,,-1,,,", "line 2.effort_hours", "hours"),
        ("1,1,Draft,,,,nan,,,", "line 2.effort_hours", "hours"),
        ("1,1,Draft,,,,,12.345,,", "line 2.cost", "2 decimals"),
        ("1,1,Draft,,,,,-5,,", "line 2.cost", "amount"),
        ("1,1,Draft,,,,,1e999999,,", "line 2.cost", "amount"),
        ("1,1,Draft,,,,,,04/01/2027,", "line 2.not_before", "2027-01-04"),
        ("1,1,Draft,,,,,,1800-01-01,", "line 2.not_before", "between"),
        ("1,1,Draft,,,,,,,FS1", "line 2.predecessors", "not a predecessor"),
        ("1,1,Draft,,,,,,,9", "line 2.predecessors", "No line has id 9"),
        ("1,1,Draft,,,,,,,1FS+1001", "line 2.predecessors", "1000"),
        ("1,1,Draft,,,,,,,,,", "line 2", "More cells"),
    ],
)
def test_each_kind_of_bad_cell_is_refused_by_its_line_and_column(line, where, words):
    errors = refused(read_csv, sheet(line))
    assert list(errors) == [where]
    assert words.lower() in errors[where].lower()


def test_a_sheet_with_several_bad_rows_names_each_of_them_and_repeated_ids_and_outlines():
    errors = refused(
        read_csv,
        sheet(
            "1,1,Draft,,,,,,,",
            "1,2,Again,,,,,,,",
            "2,1,Same outline,,,,,,,",
            "3,3,Fine,x,,,,,,",
        ),
    )
    assert errors == {
        "line 3.id": "Line 2 has this id already.",
        "line 4.outline": "Line 2 has this outline already.",
        "line 5.duration": "Give a whole number of working days from 0 to 2000.",
    }


def test_a_header_naming_an_unknown_column_or_lacking_a_required_one_is_refused_by_line_1():
    errors = refused(read_csv, sheet("1,Draft,2", header="id,nom,duraton"))
    assert set(errors) == {"line 1.nom", "line 1.duraton", "line 1.name"}
    assert "the columns are id, outline" in errors["line 1.nom"]
    twice = refused(read_csv, sheet("1,Draft,Draft", header="id,name,Name"))
    assert twice == {"line 1.name": "This column is named twice."}


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (b"id,name\n", "no tasks"),
        ("id,name\n1,Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_sheet_that_is_empty_or_not_utf8_is_refused_as_a_file(content, words):
    errors = refused(read_csv, content)
    assert list(errors) == ["file"] and words in errors["file"]


def test_a_nul_character_ends_the_sheet_with_a_refusal_of_its_line():
    errors = refused(read_csv, b"id,name\n1,Draft\n2,Re\x00view\n")
    assert list(errors) == ["line 3"]


def test_a_sheet_is_bounded_in_rows_and_in_the_errors_it_names():
    too_many = sheet(*(f"{n},Task {n}" for n in range(1, MAX_IMPORT_ROWS + 2)), header="id,name")
    assert refused(read_csv, too_many) == {"file": "A file holds at most 5,000 tasks."}
    bad = sheet(*(f"{n},Task {n},x" for n in range(1, 200)), header="id,name,duration")
    assert len(refused(read_csv, bad)) == 50


rows_of_a_sheet = st.lists(
    st.tuples(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
            lambda name: name.strip() == name and name.strip()
        ),
        st.integers(0, 2000),
        st.booleans(),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(rows_of_a_sheet)
def test_any_sheet_a_csv_writer_writes_reads_back_as_the_rows_it_was_written_from(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "name", "duration", "milestone", "predecessors"])
    for number, (name, duration, milestone) in enumerate(rows, 1):
        predecessors = f"{number - 1}SS+1" if number > 1 else ""
        writer.writerow([number, name, duration, "yes" if milestone else "no", predecessors])
    wbs = read_csv(buffer.getvalue().encode())
    assert [(row["name"], row["duration"], row["milestone"]) for row in wbs.tasks] == rows
    assert len(wbs.links) == len(rows) - 1


# MSPDI


def test_the_example_export_reads_as_its_tasks_links_and_figures():
    wbs = read_mspdi((EXAMPLES / "wbs-hydraulic-press.xml").read_bytes())
    names = {row["key"]: row for row in wbs.tasks}
    assert "0" not in names and "15" not in names  # the project's summary, an inactive task
    assert names["3"] == {
        "key": "3",
        "name": "Mechanical design",
        "parent": "1",
        "duration": 10,
        "effort_hours": 160.0,
        "cost": Decimal("12000.00"),
    }
    assert names["1"] == {"key": "1", "name": "Engineering", "parent": None}  # a summary
    assert names["5"]["milestone"] and "duration" not in names["5"]
    assert names["8"].get("effort_hours") is None  # Work 0: Ordo's default effort
    assert names["10"]["not_before"] == date(2027, 1, 25)
    assert {"predecessor": "2", "successor": "4", "type": "SS", "lag": 2} in wbs.links
    assert {"predecessor": "14", "successor": "16", "type": "FS", "lag": 1} in wbs.links
    assert wbs.link_places[1] == "Task UID 4.PredecessorLink[1]"
    assert len(wbs.links) == 13


def test_the_example_sheet_and_export_hold_the_same_wbs():
    sheet_rows = read_csv((EXAMPLES / "wbs-hydraulic-press.csv").read_bytes())
    export = read_mspdi((EXAMPLES / "wbs-hydraulic-press.xml").read_bytes())
    assert [row["name"] for row in sheet_rows.tasks] == [row["name"] for row in export.tasks]
    assert len(sheet_rows.links) == len(export.links)


def test_durations_and_lags_turn_into_working_days_of_the_documents_day():
    wbs = read_mspdi(
        project(
            task(1, Duration="PT12H0M0S"),
            task(2, Duration="PT0H0M0S", links=[{"PredecessorUID": 1, "Type": 0}]),
            task(3, Duration="P2DT1H", links=[{"PredecessorUID": 2, "LinkLag": -7200}]),
            task(
                4,
                Duration="PT8H",
                links=[{"PredecessorUID": 3, "Type": 2, "LinkLag": 14400, "LagFormat": 8}],
            ),
            head="<MinutesPerDay>360</MinutesPerDay>",
        )
    )
    assert [row.get("duration") for row in wbs.tasks] == [2, 0, 3, 2]
    assert [(link["type"], link["lag"]) for link in wbs.links] == [
        ("FF", 0),
        ("FS", -2),  # 12 hours of lead at 6 hours a day
        ("SF", 1),  # one elapsed day
    ]


def test_the_outline_follows_levels_or_outline_numbers_and_inactive_tasks_are_left_out():
    wbs = read_mspdi(
        project(
            task(1, level=1),
            task(2, level=2),
            task(3, level=3, Active=0),
            task(4, level=4),  # below an inactive task: left out too
            task(5, level=2, links=[{"PredecessorUID": 3}, {"PredecessorUID": 2}]),
            task(6, level=1, IsNull=1),
            "<Task><UID>7</UID><Name>Numbered</Name><OutlineNumber>2</OutlineNumber></Task>",
            "<Task><UID>8</UID><Name>Below</Name><OutlineNumber>2.1</OutlineNumber></Task>",
        )
    )
    assert [(row["key"], row["parent"]) for row in wbs.tasks] == [
        ("1", None),
        ("2", "1"),
        ("5", "1"),
        ("7", None),
        ("8", "7"),
    ]
    assert wbs.links == [{"predecessor": "2", "successor": "5", "type": "FS", "lag": 0}]


def test_a_document_without_the_namespace_reads_too():
    content = b"<Project><Tasks><Task><UID>1</UID><Name>Plain</Name></Task></Tasks></Project>"
    assert read_mspdi(content).tasks == [{"key": "1", "name": "Plain", "parent": None}]


@pytest.mark.parametrize(
    "tasks, where, words",
    [
        ([task(1, Duration="16 hours")], "Task UID 1.Duration", "PT16H0M0S"),
        ([task(1, Duration="PT20000H")], "Task UID 1.Duration", "at most 2000"),
        ([task(1, Work="-PT1H")], "Task UID 1.Work", "PT16H0M0S"),
        ([task(1, Cost="lots")], "Task UID 1.Cost", "hundredths"),
        ([task(1, Cost="-100")], "Task UID 1.Cost", "amount"),
        ([task(1, ConstraintType=4, ConstraintDate="soon")], "Task UID 1.ConstraintDate", "date"),
        ([task(1, Milestone="maybe")], "Task UID 1.Milestone", "0 or 1"),
        (["<Task><UID>1</UID><Name></Name></Task>"], "Task UID 1.Name", "needs a name"),
        (["<Task><Name>No UID</Name></Task>"], "Task[2].UID", "UID"),
        ([task(1), task(1)], "Task UID 1.UID", "Another task"),
        ([task(1), task(2, level=3)], "Task UID 2.OutlineLevel", "More than one level"),
        ([task(1, level=0)], "Task UID 1.OutlineLevel", "from 1"),
        ([task(1, ExternalTask=1)], "Task UID 1.ExternalTask", "another project"),
        (
            [task(1), task(2, links=[{"PredecessorUID": 1, "Type": 7}])],
            "Task UID 2.PredecessorLink[1].Type",
            "0 (FF)",
        ),
        (
            [task(1), task(2, links=[{"PredecessorUID": 1, "LinkLag": 500, "LagFormat": 19}])],
            "Task UID 2.PredecessorLink[1].LagFormat",
            "percent",
        ),
        (
            [task(1), task(2, links=[{"PredecessorUID": 1, "LinkLag": "2d"}])],
            "Task UID 2.PredecessorLink[1].LinkLag",
            "tenths of a minute",
        ),
        (
            [task(1), task(2, links=[{"PredecessorUID": 1, "LinkLag": 4800 * 1001}])],
            "Task UID 2.PredecessorLink[1].LinkLag",
            "1000",
        ),
        (
            [task(1), task(2, links=[{"PredecessorUID": 1, "CrossProject": 1}])],
            "Task UID 2.PredecessorLink[1].CrossProject",
            "another project",
        ),
        (
            [task(1, links=[{"PredecessorUID": 99}])],
            "Task UID 1.PredecessorLink[1].PredecessorUID",
            "No task",
        ),
        (
            [task(1, links=[{"PredecessorUID": 0}])],
            "Task UID 1.PredecessorLink[1].PredecessorUID",
            "summary task",
        ),
    ],
)
def test_each_kind_of_bad_task_is_refused_by_its_uid_and_element(tasks, where, words):
    errors = refused(read_mspdi, project(*tasks))
    assert list(errors) == [where]
    assert words.lower() in errors[where].lower()


def test_minutes_per_day_beyond_a_day_are_refused_by_the_project_element():
    errors = refused(read_mspdi, project(task(1), head="<MinutesPerDay>0</MinutesPerDay>"))
    assert list(errors) == ["Project.MinutesPerDay"]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"<Project><Tasks><Task><UID>1</UID>", "well-formed"),
        (b"<Plan xmlns='http://schemas.microsoft.com/project'/>", "Microsoft Project XML"),
        (b"<Project xmlns='urn:other'><Tasks/></Project>", "Microsoft Project XML"),
        (project(), "no tasks"),
        (b"<Project xmlns='http://schemas.microsoft.com/project'/>", "no tasks"),
    ],
)
def test_a_document_that_is_broken_foreign_or_empty_is_refused_as_a_file(content, words):
    errors = refused(read_mspdi, content)
    assert list(errors) == ["file"] and words in errors["file"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID>
<Name>&lol9;</Name></Task></Tasks></Project>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID>
<Name>&secret;</Name></Task></Tasks></Project>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/mspdi.dtd">
<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID>
<Name>Task</Name></Task></Tasks></Project>"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_an_xml_bomb_an_external_entity_or_any_dtd_is_refused_before_anything_expands(content):
    errors = refused(read_mspdi, content)
    assert errors == {
        "file": "A DTD, entity or external reference is not accepted in a project document."
    }


# Both


@pytest.mark.parametrize(
    "media_type, filename, kind",
    [
        ("text/csv", "wbs.txt", CSV),
        ("text/csv; charset=utf-8", None, CSV),
        ("application/vnd.ms-excel", "wbs.csv", CSV),
        ("application/xml", "export", MSPDI),
        ("text/xml", "export.xml", MSPDI),
        ("application/octet-stream", "WBS.CSV", CSV),
        ("application/octet-stream", "plan.xml", MSPDI),
        (None, "plan.xml", MSPDI),
        ("application/octet-stream", "plan.mpp", None),
        ("application/pdf", "plan.csv", None),
        ("application/json", "wbs.json", None),
    ],
)
def test_a_file_is_told_csv_or_mspdi_by_its_media_type_or_else_its_suffix(
    media_type, filename, kind
):
    assert file_kind(media_type, filename) == kind


def test_the_imports_refusals_are_named_by_the_files_places_and_fields():
    wbs = read_wbs_file(CSV, sheet("1,1,Draft,,,,,,,", "2,2,Review,,,,,,,1"))
    located = wbs.located(
        RuleViolation(
            {"tasks[1].parent": "Too deep.", "links[0].successor": "Linked twice.", "x": "y"},
            detail="3 rows refused.",
            cycle=[],
        )
    )
    assert located.errors == {
        "line 3.outline": "Too deep.",
        "line 3.predecessors": "Linked twice.",
        "x": "y",
    }
    assert located.detail == "3 rows refused." and located.extra["cycle"] == []
    export = read_wbs_file(MSPDI, project(task(1), task(2, links=[{"PredecessorUID": 1}])))
    renamed = export.located(RuleViolation({"tasks[0].duration": "a", "links[0].type": "b"}))
    assert renamed.errors == {"Task UID 1.Duration": "a", "Task UID 2.PredecessorLink[1].Type": "b"}


cells = st.sampled_from(
    ["1", "2", "1.1", "x", "", "yes", "3FS+2", "2;1", "-1", "1e9", "2027-01-04", "engineering"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(cells, st.text(max_size=8)), max_size=11), max_size=12))
def test_whatever_a_sheet_holds_it_reads_as_rows_or_is_refused_by_place(lines):
    content = "\n".join([HEADER, *(",".join(line) for line in lines)]).encode()
    try:
        wbs = read_csv(content)
    except RuleViolation as refusal:
        assert refusal.errors and all(
            where == "file" or where.startswith("line ") for where in refusal.errors
        )
    else:
        assert len(wbs.tasks) == len(wbs.task_places) and len(wbs.links) == len(wbs.link_places)


elements = st.sampled_from(
    [
        "UID",
        "Name",
        "OutlineLevel",
        "OutlineNumber",
        "Duration",
        "Milestone",
        "Work",
        "Cost",
        "Active",
        "IsNull",
        "ConstraintType",
        "ConstraintDate",
        "ExternalTask",
    ]
)
values = st.one_of(
    st.sampled_from(["0", "1", "2", "PT8H0M0S", "P1D", "4", "2027-01-04T08:00:00", "1.2", "-5"]),
    st.text(st.characters(codec="ascii", blacklist_characters="<&"), max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.tuples(elements, values), max_size=6),
            st.lists(
                st.lists(
                    st.tuples(
                        st.sampled_from(
                            ["PredecessorUID", "Type", "LinkLag", "LagFormat", "CrossProject"]
                        ),
                        values,
                    ),
                    max_size=4,
                ),
                max_size=2,
            ),
        ),
        max_size=8,
    )
)
def test_whatever_an_export_holds_it_reads_as_rows_or_is_refused_by_place(tasks):
    def element(tag, value):
        return f"<{tag}>{value}</{tag}>"

    body = "".join(
        "<Task>"
        + "".join(element(tag, value) for tag, value in fields)
        + "".join(
            "<PredecessorLink>" + "".join(element(t, v) for t, v in link) + "</PredecessorLink>"
            for link in links
        )
        + "</Task>"
        for fields, links in tasks
    )
    content = (
        f'<Project xmlns="http://schemas.microsoft.com/project"><Tasks>{body}</Tasks></Project>'
    )
    try:
        wbs = read_mspdi(content.encode())
    except RuleViolation as refusal:
        assert refusal.errors and all(
            where == "file" or where.startswith(("Task", "Project")) for where in refusal.errors
        )
    else:
        assert wbs.tasks and len(wbs.tasks) == len(wbs.task_places)
