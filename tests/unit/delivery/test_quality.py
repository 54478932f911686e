"""Unit tests of the delivery quality checks, non-conformances and deliverable statuses."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.delivery.domain import (
    DELIVERABLE_TRANSITIONS,
    FINAL_DELIVERABLE_STATUSES,
    Criterion,
    DeliverableStatus,
    ItemResult,
    NonConformance,
    NonConformanceStatus,
    RuleViolation,
    Severity,
    StandardItem,
    Tolerance,
    TransitionNotAllowed,
    UnansweredItems,
    allowed_deliverable_transitions,
    build_checklist,
    evaluate,
    record_result,
    status_after_check,
    status_after_criteria_change,
    transition_deliverable,
    transition_non_conformance,
)

CRITERIA = [Criterion("c-1", "Exports orders as CSV"), Criterion("c-2", "Loads in under 2 s")]
WIDTH = StandardItem("Panel width", tolerance=Tolerance(Decimal("10"), "0.2", "0.3", "mm"))
FINISH = StandardItem("Surface finish", specification="RAL 7035, matte")


def checklist():
    return build_checklist(CRITERIA, [WIDTH, FINISH])


def test_each_criterion_becomes_an_item_followed_by_the_standard_items():
    items = checklist()

    assert [item.key for item in items] == ["c-1", "c-2", "standard-1", "standard-2"]
    assert [item.criterion_id for item in items] == ["c-1", "c-2", None, None]
    assert items[2].tolerance == WIDTH.tolerance
    assert items[3].specification == "RAL 7035, matte"
    assert all(item.result is None for item in items)


def test_a_criterion_listed_twice_is_refused():
    with pytest.raises(RuleViolation) as refused:
        build_checklist([CRITERIA[0], CRITERIA[0]])

    assert "criteria.c-1" in refused.value.errors


def test_an_empty_checklist_cannot_be_built():
    with pytest.raises(RuleViolation):
        build_checklist([])


def test_tolerance_limits_are_nominal_minus_lower_and_plus_upper():
    tolerance = Tolerance(Decimal("10"), Decimal("0.2"), Decimal("0.3"), "mm")

    assert (tolerance.minimum, tolerance.maximum) == (Decimal("9.8"), Decimal("10.3"))
    assert tolerance.accepts("9.8") and tolerance.accepts(10.3)
    assert not tolerance.accepts("9.79") and not tolerance.accepts("10.31")
    assert str(tolerance) == "10 mm +0.3/-0.2"


def test_a_negative_tolerance_is_refused_with_a_hint():
    with pytest.raises(RuleViolation) as refused:
        Tolerance(10, -0.2, 0.3, "mm")

    assert "magnitude" in refused.value.errors["lower"]


def test_a_tolerance_that_is_not_a_number_is_refused():
    with pytest.raises(RuleViolation) as refused:
        Tolerance("ten", 0, 0, "mm")

    assert "nominal" in refused.value.errors


@given(
    nominal=st.decimals(-1000, 1000, places=3),
    lower=st.decimals(0, 10, places=3),
    upper=st.decimals(0, 10, places=3),
    measured=st.decimals(-1100, 1100, places=3),
)
def test_a_measurement_passes_exactly_when_it_lies_within_the_limits(
    nominal, lower, upper, measured
):
    tolerance = Tolerance(nominal, lower, upper, "")
    item = build_checklist([], [StandardItem("x", tolerance=tolerance)])[0]

    recorded = record_result(item, measured=measured)

    inside = nominal - lower <= measured <= nominal + upper
    assert recorded.result is (ItemResult.PASS if inside else ItemResult.FAIL)


def test_a_measurement_outside_tolerance_fails_even_when_the_inspector_says_pass():
    item = checklist()[2]

    recorded = record_result(item, "pass", measured="10.4", comment="looked fine")

    assert recorded.result is ItemResult.FAIL
    assert recorded.measured == Decimal("10.4")
    assert recorded.comment == "looked fine"


def test_an_inspector_may_fail_an_item_whose_measurement_is_within_tolerance():
    recorded = record_result(checklist()[2], ItemResult.FAIL, measured="10.0", comment="scratched")

    assert recorded.result is ItemResult.FAIL


def test_a_tolerance_item_cannot_pass_without_a_measurement():
    with pytest.raises(RuleViolation) as refused:
        record_result(checklist()[2], "pass")

    assert "items.standard-1.measured" in refused.value.errors


def test_a_measurement_on_an_item_without_tolerance_is_refused():
    with pytest.raises(RuleViolation) as refused:
        record_result(checklist()[0], "pass", measured=3)

    assert "no tolerance" in refused.value.errors["items.c-1.measured"]


def test_a_measured_item_cannot_be_not_applicable():
    with pytest.raises(RuleViolation):
        record_result(checklist()[2], "not_applicable", measured="10")


def test_an_unknown_result_is_refused_listing_the_choices():
    with pytest.raises(RuleViolation) as refused:
        record_result(checklist()[0], "ok")

    message = refused.value.errors["items.c-1.result"]
    assert message == "'ok' is not one of: pass, fail, not_applicable"


def test_a_result_or_a_measurement_is_needed():
    with pytest.raises(RuleViolation):
        record_result(checklist()[0])


def answered(results):
    items = checklist()
    measured = {"pass": "10.1", "fail": "11"}
    return [
        record_result(item, result, measured=measured[result])
        if item.tolerance is not None
        else record_result(item, result)
        for item, result in zip(items, results, strict=True)
    ]


def test_a_checklist_with_no_failures_passes():
    outcome = evaluate(answered(["pass", "not_applicable", "pass", "pass"]))

    assert outcome.passed
    assert outcome.failed == ()
    assert (outcome.passed_count, outcome.not_applicable_count) == (3, 1)
    assert status_after_check(outcome) is DeliverableStatus.PASSED


def test_one_failed_item_fails_the_check_and_is_reported():
    outcome = evaluate(answered(["pass", "pass", "fail", "pass"]))

    assert not outcome.passed
    assert [item.key for item in outcome.failed] == ["standard-1"]
    assert status_after_check(outcome) is DeliverableStatus.FAILED


def test_unanswered_items_are_an_error_naming_them():
    items = checklist()
    items[0] = record_result(items[0], "pass")

    with pytest.raises(UnansweredItems) as refused:
        evaluate(items)

    assert [item.key for item in refused.value.items] == ["c-2", "standard-1", "standard-2"]
    assert refused.value.errors["items.c-2"] == "no result for 'Loads in under 2 s'"
    assert "Panel width" in str(refused.value)


def test_an_empty_checklist_is_not_a_pass():
    with pytest.raises(RuleViolation):
        evaluate([])


def open_nc(**changes):
    values = {"severity": "major", "description": "Panel too wide", "owner": "quality lead"}
    return NonConformance(**(values | changes))


def test_a_non_conformance_starts_open_and_takes_its_severity_from_text():
    nc = open_nc()

    assert nc.status is NonConformanceStatus.OPEN
    assert nc.severity is Severity.MAJOR


def test_a_non_conformance_needs_a_description_and_an_owner():
    with pytest.raises(RuleViolation) as refused:
        open_nc(owner="  ")

    assert refused.value.errors == {"owner": "must not be empty"}


def test_an_unknown_severity_is_refused():
    with pytest.raises(RuleViolation) as refused:
        open_nc(severity="cosmetic")

    assert "minor, major, critical" in refused.value.errors["severity"]


def test_a_non_conformance_is_worked_on_and_then_closed_with_its_actions():
    nc = open_nc(corrective_action="Re-cut the panel", preventive_action="Calibrate the saw weekly")

    nc = transition_non_conformance(nc, "in_progress")
    nc = transition_non_conformance(nc, NonConformanceStatus.CLOSED)

    assert nc.status is NonConformanceStatus.CLOSED


def test_closing_needs_a_corrective_action():
    with pytest.raises(RuleViolation) as refused:
        transition_non_conformance(open_nc(severity="minor"), "closed")

    assert set(refused.value.errors) == {"corrective_action"}


def test_closing_a_major_or_critical_non_conformance_also_needs_a_preventive_action():
    nc = open_nc(severity="critical", corrective_action="Re-cut the panel")

    with pytest.raises(RuleViolation) as refused:
        transition_non_conformance(nc, "closed")

    assert refused.value.errors == {
        "preventive_action": "needed to close a critical non-conformance"
    }


def test_a_closed_non_conformance_can_only_be_reopened():
    nc = open_nc(severity="minor", corrective_action="Re-cut", status="closed")

    with pytest.raises(TransitionNotAllowed) as refused:
        transition_non_conformance(nc, "in_progress")

    assert refused.value.allowed == (NonConformanceStatus.OPEN,)
    assert transition_non_conformance(nc, "open").status is NonConformanceStatus.OPEN


def walk(*statuses):
    current = DeliverableStatus.PENDING
    for status in statuses:
        current = transition_deliverable(current, status)
    return current


def test_a_deliverable_goes_from_pending_through_qc_and_delivery_to_accepted():
    assert walk("ready_for_qc", "passed", "delivered", "accepted") is DeliverableStatus.ACCEPTED


def test_a_failed_deliverable_is_reinspected_after_rework():
    assert walk("ready_for_qc", "failed", "ready_for_qc", "passed") is DeliverableStatus.PASSED


def test_a_rejected_deliverable_goes_back_to_quality_control():
    status = walk("ready_for_qc", "passed", "delivered", "rejected", "ready_for_qc")

    assert status is DeliverableStatus.READY_FOR_QC


def test_a_forbidden_transition_lists_the_allowed_ones():
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_deliverable("pending", "delivered")

    assert refused.value.current is DeliverableStatus.PENDING
    assert refused.value.allowed == (
        DeliverableStatus.READY_FOR_QC,
        DeliverableStatus.CANCELLED,
        DeliverableStatus.WITHDRAWN,
    )
    assert str(refused.value) == (
        "deliverable cannot go from pending to delivered; "
        "allowed: ready_for_qc, cancelled, withdrawn"
    )


def test_a_deliverable_cannot_skip_quality_control_on_the_way_to_delivery():
    with pytest.raises(TransitionNotAllowed):
        transition_deliverable("failed", "delivered")


@pytest.mark.parametrize("final", sorted(FINAL_DELIVERABLE_STATUSES))
def test_final_statuses_allow_nothing(final):
    assert allowed_deliverable_transitions(final) == ()
    with pytest.raises(TransitionNotAllowed, match="none \\(final status\\)"):
        transition_deliverable(final, "ready_for_qc")


@pytest.mark.parametrize("status", sorted(set(DeliverableStatus) - FINAL_DELIVERABLE_STATUSES))
def test_every_non_final_status_can_be_cancelled_or_withdrawn(status):
    assert transition_deliverable(status, "cancelled") is DeliverableStatus.CANCELLED
    assert transition_deliverable(status, "withdrawn") is DeliverableStatus.WITHDRAWN


def test_every_status_has_its_transitions_defined():
    assert set(DELIVERABLE_TRANSITIONS) == set(DeliverableStatus)


def test_an_unknown_deliverable_status_is_refused():
    with pytest.raises(RuleViolation):
        transition_deliverable("pending", "shipped")


@pytest.mark.parametrize("status", ["passed", "failed", "rejected"])
def test_a_change_of_criteria_sends_a_judged_deliverable_back_to_quality_control(status):
    assert status_after_criteria_change(status) is DeliverableStatus.READY_FOR_QC


@pytest.mark.parametrize("status", ["pending", "ready_for_qc", "delivered", "accepted"])
def test_a_change_of_criteria_leaves_an_unjudged_or_handed_over_deliverable_alone(status):
    assert status_after_criteria_change(status) == status
