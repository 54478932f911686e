"""What a delivery event does to an order: it moves it (unless stale) and feeds traceability."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from services.orders.domain.deliveries import ACCEPTED, REJECTED, SUBMITTED
from services.orders.usecases.progress import follow_delivery
from services.orders.usecases.traceability import note_acceptance_results, note_quality_passed


def record_delivery_submitted(
    session: Session,
    order_id,
    package_version: int,
    deliverables: list,
    moment: datetime,
    final: bool = True,
    progress: dict | None = None,
) -> None:
    """A package was handed over: its deliverables passed QC; the order is delivered when the
    package was the last outstanding work (`final`), else it shows the partial delivery."""
    if follow_delivery(session, order_id, SUBMITTED, package_version, final, progress):
        note_quality_passed(session, order_id, deliverables, package_version, moment)


def record_delivery_decision(
    session: Session,
    order_id,
    accepted: bool,
    package_version: int,
    results: list,
    final: bool = True,
    progress: dict | None = None,
) -> None:
    """The customer's decision moves the order (accepted only when every requirement is:
    `final`); its results per criterion and the partial delivery counts are kept."""
    kind = ACCEPTED if accepted else REJECTED
    if follow_delivery(session, order_id, kind, package_version, final, progress):
        note_acceptance_results(session, order_id, results, package_version)
