"""Review decisions, change requests and delivery reactions, as pure rules."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from services.orders.domain.approval import (
    Decision,
    approval_blockers,
    check_resubmission,
    submission_problems,
    unchanged_since_sent_back,
    verdicts,
)
from services.orders.domain.change_impact import (
    ChangeRefused,
    check_changes,
    new_due_date,
    new_value,
)
from services.orders.domain.deliveries import DeliveryState, catch_up_moves, react
from shared.errors import Conflict

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def decision(requirement, reviewer, verdict, minutes=0):
    return Decision(requirement, reviewer, verdict, T0 + timedelta(minutes=minutes))


def test_an_order_without_requirements_cannot_be_submitted():
    assert submission_problems({}) == [
        "An order needs at least one requirement before it is submitted."
    ]


def test_each_requirement_needs_an_acceptance_criterion_before_submission():
    problems = submission_problems({"r1": 2, "r2": 0})
    assert problems == ["Requirement r2 has no acceptance criterion."]
    assert submission_problems({"r1": 1}) == []


def test_a_reviewers_later_decision_replaces_their_earlier_one():
    decisions = [decision("r1", "ann", "changes_requested"), decision("r1", "ann", "approved", 5)]
    assert verdicts(decisions) == {"r1": "approved"}


def test_one_reviewer_asking_for_changes_outweighs_another_approving():
    decisions = [decision("r1", "ann", "approved"), decision("r1", "bob", "changes_requested", 1)]
    assert verdicts(decisions) == {"r1": "changes_requested"}


def test_approval_is_blocked_by_undecided_and_challenged_requirements():
    decisions = [decision("r1", "ann", "approved"), decision("r2", "ann", "changes_requested")]
    assert approval_blockers(["r1", "r2", "r3"], decisions, customer_overridden=True) == {
        "r2": "A reviewer requested changes.",
        "r3": "No reviewer has decided on it yet.",
    }


def test_approval_needs_the_customers_agreement_on_each_requirement():
    decisions = [
        decision("r1", "ann", "approved"),
        decision("r2", "ann", "approved"),
        Decision("r1", "customer", "approved", T0, party="customer"),
        Decision("r2", "customer", "changes_requested", T0, party="customer"),
    ]
    assert approval_blockers(["r1", "r2"], decisions) == {"r2": "The customer asked for a change."}
    assert approval_blockers(["r1", "r2"], decisions[:2]) == {
        "r1": "The customer has not agreed to it yet.",
        "r2": "The customer has not agreed to it yet.",
    }
    assert approval_blockers(["r1", "r2"], decisions, customer_overridden=True) == {}


def test_a_requirement_sent_back_must_be_revised_before_it_is_submitted_again():
    assert unchanged_since_sent_back([("r1", 2, 2), ("r2", 3, 2), ("r3", 1, None)]) == ["r1"]
    with pytest.raises(Conflict) as refused:
        check_resubmission([("r1", 2, 2)])
    assert refused.value.extra["unchanged_requirements"] == ["r1"]


def test_changes_must_name_live_requirements_once():
    check_changes([{"action": "add"}, {"action": "modify", "requirement_id": "r1"}], ["r1"])
    with pytest.raises(ChangeRefused) as refused:
        check_changes(
            [
                {"action": "remove", "requirement_id": "r9"},
                {"action": "modify", "requirement_id": "r1"},
                {"action": "remove", "requirement_id": "r1"},
            ],
            ["r1"],
        )
    assert set(refused.value.errors) == {"0", "2"}


def test_the_due_date_moves_by_the_schedule_impact():
    assert new_due_date(date(2026, 12, 1), 10) == date(2026, 12, 11)
    assert new_due_date(date(2026, 12, 1), -1) == date(2026, 11, 30)
    assert new_due_date(None, 10) is None


def test_the_value_moves_by_the_cost_impact_but_never_below_zero():
    assert new_value(Decimal("100.00"), "EUR", Decimal("-40.00"), "EUR") == Decimal("60.00")
    assert new_value(None, "EUR", Decimal("0"), "EUR") is None
    with pytest.raises(ChangeRefused):
        new_value(Decimal("10.00"), "EUR", Decimal("-10.01"), "EUR")


def test_a_cost_impact_in_another_currency_is_refused():
    with pytest.raises(ChangeRefused) as refused:
        new_value(Decimal("100.00"), "EUR", Decimal("5.00"), "USD")
    assert "cost_impact" in refused.value.errors


def test_a_submitted_package_delivers_an_order_in_progress():
    reaction = react("in_progress", DeliveryState(), "submitted", 1)
    assert reaction.final_status == "delivered"
    assert reaction.state == DeliveryState(1, "submitted")


def test_a_stale_rejection_after_acceptance_of_the_same_package_changes_nothing():
    reaction = react("accepted", DeliveryState(1, "accepted"), "rejected", 1)
    assert not reaction.fresh and reaction.moves == ()


def test_a_decision_about_an_older_package_changes_nothing():
    reaction = react("delivered", DeliveryState(2, "submitted"), "rejected", 1)
    assert not reaction.fresh


def test_a_resent_submission_of_the_same_package_changes_nothing():
    reaction = react("accepted", DeliveryState(1, "accepted"), "submitted", 1)
    assert not reaction.fresh


def test_an_acceptance_that_overtakes_its_submission_delivers_and_accepts():
    reaction = react("in_progress", DeliveryState(), "accepted", 1)
    assert [move[0] for move in reaction.moves] == ["deliver", "accept"]
    assert reaction.final_status == "accepted"


def test_a_rework_package_after_a_rejection_is_delivered_again():
    rejected = react("delivered", DeliveryState(1, "submitted"), "rejected", 1)
    assert rejected.final_status == "in_progress"
    again = react("in_progress", rejected.state, "submitted", 2)
    assert again.final_status == "delivered"


def test_a_delivery_to_an_order_on_hold_is_remembered_but_does_not_move_it():
    reaction = react("on_hold", DeliveryState(), "submitted", 1)
    assert reaction.fresh and reaction.moves == ()
    assert reaction.state == DeliveryState(1, "submitted")


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        (DeliveryState(), []),
        (DeliveryState(1, "submitted"), ["deliver"]),
        (DeliveryState(1, "accepted"), ["deliver", "accept"]),
        (DeliveryState(1, "rejected"), []),
    ],
    ids=["nothing", "submitted", "accepted", "rejected"],
)
def test_an_order_back_in_progress_catches_up_with_the_deliveries_heard(state, actions):
    assert [move[0] for move in catch_up_moves("in_progress", state)] == actions


@pytest.mark.parametrize("status", ["on_hold", "confirmed", "delivered", "accepted", "closed"])
def test_only_an_order_in_progress_catches_up(status):
    assert catch_up_moves(status, DeliveryState(1, "accepted")) == ()
