"""The weekly status report: what the plan says as of a status date, judged red, amber or green.

RAG. The plan's health as earned value and the schedule judge it (SPI/CPI thresholds, the
forecast finish against the baseline, late work: `variance.plan_health`) gives the colour and
its reasons: on track is green, at risk amber, off track red. The communication record can only
make it worse, each time with its reason: a milestone forecast after its baseline day, an open
action item past its due day, or an open issue of high severity make it at least amber, an open
critical issue red.

Milestones. Done since the last report are those reached after the previous report's status
date (since the plan started, for the first report) up to this one's; due are the unfinished
ones whose finish falls in the two weeks after the status date.

Changes. A report lists what moved since the previous published report: the colour, progress,
SPI and CPI, the forecast finish, and how many issues and action items are open.

A report is a draft until the manager publishes it with a narrative; then it never changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.planning.domain.issues import HIGH_SEVERITIES
from shared.errors import RuleViolation
from shared.status_machine import StatusMachine

RAG_OF_HEALTH = {"on_track": "green", "at_risk": "amber", "off_track": "red"}
RAG_ORDER = ("green", "amber", "red")
LOOK_AHEAD = timedelta(days=14)

STATUS_REPORT_STATUS = StatusMachine(
    "status_report",
    ("draft", "published"),
    moves={"publish": {"draft": "published"}},
    keeps={"edit": ("draft",)},
    roles={"publish": ("manager",), "edit": ("manager",)},
)


@dataclass(frozen=True)
class Rag:
    colour: str
    reasons: tuple[str, ...]


def _worse(first: str, second: str) -> str:
    return max(first, second, key=RAG_ORDER.index)


def judge_rag(
    health: str | None,
    health_reasons: Sequence[str],
    slipped_milestones: Sequence[str],
    overdue_action_items: int,
    open_issue_severities: Iterable[str],
) -> Rag:
    """The report's colour and every reason that set it (see the module docstring)."""
    colour = RAG_OF_HEALTH.get(health or "on_track", "green")
    reasons = list(health_reasons)
    if slipped_milestones:
        colour = _worse(colour, "amber")
        reasons.append(
            f"{len(slipped_milestones)} milestone{_s(slipped_milestones)} forecast after "
            f"{'its' if len(slipped_milestones) == 1 else 'their'} baseline: "
            + "; ".join(slipped_milestones)
        )
    if overdue_action_items:
        colour = _worse(colour, "amber")
        reasons.append(f"{overdue_action_items} action item{_s(overdue_action_items)} overdue")
    severities = list(open_issue_severities)
    high = [severity for severity in severities if severity in HIGH_SEVERITIES]
    if high:
        colour = _worse(colour, "red" if "critical" in high else "amber")
        critical = high.count("critical")
        reasons.append(
            f"{len(high)} open issue{_s(high)} of high severity"
            + (f" ({critical} critical)" if critical else "")
        )
    return Rag(colour, tuple(reasons))


def _s(count) -> str:
    number = count if isinstance(count, int) else len(count)
    return "" if number == 1 else "s"


def milestones_done_between(milestones: Iterable[dict], since: date | None, until: date) -> list:
    """Milestones reached after `since` (any, when None) and on or before `until`."""
    return [
        milestone
        for milestone in milestones
        if milestone["reached_on"] is not None
        and milestone["reached_on"] <= until
        and (since is None or milestone["reached_on"] > since)
    ]


def milestones_due_after(milestones: Iterable[dict], status_date: date) -> list:
    """Unfinished milestones finishing in the two weeks after the status date."""
    return [
        milestone
        for milestone in milestones
        if milestone["reached_on"] is None
        and milestone["finish_date"] is not None
        and status_date < milestone["finish_date"] <= status_date + LOOK_AHEAD
    ]


def slipped_milestones(milestones: Iterable[dict]) -> list[str]:
    """Unfinished milestones forecast after their baseline day, named."""
    return [
        f"{milestone['name']} ({(milestone['finish_date'] - milestone['baseline_date']).days} d)"
        for milestone in milestones
        if milestone["reached_on"] is None
        and milestone["baseline_date"] is not None
        and milestone["finish_date"] is not None
        and milestone["finish_date"] > milestone["baseline_date"]
    ]


#: The figures a report compares with the previous one: (key in the summary, label).
COMPARED = (
    ("rag", "RAG"),
    ("percent_complete", "progress %"),
    ("spi", "SPI"),
    ("cpi", "CPI"),
    ("forecast_finish", "forecast finish"),
    ("open_issues", "open issues"),
    ("open_action_items", "open action items"),
)


def changes_since(previous: dict | None, current: dict) -> list[dict]:
    """What moved since the previous report's summary: one entry per figure that differs,
    with the value before and now; nothing for the first report."""
    if previous is None:
        return []
    return [
        {"figure": key, "label": label, "before": previous.get(key), "now": current.get(key)}
        for key, label in COMPARED
        if previous.get(key) != current.get(key)
    ]


def check_publishable(narrative: str | None) -> None:
    """RuleViolation (field `narrative`) unless the manager wrote what the figures mean."""
    if not (narrative or "").strip():
        message = "A status report is published with the manager's narrative."
        raise RuleViolation({"narrative": message}, detail=message)
