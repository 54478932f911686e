"""Unit tests of the status machines of deliverables, packages, non-conformances, punch items."""

import pytest

from services.delivery.domain.status import (
    DELIVERABLE_STATUS,
    FINAL_DELIVERABLE_STATUSES,
    NON_CONFORMANCE_STATUS,
    PACKAGE_STATUS,
    PUNCH_ITEM_STATUS,
    DeliverableStatus,
    NonConformanceStatus,
    PackageStatus,
    require_inspectable,
    require_package,
    status_after_check,
    status_after_criteria_change,
)
from shared.errors import TransitionNotAllowed


def walk(*actions):
    current = DeliverableStatus.PENDING.value
    for action in actions:
        current = DELIVERABLE_STATUS.next_status(current, action)
    return current


def test_a_deliverable_goes_from_pending_through_qc_and_delivery_to_accepted():
    assert walk("mark_ready", "pass_check", "deliver", "accept") == DeliverableStatus.ACCEPTED


def test_a_failed_deliverable_is_reinspected_after_rework():
    assert walk("mark_ready", "fail_check", "mark_ready", "pass_check") == DeliverableStatus.PASSED


def test_a_failed_or_rejected_deliverable_may_be_reinspected_directly():
    assert walk("mark_ready", "fail_check", "pass_check") == DeliverableStatus.PASSED
    rejected = walk("mark_ready", "pass_check", "deliver", "reject")
    assert status_after_check(rejected, passed=False) == DeliverableStatus.FAILED


def test_a_rejected_deliverable_goes_back_to_quality_control():
    status = walk("mark_ready", "pass_check", "deliver", "reject", "mark_ready")

    assert status == DeliverableStatus.READY_FOR_QC


def test_a_forbidden_action_lists_the_allowed_action_names():
    with pytest.raises(TransitionNotAllowed) as refused:
        DELIVERABLE_STATUS.next_status("pending", "deliver")

    assert refused.value.status == "pending"
    assert refused.value.allowed_actions == ["cancel", "mark_ready", "withdraw"]
    assert refused.value.extra == {
        "current_status": "pending",
        "allowed_actions": ["cancel", "mark_ready", "withdraw"],
    }
    assert refused.value.detail == "Cannot deliver a deliverable that is pending."


def test_a_deliverable_cannot_skip_quality_control_on_the_way_to_delivery():
    with pytest.raises(TransitionNotAllowed):
        DELIVERABLE_STATUS.next_status("failed", "deliver")


def test_a_pending_deliverable_cannot_be_inspected_and_says_what_it_may_do():
    with pytest.raises(TransitionNotAllowed) as refused:
        require_inspectable("pending")

    assert refused.value.detail == (
        "A pending deliverable cannot be inspected; it must be ready for quality control, "
        "or reworked after a failure or rejection."
    )
    assert refused.value.extra["allowed_actions"] == ["cancel", "mark_ready", "withdraw"]


@pytest.mark.parametrize("final", sorted(FINAL_DELIVERABLE_STATUSES))
def test_final_statuses_allow_nothing(final):
    assert DELIVERABLE_STATUS.allowed_actions(final) == []
    assert final in DELIVERABLE_STATUS.final_statuses
    with pytest.raises(TransitionNotAllowed) as refused:
        DELIVERABLE_STATUS.next_status(final, "mark_ready")
    assert refused.value.allowed_actions == []


@pytest.mark.parametrize("status", sorted(set(DeliverableStatus) - FINAL_DELIVERABLE_STATUSES))
def test_every_non_final_status_can_be_cancelled_or_withdrawn(status):
    assert DELIVERABLE_STATUS.next_status(status, "cancel") == DeliverableStatus.CANCELLED
    assert DELIVERABLE_STATUS.next_status(status, "withdraw") == DeliverableStatus.WITHDRAWN


def test_every_status_is_known_to_its_machine():
    assert set(DELIVERABLE_STATUS.statuses) == set(DeliverableStatus)
    assert set(PACKAGE_STATUS.statuses) == set(PackageStatus)
    assert set(NON_CONFORMANCE_STATUS.statuses) == set(NonConformanceStatus)


def test_no_action_leads_a_deliverable_to_an_unknown_status():
    with pytest.raises(TransitionNotAllowed):
        DELIVERABLE_STATUS.action_to("pending", "shipped")


@pytest.mark.parametrize("status", ["passed", "failed", "rejected"])
def test_a_change_of_criteria_sends_a_judged_deliverable_back_to_quality_control(status):
    assert status_after_criteria_change(status) == DeliverableStatus.READY_FOR_QC


@pytest.mark.parametrize("status", ["pending", "ready_for_qc", "delivered", "accepted"])
def test_a_change_of_criteria_leaves_an_unjudged_or_handed_over_deliverable_alone(status):
    assert status_after_criteria_change(status) == status


def test_a_package_is_submitted_then_decided_by_the_customer():
    assert PACKAGE_STATUS.next_status("draft", "submit") == "submitted"
    for decision in ("accepted", "conditionally_accepted", "rejected"):
        action = PACKAGE_STATUS.action_to("submitted", decision)
        assert PACKAGE_STATUS.next_status("submitted", action) == decision
        assert PACKAGE_STATUS.roles_for(action) == ("customer",)


def test_only_a_submitted_package_gets_a_new_link_and_keeps_its_status():
    assert PACKAGE_STATUS.next_status("submitted", "reissue_link") == "submitted"
    with pytest.raises(TransitionNotAllowed) as refused:
        require_package("accepted", "reissue_link", "Not this one.")
    assert (refused.value.detail, refused.value.allowed_actions) == ("Not this one.", [])


def test_a_draft_or_submitted_package_is_cancelled_with_its_order():
    assert PACKAGE_STATUS.next_status("draft", "cancel") == "cancelled"
    assert PACKAGE_STATUS.next_status("submitted", "cancel") == "cancelled"
    assert PACKAGE_STATUS.allowed_actions("draft") == ["cancel", "submit"]


def test_a_non_conformance_is_started_closed_and_reopened():
    assert NON_CONFORMANCE_STATUS.allowed_actions("open") == ["close", "start"]
    assert NON_CONFORMANCE_STATUS.action_to("in_progress", "closed") == "close"
    assert NON_CONFORMANCE_STATUS.action_to("closed", "open") == "reopen"


def test_a_punch_item_is_closed_when_done_and_may_be_reopened():
    assert PUNCH_ITEM_STATUS.action_to("open", "done") == "close"
    assert PUNCH_ITEM_STATUS.action_to("done", "open") == "reopen"
