"""Requirement review: what a submission needs, which decisions a review may record, when the
reviewers' decisions allow approval, and where sending the order back leaves each requirement.

A reviewer's latest decision on a requirement counts; one reviewer asking for changes outweighs
the others approving. Approval needs every live requirement approved in the current round.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, RuleViolation

APPROVED, CHANGES_REQUESTED = "approved", "changes_requested"
DECISIONS = (APPROVED, CHANGES_REQUESTED)


@dataclass(frozen=True)
class Decision:
    requirement_id: object
    reviewer: str
    decision: str
    decided_at: datetime


def submission_problems(criteria_counts: dict[object, int]) -> list[str]:
    """Why an order with these requirements (id -> number of criteria) cannot be submitted."""
    if not criteria_counts:
        return ["An order needs at least one requirement before it is submitted."]
    return [
        f"Requirement {requirement_id} has no acceptance criterion."
        for requirement_id, count in criteria_counts.items()
        if count < 1
    ]


def verdicts(decisions: Iterable[Decision]) -> dict[object, str]:
    """Per requirement: changes_requested if any reviewer's latest decision asks for changes."""
    latest: dict[tuple[object, str], Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.decided_at):
        latest[(decision.requirement_id, decision.reviewer)] = decision
    result: dict[object, str] = {}
    for (requirement_id, _reviewer), decision in latest.items():
        if result.get(requirement_id) != CHANGES_REQUESTED:
            result[requirement_id] = decision.decision
    return result


def approval_blockers(requirement_ids: Iterable[object], decisions: Iterable[Decision]) -> dict:
    """The requirements that keep the order from approval, each with the reason."""
    verdict = verdicts(decisions)
    blockers = {}
    for requirement_id in requirement_ids:
        if requirement_id not in verdict:
            blockers[str(requirement_id)] = "No reviewer has decided on it yet."
        elif verdict[requirement_id] == CHANGES_REQUESTED:
            blockers[str(requirement_id)] = "A reviewer requested changes."
    return blockers


def check_submission(criteria_counts: dict[object, int]) -> None:
    """Conflict (listing the `problems`) unless the order may go to review."""
    problems = submission_problems(criteria_counts)
    if problems:
        raise Conflict(" ".join(problems), problems=problems)


def check_decisions(requirement_ids: list[object], in_review: Iterable[object]) -> None:
    """Refuse decisions about requirements that are not in review on this order."""
    live = set(in_review)
    unknown = {
        str(index): f"The order has no requirement {requirement_id} in review."
        for index, requirement_id in enumerate(requirement_ids)
        if requirement_id not in live
    }
    if unknown:
        raise RuleViolation(unknown, "Some decisions name other requirements.")


def check_approval(requirement_ids: Iterable[object], decisions: Iterable[Decision]) -> None:
    """Conflict (naming the `blockers`) unless every requirement has an approving decision."""
    blockers = approval_blockers(requirement_ids, decisions)
    if blockers:
        raise Conflict("Every requirement needs an approving decision first.", blockers=blockers)


def statuses_after_changes_requested(
    requirement_ids: Iterable[object], decisions: Iterable[Decision]
) -> dict[object, str]:
    """Back in draft, a requirement a reviewer challenged is changes_requested, others proposed."""
    verdict = verdicts(decisions)
    return {
        requirement_id: (
            CHANGES_REQUESTED if verdict.get(requirement_id) == CHANGES_REQUESTED else "proposed"
        )
        for requirement_id in requirement_ids
    }
