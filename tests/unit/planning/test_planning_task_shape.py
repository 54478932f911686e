"""A task's shape: milestones have zero duration, summaries take theirs from below, and the
levels a subtree takes in the WBS."""

from __future__ import annotations

import pytest

from services.planning.domain.task_shape import Shape, changed_shape, new_task_shape
from services.planning.domain.wbs import WbsNode, WbsTree, levels_taken
from shared.errors import RuleViolation


def test_a_new_milestone_with_a_duration_is_refused_and_a_task_without_one_lasts_a_day():
    with pytest.raises(RuleViolation) as refused:
        new_task_shape(True, 3)
    assert refused.value.errors == {"duration": "A milestone has zero duration."}
    assert new_task_shape(False, None) == Shape(False, 1)
    assert new_task_shape(True, None) == Shape(True, 0)


def test_a_summary_tasks_duration_cannot_be_set():
    with pytest.raises(RuleViolation) as refused:
        changed_shape(True, Shape(False, 4), {"duration": 2})
    assert "summary" in refused.value.errors["duration"]


def test_turning_a_task_into_a_milestone_drops_its_duration_and_back_keeps_it_at_zero():
    assert changed_shape(False, Shape(False, 4), {"milestone": True}) == Shape(True, 0)
    assert changed_shape(False, Shape(True, 0), {"milestone": False}) == Shape(False, 0)
    assert changed_shape(False, Shape(False, 4), {"name": "x"}) == Shape(False, 4)
    with pytest.raises(RuleViolation):
        changed_shape(False, Shape(True, 0), {"duration": 2})


def test_an_empty_work_packages_group_keeps_a_level_free_below_it():
    tree = WbsTree.from_nodes(
        [WbsNode("top", None, 0), WbsNode("group", "top", 0), WbsNode("task", None, 1)]
    )
    assert levels_taken(tree, "top", []) == 2
    assert levels_taken(tree, "top", ["group"]) == 3
    assert levels_taken(tree, "task", []) == 1
