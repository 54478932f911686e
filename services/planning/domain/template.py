"""The standard plan of a confirmed order and the figures new tasks start with.

Analysis, then one work package per approved requirement (in parallel, each waiting on the
analysis), then quality control waiting on every work package, then the delivery milestone.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

DEPARTMENTS = ("sales", "engineering", "production", "quality", "logistics", "other")

ANALYSIS_DAYS = 3
DEFAULT_WORK_PACKAGE_DAYS = 5
QUALITY_CONTROL_DAYS = 2
REWORK_DAYS = 2
HOURS_PER_DAY = 8.0
DEFAULT_HOURLY_RATE = Decimal("75.00")
"""Planned cost per hour of a task without allocations (its effort is 8 h per working day)."""


@dataclass(frozen=True)
class PlannedTask:
    """A task of a generated plan; ``key`` names it inside the template."""

    key: str
    name: str
    origin: str
    department: str
    duration: int
    parent: str | None = None
    requirement_id: Hashable | None = None
    milestone: bool = False


@dataclass(frozen=True)
class TemplatePlan:
    tasks: list[PlannedTask]
    links: list[tuple[str, str]] = field(default_factory=list)


def work_package_days(estimate_days: int | None) -> int:
    """A requirement's estimate in working days, or the default when it has none."""
    if estimate_days is None or estimate_days < 1:
        return DEFAULT_WORK_PACKAGE_DAYS
    return estimate_days


def default_effort(duration: int) -> float:
    return duration * HOURS_PER_DAY


def default_cost(effort_hours: float) -> Decimal:
    return (Decimal(str(effort_hours)) * DEFAULT_HOURLY_RATE).quantize(Decimal("0.01"))


def work_package(requirement: dict, parent: str | None = "work") -> PlannedTask:
    """The work package of one requirement (``requirement_id``, ``title``, ``estimate_days``)."""
    return PlannedTask(
        key=f"req:{requirement['requirement_id']}",
        name=requirement["title"],
        origin="work_package",
        department="engineering",
        duration=work_package_days(requirement.get("estimate_days")),
        parent=parent,
        requirement_id=requirement["requirement_id"],
    )


def standard_plan(requirements: Iterable[dict]) -> TemplatePlan:
    """The WBS of a confirmed order with its finish-to-start links, by template key."""
    packages = [work_package(requirement) for requirement in requirements]
    tasks = [
        PlannedTask("analysis", "Requirements analysis", "analysis", "engineering", ANALYSIS_DAYS),
    ]
    links = []
    if packages:
        tasks.append(PlannedTask("work", "Work packages", "work_packages", "engineering", 0))
        tasks.extend(packages)
        for package in packages:
            links += [("analysis", package.key), (package.key, "qc")]
    else:
        links.append(("analysis", "qc"))
    tasks += [
        PlannedTask("qc", "Quality control", "quality_control", "quality", QUALITY_CONTROL_DAYS),
        PlannedTask("delivery", "Delivery", "delivery", "logistics", 0, milestone=True),
    ]
    links.append(("qc", "delivery"))
    return TemplatePlan(tasks, links)
