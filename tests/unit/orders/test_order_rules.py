"""The rules that used to sit in the views and handlers: review checks, change impact, tracking."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from services.orders.domain.approval import (
    Decision,
    check_approval,
    check_decisions,
    check_submission,
    statuses_after_changes_requested,
)
from services.orders.domain.change_impact import (
    ChangeRefused,
    check_change_request,
    check_criteria,
)
from services.orders.domain.tracking import (
    is_at_risk,
    is_newer_health,
    is_newer_observation,
    replaces_plan_tasks,
)
from shared.errors import Conflict, RuleViolation

T0 = datetime(2026, 11, 1, tzinfo=UTC)
R1, R2 = uuid.uuid4(), uuid.uuid4()
C1, C2 = uuid.uuid4(), uuid.uuid4()


def request(changes, days=0, amount="0", currency="EUR"):
    return {
        "changes": changes,
        "schedule_impact_days": days,
        "cost_impact": {"amount": Decimal(amount), "currency": currency},
    }


def test_a_submission_without_criteria_is_a_conflict_listing_each_problem():
    with pytest.raises(Conflict) as refused:
        check_submission({R1: 0, R2: 2})
    assert refused.value.extra["problems"] == [f"Requirement {R1} has no acceptance criterion."]
    assert refused.value.detail == f"Requirement {R1} has no acceptance criterion."


def test_a_submission_with_a_criterion_for_each_requirement_passes():
    check_submission({R1: 1, R2: 3})


def test_decisions_about_requirements_not_in_review_are_refused_per_index():
    with pytest.raises(RuleViolation) as refused:
        check_decisions([R1, R2], [R1])
    assert refused.value.detail == "Some decisions name other requirements."
    assert refused.value.extra["errors"] == {"1": [f"The order has no requirement {R2} in review."]}


def test_approval_is_a_conflict_naming_each_blocker():
    decisions = [Decision(R1, "ann", "approved", T0)]
    with pytest.raises(Conflict) as refused:
        check_approval([R1, R2], decisions, customer_overridden=True)
    assert refused.value.detail.startswith("Every requirement needs the reviewers' approval")
    assert refused.value.extra["blockers"] == {str(R2): "No reviewer has decided on it yet."}


def test_approval_passes_when_every_requirement_is_approved_and_agreed():
    check_approval(
        [R1],
        [Decision(R1, "ann", "approved", T0), Decision(R1, "c", "approved", T0, "customer")],
    )
    check_approval([R1], [Decision(R1, "ann", "approved", T0)], customer_overridden=True)


def test_back_in_draft_only_challenged_requirements_are_changes_requested():
    decisions = [
        Decision(R1, "ann", "approved", T0),
        Decision(R2, "bob", "changes_requested", T0 + timedelta(minutes=1)),
    ]
    assert statuses_after_changes_requested([R1, R2], decisions) == {
        R1: "proposed",
        R2: "changes_requested",
    }


def test_criteria_naming_ids_the_requirement_lacks_are_refused_each_by_name():
    with pytest.raises(ChangeRefused) as refused:
        check_criteria([C1], [{"id": C1, "text": "a"}, {"id": C2, "text": "b"}, {"text": "c"}])
    assert refused.value.extra["errors"] == {"acceptance_criteria": [f"Unknown criterion {C2}."]}


def test_a_change_request_within_the_orders_limits_passes():
    change = {"action": "modify", "requirement_id": R1, "requirement": {"acceptance_criteria": []}}
    check_change_request(request([change], 5, "100"), {R1: [C1]}, date(2027, 3, 1), None, "EUR")


def test_a_change_naming_another_requirements_criterion_is_refused():
    change = {
        "action": "modify",
        "requirement_id": R1,
        "requirement": {"acceptance_criteria": [{"id": C2, "text": "x"}]},
    }
    with pytest.raises(ChangeRefused) as refused:
        check_change_request(request([change]), {R1: [C1], R2: [C2]}, None, None, "EUR")
    assert refused.value.extra["errors"] == {"0": [f"Unknown criterion {C2}."]}


def test_a_change_request_in_another_currency_is_refused():
    with pytest.raises(ChangeRefused) as refused:
        check_change_request(request([], amount="5", currency="USD"), {}, None, None, "EUR")
    assert "cost_impact" in refused.value.errors


def test_older_plan_health_changes_nothing_but_unversioned_health_always_counts():
    assert is_newer_health(3, 2) and not is_newer_health(2, 2) and is_newer_health(0, 5)


def test_a_plan_off_track_or_at_risk_flags_the_order():
    assert is_at_risk("at_risk") and is_at_risk("off_track") and not is_at_risk("on_track")


def test_plan_tasks_of_an_older_plan_version_or_without_tasks_are_not_taken():
    assert replaces_plan_tasks(2, [1, 2], says_tasks=True)
    assert not replaces_plan_tasks(1, [2], says_tasks=True)
    assert not replaces_plan_tasks(3, [2], says_tasks=False)


def test_news_older_than_what_a_deliverable_shows_is_ignored():
    assert is_newer_observation(T0, None)
    assert is_newer_observation(T0, T0)
    assert not is_newer_observation(T0, T0 + timedelta(seconds=1))
