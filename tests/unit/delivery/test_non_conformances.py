"""Unit tests of non-conformances: opening, editing, and what closing needs."""

import pytest

from services.delivery.domain.checklists import ChecklistItem, CheckOutcome, ItemResult
from services.delivery.domain.non_conformances import (
    NonConformance,
    Severity,
    edited_non_conformance,
    opened_for_failed_check,
    transition_non_conformance,
)
from services.delivery.domain.status import NonConformanceStatus
from shared.errors import RuleViolation, TransitionNotAllowed


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

    assert refused.value.allowed_actions == ["reopen"]
    assert refused.value.extra == {"current_status": "closed", "allowed_actions": ["reopen"]}
    assert transition_non_conformance(nc, "open").status is NonConformanceStatus.OPEN


def test_a_failed_check_opens_a_major_non_conformance_owned_by_the_inspector_by_default():
    outcome = CheckOutcome(
        passed=False, failed=(failed_item("Panel width"),), passed_count=1, not_applicable_count=0
    )

    nc = opened_for_failed_check(None, outcome, "inspector-7")

    assert (nc.severity, nc.owner, nc.status) == (Severity.MAJOR, "inspector-7", "open")
    assert nc.description == "Failed quality control: Panel width"


def test_what_the_inspector_gives_for_the_non_conformance_is_kept():
    outcome = CheckOutcome(
        passed=False, failed=(failed_item("Finish"),), passed_count=0, not_applicable_count=0
    )
    given = {"severity": "minor", "description": "Scratched", "owner": "eve"}

    nc = opened_for_failed_check(given, outcome, "inspector-7")

    assert (nc.severity, nc.description, nc.owner) == (Severity.MINOR, "Scratched", "eve")


def test_an_edit_moves_the_status_when_asked_and_closing_checks_the_actions():
    nc = open_nc(severity="minor")

    with pytest.raises(RuleViolation) as refused:
        edited_non_conformance(nc, {"status": "closed"})
    closed = edited_non_conformance(nc, {"status": "closed", "corrective_action": "Re-cut"})

    assert set(refused.value.errors) == {"corrective_action"}
    assert (closed.status, closed.corrective_action) == (NonConformanceStatus.CLOSED, "Re-cut")


def test_a_closed_non_conformance_cannot_be_edited_out_of_what_closing_needed():
    closed = open_nc(severity="minor", corrective_action="Re-cut", status="closed")

    with pytest.raises(RuleViolation) as cleared:
        edited_non_conformance(closed, {"corrective_action": " "})
    with pytest.raises(RuleViolation) as raised:
        edited_non_conformance(closed, {"severity": "critical"})

    assert set(cleared.value.errors) == {"corrective_action"}
    assert set(raised.value.errors) == {"preventive_action"}
    assert edited_non_conformance(closed, {"owner": "bob"}).owner == "bob"


def test_moving_a_non_conformance_to_the_status_it_has_only_edits_it():
    nc = open_nc()

    assert edited_non_conformance(nc, {"status": "open", "owner": "bob"}).owner == "bob"


def failed_item(description):
    return ChecklistItem("standard-1", description, result=ItemResult.FAIL)
