"""What the other services' news says about an order, newest first: older news changes nothing.

Plan health comes with the plan's version; the tasks implementing each requirement come with
the plan version that placed them (a rebaseline without any leaves them); a deliverable's
quality is what the latest event about it says.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

AT_RISK = ("at_risk", "off_track")


def is_newer_health(version: int, known_version: int) -> bool:
    """An unversioned health report always counts; a versioned one only past the known one."""
    return not version or version > known_version


def is_at_risk(plan_health: str) -> bool:
    return plan_health in AT_RISK


def replaces_plan_tasks(version: int, known_versions: Iterable[int], says_tasks: bool) -> bool:
    """Whether a plan version's requirement tasks replace those remembered: not when an older
    version speaks, nor when the event says nothing about tasks (a rebaseline without any)."""
    return says_tasks and all(known <= version for known in known_versions)


def is_newer_observation(moment: datetime, observed_at: datetime | None) -> bool:
    return observed_at is None or moment >= observed_at
