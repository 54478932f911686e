"""Unit tests of what may go into a delivery package and the version it goes out as."""

import pytest

from services.delivery.domain.handover import (
    PackedDeliverable,
    require_all_found,
    require_content,
    require_listed_once,
    require_passed,
    require_recipient,
    version_to_submit,
)
from shared.errors import Conflict, RuleViolation


def test_a_package_of_passed_deliverables_may_be_handed_over():
    require_passed([PackedDeliverable("d-1", "Export", "passed")])


def test_deliverables_that_did_not_pass_are_refused_each_by_id():
    with pytest.raises(RuleViolation) as refused:
        require_passed(
            [
                PackedDeliverable("d-1", "Export", "passed"),
                PackedDeliverable("d-2", "Audit log", "failed"),
            ]
        )

    assert refused.value.detail == (
        "Every deliverable in a package must have passed quality control."
    )
    assert refused.value.extra["errors"] == {
        "deliverable_ids": {"d-2": ["'Audit log' is failed; it must pass quality control first"]}
    }


def test_a_package_without_deliverables_is_refused():
    with pytest.raises(RuleViolation) as refused:
        require_content([])

    assert refused.value.detail == "A package needs at least one deliverable."


def test_an_id_listed_twice_is_refused():
    with pytest.raises(RuleViolation) as refused:
        require_listed_once(["a", "b", "a"], "document_ids")

    assert refused.value.extra["errors"] == {"document_ids": ["Repeated ids."]}


def test_ids_not_of_the_order_are_named():
    with pytest.raises(RuleViolation) as refused:
        require_all_found(["a", "b", "c"], {"b"}, "document_ids", "o-1")

    assert refused.value.detail == "Not part of order o-1: a, c."
    assert set(refused.value.extra["errors"]["document_ids"]) == {"a", "c"}


@pytest.mark.parametrize(
    ("own", "handed_over", "latest", "expected"),
    [
        (1, None, 0, 1),  # the first package of the order
        (2, 1, 1, 2),  # after an earlier hand-over it keeps its number
        (1, 2, 2, 3),  # draft 1 after package 2 went out: renumbered past every package
        (1, 2, 4, 5),  # ... past later drafts too
    ],
)
def test_package_versions_only_grow_as_handed_over(own, handed_over, latest, expected):
    assert version_to_submit(own, handed_over, latest) == expected


def test_a_package_goes_to_the_customers_recorded_address():
    assert require_recipient(" buyer@example.com ", "ORD-2026-00001") == "buyer@example.com"


@pytest.mark.parametrize("email", [None, "", "   "])
def test_without_an_address_staff_are_asked_to_record_the_customers_email_first(email):
    with pytest.raises(Conflict) as refused:
        require_recipient(email, "ORD-2026-00001")
    assert "ORD-2026-00001" in refused.value.detail
    assert "e-mail" in refused.value.detail
    assert refused.value.extra["missing"] == "customer_email"
