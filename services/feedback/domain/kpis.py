"""Order KPIs from a read model folded out of the domain events (docs/architecture.md §2).

The fold is idempotent and order-independent: a redelivered event changes nothing (an event is
told apart by its ``time``, which a redelivery keeps, or by its change request id), the earliest
time of a stage wins, and the status is derived from the stage times rather than from whichever
event came last.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal, overload

from services.feedback.domain.scores import (
    customer_satisfaction,
    net_promoter_score,
    percentage,
    round_one_decimal,
    validate_csat,
    validate_nps,
)


@dataclass(frozen=True)
class EventFields:
    """Names of the event ``data`` fields read here; the one place to adapt to the schemas."""

    order_id: str = "order_id"
    customer_id: str = "customer_id"
    due_date: str = "due_date"
    change_request_id: str = "change_request_id"
    new_due_date: str = "new_due_date"
    slip_days: str = "slip_days"
    csat: str = "csat"
    nps: str = "nps"


EVENT_FIELDS = EventFields()

STATUSES = ("draft", "confirmed", "in_progress", "delivered", "accepted", "closed", "cancelled")
STAGES = ("created", "confirmed", "activated", "delivered", "accepted", "closed")
STAGE_TRANSITIONS = tuple(f"{start}_to_{end}" for start, end in pairwise(STAGES))

_MICROSECOND = timedelta(microseconds=1)
_MICROSECONDS_PER_DAY = timedelta(days=1) // _MICROSECOND


@dataclass
class OrderFacts:
    """What the feedback service knows of one order, folded from events by apply_event.

    ``delivered_at`` is the first submission; later ones after a rejection move only
    ``last_submitted_at``. Timestamps are the events' ``time`` (UTC).
    """

    order_id: str
    customer_id: str | None = None
    created_at: datetime | None = None
    confirmed_at: datetime | None = None
    activated_at: datetime | None = None
    delivered_at: datetime | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None
    original_due_date: date | None = None
    changed_due_date: date | None = None
    schedule_slip_days: int = 0
    csat: int | None = None
    nps: int | None = None
    # Bookkeeping that keeps the fold idempotent and tolerant of out-of-order arrival.
    last_submitted_at: datetime | None = None
    rejected_at: set[datetime] = field(default_factory=set)
    approved_change_ids: set[str] = field(default_factory=set)
    due_date_changed_at: datetime | None = None
    slip_reported_at: datetime | None = None
    feedback_at: datetime | None = None
    # Iterative delivery: the first decision on each package (by version), the increments
    # completed (id -> on time, effort hours), the accepted increments and the pulse setting.
    package_decisions: dict[str, str] = field(default_factory=dict)
    increments_completed: dict[str, list] = field(default_factory=dict)
    accepted_increments: set[str] = field(default_factory=set)
    pulse_surveys: bool = False

    @property
    def month(self) -> str | None:
        """The month the order was created, as ``YYYY-MM``."""
        return self.created_at.strftime("%Y-%m") if self.created_at else None

    @property
    def due_date(self) -> date | None:
        """The due date as moved by the latest approved change request."""
        return self.changed_due_date or self.original_due_date

    @property
    def change_request_count(self) -> int:
        """How many change requests were approved."""
        return len(self.approved_change_ids)

    @property
    def first_pass_accepted(self) -> bool:
        """Accepted with no rejection before: the first delivery was the right one."""
        if self.accepted_at is None:
            return False
        return not any(rejected <= self.accepted_at for rejected in self.rejected_at)

    @property
    def status(self) -> str:
        """The order status (one of STATUSES) implied by the stages reached."""
        # Cancelled first: cancelled is final and only an accepted order closes, so a completed
        # retrospective (which also closes) leaves a cancelled order cancelled, as in orders.
        if self.cancelled_at:
            return "cancelled"
        if self.closed_at:
            return "closed"
        if self.accepted_at:
            return "accepted"
        if self.last_submitted_at and not any(
            rejected >= self.last_submitted_at for rejected in self.rejected_at
        ):
            return "delivered"
        if self.activated_at or self.last_submitted_at:
            return "in_progress"
        return "confirmed" if self.confirmed_at else "draft"


def apply_event(
    facts_by_order: dict[str, OrderFacts], event_type: str, data: Mapping[str, Any], time: datetime
) -> OrderFacts | None:
    """Fold one event into ``facts_by_order``; return the order's facts, None if not a KPI event."""
    fold = _FOLDS.get(event_type)
    if fold is None:
        return None
    order_id = data.get(EVENT_FIELDS.order_id)
    if not order_id:
        raise ValueError(f"{event_type} carries no {EVENT_FIELDS.order_id}")
    facts = facts_by_order.setdefault(str(order_id), OrderFacts(str(order_id)))
    fold(facts, data, time)
    return facts


def _earliest(known: datetime | None, time: datetime) -> datetime:
    return time if known is None else min(known, time)


def _is_newest(known: datetime | None, time: datetime) -> bool:
    return known is None or time >= known


def _as_id(value: object) -> str | None:
    # A consumer that loaded the data through its schema hands over UUIDs, not strings.
    return None if value is None else str(value)


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _created(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    facts.created_at = _earliest(facts.created_at, time)
    facts.customer_id = facts.customer_id or _as_id(data.get(EVENT_FIELDS.customer_id))
    facts.original_due_date = facts.original_due_date or _as_date(data.get(EVENT_FIELDS.due_date))


def _confirmed(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    facts.confirmed_at = _earliest(facts.confirmed_at, time)
    facts.pulse_surveys = bool(data.get("pulse_surveys", False))
    facts.customer_id = facts.customer_id or _as_id(data.get(EVENT_FIELDS.customer_id))
    # The date agreed at confirmation is the baseline, whatever the draft said.
    facts.original_due_date = _as_date(data.get(EVENT_FIELDS.due_date)) or facts.original_due_date


def _change_approved(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    change_id = str(data.get(EVENT_FIELDS.change_request_id) or time.isoformat())
    facts.approved_change_ids.add(change_id)
    new_due_date = _as_date(data.get(EVENT_FIELDS.new_due_date))
    if new_due_date and _is_newest(facts.due_date_changed_at, time):
        facts.changed_due_date = new_due_date
        facts.due_date_changed_at = time


def _cancelled(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    facts.cancelled_at = _earliest(facts.cancelled_at, time)


def _closed(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    facts.closed_at = _earliest(facts.closed_at, time)


def _activated(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    facts.activated_at = _earliest(facts.activated_at, time)


def _rebaselined(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    # slip_days is the new finish against baseline 1, so the newest report replaces older ones.
    if _is_newest(facts.slip_reported_at, time):
        facts.schedule_slip_days = int(data.get(EVENT_FIELDS.slip_days) or 0)
        facts.slip_reported_at = time


def _is_final(data: Mapping[str, Any]) -> bool:
    # A package that leaves requirements outstanding (an increment) is not the order's delivery.
    return bool(data.get("final", True))


def _decided(facts: OrderFacts, data: Mapping[str, Any], decision: str) -> None:
    version = data.get("package_version")
    if version is not None:
        facts.package_decisions = {str(version): decision, **facts.package_decisions}


def _submitted(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    if not _is_final(data):
        return
    facts.delivered_at = _earliest(facts.delivered_at, time)
    facts.last_submitted_at = max(facts.last_submitted_at or time, time)


def _accepted(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    _decided(facts, data, str(data.get("decision") or "accepted"))
    if data.get("increment_id"):
        facts.accepted_increments.add(str(data["increment_id"]))
    if _is_final(data):
        facts.accepted_at = _earliest(facts.accepted_at, time)


def _rejected(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    _decided(facts, data, "rejected")
    facts.rejected_at.add(time)


def _increment_completed(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    facts.increments_completed = {
        **facts.increments_completed,
        str(data["increment_id"]): [bool(data["on_time"]), float(data["effort_hours"])],
    }


def _feedback_received(facts: OrderFacts, data: Mapping[str, Any], time: datetime) -> None:
    if not _is_newest(facts.feedback_at, time):
        return
    csat, nps = data.get(EVENT_FIELDS.csat), data.get(EVENT_FIELDS.nps)
    facts.csat = None if csat is None else validate_csat(csat)
    facts.nps = None if nps is None else validate_nps(nps)
    facts.feedback_at = time


_FOLDS: dict[str, Callable[[OrderFacts, Mapping[str, Any], datetime], None]] = {
    "ordo.order.created": _created,
    "ordo.order.confirmed": _confirmed,
    "ordo.order.change_approved": _change_approved,
    "ordo.order.cancelled": _cancelled,
    "ordo.order.closed": _closed,
    "ordo.plan.activated": _activated,
    "ordo.plan.rebaselined": _rebaselined,
    "ordo.delivery.submitted": _submitted,
    "ordo.delivery.accepted": _accepted,
    "ordo.delivery.rejected": _rejected,
    "ordo.feedback.received": _feedback_received,
    "ordo.retrospective.completed": _closed,
    "ordo.increment.completed": _increment_completed,
}

#: The event types the fold reads (the domain names them as the catalog does; a unit test
#: checks each is in shared.events.contracts.CATALOG, so a typo fails there).
FOLDED_EVENTS = frozenset(_FOLDS)


@dataclass(frozen=True)
class Kpis:
    """KPIs of a set of orders. Rates are percentages; None where nothing could be measured.

    ``on_time_rate`` and ``first_pass_acceptance_rate`` are shares of the accepted orders (with
    a due date, for the first); ``mean_stage_days`` maps each of STAGE_TRANSITIONS to the mean
    time between the two stages, over the orders that reached both; ``mean_schedule_slip_days``
    is over the orders whose plan was activated. Figures are rounded to one decimal.
    """

    order_count: int
    orders_by_status: dict[str, int]
    accepted_count: int
    on_time_rate: float | None
    first_pass_acceptance_rate: float | None
    change_requests_per_order: float | None
    mean_stage_days: dict[str, float | None]
    mean_schedule_slip_days: float | None
    feedback_count: int
    csat: float | None
    nps: float | None
    # Per package: accepted outright at the first decision (conditional and rejected are not).
    package_first_pass_rate: float | None = None
    # Mean effort hours of the completed increments, and the share of them on time.
    velocity_hours: float | None = None
    increments_on_time_rate: float | None = None


@dataclass(frozen=True)
class TrendPoint:
    """The KPIs of the orders created in one month (``YYYY-MM``)."""

    month: str
    kpis: Kpis


GroupBy = Literal["month", "customer"]
Facts = Mapping[str, OrderFacts] | Iterable[OrderFacts]


@overload
def compute_kpis(facts: Facts, *, group_by: None = None) -> Kpis: ...
@overload
def compute_kpis(facts: Facts, *, group_by: GroupBy) -> dict[str | None, Kpis]: ...
def compute_kpis(facts: Facts, *, group_by: GroupBy | None = None) -> Kpis | dict[str | None, Kpis]:
    """KPIs of all ``facts``, or per creation month or per customer id (None: not yet known)."""
    orders = _orders(facts)
    if group_by is None:
        return _kpis(orders)
    if group_by not in ("month", "customer"):
        raise ValueError(f"group_by must be 'month', 'customer' or None, not {group_by!r}")
    groups = _grouped(orders, group_by)
    return {key: _kpis(groups[key]) for key in sorted(groups, key=lambda key: (key is None, key))}


def kpi_trend(facts: Facts, months: Iterable[str]) -> list[TrendPoint]:
    """One TrendPoint per month in ``months``, each over the orders created that month.

    A month's figures keep changing while its orders are under way.
    """
    groups = _grouped(_orders(facts), "month")
    return [TrendPoint(month, _kpis(groups.get(month, []))) for month in months]


def recent_months(today: date, count: int) -> list[str]:
    """The ``count`` months up to and including ``today``'s, oldest first, as ``YYYY-MM``."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def _orders(facts: Facts) -> list[OrderFacts]:
    return list(facts.values() if isinstance(facts, Mapping) else facts)


def _grouped(orders: Sequence[OrderFacts], group_by: GroupBy) -> dict[str | None, list[OrderFacts]]:
    groups: dict[str | None, list[OrderFacts]] = defaultdict(list)
    for order in orders:
        groups[order.month if group_by == "month" else order.customer_id].append(order)
    return groups


def _kpis(orders: Sequence[OrderFacts]) -> Kpis:
    by_status = dict.fromkeys(STATUSES, 0)
    for order in orders:
        by_status[order.status] += 1
    accepted = [order for order in orders if order.accepted_at]
    with_due_date = [order for order in accepted if order.due_date]
    on_time = sum(1 for order in with_due_date if order.accepted_at.date() <= order.due_date)
    activated = [order for order in orders if order.activated_at or order.slip_reported_at]
    return Kpis(
        order_count=len(orders),
        orders_by_status=by_status,
        accepted_count=len(accepted),
        on_time_rate=percentage(on_time, len(with_due_date)),
        first_pass_acceptance_rate=percentage(
            sum(1 for order in accepted if order.first_pass_accepted), len(accepted)
        ),
        change_requests_per_order=_mean([order.change_request_count for order in orders]),
        mean_stage_days={
            f"{start}_to_{end}": _mean_days(_stage_durations(orders, start, end))
            for start, end in pairwise(STAGES)
        },
        mean_schedule_slip_days=_mean([order.schedule_slip_days for order in activated]),
        feedback_count=sum(1 for order in orders if order.feedback_at),
        csat=customer_satisfaction(order.csat for order in orders if order.csat is not None),
        nps=net_promoter_score(order.nps for order in orders if order.nps is not None),
        **_increment_kpis(orders),
    )


def _increment_kpis(orders: Sequence[OrderFacts]) -> dict[str, float | None]:
    decisions = [d for order in orders for d in order.package_decisions.values()]
    increments = [item for order in orders for item in order.increments_completed.values()]
    efforts = [effort for _, effort in increments]
    return {
        "package_first_pass_rate": percentage(
            sum(1 for d in decisions if d == "accepted"), len(decisions)
        ),
        "velocity_hours": round_one_decimal(Decimal(str(sum(efforts))) / len(efforts))
        if efforts
        else None,
        "increments_on_time_rate": percentage(
            sum(1 for on_time, _ in increments if on_time), len(increments)
        ),
    }


def _stage_durations(orders: Iterable[OrderFacts], start: str, end: str) -> list[timedelta]:
    durations = []
    for order in orders:
        started, ended = getattr(order, f"{start}_at"), getattr(order, f"{end}_at")
        if started and ended:
            durations.append(ended - started)
    return durations


def _mean(values: Sequence[int]) -> float | None:
    return round_one_decimal(Decimal(sum(values)) / len(values)) if values else None


def _mean_days(durations: Sequence[timedelta]) -> float | None:
    if not durations:
        return None
    # Whole microseconds keep the arithmetic exact, so rounding does not depend on float noise.
    total = sum(duration // _MICROSECOND for duration in durations)
    return round_one_decimal(Decimal(total) / len(durations) / _MICROSECONDS_PER_DAY)


def status_history(facts: OrderFacts) -> list[tuple[str, datetime]]:
    """The statuses the order went through, oldest first, as (status, since) pairs.

    Derived from the stage times, so it does not depend on the order events arrived in. Of the
    submissions only the first and the last are known; each rejection puts the order back in
    progress.
    """
    moments: list[tuple[datetime, str]] = [
        (time, status)
        for time, status in (
            (facts.created_at, "draft"),
            (facts.confirmed_at, "confirmed"),
            (facts.activated_at, "in_progress"),
            (facts.delivered_at, "delivered"),
            (facts.accepted_at, "accepted"),
            (facts.cancelled_at, "cancelled"),
            (None if facts.cancelled_at else facts.closed_at, "closed"),  # see OrderFacts.status
        )
        if time is not None
    ]
    moments += [(time, "in_progress") for time in facts.rejected_at]
    if facts.last_submitted_at and facts.last_submitted_at != facts.delivered_at:
        moments.append((facts.last_submitted_at, "delivered"))
    history: list[tuple[str, datetime]] = []
    for time, status in sorted(moments):
        if not history or history[-1][0] != status:
            history.append((status, time))
    return history
