"""What the orders service does with the events it hears.

Every event about an order goes on its timeline; the types below also move the order, flag
it, or feed traceability. Each handler looks at the order's status and the event's version
first, so repeated, re-sent and late events change nothing.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.deliveries import DeliveryState, react
from services.orders.domain.status import TRANSITIONS
from services.orders.models import CriterionAcceptance, DeliverableTrace, Order, RequirementTask
from services.orders.progress import close_after_retrospective, settle
from services.orders.timeline import record_on_timeline
from shared.events.envelope import Envelope, to_primitives
from shared.events.inbox import dispatcher

logger = logging.getLogger(__name__)

AT_RISK = ("at_risk", "off_track")


def order_of(event: Envelope, session: Session) -> Order | None:
    order = session.get(Order, event.data["order_id"])
    if order is None:
        logger.warning("%s %s names an unknown order; ignored", event.type, event.id)
    return order


def move(order: Order, action: str, event: Envelope) -> bool:
    """Move the order if its status allows `action`; a late or repeated event just stops."""
    target = TRANSITIONS[action].get(order.status)
    if target is None:
        logger.info("%s leaves order %s %s", event.type, order.number, order.status)
        return False
    order.status = target
    return True


def remember_plan_tasks(event: Envelope, session: Session) -> None:
    """Remember which plan tasks implement which requirement (newest plan version wins).

    plan.created carries them for a draft; plan.rebaselined after a change or rework (work
    packages added or removed, rework tasks); a rebaseline without them changes nothing.
    """
    data = event.data
    if event.type == "ordo.plan.rebaselined" and not data["requirement_tasks"]:
        return
    version = data.get("version") or 0
    rows = session.scalars(
        sa.select(RequirementTask).where(RequirementTask.order_id == data["order_id"])
    )
    existing = list(rows)
    if any(row.plan_version > version for row in existing):
        return
    for row in existing:
        session.delete(row)
    session.flush()
    for group in data["requirement_tasks"]:
        for task_id in dict.fromkeys(group["task_ids"]):
            session.add(
                RequirementTask(
                    order_id=data["order_id"],
                    requirement_id=group["requirement_id"],
                    task_id=task_id,
                    plan_id=data["plan_id"],
                    plan_version=version,
                )
            )


def on_plan_activated(event: Envelope, session: Session) -> None:
    """Baseline 1 taken: a confirmed order goes in progress (and on, if delivered already)."""
    order = order_of(event, session)
    if order is not None and move(order, "start", event):
        settle(session, order)


def on_plan_status_changed(event: Envelope, session: Session) -> None:
    """Keep the plan's health on the order and flag it at risk; older versions are ignored."""
    order = order_of(event, session)
    version = event.data.get("version") or 0
    if order is None or (version and version <= order.plan_health_version):
        return
    order.plan_health = event.data["status"]
    order.plan_health_version = version or order.plan_health_version
    order.at_risk = event.data["status"] in AT_RISK


def on_feedback_received(event: Envelope, session: Session) -> None:
    """The customer's satisfaction, shown on the order."""
    order = order_of(event, session)
    if order is not None:
        order.csat, order.nps = event.data["csat"], event.data["nps"]
        order.detractor = event.data["detractor"]


def on_retrospective_completed(event: Envelope, session: Session) -> None:
    """The retrospective closes an accepted order.

    One heard before the order is accepted (on hold, or the acceptance still on its way) stays
    on the timeline, and `settle` closes the order once it is accepted.
    """
    order = order_of(event, session)
    if order is not None and not close_after_retrospective(session, order):
        logger.info("%s leaves order %s %s", event.type, order.number, order.status)


def react_to_delivery(event: Envelope, session: Session, kind: str) -> Order | None:
    """Apply a delivery event unless it is stale; return the order when it was fresh."""
    order = order_of(event, session)
    if order is None:
        return None
    state = DeliveryState(order.delivery_package_version, order.delivery_decision)
    reaction = react(order.status, state, kind, event.data["package_version"])
    if not reaction.fresh:
        logger.info("stale %s for order %s ignored", event.type, order.number)
        return None
    order.delivery_package_version = reaction.state.package_version
    order.delivery_decision = reaction.state.decision
    if reaction.final_status is not None:
        order.status = reaction.final_status
        settle(session, order)
    else:
        logger.info("%s leaves order %s %s (remembered)", event.type, order.number, order.status)
    return order


def on_delivery_submitted(event: Envelope, session: Session) -> None:
    """A package was handed over: the order is delivered; its deliverables passed QC."""
    if react_to_delivery(event, session, "submitted") is None:
        return
    for item in event.data["deliverables"]:
        trace = deliverable_trace(session, event, item["deliverable_id"], item["requirement_id"])
        if trace is not None:
            trace.quality_status = "passed"
            trace.failed_criteria = []
            trace.package_version = event.data["package_version"]


def on_delivery_decided(kind: str):
    def handle(event: Envelope, session: Session) -> None:
        if react_to_delivery(event, session, kind) is None:
            return
        for result in event.data["results"]:
            row = session.get(CriterionAcceptance, result["criterion_id"]) or CriterionAcceptance(
                criterion_id=result["criterion_id"], order_id=event.data["order_id"]
            )
            row.requirement_id, row.deliverable_id = (
                result["requirement_id"],
                result["deliverable_id"],
            )
            row.met, row.comment = result["met"], result["comment"]
            row.package_version = event.data["package_version"]
            session.add(row)

    handle.__name__ = f"on_delivery_{kind}"
    handle.__doc__ = f"The customer's decision ({kind}) moves the order; results per criterion."
    return handle


def deliverable_trace(session: Session, event: Envelope, deliverable_id, requirement_id):
    """The deliverable's trace row, or None when this event is older than what it shows."""
    moment = event.occurred_at
    trace = session.get(DeliverableTrace, deliverable_id)
    if trace is None:
        trace = DeliverableTrace(
            deliverable_id=deliverable_id,
            order_id=event.data["order_id"],
            requirement_id=requirement_id,
            quality_status="unknown",
            failed_criteria=[],
            observed_at=moment,
        )
        session.add(trace)
        return trace
    if moment < trace.observed_at:
        return None
    trace.observed_at = moment
    return trace


def note_quality_failure(event: Envelope, session: Session) -> None:
    data = event.data
    trace = deliverable_trace(session, event, data["deliverable_id"], data["requirement_id"])
    if trace is not None:
        trace.quality_status = "failed"
        trace.failed_criteria = to_primitives({"c": data["failed_criteria"]})["c"]


def noted_on_timeline(event: Envelope, session: Session) -> None:
    """These events only go on the order's timeline."""


HANDLERS = {
    "ordo.plan.created": remember_plan_tasks,
    "ordo.plan.activated": on_plan_activated,
    "ordo.plan.rebaselined": remember_plan_tasks,
    "ordo.plan.status_changed": on_plan_status_changed,
    "ordo.milestone.reached": noted_on_timeline,
    "ordo.risk.raised": noted_on_timeline,
    "ordo.quality_check.failed": note_quality_failure,
    "ordo.delivery.submitted": on_delivery_submitted,
    "ordo.delivery.accepted": on_delivery_decided("accepted"),
    "ordo.delivery.rejected": on_delivery_decided("rejected"),
    "ordo.feedback.received": on_feedback_received,
    "ordo.retrospective.completed": on_retrospective_completed,
}

handle = dispatcher(HANDLERS, every_event=record_on_timeline)
