"""A whole WBS in one request: many tasks and links, validated as one unit."""

from tests.helpers import problem
from tests.services.planning.conftest import requirement


def wbs(plan_id, parent=None):
    """Design (summary) with Draft -> Review, then a Signed-off milestone."""
    return {
        "tasks": [
            {"key": "design", "name": "Design", "parent": parent},
            {"key": "draft", "name": "Draft", "parent": "design", "duration": 3},
            {"key": "review", "name": "Review", "parent": "design", "duration": 2},
            {"key": "signed", "name": "Signed off", "milestone": True},
        ],
        "links": [
            {"predecessor": "draft", "successor": "review"},
            {"predecessor": "design", "successor": "signed", "type": "FS", "lag": 1},
        ],
    }


def test_an_import_creates_the_tasks_under_their_parents_linked_and_scheduled(planning):
    _, plan = planning.confirm([requirement("Line", 5)])
    before = len(planning.tasks(plan["id"]))
    imported = planning.post(f"/plans/{plan['id']}/wbs", wbs(plan["id"]))
    assert imported.status_code == 200, imported.json
    assert set(imported.json["created"]) == {"design", "draft", "review", "signed"}
    assert imported.json["linked"] == 2 and imported.json["changed"] == 0
    tasks = {task["name"]: task for task in planning.tasks(plan["id"])}
    assert len(tasks) == before + 4
    design, draft, review = tasks["Design"], tasks["Draft"], tasks["Review"]
    assert design["summary"] and draft["parent_id"] == review["parent_id"] == design["id"]
    assert draft["wbs_code"] == design["wbs_code"] + ".1"
    assert review["wbs_code"] == design["wbs_code"] + ".2"
    assert review["start_date"] > draft["finish_date"]
    assert (
        tasks["Signed off"]["milestone"]
        and tasks["Signed off"]["start_date"] > design["finish_date"]
    )
    assert imported.json["finish_date"] == planning.plan(plan["id"])["finish_date"]


def test_an_import_changes_existing_tasks_by_id_and_links_them_to_new_ones(planning):
    _, plan = planning.confirm([requirement("Line", 5)])
    line = planning.task(plan["id"], "Line")
    body = {
        "tasks": [
            {"id": line["id"], "name": "Packaging line", "duration": 8},
            {"key": "test", "name": "Line test", "duration": 2, "parent": line["parent_id"]},
        ],
        "links": [{"predecessor": line["id"], "successor": "test"}],
    }
    imported = planning.post(f"/plans/{plan['id']}/wbs", body)
    assert imported.status_code == 200, imported.json
    assert imported.json["changed"] == 1
    changed = planning.task(plan["id"], "Packaging line")
    assert changed["duration"] == 8 and changed["version"] > line["version"]
    assert planning.task(plan["id"], "Line test")["start_date"] > changed["finish_date"]


def test_one_bad_field_refuses_the_import_naming_its_row_with_nothing_written(planning):
    _, plan = planning.confirm([requirement("Line", 5)])
    before = planning.tasks(plan["id"])
    body = wbs(plan["id"])
    body["tasks"][2]["duration"] = -4
    refused = planning.post(f"/plans/{plan['id']}/wbs", body)
    assert refused.status_code == 422
    assert "duration" in str(problem(refused)["errors"]["tasks"]["2"])
    assert planning.tasks(plan["id"]) == before


def test_rows_that_name_no_task_are_refused_by_row_and_field_with_nothing_written(planning):
    _, plan = planning.confirm([requirement("Line", 5)])
    before = planning.tasks(plan["id"])
    body = wbs(plan["id"])
    body["tasks"][2]["parent"] = "nowhere"
    body["tasks"].append({"key": "draft", "name": "Draft again"})
    body["tasks"].append({"key": "below", "name": "Below", "parent": "signed"})
    body["links"].append({"predecessor": "draft", "successor": "draft"})
    body["links"].append({"predecessor": "draft", "successor": "design"})
    refused = planning.post(f"/plans/{plan['id']}/wbs", body)
    assert refused.status_code == 422
    errors = problem(refused)["errors"]
    assert set(errors) == {
        "tasks[2].parent",
        "tasks[4].key",
        "tasks[5].parent",
        "links[0].successor",  # Review's row was refused: its key names nothing
        "links[2].successor",
        "links[3].successor",
    }
    assert "milestone" in errors["tasks[5].parent"][0]
    assert "itself" in errors["links[2].successor"][0]
    assert "above or below" in errors["links[3].successor"][0]
    assert "6 rows" in problem(refused)["detail"]
    assert planning.tasks(plan["id"]) == before


def test_an_import_whose_links_would_form_a_cycle_is_refused_with_nothing_written(planning):
    _, plan = planning.confirm([requirement("Line", 5)])
    before = planning.tasks(plan["id"])
    body = wbs(plan["id"])
    body["links"].append({"predecessor": "review", "successor": "draft"})
    refused = planning.post(f"/plans/{plan['id']}/wbs", body)
    assert refused.status_code == 422
    assert "cycle" in problem(refused)["detail"]
    assert planning.tasks(plan["id"]) == before


def test_a_move_in_an_import_is_refused_and_only_editors_import(planning):
    _, plan = planning.confirm([requirement("Line", 5)])
    line = planning.task(plan["id"], "Line")
    moved = {"tasks": [{"id": line["id"], "parent": None}]}
    refused = planning.post(f"/plans/{plan['id']}/wbs", moved)
    assert refused.status_code == 422 and "tasks[0].parent" in problem(refused)["errors"]
    engineer = planning.post(f"/plans/{plan['id']}/wbs", wbs(plan["id"]), role="engineer")
    assert engineer.status_code == 403
