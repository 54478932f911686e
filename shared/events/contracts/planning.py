"""Events the planning service publishes."""

from marshmallow import Schema, fields, validate

from shared.events.contracts import contract
from shared.events.contracts.common import OrderEvent

PLAN_HEALTH = ("on_track", "at_risk", "off_track")


class RequirementTasks(Schema):
    requirement_id = fields.UUID(required=True)
    task_ids = fields.List(fields.UUID(), required=True)


class PlanEvent(OrderEvent):
    plan_id = fields.UUID(required=True)


@contract(
    "ordo.plan.created",
    "planning",
    ("orders",),
    "A draft plan exists, with the task ids per requirement for traceability",
)
class PlanCreated(PlanEvent):
    start_date = fields.Date(required=True)
    finish_date = fields.Date(required=True)
    requirement_tasks = fields.List(fields.Nested(RequirementTasks), required=True)


@contract(
    "ordo.plan.activated",
    "planning",
    ("orders", "feedback"),
    "Baseline 1 taken and work starts: the order goes in progress",
)
class PlanActivated(PlanEvent):
    baseline_number = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    finish_date = fields.Date(required=True)


@contract(
    "ordo.plan.rebaselined",
    "planning",
    ("orders", "feedback"),
    "A new baseline after a change or rework: new finish and slip in days",
)
class PlanRebaselined(PlanEvent):
    baseline_number = fields.Integer(required=True)
    finish_date = fields.Date(required=True)
    previous_finish_date = fields.Date(required=True)
    # Working days the new finish lies after baseline 1's finish: the total slip so far.
    slip_days = fields.Integer(required=True)
    reason = fields.String(required=True)
    # The traceability after the change, as in plan.created (work packages added or removed).
    requirement_tasks = fields.List(fields.Nested(RequirementTasks), load_default=list)


@contract(
    "ordo.plan.status_changed",
    "planning",
    ("orders", "feedback"),
    "Plan health changed, with SPI, CPI and forecast finish",
)
class PlanStatusChanged(PlanEvent):
    status = fields.String(required=True, validate=validate.OneOf(PLAN_HEALTH))
    previous_status = fields.String(allow_none=True, load_default=None)
    spi = fields.Float(allow_none=True, load_default=None)
    cpi = fields.Float(allow_none=True, load_default=None)
    forecast_finish = fields.Date(allow_none=True, load_default=None)
    reasons = fields.List(fields.String(), load_default=list)


@contract("ordo.milestone.reached", "planning", ("orders",), "A milestone was reached")
class MilestoneReached(PlanEvent):
    task_id = fields.UUID(required=True)
    name = fields.String(required=True)
    reached_on = fields.Date(required=True)


@contract("ordo.risk.raised", "planning", ("orders",), "A risk scored 15 or more")
class RiskRaised(PlanEvent):
    risk_id = fields.UUID(required=True)
    title = fields.String(required=True)
    probability = fields.Integer(required=True, validate=validate.Range(1, 5))
    impact = fields.Integer(required=True, validate=validate.Range(1, 5))
    score = fields.Integer(required=True, validate=validate.Range(1, 25))


@contract(
    "ordo.plan.completed",
    "planning",
    ("delivery", "feedback"),
    "All work is done: deliverables go to quality control",
)
class PlanCompleted(PlanEvent):
    completed_on = fields.Date(required=True)
