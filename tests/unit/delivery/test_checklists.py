"""Unit tests of a deliverable's checklist: tolerances, answers and the verdict."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.delivery.domain.checklists import (
    Criterion,
    ItemResult,
    StandardItem,
    Tolerance,
    UnansweredItems,
    answer_checklist,
    build_checklist,
    evaluate,
    record_result,
)
from services.delivery.domain.status import DeliverableStatus, status_after_check
from shared.errors import RuleViolation

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
    assert status_after_check("ready_for_qc", outcome.passed) == DeliverableStatus.PASSED


def test_one_failed_item_fails_the_check_and_is_reported():
    outcome = evaluate(answered(["pass", "pass", "fail", "pass"]))

    assert not outcome.passed
    assert [item.key for item in outcome.failed] == ["standard-1"]
    assert status_after_check("ready_for_qc", outcome.passed) == DeliverableStatus.FAILED


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


def standard(**changes):
    return {
        "description": "Panel width",
        "specification": None,
        "tolerance": {"nominal": "10", "lower": "0.2", "upper": "0.3", "unit": "mm"},
        "measured": "10.1",
        "result": None,
        "comment": "",
    } | changes


def answer(criterion_id, result="pass", comment=""):
    return {"criterion_id": criterion_id, "result": result, "comment": comment}


def test_answering_a_checklist_gives_each_criterion_its_answer_then_each_standard():
    items = answer_checklist(CRITERIA, [answer("c-2", "fail", "slow"), answer("c-1")], [standard()])

    assert [(item.key, item.result) for item in items] == [
        ("c-1", ItemResult.PASS),
        ("c-2", ItemResult.FAIL),
        ("standard-1", ItemResult.PASS),
    ]
    assert items[1].comment == "slow"
    assert items[2].measured == Decimal("10.1")


def test_a_criterion_left_unanswered_stays_unanswered_for_the_verdict_to_refuse():
    items = answer_checklist(CRITERIA, [answer("c-1")], [])

    assert items[1].result is None
    with pytest.raises(UnansweredItems):
        evaluate(items)


def test_answering_a_criterion_that_is_not_the_deliverables_is_refused_by_position():
    with pytest.raises(RuleViolation) as refused:
        answer_checklist(CRITERIA, [answer("c-1"), answer("c-9")], [])

    assert refused.value.errors == {
        "criteria.1.criterion_id": (
            "criterion c-9 is not an acceptance criterion of this deliverable"
        )
    }


def test_a_criterion_answered_twice_is_refused():
    with pytest.raises(RuleViolation) as refused:
        answer_checklist(CRITERIA, [answer("c-1"), answer("c-2"), answer("c-1")], [])

    assert refused.value.errors == {"criteria.2.criterion_id": "criterion c-1 is answered twice"}


def test_every_refusal_of_an_answered_checklist_comes_at_once():
    bad_tolerance = standard(tolerance={"nominal": "x", "lower": "-1", "upper": "0", "unit": ""})

    with pytest.raises(RuleViolation) as refused:
        answer_checklist(CRITERIA, [answer("c-7")], [standard(), bad_tolerance])

    assert set(refused.value.errors) == {
        "criteria.0.criterion_id",
        "standards.1.tolerance.nominal",
    }


def test_answers_an_item_cannot_take_are_refused_together():
    with pytest.raises(RuleViolation) as refused:
        answer_checklist(
            CRITERIA,
            [answer("c-1", "maybe"), answer("c-2")],
            [standard(measured=None, result="pass")],
        )

    assert set(refused.value.errors) == {"items.c-1.result", "items.standard-1.measured"}


def test_a_measurement_outside_the_tolerance_fails_its_standard_when_answered():
    [item] = answer_checklist([], [], [standard(measured="11", result="pass")])

    assert item.result is ItemResult.FAIL
