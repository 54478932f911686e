"""The order status machine, exactly as the architecture draws it."""

import pytest

from services.orders.domain.status import ORDER_STATUS, order_number, roles_to_cancel
from shared.errors import TransitionNotAllowed

STATUSES = ORDER_STATUS.statuses
DRAWN = {
    ("draft", "submit"): "submitted",
    ("submitted", "approve"): "confirmed",
    ("submitted", "request_changes"): "draft",
    ("confirmed", "start"): "in_progress",
    ("in_progress", "hold"): "on_hold",
    ("on_hold", "resume"): "in_progress",
    ("in_progress", "deliver"): "delivered",
    ("delivered", "accept"): "accepted",
    ("delivered", "reject_delivery"): "in_progress",
    ("accepted", "close"): "closed",
    ("in_progress", "close"): "closed",
    ("delivered", "close"): "closed",
    ("draft", "cancel"): "cancelled",
    ("submitted", "cancel"): "cancelled",
    ("confirmed", "cancel"): "cancelled",
    ("in_progress", "cancel"): "cancelled",
}
FORBIDDEN = [
    (status, action)
    for status in STATUSES
    for action in ORDER_STATUS.moves
    if (status, action) not in DRAWN
]


@pytest.mark.parametrize(("status", "action"), list(DRAWN), ids=lambda v: str(v))
def test_every_drawn_transition_is_allowed(status, action):
    assert ORDER_STATUS.next_status(status, action) == DRAWN[(status, action)]


@pytest.mark.parametrize(("status", "action"), FORBIDDEN, ids=lambda v: str(v))
def test_every_other_transition_is_refused_naming_status_and_allowed_actions(status, action):
    with pytest.raises(TransitionNotAllowed) as refused:
        ORDER_STATUS.next_status(status, action)
    assert refused.value.status == status
    assert action not in refused.value.allowed_actions
    assert status in str(refused.value)


def test_a_refusal_reads_as_a_sentence_and_lists_the_allowed_actions():
    with pytest.raises(TransitionNotAllowed) as refused:
        ORDER_STATUS.next_status("draft", "approve")
    assert refused.value.detail == "Cannot approve an order that is draft."
    assert refused.value.extra == {
        "current_status": "draft",
        "allowed_actions": ["cancel", "edit_requirements", "submit", "update"],
    }


def test_the_machine_has_no_transition_the_design_does_not_draw():
    drawn = {(s, a) for s, a in DRAWN}
    assert {(s, a) for a, table in ORDER_STATUS.moves.items() for s in table} == drawn


def test_the_foundation_confirm_shortcut_is_gone():
    assert "confirm" not in ORDER_STATUS.actions


def test_closed_and_cancelled_allow_nothing():
    assert ORDER_STATUS.allowed_actions("closed") == []
    assert ORDER_STATUS.allowed_actions("cancelled") == []
    assert set(ORDER_STATUS.final_statuses) == {"closed", "cancelled"}


def test_requirements_are_edited_only_in_draft_and_orders_updated_until_confirmed():
    assert ORDER_STATUS.next_status("draft", "edit_requirements") == "draft"
    with pytest.raises(TransitionNotAllowed):
        ORDER_STATUS.require("submitted", "edit_requirements")
    assert {s for s in STATUSES if "update" in ORDER_STATUS.allowed_actions(s)} == {
        "draft",
        "submitted",
    }


def test_change_requests_are_allowed_on_confirmed_in_progress_and_delivered_orders():
    assert {s for s in STATUSES if "request_change" in ORDER_STATUS.allowed_actions(s)} == {
        "confirmed",
        "in_progress",
        "delivered",
    }


def test_a_submitted_order_offers_review_approve_request_changes_update_and_cancel():
    assert ORDER_STATUS.allowed_actions("submitted") == [
        "approve",
        "cancel",
        "request_changes",
        "review",
        "update",
    ]


def test_the_service_alone_starts_and_delivers_an_order():
    for action in ("start", "deliver", "accept", "reject_delivery"):
        assert ORDER_STATUS.roles_for(action) == ()


def test_only_a_manager_approves_holds_resumes_closes_and_decides_changes():
    for action in ("approve", "hold", "resume", "close", "decide_change"):
        assert ORDER_STATUS.roles_for(action) == ("manager",)


def test_sales_cancels_before_confirmation_and_only_a_manager_after():
    assert roles_to_cancel("draft") == roles_to_cancel("submitted") == ("sales", "manager")
    assert roles_to_cancel("confirmed") == roles_to_cancel("in_progress") == ("manager",)


def test_order_numbers_are_readable_and_zero_padded():
    assert order_number(2026, 42) == "ORD-2026-00042"
