"""Non-conformances: what a failed check opens, how its status changes, and what closing needs."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from services.delivery.domain.checklists import CheckOutcome
from services.delivery.domain.choices import coerce_choice
from services.delivery.domain.status import NON_CONFORMANCE_STATUS, NonConformanceStatus
from shared.errors import RuleViolation


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


@dataclass(frozen=True)
class NonConformance:
    """A recorded failure to meet a requirement, and what is done about it."""

    severity: Severity
    description: str
    owner: str
    corrective_action: str = ""
    preventive_action: str = ""
    status: NonConformanceStatus = NonConformanceStatus.OPEN

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", coerce_choice(Severity, self.severity, "severity"))
        object.__setattr__(
            self, "status", coerce_choice(NonConformanceStatus, self.status, "status")
        )
        for field in ("description", "owner"):
            if not getattr(self, field).strip():
                raise RuleViolation({field: "must not be empty"})


def opened_for_failed_check(
    given: Mapping | None, outcome: CheckOutcome, inspector: str
) -> NonConformance:
    """The non-conformance a failed check opens: what the inspector gave, else severity major,
    the inspector as owner and a description listing the failed items."""
    given = given or {}
    failed = "; ".join(item.description for item in outcome.failed)
    return NonConformance(
        severity=given.get("severity", "major"),
        description=given.get("description") or f"Failed quality control: {failed}",
        owner=given.get("owner") or inspector,
        corrective_action=given.get("corrective_action", ""),
        preventive_action=given.get("preventive_action", ""),
    )


def transition_non_conformance(
    non_conformance: NonConformance, target: NonConformanceStatus | str
) -> NonConformance:
    """The non-conformance in its `target` status, if an action leads there from its status.

    Closing needs a corrective action, and a major or critical one also a preventive action,
    because closing is the claim that the cause was dealt with.
    """
    target = coerce_choice(NonConformanceStatus, target, "status")
    action = NON_CONFORMANCE_STATUS.action_to(non_conformance.status, target)
    if action == "close":
        check_closable(non_conformance)
    return replace(non_conformance, status=target)


def edited_non_conformance(non_conformance: NonConformance, changes: Mapping) -> NonConformance:
    """The non-conformance with `changes` (fields, and `status` to move it) applied.

    A closed one may be edited, but not out of what closing it required.
    """
    edited = replace(
        non_conformance, **{field: value for field, value in changes.items() if field != "status"}
    )
    if "status" in changes and changes["status"] != non_conformance.status:
        return transition_non_conformance(edited, changes["status"])
    if edited.status is NonConformanceStatus.CLOSED:
        check_closable(edited)
    return edited


def check_closable(non_conformance: NonConformance) -> None:
    """RuleViolation unless the non-conformance has the actions closing it needs.

    Checked when it is closed, and again whenever a closed one is edited, so that it cannot
    lose them afterwards.
    """
    missing = {}
    if not non_conformance.corrective_action.strip():
        missing["corrective_action"] = "needed to close a non-conformance"
    if (
        non_conformance.severity is not Severity.MINOR
        and not non_conformance.preventive_action.strip()
    ):
        missing["preventive_action"] = (
            f"needed to close a {non_conformance.severity.value} non-conformance"
        )
    if missing:
        raise RuleViolation(missing)
