"""WBS outline numbering through edits, and summary-task roll-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.planning.domain.wbs import (
    MAX_COST,
    CostRangeError,
    WbsCycleError,
    WbsError,
    WbsNode,
    WbsTree,
    WorkFigures,
    check_costs,
    roll_up,
)


def sample_tree() -> WbsTree:
    tree = WbsTree()
    for node_id, parent in [("a", None), ("a1", "a"), ("a2", "a"), ("b", None), ("b1", "b")]:
        tree.insert(node_id, parent)
    return tree


def test_codes_number_siblings_in_order_and_nest_with_dots():
    assert sample_tree().codes() == {"a": "1", "a1": "1.1", "a2": "1.2", "b": "2", "b1": "2.1"}


def test_inserting_at_a_position_renumbers_the_later_siblings():
    tree = sample_tree()
    tree.insert("a0", "a", position=0)
    assert tree.codes() == {
        "a": "1",
        "a0": "1.1",
        "a1": "1.2",
        "a2": "1.3",
        "b": "2",
        "b1": "2.1",
    }


def test_moving_a_subtree_renumbers_both_old_and_new_siblings():
    tree = sample_tree()
    tree.insert("a1x", "a1")
    tree.move("a1", "b", position=0)
    assert tree.codes() == {
        "a": "1",
        "a2": "1.1",
        "b": "2",
        "a1": "2.1",
        "a1x": "2.1.1",
        "b1": "2.2",
    }


def test_deleting_removes_the_subtree_and_closes_the_gap():
    tree = sample_tree()
    assert tree.delete("a") == ["a", "a1", "a2"]
    assert tree.codes() == {"b": "1", "b1": "1.1"}


def test_moving_a_node_under_its_own_descendant_is_refused():
    tree = sample_tree()
    tree.insert("a1x", "a1")
    with pytest.raises(WbsCycleError):
        tree.move("a", "a1x")
    with pytest.raises(WbsCycleError):
        tree.move("a", "a")
    assert tree.codes()["a1x"] == "1.1.1"


def test_nodes_round_trip_through_storage_with_gap_free_positions():
    stored = [
        WbsNode("b", None, 7),
        WbsNode("a", None, 2),
        WbsNode("a2", "a", 5),
        WbsNode("a1", "a", 1),
    ]
    tree = WbsTree.from_nodes(stored)
    assert tree.codes() == {"a": "1", "a1": "1.1", "a2": "1.2", "b": "2"}
    assert tree.nodes() == [
        WbsNode("a", None, 0),
        WbsNode("a1", "a", 0),
        WbsNode("a2", "a", 1),
        WbsNode("b", None, 1),
    ]


def test_stored_nodes_that_loop_or_dangle_are_refused():
    with pytest.raises(WbsCycleError):
        WbsTree.from_nodes([WbsNode("a", "b", 0), WbsNode("b", "a", 0)])
    with pytest.raises(WbsError, match="unknown parent"):
        WbsTree.from_nodes([WbsNode("a", "zz", 0)])
    with pytest.raises(WbsError, match="unknown WBS node"):
        WbsTree().insert("a", "zz")


def figures(start, finish, effort, cost, done, duration):
    return WorkFigures(
        date(2026, 11, start), date(2026, 11, finish), effort, Decimal(cost), done, duration
    )


def test_summaries_roll_up_dates_sums_and_effort_weighted_progress():
    tree = sample_tree()
    tree.insert("a2x", "a2")
    tree.insert("a2y", "a2")
    rollup = roll_up(
        tree,
        {
            "a1": figures(2, 6, 40.0, "1000.00", 100, 5),
            "a2x": figures(9, 13, 30.0, "600.00", 50, 5),
            "a2y": figures(16, 20, 10.0, "400.50", 0, 5),
            "b1": figures(23, 24, 0.0, "0", 25, 2),
        },
    )
    assert set(rollup) == {"a", "a2", "b"}
    a = rollup["a"]
    assert (a.start, a.finish) == (date(2026, 11, 2), date(2026, 11, 20))
    assert (a.effort, a.cost) == (80.0, Decimal("2000.50"))
    assert a.percent_complete == pytest.approx((40 * 100 + 30 * 50) / 80)
    assert rollup["a2"].percent_complete == pytest.approx(37.5)
    assert rollup["b"].percent_complete == 25


def test_progress_falls_back_to_duration_weights_without_effort_and_to_a_mean_for_milestones():
    tree = sample_tree()
    by_duration = roll_up(
        tree,
        {"a1": figures(2, 4, 0.0, "0", 100, 3), "a2": figures(5, 5, 0.0, "0", 0, 1)},
    )
    assert by_duration["a"].percent_complete == pytest.approx(75)
    milestones = roll_up(
        tree,
        {"a1": figures(2, 2, 0.0, "0", 100, 0), "a2": figures(5, 5, 0.0, "0", 0, 0)},
    )
    assert milestones["a"].percent_complete == 50


def test_depth_counts_levels_from_the_top():
    tree = sample_tree()
    tree.insert("a11", "a1")
    assert [tree.depth(node) for node in ("a", "a1", "a11", None)] == [1, 2, 3, 0]


def test_costs_past_what_money_holds_are_refused_per_task_and_for_the_plan():
    tree = sample_tree()
    most = MAX_COST
    costs = {"a1": most, "a2": Decimal("0.01"), "b": Decimal(0), "b1": Decimal(0)}
    with pytest.raises(CostRangeError) as refused:
        check_costs(tree, {**costs, "a": most + Decimal("0.01")})  # the summary's roll-up
    assert (refused.value.node_id, refused.value.cost) == ("a", Decimal("1000000000000.00"))
    with pytest.raises(CostRangeError) as refused:
        check_costs(tree, {**costs, "a2": Decimal(0), "a": most, "b": Decimal("0.01")})
    assert refused.value.node_id is None and "total" in str(refused.value)
    check_costs(tree, {**costs, "a2": Decimal(0), "a": most})  # exactly the most is fine
