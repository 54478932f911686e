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


@contract(
    "ordo.work_package.completed",
    "planning",
    ("delivery",),
    "Every task of one requirement (its work package and rework) is done: its deliverable goes "
    "to quality control",
)
class WorkPackageCompleted(PlanEvent):
    requirement_id = fields.UUID(required=True)
    increment_id = fields.UUID(allow_none=True, load_default=None)
    completed_on = fields.Date(required=True)


class IncrementEvent(PlanEvent):
    increment_id = fields.UUID(required=True)
    number = fields.Integer(required=True, validate=validate.Range(min=1))
    name = fields.String(required=True)
    start_date = fields.Date(required=True)
    finish_date = fields.Date(required=True)
    requirement_ids = fields.List(fields.UUID(), required=True)


@contract(
    "ordo.increment.planned",
    "planning",
    ("delivery",),
    "An increment (iteration or release) of an incremental plan was planned or replanned: its "
    "dates and the requirements it delivers",
)
class IncrementPlanned(IncrementEvent):
    kind = fields.String(required=True, validate=validate.OneOf(("iteration", "release")))


@contract(
    "ordo.increment.completed",
    "planning",
    ("feedback",),
    "Every task of an increment's requirements is done: its effort counts toward velocity",
)
class IncrementCompleted(IncrementEvent):
    completed_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)
    effort_hours = fields.Float(required=True)


class MeetingOccurrence(Schema):
    meeting_id = fields.UUID(required=True)
    starts_at = fields.DateTime(required=True)


class MeetingEvent(PlanEvent):
    meeting_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)


@contract(
    "ordo.meeting.scheduled",
    "planning",
    ("orders", "feedback"),
    "A meeting (or a weekly series, one meeting per occurrence) was scheduled with its "
    "attendees invited; no call link or address is in the event",
)
class MeetingScheduled(MeetingEvent):
    starts_at = fields.DateTime(required=True)
    recurrence = fields.String(allow_none=True, load_default=None)
    occurrences = fields.List(fields.Nested(MeetingOccurrence), required=True)
    staff_attendees = fields.Integer(required=True)
    customer_attendees = fields.Integer(required=True)


@contract(
    "ordo.meeting.cancelled",
    "planning",
    ("orders", "feedback"),
    "A meeting, or occurrences of a weekly series from one on, was cancelled and its attendees "
    "mailed the cancellation; the reason is in the mail, not in the event",
)
class MeetingCancelled(MeetingEvent):
    series_id = fields.UUID(allow_none=True, load_default=None)
    occurrences = fields.List(fields.Nested(MeetingOccurrence), required=True)


class ActionItemData(Schema):
    action_item_id = fields.UUID(required=True)
    title = fields.String(required=True)
    owner = fields.String(required=True)
    due_date = fields.Date(allow_none=True, load_default=None)
    internal = fields.Boolean(required=True)


class DecisionData(Schema):
    text = fields.String(required=True)
    internal = fields.Boolean(required=True)


@contract(
    "ordo.meeting.minutes_published",
    "planning",
    ("orders", "feedback"),
    "A meeting was held and its minutes published, with its decisions and action items",
)
class MinutesPublished(MeetingEvent):
    held_at = fields.DateTime(required=True)
    decisions = fields.List(fields.Nested(DecisionData), required=True)
    action_items = fields.List(fields.Nested(ActionItemData), required=True)


class ActionItemEvent(PlanEvent):
    action_item_id = fields.UUID(required=True)
    meeting_id = fields.UUID(required=True)
    title = fields.String(required=True)
    due_date = fields.Date(allow_none=True, load_default=None)


@contract(
    "ordo.action_item.overdue",
    "planning",
    ("orders", "feedback"),
    "An open action item passed its due day (said once per item, by the worker's daily look)",
)
class ActionItemOverdue(ActionItemEvent):
    owner = fields.String(required=True)


@contract(
    "ordo.action_item.closed",
    "planning",
    ("feedback",),
    "An action item was done or cancelled, on time or not",
)
class ActionItemClosed(ActionItemEvent):
    status = fields.String(required=True, validate=validate.OneOf(("done", "cancelled")))
    closed_on = fields.Date(required=True)
    on_time = fields.Boolean(required=True)


class MilestoneForecast(Schema):
    """A milestone as a status report states it: baseline day, forecast day, reached day."""

    name = fields.String(required=True)
    planned_date = fields.Date(allow_none=True, load_default=None)
    forecast_date = fields.Date(allow_none=True, load_default=None)
    reached_on = fields.Date(allow_none=True, load_default=None)


@contract(
    "ordo.status_report.published",
    "planning",
    ("orders", "feedback"),
    "The manager published a status report: its RAG with reasons, progress and indices",
)
class StatusReportPublished(PlanEvent):
    status_report_id = fields.UUID(required=True)
    number = fields.Integer(required=True)
    status_date = fields.Date(required=True)
    rag = fields.String(required=True, validate=validate.OneOf(("green", "amber", "red")))
    reasons = fields.List(fields.String(), required=True)
    percent_complete = fields.Float(required=True)
    spi = fields.Float(allow_none=True, load_default=None)
    cpi = fields.Float(allow_none=True, load_default=None)
    open_issues = fields.Integer(required=True)
    open_action_items = fields.Integer(required=True)
    mailed_to = fields.Integer(required=True)
    # Every milestone as of the status date (added for the customer portal; older reports
    # carry none).
    milestones = fields.List(fields.Nested(MilestoneForecast), load_default=list)
