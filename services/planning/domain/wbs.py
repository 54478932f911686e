"""Work breakdown structure: outline numbering (1, 1.1, 1.2, 2 …) and summary-task roll-up."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from shared.money import MAX_MONEY

NodeId = Hashable


@dataclass(frozen=True)
class WbsNode:
    """A node's place in the tree: its parent (None at the top) and rank among its siblings."""

    id: NodeId
    parent_id: NodeId | None
    position: int


MAX_LEVELS = 10
"""A WBS is at most this many levels deep (1.1.1.1.1.1.1.1.1.1): deeper outline codes would not
fit where codes are stored."""

MAX_COST = MAX_MONEY
"""The most a task's cost, or a plan's total cost, may come to: what a money amount holds."""


class WbsError(ValueError):
    """An edit that would leave the WBS inconsistent."""


class WbsCycleError(WbsError):
    """A move would make a node its own ancestor."""


class CostRangeError(WbsError):
    """A task's cost, or the total of the top-level tasks (``node_id`` None), exceeds MAX_COST."""

    def __init__(self, node_id: NodeId | None, cost: Decimal) -> None:
        self.node_id = node_id
        self.cost = cost
        what = "the plan's total cost" if node_id is None else f"the cost of {node_id!r}"
        super().__init__(f"{what} would come to {cost}, more than {MAX_COST}")


class WbsTree:
    """An ordered tree of WBS nodes whose codes stay consistent through insert, move and delete.

    Siblings are kept in order; every edit renumbers, so ``codes()`` and ``nodes()`` always
    describe a gap-free outline ready to be stored.
    """

    def __init__(self) -> None:
        self._parent: dict[NodeId, NodeId | None] = {}
        self._children: dict[NodeId | None, list[NodeId]] = {None: []}
        self._codes: Mapping[NodeId, str] | None = None  # until an edit

    @classmethod
    def from_nodes(cls, nodes: Iterable[WbsNode]) -> WbsTree:
        """Build a tree from stored nodes; siblings are ordered by position, then input order."""
        nodes = list(nodes)
        known = {node.id for node in nodes}
        if len(known) != len(nodes):
            raise WbsError("WBS node ids must be unique")
        tree = cls()
        for node in nodes:
            if node.parent_id is not None and node.parent_id not in known:
                raise WbsError(f"node {node.id!r} has unknown parent {node.parent_id!r}")
            tree._parent[node.id] = node.parent_id
        for node in nodes:
            if tree._is_ancestor(node.id, node.parent_id):
                raise WbsCycleError(f"node {node.id!r} is its own ancestor")
        for node in sorted(nodes, key=lambda node: node.position):
            tree._children.setdefault(node.parent_id, []).append(node.id)
        return tree

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._parent

    def children(self, node_id: NodeId | None) -> list[NodeId]:
        """The children of ``node_id`` in order (the top level for None)."""
        return list(self._children.get(node_id, []))

    def parent(self, node_id: NodeId) -> NodeId | None:
        return self._parent[node_id]

    def insert(
        self, node_id: NodeId, parent_id: NodeId | None, position: int | None = None
    ) -> None:
        """Add a leaf under ``parent_id`` at ``position`` among its siblings (default: last)."""
        if node_id in self._parent:
            raise WbsError(f"node {node_id!r} already exists")
        self._require(parent_id)
        self._parent[node_id] = parent_id
        self._place(node_id, parent_id, position)
        self._codes = None

    def move(self, node_id: NodeId, parent_id: NodeId | None, position: int | None = None) -> None:
        """Move a node and its subtree under ``parent_id``, refusing to create a cycle."""
        self._require(node_id)
        self._require(parent_id)
        if self._is_ancestor(node_id, parent_id):
            raise WbsCycleError(f"cannot move {node_id!r} under its own descendant {parent_id!r}")
        self._children[self._parent[node_id]].remove(node_id)
        self._parent[node_id] = parent_id
        self._place(node_id, parent_id, position)
        self._codes = None

    def delete(self, node_id: NodeId) -> list[NodeId]:
        """Remove a node with its whole subtree; returns the removed ids, parents first."""
        self._require(node_id)
        removed = [node_id, *self.descendants(node_id)]
        self._children[self._parent[node_id]].remove(node_id)
        for gone in removed:
            del self._parent[gone]
            self._children.pop(gone, None)
        self._codes = None
        return removed

    def depth(self, node_id: NodeId) -> int:
        """The level ``node_id`` is on: 1 at the top (0 for None, above the top)."""
        self._require(node_id)
        depth = 0
        while node_id is not None:
            depth += 1
            node_id = self._parent[node_id]
        return depth

    def descendants(self, node_id: NodeId) -> list[NodeId]:
        """Every node below ``node_id``, in outline order."""
        found: list[NodeId] = []
        pending = list(reversed(self._children.get(node_id, [])))
        while pending:
            current = pending.pop()
            found.append(current)
            pending.extend(reversed(self._children.get(current, [])))
        return found

    def codes(self) -> Mapping[NodeId, str]:
        """The outline code of every node, in outline order: ``{"a": "1", "b": "1.1", ...}``
        (worked out once until the next edit: a replan reads them several times)."""
        if self._codes is None:
            self._codes = MappingProxyType(self._outline_codes())
        return self._codes

    def _outline_codes(self) -> dict[NodeId, str]:
        codes: dict[NodeId, str] = {}
        pending = [(child, str(rank)) for rank, child in enumerate(self._children[None], 1)]
        pending.reverse()
        while pending:
            current, code = pending.pop()
            codes[current] = code
            below = self._children.get(current, [])
            pending.extend(
                (child, f"{code}.{rank}") for rank, child in reversed(list(enumerate(below, 1)))
            )
        return codes

    def nodes(self) -> list[WbsNode]:
        """Every node with its parent and 0-based position, in outline order."""
        positions = {
            child: rank
            for siblings in self._children.values()
            for rank, child in enumerate(siblings)
        }
        return [
            WbsNode(node_id, self._parent[node_id], positions[node_id]) for node_id in self.codes()
        ]

    def _require(self, node_id: NodeId | None) -> None:
        if node_id is not None and node_id not in self._parent:
            raise WbsError(f"unknown WBS node {node_id!r}")

    def _is_ancestor(self, ancestor: NodeId, node_id: NodeId | None) -> bool:
        """True when ``ancestor`` is ``node_id`` or above it."""
        steps = 0
        while node_id is not None:
            if node_id == ancestor:
                return True
            node_id = self._parent[node_id]
            steps += 1
            if steps > len(self._parent):
                # Stored data can loop without passing through ``ancestor``; refuse it as well.
                raise WbsCycleError(f"the WBS hierarchy above {ancestor!r} loops")
        return False

    def _place(self, node_id: NodeId, parent_id: NodeId | None, position: int | None) -> None:
        siblings = self._children.setdefault(parent_id, [])
        if position is None or position > len(siblings):
            position = len(siblings)
        if position < 0:
            raise WbsError(f"position must be >= 0, got {position}")
        siblings.insert(position, node_id)


@dataclass(frozen=True)
class WorkFigures:
    """What a task contributes to its summaries; ``duration`` is in working days."""

    start: date
    finish: date
    effort: float
    cost: Decimal
    percent_complete: float
    duration: int


@dataclass(frozen=True)
class Rollup:
    """A summary task's figures derived from the tasks below it."""

    start: date
    finish: date
    effort: float
    cost: Decimal
    percent_complete: float


def roll_up(tree: WbsTree, leaves: Mapping[NodeId, WorkFigures]) -> dict[NodeId, Rollup]:
    """Figures for every node that has children, from the figures of the leaves below it.

    Start is the earliest child start, finish the latest child finish, effort and cost are
    sums. Percent complete is weighted by effort; where the children carry no effort at all it
    is weighted by duration, and where they have no duration either (only milestones) it is the
    plain mean. Summaries without any leaf below them are left out.
    """
    totals: dict[NodeId, _Totals] = {}
    for node_id in reversed(list(tree.codes())):
        children = tree.children(node_id)
        if not children:
            if node_id in leaves:
                totals[node_id] = _Totals.of_leaf(leaves[node_id])
            continue
        parts = [totals[child] for child in children if child in totals]
        if parts:
            totals[node_id] = _Totals.combine(parts)
    return {
        node_id: total.as_rollup() for node_id, total in totals.items() if tree.children(node_id)
    }


def check_costs(tree: WbsTree, costs: Mapping[NodeId, Decimal]) -> None:
    """Raise :class:`CostRangeError` for the first node (in outline order) whose cost exceeds
    :data:`MAX_COST`, or when the top-level nodes' costs together do."""
    for node_id in tree.codes():
        cost = costs.get(node_id, Decimal(0))
        if abs(cost) > MAX_COST:
            raise CostRangeError(node_id, cost)
    total = sum((costs.get(node_id, Decimal(0)) for node_id in tree.children(None)), Decimal(0))
    if abs(total) > MAX_COST:
        raise CostRangeError(None, total)


@dataclass(frozen=True)
class _Totals:
    start: date
    finish: date
    effort: float
    cost: Decimal
    duration: int
    leaf_count: int
    # Sums of percent complete times each weight, so nested summaries weight like flat ones.
    done_by_effort: float
    done_by_duration: float
    done_by_count: float

    @classmethod
    def of_leaf(cls, figures: WorkFigures) -> _Totals:
        done = figures.percent_complete
        return cls(
            figures.start,
            figures.finish,
            figures.effort,
            figures.cost,
            figures.duration,
            1,
            done * figures.effort,
            done * figures.duration,
            done,
        )

    @classmethod
    def combine(cls, parts: list[_Totals]) -> _Totals:
        return cls(
            min(part.start for part in parts),
            max(part.finish for part in parts),
            sum(part.effort for part in parts),
            sum((part.cost for part in parts), Decimal(0)),
            sum(part.duration for part in parts),
            sum(part.leaf_count for part in parts),
            sum(part.done_by_effort for part in parts),
            sum(part.done_by_duration for part in parts),
            sum(part.done_by_count for part in parts),
        )

    def as_rollup(self) -> Rollup:
        if self.effort > 0:
            done = self.done_by_effort / self.effort
        elif self.duration > 0:
            done = self.done_by_duration / self.duration
        else:
            done = self.done_by_count / self.leaf_count
        return Rollup(self.start, self.finish, self.effort, self.cost, done)


def levels_taken(tree: WbsTree, node_id: NodeId, keeps_a_level_below: Iterable[NodeId]) -> int:
    """The levels a node's subtree spans, counting one more below each node of
    `keeps_a_level_below` even while it is empty (the "Work packages" group: an approved change
    adds work packages there)."""
    reserved = set(keeps_a_level_below)
    levels, layer, depth = 0, [node_id], 0
    while layer:
        depth += 1
        for node in layer:
            levels = max(levels, depth + (1 if node in reserved else 0))
        layer = [child for node in layer for child in tree.children(node)]
    return levels
