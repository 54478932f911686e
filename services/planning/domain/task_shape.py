"""A task's shape: milestones have zero duration, summaries derive theirs from below."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import RuleViolation


@dataclass(frozen=True)
class Shape:
    milestone: bool
    duration: int


def _refused(message: str) -> RuleViolation:
    return RuleViolation({"duration": message}, detail=message)


def new_task_shape(milestone: bool, duration: int | None) -> Shape:
    """A new task: a milestone takes no duration; a task without one lasts a working day."""
    if milestone and duration:
        raise _refused("A milestone has zero duration.")
    if duration is None:
        duration = 0 if milestone else 1
    return Shape(milestone, 0 if milestone else duration)


def changed_shape(summary: bool, current: Shape, changes: Mapping[str, Any]) -> Shape:
    """The shape after `changes` (which may name `milestone` and `duration`)."""
    if summary and ("duration" in changes or changes.get("milestone")):
        raise _refused("A summary task's duration comes from the tasks below it.")
    milestone = changes.get("milestone", current.milestone)
    if milestone and changes.get("duration", 0) > 0:
        raise _refused("A milestone has zero duration.")
    if milestone:
        return Shape(True, 0)
    return Shape(False, changes.get("duration", current.duration))
