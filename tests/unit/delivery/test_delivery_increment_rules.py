"""Delivery per increment: a package's increment and the order's partial delivery counts."""

import pytest

from services.delivery.domain.increments import (
    PackedIncrement,
    Standing,
    all_accepted,
    all_delivered,
    package_increment,
    progress,
)
from shared.errors import RuleViolation


def test_a_package_of_one_increment_delivers_it():
    items = [PackedIncrement("d1", "A", "i1"), PackedIncrement("d2", "B", "i1")]
    assert package_increment(items, per_increment=True) == "i1"


def test_a_mix_is_allowed_unless_the_order_keeps_one_increment_per_package():
    items = [PackedIncrement("d1", "A", "i1"), PackedIncrement("d2", "B", "i2")]
    assert package_increment(items, per_increment=False) is None
    with pytest.raises(RuleViolation) as refused:
        package_increment(items, per_increment=True)
    assert list(refused.value.extra["errors"]["deliverable_ids"]) == ["d2"]


def test_partial_delivery_counts_ignore_withdrawn_requirements():
    counts = progress(
        [
            Standing("r1", "accepted"),
            Standing("r2", "rejected"),
            Standing("r3", "delivered"),
            Standing("r4", "pending"),
            Standing("r5", "withdrawn"),
        ]
    )
    assert (counts["requirements"], counts["accepted"], counts["delivered"]) == (4, 1, 1)
    assert counts["outstanding"] == 2
    assert counts["rejected_requirement_ids"] == ["r2"]
    assert counts["outstanding_requirement_ids"] == ["r2", "r4"]
    assert not all_delivered(counts) and not all_accepted(counts)


def test_the_order_is_final_when_every_live_requirement_is_accepted():
    counts = progress([Standing("r1", "accepted"), Standing("r2", "withdrawn")])
    assert all_delivered(counts) and all_accepted(counts)
