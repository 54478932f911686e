"""What the planning service does with the events it hears."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.models import Plan
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher
from shared.events.outbox import record


def on_order_confirmed(event: Envelope, session: Session) -> None:
    """Exactly one draft plan per order."""
    data = event.data
    if session.scalar(sa.select(Plan.id).where(Plan.order_id == data["order_id"])):
        return
    start = data["confirmed_at"].date()
    plan = Plan(
        order_id=data["order_id"],
        order_number=data["number"],
        customer_id=data["customer_id"],
        title=data["title"],
        start_date=start,
        finish_date=start,
        due_date=data["due_date"],
    )
    session.add(plan)
    session.flush()
    record(
        session,
        "ordo.plan.created",
        {
            "order_id": plan.order_id,
            "plan_id": plan.id,
            "version": plan.version,
            "start_date": plan.start_date,
            "finish_date": plan.finish_date,
            "requirement_tasks": [],
        },
    )


handle = dispatcher({"ordo.order.confirmed": on_order_confirmed})
