"""Requirement review: what a submission needs, which decisions a review may record, when the
reviewers' decisions allow approval, and where sending the order back leaves each requirement.

A reviewer's latest decision on a requirement counts; one reviewer asking for changes outweighs
the others approving. Two parties decide: the staff reviewers and the customer (on the portal).
Approval needs every live requirement approved by the staff in the current round, and agreed
by the customer — unless the manager overrides the customer's side with a recorded reason.
A requirement sent back (changes requested) must be revised before it is submitted again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict, RuleViolation

APPROVED, CHANGES_REQUESTED = "approved", "changes_requested"
DECISIONS = (APPROVED, CHANGES_REQUESTED)
STAFF, CUSTOMER = "staff", "customer"


@dataclass(frozen=True)
class Decision:
    requirement_id: object
    reviewer: str
    decision: str
    decided_at: datetime
    party: str = STAFF


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


def approval_blockers(
    requirement_ids: Iterable[object],
    decisions: Iterable[Decision],
    customer_overridden: bool = False,
) -> dict:
    """The requirements that keep the order from approval, each with the reasons."""
    decisions = list(decisions)
    staff = verdicts(d for d in decisions if d.party == STAFF)
    customer = verdicts(d for d in decisions if d.party == CUSTOMER)
    blockers = {}
    for requirement_id in requirement_ids:
        reasons = []
        if requirement_id not in staff:
            reasons.append("No reviewer has decided on it yet.")
        elif staff[requirement_id] == CHANGES_REQUESTED:
            reasons.append("A reviewer requested changes.")
        if not customer_overridden and requirement_id not in customer:
            reasons.append("The customer has not agreed to it yet.")
        elif not customer_overridden and customer[requirement_id] == CHANGES_REQUESTED:
            reasons.append("The customer asked for a change.")
        if reasons:
            blockers[str(requirement_id)] = " ".join(reasons)
    return blockers


def unchanged_since_sent_back(requirements: Iterable[tuple[object, int, int | None]]) -> list:
    """The requirements (id, revision, revision sent back) submitted again without a revision."""
    return [
        requirement_id
        for requirement_id, revision, sent_back in requirements
        if sent_back is not None and revision <= sent_back
    ]


def check_resubmission(requirements: Iterable[tuple[object, int, int | None]]) -> None:
    """Conflict (naming them) when a requirement sent back is submitted again unchanged."""
    unchanged = unchanged_since_sent_back(requirements)
    if unchanged:
        raise Conflict(
            "Requirements sent back in review must be revised before the order is submitted again.",
            unchanged_requirements=[str(requirement_id) for requirement_id in unchanged],
        )


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


def check_approval(
    requirement_ids: Iterable[object],
    decisions: Iterable[Decision],
    customer_overridden: bool = False,
) -> None:
    """Conflict (naming the `blockers`) unless every requirement is approved by the staff and
    agreed by the customer (or the customer's side is overridden)."""
    blockers = approval_blockers(requirement_ids, decisions, customer_overridden)
    if blockers:
        raise Conflict(
            "Every requirement needs the reviewers' approval and the customer's agreement "
            "first (or a manager's override of the customer's side, with a reason).",
            blockers=blockers,
        )


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
