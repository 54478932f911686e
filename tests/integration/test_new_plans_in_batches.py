"""Confirmations handled in one inbox batch: still exactly one plan per order, none for an order
cancelled first, and each plan announced once with its rows complete."""

import uuid

import sqlalchemy as sa

from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from services.planning.models import Dependency, Plan, Task
from shared.db import Database
from shared.events.inbox import Inbox
from tests.helpers import event
from tests.integration.conftest import create_schema
from tests.integration.workers import confirmed_order


def test_a_batch_plans_each_order_once_and_skips_the_one_cancelled_before(backend):
    url = create_schema(backend, "planning", PlanningBase.metadata)
    db = Database(url, PlanningBase.metadata, "planning")
    inbox = Inbox(db, backend.settings("planning"), planning_handle)
    dropped, planned = confirmed_order(), confirmed_order()
    cancelled = {"order_id": dropped["order_id"], "reason": "Gone", "previous_status": "confirmed"}
    batch = [
        event("ordo.order.cancelled", cancelled),
        event("ordo.order.confirmed", dropped),
        event("ordo.order.confirmed", planned),
        event("ordo.order.confirmed", planned),  # sent again under a new id
    ]
    assert inbox.receive_many([(e.to_json(), e.headers()) for e in batch]) == ["processed"] * 4
    with db.sessions() as session:
        plans = session.scalars(sa.select(Plan)).all()
        assert [plan.order_id for plan in plans] == [uuid.UUID(str(planned["order_id"]))]
        [plan] = plans
        assert plan.version == 2 and plan.status == "draft"
        tasks = session.scalars(sa.select(Task).where(Task.plan_id == plan.id)).all()
        assert sorted(task.wbs_code for task in tasks) == ["1", "2", "2.1", "3", "4"]
        assert all(task.version == 1 and task.start_date for task in tasks)
        links = session.scalar(sa.select(sa.func.count()).select_from(Dependency))
        assert links == 3
        announced = session.execute(sa.text("SELECT subject FROM outbox")).scalars().all()
    assert announced == [str(planned["order_id"])]
    db.dispose()
