"""Communication KPIs: meetings held against planned, action items closed on time, status
reports per active order-week.

- Meetings held vs planned: of the meetings scheduled to start by the day the KPIs are read,
  the share whose minutes were published. Cancelled meetings are left out.
- Action items closed on time: of the action items that came due by then (or were closed
  before), the share done on or before their due day. Cancelled items are left out.
- Status reports per active order-week: reports published divided by the weeks orders were
  active (from the plan's activation to acceptance, closing or cancellation, else today), so
  a weekly report on every active order scores 1.0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.feedback.domain.scores import percentage, round_one_decimal


@dataclass(frozen=True)
class ActiveSpan:
    """When an order was active: from its activation to its end (None: still active)."""

    started: datetime
    ended: datetime | None


def active_order_weeks(spans: Iterable[ActiveSpan], until: datetime) -> Decimal:
    """The weeks orders were active up to `until`, summed (fractions of weeks count)."""
    seconds = 0.0
    for span in spans:
        end = min(span.ended or until, until)
        seconds += max((end - span.started).total_seconds(), 0.0)
    return Decimal(str(seconds)) / Decimal(7 * 24 * 3600)


def reports_per_order_week(reports: int, weeks: Decimal) -> float | None:
    """Published reports per active order-week, one decimal; None without active weeks."""
    if weeks <= 0:
        return None
    return round_one_decimal(Decimal(reports) / weeks)


@dataclass(frozen=True)
class CommunicationKpis:
    meetings_planned: int
    meetings_held: int
    meetings_held_pct: float | None
    action_items_due: int
    action_items_closed_on_time: int
    action_items_on_time_pct: float | None
    action_items_overdue_open: int
    status_reports_published: int
    active_order_weeks: float
    status_reports_per_order_week: float | None


def communication_kpis(
    meetings_planned: int,
    meetings_held: int,
    items_due: int,
    items_on_time: int,
    items_overdue_open: int,
    reports: int,
    weeks: Decimal,
) -> CommunicationKpis:
    """The KPIs from the counts the read model gives."""
    return CommunicationKpis(
        meetings_planned=meetings_planned,
        meetings_held=meetings_held,
        meetings_held_pct=percentage(meetings_held, meetings_planned),
        action_items_due=items_due,
        action_items_closed_on_time=items_on_time,
        action_items_on_time_pct=percentage(items_on_time, items_due),
        action_items_overdue_open=items_overdue_open,
        status_reports_published=reports,
        active_order_weeks=round_one_decimal(weeks),
        status_reports_per_order_week=reports_per_order_week(reports, weeks),
    )


def is_due(due_date: date | None, today: date) -> bool:
    return due_date is not None and due_date <= today
