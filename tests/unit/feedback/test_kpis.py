"""Unit tests of the order read model folded from events and the KPIs computed from it."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.feedback.domain.kpis import (
    STAGE_TRANSITIONS,
    OrderFacts,
    apply_event,
    compute_kpis,
    kpi_trend,
    recent_months,
    status_history,
)


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def event(kind: str, order_id: str, time: datetime, **fields):
    return f"ordo.{kind}", {"order_id": order_id, **fields}, time


CR1 = {"change_request_id": "cr1", "schedule_impact_days": 10, "new_due_date": "2026-02-25"}

# A scripted stream as the broker might hand it over: redelivered duplicates, and events
# arriving after ones they caused (A's acceptance before its submission, E's confirmation before
# its creation, an older rebaseline of B after a newer one).
EVENTS = [
    # Order A, customer c1: due date moved by a change request, accepted on time, first pass.
    event("order.created", "A", at(1, 5, 9), customer_id="c1", due_date="2026-02-20"),
    event("order.confirmed", "A", at(1, 7, 9), due_date="2026-02-15"),
    event("plan.activated", "A", at(1, 9, 9)),
    event("order.change_approved", "A", at(1, 20), **CR1),
    event("order.change_approved", "A", at(1, 20), **CR1),
    event("plan.rebaselined", "A", at(1, 21), slip_days=3),
    event("delivery.accepted", "A", at(2, 23, 9)),
    event("delivery.submitted", "A", at(2, 19, 9)),
    event("feedback.received", "A", at(2, 24), csat=5, nps=10),
    event("retrospective.completed", "A", at(2, 27, 9)),
    event("order.closed", "A", at(2, 27, 10)),
    # Order B, customer c2: rejected once (delivered twice), accepted late, unhappy.
    event("order.created", "B", at(1, 12), customer_id="c2"),
    event("order.confirmed", "B", at(1, 14, 12), due_date="2026-02-10"),
    event("plan.activated", "B", at(1, 15, 12)),
    event("delivery.submitted", "B", at(2, 5, 12)),
    event("delivery.rejected", "B", at(2, 7, 12)),
    event("delivery.rejected", "B", at(2, 7, 12)),
    event("plan.rebaselined", "B", at(2, 8), slip_days=4),
    event("plan.rebaselined", "B", at(2, 6), slip_days=2),
    event("delivery.submitted", "B", at(2, 12, 12)),
    event("delivery.accepted", "B", at(2, 14, 12)),
    event("feedback.received", "B", at(2, 15), csat=2, nps=6),
    event("feedback.received", "B", at(2, 15), csat=2, nps=6),
    # Order C, customer c1: two change requests, delivered, rejected: back in progress.
    event("order.created", "C", at(2, 3), customer_id="c1", due_date="2026-03-01"),
    event("order.confirmed", "C", at(2, 4)),
    event("plan.activated", "C", at(2, 6)),
    event("order.change_approved", "C", at(2, 10), change_request_id="cr2", schedule_impact_days=0),
    event("order.change_approved", "C", at(2, 12), change_request_id="cr3", schedule_impact_days=0),
    event("plan.status_changed", "C", at(2, 15), status="at_risk"),
    event("delivery.submitted", "C", at(2, 20)),
    event("delivery.rejected", "C", at(2, 22)),
    # Order D, customer c2: created twice (redelivery), then cancelled.
    event("order.created", "D", at(2, 10), customer_id="c2"),
    event("order.created", "D", at(2, 10), customer_id="c2"),
    event("order.cancelled", "D", at(2, 11)),
    # Order E, customer c3: its confirmation overtakes its creation.
    event("order.confirmed", "E", at(2, 16, 8), customer_id="c3"),
    event("order.created", "E", at(2, 15, 8), customer_id="c3"),
]


def fold(events) -> dict[str, OrderFacts]:
    facts: dict[str, OrderFacts] = {}
    for event_type, data, time in events:
        apply_event(facts, event_type, data, time)
    return facts


@pytest.fixture
def facts() -> dict[str, OrderFacts]:
    return fold(EVENTS)


def test_the_scripted_stream_yields_the_hand_computed_kpis(facts):
    kpis = compute_kpis(facts)

    assert kpis.order_count == 5
    assert kpis.orders_by_status == {
        "draft": 0,
        "confirmed": 1,  # E
        "in_progress": 1,  # C, rejected
        "delivered": 0,
        "accepted": 1,  # B
        "closed": 1,  # A
        "cancelled": 1,  # D
    }
    assert kpis.accepted_count == 2
    # A accepted 23 Feb, due 25 Feb after cr1; B accepted 14 Feb, due 10 Feb: 1 of 2.
    assert kpis.on_time_rate == 50.0
    # A first time, B after a rejection: 1 of 2.
    assert kpis.first_pass_acceptance_rate == 50.0
    # A 1 + C 2 change requests over 5 orders.
    assert kpis.change_requests_per_order == 0.6
    assert kpis.mean_stage_days == {
        "created_to_confirmed": 1.6,  # A 2, B 2.5, C 1, E 1: 6.5 / 4 = 1.625
        "confirmed_to_activated": 1.7,  # A 2, B 1, C 2: 5 / 3
        "activated_to_delivered": 25.3,  # A 41, B 21, C 14: 76 / 3 (first delivery counts)
        "delivered_to_accepted": 6.5,  # A 4, B 9 (from the first delivery, rework included)
        "accepted_to_closed": 4.0,  # A, by the retrospective, before the manual close
    }
    # A 3, B 4 (the newest rebaseline), C 0: over the three activated orders.
    assert kpis.mean_schedule_slip_days == 2.3
    assert kpis.feedback_count == 2
    assert kpis.csat == 50.0  # 5 and 2
    assert kpis.nps == 0.0  # one promoter (10), one detractor (6)


def test_kpis_per_customer_are_hand_computed(facts):
    by_customer = compute_kpis(facts, group_by="customer")

    assert list(by_customer) == ["c1", "c2", "c3"]
    c1, c2, c3 = by_customer.values()
    assert (c1.order_count, c1.on_time_rate, c1.first_pass_acceptance_rate) == (2, 100.0, 100.0)
    assert (c1.change_requests_per_order, c1.mean_schedule_slip_days) == (1.5, 1.5)
    assert (c1.csat, c1.nps) == (100.0, 100.0)
    assert (c2.order_count, c2.on_time_rate, c2.first_pass_acceptance_rate) == (2, 0.0, 0.0)
    assert (c2.change_requests_per_order, c2.mean_schedule_slip_days) == (0.0, 4.0)
    assert (c2.csat, c2.nps) == (0.0, -100.0)
    assert c3.orders_by_status["confirmed"] == 1
    assert (c3.on_time_rate, c3.csat, c3.nps, c3.mean_schedule_slip_days) == (None,) * 4


def test_kpis_per_month_group_orders_by_month_of_creation(facts):
    by_month = compute_kpis(facts, group_by="month")

    assert {month: kpis.order_count for month, kpis in by_month.items()} == {
        "2026-01": 2,  # A, B
        "2026-02": 3,  # C, D, E
    }
    assert by_month["2026-01"].accepted_count == 2
    assert by_month["2026-02"].accepted_count == 0


def test_the_trend_has_one_point_per_month_asked_for_with_none_where_nothing_is_known(facts):
    trend = kpi_trend(facts, ["2025-12", "2026-01", "2026-02"])

    assert [point.month for point in trend] == ["2025-12", "2026-01", "2026-02"]
    empty, january, february = (point.kpis for point in trend)
    assert empty.order_count == 0
    assert empty.on_time_rate is None
    assert empty.change_requests_per_order is None
    assert empty.nps is None
    assert set(empty.mean_stage_days) == set(STAGE_TRANSITIONS)
    assert all(days is None for days in empty.mean_stage_days.values())
    assert (january.order_count, january.on_time_rate, january.nps) == (2, 50.0, 0.0)
    assert (february.order_count, february.change_requests_per_order) == (3, 0.7)


def test_an_order_accepted_before_its_submission_arrives_still_gets_its_stage_times(facts):
    order = facts["A"]
    assert order.delivered_at == at(2, 19, 9)
    assert order.accepted_at == at(2, 23, 9)
    assert order.status == "closed"


def test_the_earliest_time_of_a_stage_wins(facts):
    assert facts["A"].closed_at == at(2, 27, 9)
    assert facts["B"].delivered_at == at(2, 5, 12)
    assert facts["B"].last_submitted_at == at(2, 12, 12)


def test_a_duplicate_rejection_counts_once(facts):
    assert facts["B"].rejected_at == {at(2, 7, 12)}
    assert not facts["B"].first_pass_accepted


def test_a_duplicate_change_request_counts_once(facts):
    assert facts["A"].change_request_count == 1
    assert facts["C"].change_request_count == 2


def test_an_approved_change_request_moves_the_due_date(facts):
    assert facts["A"].original_due_date == date(2026, 2, 15)
    assert facts["A"].due_date == date(2026, 2, 25)
    assert facts["C"].due_date == date(2026, 3, 1)


def test_the_due_date_agreed_at_confirmation_beats_the_draft_one(facts):
    # A's draft said 20 Feb, its confirmation 15 Feb.
    assert facts["A"].original_due_date == date(2026, 2, 15)


def test_an_older_rebaseline_arriving_late_does_not_replace_the_newer_slip(facts):
    assert facts["B"].schedule_slip_days == 4


def test_a_creation_arriving_after_the_confirmation_still_sets_the_month(facts):
    assert facts["E"].month == "2026-02"
    assert facts["E"].status == "confirmed"


def test_the_latest_change_request_sets_the_due_date_whatever_the_arrival_order():
    later = {"order_id": "X", "change_request_id": "2", "new_due_date": "2026-05-20"}
    earlier = {"order_id": "X", "change_request_id": "1", "new_due_date": "2026-05-10"}
    facts = fold(
        [
            ("ordo.order.change_approved", later, at(3, 2)),
            ("ordo.order.change_approved", earlier, at(3, 1)),
        ]
    )
    assert facts["X"].due_date == date(2026, 5, 20)


def test_a_resubmitted_delivery_is_delivered_again_after_its_rejection():
    facts = fold(
        [
            ("ordo.delivery.submitted", {"order_id": "X"}, at(3, 1)),
            ("ordo.delivery.rejected", {"order_id": "X"}, at(3, 2)),
        ]
    )
    assert facts["X"].status == "in_progress"
    apply_event(facts, "ordo.delivery.submitted", {"order_id": "X"}, at(3, 5))
    assert facts["X"].status == "delivered"


def test_the_latest_feedback_replaces_an_earlier_one():
    facts = fold(
        [
            ("ordo.feedback.received", {"order_id": "X", "csat": 5, "nps": 9}, at(3, 9)),
            ("ordo.feedback.received", {"order_id": "X", "csat": 1, "nps": 2}, at(3, 2)),
        ]
    )
    assert (facts["X"].csat, facts["X"].nps) == (5, 9)


@pytest.mark.parametrize("retrospective_first", [False, True])
def test_a_completed_retrospective_leaves_a_cancelled_order_cancelled(retrospective_first):
    stream = [
        event("order.created", "X", at(3, 1)),
        event("order.cancelled", "X", at(3, 2)),
        event("retrospective.completed", "X", at(3, 5)),
    ]
    if retrospective_first:
        stream.reverse()

    facts = fold(stream)["X"]

    assert facts.status == "cancelled"
    assert [status for status, _ in status_history(facts)] == ["draft", "cancelled"]
    assert compute_kpis([facts]).orders_by_status["closed"] == 0


def test_events_that_carry_no_kpi_are_ignored():
    facts: dict[str, OrderFacts] = {}
    assert apply_event(facts, "ordo.milestone.reached", {"order_id": "X"}, at(3, 1)) is None
    assert facts == {}


def test_an_event_without_an_order_id_is_refused():
    with pytest.raises(ValueError, match="order_id"):
        apply_event({}, "ordo.order.created", {"customer_id": "c1"}, at(3, 1))


def test_out_of_range_feedback_is_refused():
    with pytest.raises(ValueError, match="nps"):
        apply_event({}, "ordo.feedback.received", {"order_id": "X", "csat": 5, "nps": 11}, at(3, 1))


def test_an_accepted_order_without_a_due_date_is_left_out_of_the_on_time_rate():
    facts = fold([("ordo.delivery.accepted", {"order_id": "X"}, at(3, 1))])
    assert compute_kpis(facts).on_time_rate is None
    assert compute_kpis(facts).first_pass_acceptance_rate == 100.0


def test_acceptance_on_the_due_date_is_on_time():
    facts = fold(
        [
            ("ordo.order.confirmed", {"order_id": "X", "due_date": "2026-03-01"}, at(2, 1)),
            ("ordo.delivery.accepted", {"order_id": "X"}, at(3, 1, 23)),
        ]
    )
    assert compute_kpis(facts).on_time_rate == 100.0


def test_kpis_of_no_orders_are_empty_not_zero():
    kpis = compute_kpis([])
    assert kpis.order_count == 0
    assert (kpis.on_time_rate, kpis.csat, kpis.nps, kpis.mean_schedule_slip_days) == (None,) * 4


def test_an_unknown_grouping_is_refused(facts):
    with pytest.raises(ValueError, match="group_by"):
        compute_kpis(facts, group_by="region")


def test_recent_months_run_oldest_first_across_the_new_year():
    assert recent_months(date(2026, 2, 14), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


@settings(max_examples=60, deadline=None)
@given(st.permutations(EVENTS + EVENTS[::3]))
def test_any_arrival_order_with_redeliveries_folds_to_the_same_facts(events):
    assert fold(events) == fold(EVENTS)


def test_ids_and_dates_loaded_by_a_schema_are_read_like_their_json_form():
    order_id, customer_id = uuid4(), uuid4()
    data = {"order_id": order_id, "customer_id": customer_id, "due_date": date(2026, 4, 1)}
    facts = fold([("ordo.order.created", data, at(3, 1))])
    assert facts[str(order_id)].customer_id == str(customer_id)
    assert facts[str(order_id)].due_date == date(2026, 4, 1)
