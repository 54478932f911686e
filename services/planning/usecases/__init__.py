"""What users and events do with plans, one module per aggregate (plans, tasks, dependencies,
resources, risks) plus the plan's network as stored (`network`) and the read models drawn
from it (`reports`).

`publish` is the service's one publish call; `publish_about` adds what every planning event
carries (the order, the plan and the plan's new version).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.planning.models import Plan
from shared.db import utcnow
from shared.events.contracts import EventType
from shared.events.envelope import Envelope
from shared.events.outbox import Publisher

publish = Publisher()


def publish_about(session: Session, plan: Plan, event: EventType, **data: Any) -> Envelope:
    """Publish `event` about `plan`, carrying its order, its id and its version after the
    change (the plan row is touched, so its version moves on with every event)."""
    plan.updated_at = utcnow()
    session.flush()
    return publish(
        session,
        event,
        {"order_id": plan.order_id, "plan_id": plan.id, "version": plan.version, **data},
    )
