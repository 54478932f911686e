"""KPIs as sums: each order contributes counts, and the KPIs of any set of orders follow from
the sums of its orders' contributions.

Every KPI of domain/kpis.py is a count, a ratio of two counts or a mean (a sum over a count),
so an order's contribution (`contribution(facts)`, a fixed set of numbers: CONTRIBUTIONS) can
be kept beside it whenever an event changes it, and the database adds them up per month or
per customer in one query. `kpis_from(totals)` then does the rounding of domain/kpis.py with
the same exact arithmetic (durations in whole microseconds, Decimal means), so the answers
equal `compute_kpis` over the same orders.
"""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from services.feedback.domain.kpis import STAGES, STATUSES, Kpis, OrderFacts
from services.feedback.domain.scores import (
    PASSIVE_MIN,
    PROMOTER_MIN,
    SATISFIED_MIN,
    percentage,
    round_one_decimal,
)

_MICROSECOND = timedelta(microseconds=1)
_MICROSECONDS_PER_DAY = timedelta(days=1) // _MICROSECOND
TRANSITIONS = tuple(pairwise(STAGES))

#: The numbers an order contributes, by name (whole numbers; increments_effort in hours).
CONTRIBUTIONS = (
    "orders",
    *(f"status_{status}" for status in STATUSES),
    "accepted",
    "accepted_with_due_date",
    "on_time",
    "first_pass",
    "change_requests",
    "slip_orders",
    "slip_days",
    "feedback",
    "csat_answers",
    "csat_satisfied",
    "nps_answers",
    "nps_promoters",
    "nps_detractors",
    *(f"{start}_to_{end}_orders" for start, end in TRANSITIONS),
    *(f"{start}_to_{end}_us" for start, end in TRANSITIONS),
    "package_decisions",
    "packages_accepted",
    "increments",
    "increments_on_time",
    "increments_effort",
)


def contribution(facts: OrderFacts) -> dict[str, int | Decimal]:
    """What one order adds to the sums of every set of orders it belongs to."""
    numbers: dict[str, int | Decimal] = dict.fromkeys(CONTRIBUTIONS, 0)
    numbers["orders"] = 1
    numbers[f"status_{facts.status}"] = 1
    if facts.accepted_at:
        numbers["accepted"] = 1
        numbers["first_pass"] = int(facts.first_pass_accepted)
        if facts.due_date:
            numbers["accepted_with_due_date"] = 1
            numbers["on_time"] = int(facts.accepted_at.date() <= facts.due_date)
    numbers["change_requests"] = facts.change_request_count
    if facts.activated_at or facts.slip_reported_at:
        numbers["slip_orders"], numbers["slip_days"] = 1, facts.schedule_slip_days
    numbers["feedback"] = int(facts.feedback_at is not None)
    if facts.csat is not None:
        numbers["csat_answers"], numbers["csat_satisfied"] = 1, int(facts.csat >= SATISFIED_MIN)
    if facts.nps is not None:
        numbers["nps_answers"] = 1
        numbers["nps_promoters"] = int(facts.nps >= PROMOTER_MIN)
        numbers["nps_detractors"] = int(facts.nps < PASSIVE_MIN)
    for start, end in TRANSITIONS:
        started, ended = getattr(facts, f"{start}_at"), getattr(facts, f"{end}_at")
        if started and ended:
            numbers[f"{start}_to_{end}_orders"] = 1
            numbers[f"{start}_to_{end}_us"] = (ended - started) // _MICROSECOND
    decisions = list(getattr(facts, "package_decisions", {}).values())
    numbers["package_decisions"] = len(decisions)
    numbers["packages_accepted"] = sum(1 for decision in decisions if decision == "accepted")
    increments = list(getattr(facts, "increments_completed", {}).values())
    numbers["increments"] = len(increments)
    numbers["increments_on_time"] = sum(1 for on_time, _ in increments if on_time)
    numbers["increments_effort"] = Decimal(str(sum(effort for _, effort in increments)))
    return numbers


def kpis_from(totals: Mapping[str, int | Decimal | None]) -> Kpis:
    """The KPIs of a set of orders from the sums of their contributions (missing sums: 0)."""
    total = {name: totals.get(name) or 0 for name in CONTRIBUTIONS}
    return Kpis(
        order_count=int(total["orders"]),
        orders_by_status={status: int(total[f"status_{status}"]) for status in STATUSES},
        accepted_count=int(total["accepted"]),
        on_time_rate=percentage(int(total["on_time"]), int(total["accepted_with_due_date"])),
        first_pass_acceptance_rate=percentage(int(total["first_pass"]), int(total["accepted"])),
        change_requests_per_order=_mean(total["change_requests"], total["orders"]),
        mean_stage_days={
            f"{start}_to_{end}": _mean(
                total[f"{start}_to_{end}_us"],
                total[f"{start}_to_{end}_orders"],
                per=_MICROSECONDS_PER_DAY,
            )
            for start, end in TRANSITIONS
        },
        mean_schedule_slip_days=_mean(total["slip_days"], total["slip_orders"]),
        feedback_count=int(total["feedback"]),
        csat=percentage(int(total["csat_satisfied"]), int(total["csat_answers"])),
        nps=percentage(
            int(total["nps_promoters"]) - int(total["nps_detractors"]), int(total["nps_answers"])
        ),
        package_first_pass_rate=percentage(
            int(total["packages_accepted"]), int(total["package_decisions"])
        ),
        velocity_hours=_mean(Decimal(str(total["increments_effort"])), total["increments"]),
        increments_on_time_rate=percentage(
            int(total["increments_on_time"]), int(total["increments"])
        ),
    )


def _mean(summed, count, per: int = 1) -> float | None:
    if not count:
        return None
    return round_one_decimal(Decimal(summed) / int(count) / per)
