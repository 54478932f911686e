"""A WBS imported from a file: a CSV sheet or a Microsoft Project XML export, in one request."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.helpers import auth, problem
from tests.services.planning.conftest import requirement

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
MSPDI_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
PHASES = ("Design", "Procurement", "Manufacturing", "Commissioning")


def wbs() -> list[dict]:
    """33 rows: four phases of seven tasks (chained FS, with an SS+2 and an FF in each),
    phases chained last to first, and a milestone a day after the last phase."""
    rows = []
    for phase, title in enumerate(PHASES, 1):
        summary = len(rows) + 1
        rows.append({"id": summary, "outline": f"{phase}", "name": title, "links": []})
        for step in range(1, 8):
            number = len(rows) + 1
            links = [(number - 1, "FS", 0)] if step > 1 else []
            if step == 1 and phase > 1:
                links = [(summary - 1, "FS", 0)]  # the previous phase's last task
            if step == 3:
                links = [(number - 1, "SS", 2)]
            if step == 5:
                links = [(number - 1, "FF", 1), (number - 3, "FS", 0)]
            rows.append(
                {
                    "id": number,
                    "outline": f"{phase}.{step}",
                    "name": f"{title} step {step}",
                    "duration": 1 + (number % 4),
                    "links": links,
                }
            )
    rows.append(
        {
            "id": len(rows) + 1,
            "outline": f"{len(PHASES) + 1}",
            "name": "Handover",
            "milestone": True,
            "links": [(len(rows), "FS", 1)],
        }
    )
    return rows


def as_json(rows: list[dict]) -> dict:
    by_outline = {row["outline"]: str(row["id"]) for row in rows}
    tasks = []
    for row in rows:
        above = row["outline"].rpartition(".")[0]
        task = {"key": str(row["id"]), "name": row["name"], "parent": by_outline.get(above)}
        task |= {name: row[name] for name in ("duration", "milestone") if name in row}
        tasks.append(task)
    links = [
        {"predecessor": str(before), "successor": str(row["id"]), "type": kind, "lag": lag}
        for row in rows
        for before, kind, lag in row["links"]
    ]
    return {"tasks": tasks, "links": links}


def as_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    sheet = csv.writer(buffer)
    sheet.writerow(["id", "outline", "name", "duration", "milestone", "predecessors"])
    for row in rows:
        predecessors = ";".join(
            f"{before}{kind}{lag:+d}" if lag else f"{before}{kind}"
            for before, kind, lag in row["links"]
        )
        milestone = "yes" if row.get("milestone") else ""
        sheet.writerow(
            [
                row["id"],
                row["outline"],
                row["name"],
                row.get("duration", ""),
                milestone,
                predecessors,
            ]
        )
    return buffer.getvalue().encode()


def as_mspdi(rows: list[dict]) -> bytes:
    """As Microsoft Project saves it: UIDs apart from IDs, summaries with rolled-up figures."""
    summaries = {row["outline"].rpartition(".")[0] for row in rows}
    tasks = [
        "<Task><UID>0</UID><ID>0</ID><Name>Line 7 retrofit</Name><OutlineNumber>0</OutlineNumber>"
        "<OutlineLevel>0</OutlineLevel><Duration>PT400H0M0S</Duration><Summary>1</Summary></Task>"
    ]
    for row in rows:
        summary = row["outline"] in summaries
        hours = 999 if summary else 8 * row.get("duration", 0)
        links = "".join(
            f"<PredecessorLink><PredecessorUID>{100 + before}</PredecessorUID>"
            f"<Type>{MSPDI_CODES[kind]}</Type><CrossProject>0</CrossProject>"
            f"<LinkLag>{lag * 4800}</LinkLag><LagFormat>7</LagFormat></PredecessorLink>"
            for before, kind, lag in row["links"]
        )
        tasks.append(
            f"<Task><UID>{100 + row['id']}</UID><ID>{row['id']}</ID><Name>{row['name']}</Name>"
            f"<Active>1</Active><IsNull>0</IsNull><WBS>{row['outline']}</WBS>"
            f"<OutlineNumber>{row['outline']}</OutlineNumber>"
            f"<OutlineLevel>{row['outline'].count('.') + 1}</OutlineLevel>"
            f"<Start>2027-01-04T08:00:00</Start><Duration>PT{hours}H0M0S</Duration>"
            f"<DurationFormat>7</DurationFormat><Work>PT0H0M0S</Work>"
            f"<Milestone>{int(bool(row.get('milestone')))}</Milestone>"
            f"<Summary>{int(summary)}</Summary><PercentComplete>0</PercentComplete>"
            f"<Cost>0</Cost>{links}</Task>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project"><Name>retrofit.xml</Name>'
        "<MinutesPerDay>480</MinutesPerDay><Tasks>" + "".join(tasks) + "</Tasks></Project>"
    ).encode()


def upload(planning, plan_id, content, name="wbs.csv", media_type="text/csv", role="planner"):
    return planning.client.post(
        f"/plans/{plan_id}/wbs-file",
        data={"file": (io.BytesIO(content), name, media_type)},
        content_type="multipart/form-data",
        headers=auth(role),
    )


def new_plan(planning) -> dict:
    return planning.confirm([requirement("Line", 5)])[1]


def imported(planning, plan_id) -> dict:
    """The plan's tasks and links as the import made them, by name."""
    tasks = planning.tasks(plan_id)
    names = {task["id"]: task["name"] for task in tasks}
    fields = ("wbs_code", "summary", "milestone", "duration", "start_date", "finish_date")
    links = planning.get(f"/plans/{plan_id}/dependencies").json
    return {
        "tasks": {
            task["name"]: {name: task[name] for name in fields}
            | {"parent": names.get(task["parent_id"])}
            for task in tasks
        },
        "links": sorted(
            (names[link["predecessor_id"]], names[link["successor_id"]], link["type"], link["lag"])
            for link in links
        ),
    }


def written(planning, plan_id) -> tuple:
    return planning.plan(plan_id), imported(planning, plan_id)


def test_a_sheet_and_an_export_of_a_few_dozen_tasks_import_as_the_json_form_does(planning):
    rows = wbs()
    by_json, by_csv, by_xml = new_plan(planning), new_plan(planning), new_plan(planning)
    before = len(planning.tasks(by_json["id"]))
    assert planning.post(f"/plans/{by_json['id']}/wbs", as_json(rows)).status_code == 200
    from_csv = upload(planning, by_csv["id"], as_csv(rows))
    from_xml = upload(planning, by_xml["id"], as_mspdi(rows), "retrofit.xml", "application/xml")
    assert from_csv.status_code == 200, from_csv.json
    assert from_xml.status_code == 200, from_xml.json
    assert set(from_csv.json["created"]) == {str(row["id"]) for row in rows}
    assert set(from_xml.json["created"]) == {str(100 + row["id"]) for row in rows}
    links = sum(len(row["links"]) for row in rows)
    assert from_csv.json["linked"] == from_xml.json["linked"] == links == 32
    expected = imported(planning, by_json["id"])
    assert imported(planning, by_csv["id"]) == expected
    assert imported(planning, by_xml["id"]) == expected
    assert from_xml.json["finish_date"] == planning.plan(by_xml["id"])["finish_date"]
    tasks = expected["tasks"]
    assert len(tasks) == before + 33
    design = tasks["Design"]
    assert design["summary"] and tasks["Design step 2"]["parent"] == "Design"
    assert tasks["Design step 2"]["wbs_code"] == design["wbs_code"] + ".2"
    assert tasks["Procurement"]["wbs_code"] == str(int(design["wbs_code"]) + 1)
    assert tasks["Design step 2"]["start_date"] > tasks["Design step 1"]["finish_date"]
    assert tasks["Procurement step 1"]["start_date"] > tasks["Design step 7"]["finish_date"]
    assert tasks["Handover"]["milestone"]
    assert tasks["Handover"]["start_date"] > tasks["Commissioning step 7"]["finish_date"]
    assert ("Design step 2", "Design step 3", "SS", 2) in expected["links"]


def test_the_example_sheet_and_export_import_the_same_plan(planning):
    by_csv, by_xml = new_plan(planning), new_plan(planning)
    template_links = len(imported(planning, by_xml["id"])["links"])
    sheet = (EXAMPLES / "wbs-hydraulic-press.csv").read_bytes()
    export = (EXAMPLES / "wbs-hydraulic-press.xml").read_bytes()
    assert upload(planning, by_csv["id"], sheet).status_code == 200
    response = upload(planning, by_xml["id"], export, "press.xml", "application/octet-stream")
    assert response.status_code == 200, response.json
    from_csv, from_xml = imported(planning, by_csv["id"]), imported(planning, by_xml["id"])
    assert from_xml["links"] == from_csv["links"] and len(from_xml["links"]) == template_links + 13
    fields = ("wbs_code", "start_date", "finish_date", "parent")
    assert {name: [task[f] for f in fields] for name, task in from_xml["tasks"].items()} == {
        name: [task[f] for f in fields] for name, task in from_csv["tasks"].items()
    }
    frame = planning.task(by_xml["id"], "Machine frame")
    assert frame["not_before"] == "2027-01-25" and frame["start_date"] >= "2027-01-25"
    assert frame["effort_hours"] == 192 and frame["cost"] == "23100.00"
    names = {task["name"] for task in planning.tasks(by_xml["id"])}
    assert "Paint touch-up (if the FAT finds any)" not in names  # inactive in the export


@pytest.mark.parametrize(
    "line, old, new, where, words",
    [
        (7, ",4,", ",four,", "line 8.duration", "working days"),
        # A task waiting on its own summary: refused by the import, named by the sheet.
        (3, "2FS", "2FS;1", "line 4.predecessors", "above or below"),
    ],
)
def test_a_sheet_with_one_bad_row_is_refused_naming_its_line_and_column_with_nothing_written(
    planning, line, old, new, where, words
):
    plan = new_plan(planning)
    before = written(planning, plan["id"])
    lines = as_csv(wbs()).decode().splitlines()
    assert lines[line].count(old) == 1
    lines[line] = lines[line].replace(old, new)
    refused = upload(planning, plan["id"], "\n".join(lines).encode())
    assert refused.status_code == 422, refused.json
    errors = problem(refused)["errors"]
    assert list(errors) == [where] and words in errors[where][0]
    assert "nothing was written" in problem(refused)["detail"]
    assert written(planning, plan["id"]) == before


def test_an_export_with_one_bad_task_is_refused_naming_its_uid_and_element_with_nothing_written(
    planning,
):
    plan = new_plan(planning)
    before = written(planning, plan["id"])
    export = as_mspdi(wbs()).replace(
        b"<Duration>PT32H0M0S</Duration>", b"<Duration>4d</Duration>", 1
    )
    refused = upload(planning, plan["id"], export, "retrofit.xml", "text/xml")
    assert refused.status_code == 422
    assert problem(refused)["errors"] == {
        "Task UID 103.Duration": ["Give a duration like PT16H0M0S."]
    }
    linked_to_summary = as_mspdi(wbs()).replace(
        b"<PredecessorUID>102</PredecessorUID>", b"<PredecessorUID>101</PredecessorUID>", 1
    )
    refused = upload(planning, plan["id"], linked_to_summary, "retrofit.xml", "text/xml")
    assert refused.status_code == 422
    assert list(problem(refused)["errors"]) == ["Task UID 103.PredecessorLink[1].PredecessorUID"]
    assert written(planning, plan["id"]) == before


def test_a_file_whose_links_form_a_cycle_or_that_is_an_xml_bomb_is_refused_with_nothing_written(
    planning,
):
    plan = new_plan(planning)
    before = written(planning, plan["id"])
    cycle = b"id,name,predecessors\n1,Weld,2\n2,Grind,1\n"
    refused = upload(planning, plan["id"], cycle)
    assert refused.status_code == 422 and "cycle" in problem(refused)["detail"]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<Project><Tasks><Task><UID>1</UID><Name>&c;</Name></Task></Tasks></Project>"
    )
    refused = upload(planning, plan["id"], bomb, "bomb.xml", "application/xml")
    assert refused.status_code == 422 and list(problem(refused)["errors"]) == ["file"]
    assert written(planning, plan["id"]) == before


@pytest.mark.parametrize(
    "name, media_type",
    [("plan.pdf", "application/pdf"), ("plan.mpp", "application/octet-stream"), ("wbs", None)],
)
def test_a_file_of_another_type_is_refused_with_415(planning, name, media_type):
    plan = new_plan(planning)
    before = written(planning, plan["id"])
    refused = planning.client.post(
        f"/plans/{plan['id']}/wbs-file",
        data={"file": (io.BytesIO(b"id,name\n1,Draft\n"), name, media_type)},
        content_type="multipart/form-data",
        headers=auth("planner"),
    )
    assert refused.status_code == 415
    assert "CSV" in problem(refused)["detail"]
    assert written(planning, plan["id"]) == before


def test_a_sheet_sent_as_the_body_itself_or_without_a_file_is_refused(planning):
    plan = new_plan(planning)
    raw = planning.client.post(
        f"/plans/{plan['id']}/wbs-file",
        data=as_csv(wbs()),
        content_type="text/csv",
        headers=auth("planner"),
    )
    assert raw.status_code == 415 and problem(raw)
    empty = planning.client.post(
        f"/plans/{plan['id']}/wbs-file",
        data={"note": "no file"},
        content_type="multipart/form-data",
        headers=auth("planner"),
    )
    assert empty.status_code == 422 and "file" in str(problem(empty)["errors"])


def test_only_editors_import_a_file_and_only_into_a_plan_that_exists(planning):
    plan = new_plan(planning)
    sheet = as_csv(wbs())
    assert upload(planning, plan["id"], sheet, role="engineer").status_code == 403
    missing = upload(planning, "6b1f6a53-6f3c-4b43-9a52-3c9d1c7c4d00", sheet)
    assert missing.status_code == 404 and problem(missing)


def test_an_import_repeated_with_its_idempotency_key_creates_nothing_twice(planning):
    plan = new_plan(planning)
    sheet, key = as_csv(wbs()), {"Idempotency-Key": "retrofit-wbs-1"}

    def send(content, **headers):
        """The same request each time for the same content, as a retry resends it."""
        form = MultiDict({"file": FileStorage(io.BytesIO(content), "wbs.csv", "text/csv")})
        boundary, body = encode_multipart(form, boundary="ordo-wbs-boundary")
        content_type = f"multipart/form-data; boundary={boundary}"
        headers = {**auth("planner"), "Content-Type": content_type, **headers}
        return planning.client.post(f"/plans/{plan['id']}/wbs-file", data=body, headers=headers)

    first = send(sheet, **key)
    assert first.status_code == 200, first.json
    after = written(planning, plan["id"])
    again = send(sheet, **key)
    assert again.status_code == 200 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert written(planning, plan["id"]) == after
    other = send(sheet.replace(b"Design step 1", b"Design step one"), **key)
    assert other.status_code == 422 and problem(other)
    by_json = planning.post(f"/plans/{plan['id']}/wbs", as_json(wbs()[:3]), **key)
    assert by_json.status_code == 200  # a key is scoped to its path
    assert planning.post(f"/plans/{plan['id']}/wbs", as_json(wbs()[:3]), **key).json == (
        by_json.json
    )
    assert len(planning.tasks(plan["id"])) == len(after[1]["tasks"]) + 3


def test_an_export_larger_than_the_other_services_body_limit_is_taken(planning, monkeypatch):
    # Microsoft Project writes about 1 KB a task: planning's body limit is 8 MiB, not 1 MiB.
    monkeypatch.delenv("ORDO_MAX_BODY_BYTES", raising=False)
    plan = new_plan(planning)
    export = as_mspdi(wbs()).replace(b"<Tasks>", b"<!-- " + b"x" * 1_500_000 + b" --><Tasks>")

    response = upload(planning, plan["id"], export, "press.xml", "application/xml")

    assert len(export) > 1024 * 1024
    assert response.status_code in (200, 201), problem(response)
