"""Request and response schemas of the planning API."""

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from services.planning.domain.levelling import LevellingMode
from services.planning.domain.limits import (
    LINK_TYPES,
    MAX_DURATION,
    MAX_EFFORT_HOURS,
    MAX_IMPORT_ROWS,
    MAX_LAG,
    MAX_NAME_LENGTH,
)
from services.planning.domain.template import DEPARTMENTS
from shared.http.fields import EARLIEST_DAY, LATEST_DAY, Day
from shared.http.requests import PageArgsSchema
from shared.money import MAX_MONEY

PLAN_STATUSES = ("draft", "active", "completed", "cancelled")
DEPENDENCY_TYPES = LINK_TYPES
RESOURCE_KINDS = ("person", "equipment")
RISK_RESPONSES = ("avoid", "mitigate", "transfer", "accept")
RISK_STATUSES = ("open", "closed", "occurred")


def money(**kwargs):
    """A decimal amount with 2 places, within what a Numeric(14, 2) column holds."""
    field = fields.Decimal(as_string=True, places=2, **kwargs)
    column = validate.Range(
        min=-MAX_MONEY, max=MAX_MONEY, error=f"Must be between {-MAX_MONEY} and {MAX_MONEY}."
    )
    field.validators = [*field.validators, column]
    return field


class PlanSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    order_number = fields.String()
    customer_id = fields.UUID()
    title = fields.String()
    status = fields.String()
    health = fields.String(allow_none=True)
    start_date = fields.Date()
    finish_date = fields.Date()
    due_date = fields.Date(allow_none=True)
    status_date = fields.Date(
        allow_none=True, metadata={"description": "The data date of the latest progress report"}
    )
    currency = fields.String()
    activated_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    accepted_on = fields.Date(allow_none=True)
    cancelled_reason = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()


class PlanQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))


class ActivateSchema(Schema):
    start_date = Day(
        load_default=None,
        allow_none=True,
        metadata={"description": "Move the plan's start before taking baseline 1"},
    )


class TaskSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    parent_id = fields.UUID(allow_none=True)
    position = fields.Integer()
    wbs_code = fields.String()
    level = fields.Integer()
    name = fields.String()
    department = fields.String()
    requirement_id = fields.UUID(allow_none=True)
    origin = fields.String()
    milestone = fields.Boolean()
    summary = fields.Boolean()
    duration = fields.Integer()
    effort_hours = fields.Float()
    cost = money()
    not_before = fields.Date(allow_none=True)
    percent_complete = fields.Float()
    actual_start = fields.Date(allow_none=True)
    actual_finish = fields.Date(allow_none=True)
    actual_hours = fields.Float()
    actual_cost = money()
    start_date = fields.Date(allow_none=True)
    finish_date = fields.Date(allow_none=True)
    late_start = fields.Date(allow_none=True)
    late_finish = fields.Date(allow_none=True)
    total_float = fields.Integer()
    free_float = fields.Integer()
    critical = fields.Boolean()
    finish_variance_days = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Working days the forecast finish lies after the latest baseline's "
            "finish (negative: ahead); null before activation or for a task added since"
        },
    )
    late = fields.Boolean(
        metadata={"description": "Unfinished, and its forecast finish passes the baseline's"}
    )
    version = fields.Integer()


class TaskQueryArgsSchema(PageArgsSchema):
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))
    critical = fields.Boolean()
    department = fields.String(validate=validate.OneOf(DEPARTMENTS))
    requirement_id = fields.UUID()


class TaskFieldsSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    parent_id = fields.UUID(allow_none=True)
    position = fields.Integer(validate=validate.Range(min=0))
    department = fields.String(validate=validate.OneOf(DEPARTMENTS))
    requirement_id = fields.UUID(allow_none=True)
    duration = fields.Integer(validate=validate.Range(min=0, max=MAX_DURATION))
    milestone = fields.Boolean()
    effort_hours = fields.Float(validate=validate.Range(min=0, max=1_000_000))
    cost = money(validate=validate.Range(min=0))
    not_before = Day(allow_none=True)


class TaskCreateSchema(TaskFieldsSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    duration = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_DURATION),
        metadata={"description": "Working days; default 1, or 0 for a milestone"},
    )
    department = fields.String(load_default="other", validate=validate.OneOf(DEPARTMENTS))
    milestone = fields.Boolean(load_default=False)


class TaskUpdateSchema(TaskFieldsSchema):
    pass


class WbsTaskRowSchema(Schema):
    """One task of an import: new (with a `key`) or existing (with its `id`)."""

    key = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A new task's name within this import, for parents and links"},
    )
    id = fields.UUID(metadata={"description": "An existing task of the plan to change"})
    parent = fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The key of a row above, or the id of a task of the plan"},
    )
    name = fields.String(validate=validate.Length(min=1, max=MAX_NAME_LENGTH))
    duration = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_DURATION),
        metadata={"description": "Working days; default 1, or 0 for a milestone"},
    )
    milestone = fields.Boolean()
    department = fields.String(validate=validate.OneOf(DEPARTMENTS))
    requirement_id = fields.UUID(allow_none=True)
    effort_hours = fields.Float(validate=validate.Range(min=0, max=MAX_EFFORT_HOURS))
    cost = money(validate=validate.Range(min=0))
    not_before = Day(allow_none=True)

    @validates_schema
    def a_row_is_new_or_names_a_task(self, data, **_kwargs):
        if ("key" in data) == ("id" in data):
            raise ValidationError("Give a new task a key, or name an existing task by id.", "key")
        if "key" in data and "name" not in data:
            raise ValidationError("A new task needs a name.", "name")


class WbsLinkRowSchema(Schema):
    predecessor = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A key of this import or a task id"},
    )
    successor = fields.String(required=True, validate=validate.Length(min=1, max=64))
    type = fields.String(load_default="FS", validate=validate.OneOf(DEPENDENCY_TYPES))
    lag = fields.Integer(
        load_default=0,
        validate=validate.Range(min=-MAX_LAG, max=MAX_LAG),
        metadata={"description": "Working days; negative is a lead"},
    )


class WbsImportSchema(Schema):
    tasks = fields.List(
        fields.Nested(WbsTaskRowSchema),
        load_default=list,
        validate=validate.Length(max=MAX_IMPORT_ROWS),
        metadata={"description": "In outline order: a parent before the tasks below it"},
    )
    links = fields.List(
        fields.Nested(WbsLinkRowSchema),
        load_default=list,
        validate=validate.Length(max=2 * MAX_IMPORT_ROWS),
    )


class WbsFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={
            "description": "A CSV sheet (text/csv, .csv) or a Microsoft Project XML export "
            "(MSPDI: application/xml or text/xml, .xml); docs/planning.md lists the CSV's "
            "columns and what is read of the XML"
        },
    )


class WbsImportResultSchema(Schema):
    created = fields.Dict(
        keys=fields.String(),
        values=fields.UUID(),
        metadata={"description": "The id of each new task, by its key"},
    )
    changed = fields.Integer(metadata={"description": "Existing tasks changed"})
    linked = fields.Integer(metadata={"description": "Links added"})
    finish_date = fields.Date(metadata={"description": "The plan's finish after scheduling"})


class ProgressSchema(Schema):
    percent_complete = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=100),
        metadata={"description": "0-100, kept to 2 decimals"},
    )
    actual_start = Day(allow_none=True)
    actual_finish = Day(allow_none=True)
    actual_hours = fields.Float(validate=validate.Range(min=0, max=1_000_000))
    actual_cost = money(validate=validate.Range(min=0))
    status_date = Day(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The status (data) date the progress is reported as of (default "
            "today; not before the plan's start nor beyond today + 1 day): unfinished work "
            "scheduled before it moves after it, and health is judged on it"
        },
    )
    as_of = Day(
        load_default=None,
        allow_none=True,
        metadata={"description": "The status date under its earlier name"},
    )
    reason = fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "Why progress goes backwards (required when it does)"},
    )

    @validates_schema
    def finish_after_start(self, data, **_kwargs):
        start, finish = data.get("actual_start"), data.get("actual_finish")
        if start and finish and finish < start:
            raise ValidationError("The actual finish is before the actual start.", "actual_finish")

    @post_load
    def two_decimals(self, data, **_kwargs):
        # As summaries' roll-ups are kept; 1e-30 % is no progress, not a CPI near zero.
        data["percent_complete"] = round(data["percent_complete"], 2)
        return data


class DependencySchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    predecessor_id = fields.UUID()
    successor_id = fields.UUID()
    type = fields.String()
    lag = fields.Integer()


class DependencyCreateSchema(Schema):
    predecessor_id = fields.UUID(required=True)
    successor_id = fields.UUID(required=True)
    type = fields.String(load_default="FS", validate=validate.OneOf(DEPENDENCY_TYPES))
    lag = fields.Integer(
        load_default=0,
        validate=validate.Range(min=-MAX_LAG, max=MAX_LAG),
        metadata={"description": "Working days; negative is a lead"},
    )


class CalendarSchema(Schema):
    working_weekdays = fields.List(
        fields.Integer(validate=validate.Range(min=0, max=6)),
        required=True,
        validate=validate.Length(min=1, max=7),
        metadata={"description": "0 = Monday … 6 = Sunday"},
    )
    holidays = fields.List(Day(), load_default=list, validate=validate.Length(max=2000))


class ResourceSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    department = fields.String()
    hours_per_day = fields.Float()
    cost_rate = money()
    currency = fields.String()
    active = fields.Boolean()
    version = fields.Integer()


class ResourceCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(RESOURCE_KINDS))
    department = fields.String(required=True, validate=validate.OneOf(DEPARTMENTS))
    hours_per_day = fields.Float(load_default=8.0, validate=validate.Range(min=0.5, max=24))
    cost_rate = money(required=True, validate=validate.Range(min=0))
    currency = fields.String(load_default="EUR", validate=validate.Regexp(r"^[A-Z]{3}$"))


class ResourceUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    department = fields.String(validate=validate.OneOf(DEPARTMENTS))
    hours_per_day = fields.Float(validate=validate.Range(min=0.5, max=24))
    cost_rate = money(validate=validate.Range(min=0))
    active = fields.Boolean()


class ResourceQueryArgsSchema(PageArgsSchema):
    department = fields.String(validate=validate.OneOf(DEPARTMENTS))
    kind = fields.String(validate=validate.OneOf(RESOURCE_KINDS))


class AllocationSchema(Schema):
    id = fields.UUID()
    task_id = fields.UUID()
    resource_id = fields.UUID()
    hours_per_day = fields.Float()


class AllocationCreateSchema(Schema):
    resource_id = fields.UUID(required=True)
    hours_per_day = fields.Float(required=True, validate=validate.Range(min=0.25, max=24))


class LoadQueryArgsSchema(Schema):
    start = Day(data_key="from", load_default=None)
    end = Day(data_key="to", load_default=None)
    resource_id = fields.UUID()


class DayLoadSchema(Schema):
    date = fields.Date()
    hours = fields.Float(metadata={"description": "Booked by active plans"})
    tentative_hours = fields.Float(
        metadata={"description": "Booked by draft plans: tentative until they are activated"}
    )
    capacity = fields.Float()


class ResourceLoadSchema(Schema):
    resource_id = fields.UUID()
    name = fields.String()
    capacity = fields.Float()
    days = fields.List(fields.Nested(DayLoadSchema))
    over_allocated = fields.List(
        fields.Nested(DayLoadSchema),
        metadata={"description": "Days whose active hours exceed the capacity"},
    )
    tentatively_over_allocated = fields.List(
        fields.Nested(DayLoadSchema),
        metadata={"description": "Days whose active and tentative hours together exceed it"},
    )


class LoadSchema(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    resources = fields.List(fields.Nested(ResourceLoadSchema))


class LevelArgsSchema(Schema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Propose the moves and write nothing"},
    )
    mode = fields.String(
        load_default=LevellingMode.WITHIN_FLOAT.value,
        validate=validate.OneOf([mode.value for mode in LevellingMode]),
        metadata={
            "description": "within_float keeps the finish; extend_finish levels to capacity "
            "and may move the finish"
        },
    )


class MoveSchema(Schema):
    task_id = fields.UUID()
    name = fields.String()
    old_start = fields.Date()
    new_start = fields.Date()
    delay_days = fields.Integer(metadata={"description": "Working days the task moves"})


class UnresolvedSchema(Schema):
    resource_id = fields.UUID()
    name = fields.String()
    date = fields.Date()
    hours = fields.Float()
    capacity = fields.Float()


class LevellingSchema(Schema):
    dry_run = fields.Boolean()
    mode = fields.String()
    moves = fields.List(fields.Nested(MoveSchema))
    unresolved = fields.List(fields.Nested(UnresolvedSchema))
    original_finish_date = fields.Date(metadata={"description": "The finish before levelling"})
    finish_date = fields.Date(metadata={"description": "The finish after levelling"})
    finish_extension_days = fields.Integer(
        metadata={"description": "Working days levelling moves the finish (0 within float)"}
    )
    complete = fields.Boolean(
        metadata={
            "description": "False when the time budget ran out: the result is the best found "
            "by then (within float: fewer clashes resolved)"
        }
    )


class LevellingJobSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    mode = fields.String(metadata={"description": "within_float or extend_finish"})
    dry_run = fields.Boolean(metadata={"description": "Propose only: the result writes nothing"})
    status = fields.String(metadata={"description": "queued, running, succeeded or failed"})
    progress = fields.Float(metadata={"description": "How far the run got, 0 to 1"})
    budget_seconds = fields.Float(
        metadata={"description": "The run stops with its best result by then"}
    )
    result = fields.Nested(
        LevellingSchema,
        attribute="outcome",
        allow_none=True,
        metadata={
            "description": "Once succeeded: the moves (the dry run's diff), what stays "
            "unresolved, the finish before and after"
        },
    )
    error = fields.String(allow_none=True, metadata={"description": "Why a failed job failed"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class BaselineSchema(Schema):
    id = fields.UUID()
    number = fields.Integer()
    reason = fields.String()
    taken_on = fields.Date()
    start_date = fields.Date()
    finish_date = fields.Date()
    effort_hours = fields.Float()
    cost = money()


class BaselineCreateSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class VarianceArgsSchema(Schema):
    baseline = fields.Integer(load_default=1, validate=validate.Range(min=1))


class TaskVarianceSchema(Schema):
    task_id = fields.UUID()
    wbs_code = fields.String()
    name = fields.String()
    state = fields.String(metadata={"description": "in_both, added or removed"})
    baseline_start = fields.Date(allow_none=True)
    baseline_finish = fields.Date(allow_none=True)
    start_date = fields.Date(allow_none=True)
    finish_date = fields.Date(allow_none=True)
    start_variance_days = fields.Integer(allow_none=True)
    finish_variance_days = fields.Integer(allow_none=True)
    effort_variance_hours = fields.Float(
        allow_none=True, metadata={"description": "Forecast effort - baseline effort"}
    )
    cost_variance = money(allow_none=True, metadata={"description": "Forecast - baseline cost"})
    actual_start = fields.Date(allow_none=True)
    actual_finish = fields.Date(allow_none=True)
    percent_complete = fields.Float(allow_none=True)
    late = fields.Boolean()
    baseline_effort_hours = fields.Float(allow_none=True)
    effort_hours = fields.Float(allow_none=True, metadata={"description": "Forecast effort"})
    actual_hours = fields.Float(allow_none=True)
    baseline_cost = money(allow_none=True)
    cost = money(allow_none=True, metadata={"description": "Forecast cost"})
    actual_cost = money(allow_none=True)
    earned_value = money(
        allow_none=True, metadata={"description": "Baseline cost x percent complete"}
    )
    actual_cost_variance = money(
        allow_none=True,
        metadata={"description": "Earned value - actual cost (negative: over budget, as CV)"},
    )
    actual_effort_variance_hours = fields.Float(
        allow_none=True,
        metadata={"description": "Baseline effort x percent complete - actual hours"},
    )


class VarianceTotalsSchema(Schema):
    baseline_effort_hours = fields.Float()
    forecast_effort_hours = fields.Float()
    actual_hours = fields.Float()
    baseline_cost = money()
    forecast_cost = money()
    actual_cost = money()
    earned_value = money()
    cost_variance = money(metadata={"description": "Forecast - baseline cost"})
    actual_cost_variance = money(metadata={"description": "Earned value - actual cost (= CV)"})


class VarianceSchema(Schema):
    baseline = fields.Nested(BaselineSchema)
    finish_variance_days = fields.Integer()
    slip = fields.String(metadata={"description": "The finish variance in words"})
    totals = fields.Nested(VarianceTotalsSchema)
    tasks = fields.List(fields.Nested(TaskVarianceSchema))


class EarnedValueArgsSchema(Schema):
    as_of = Day(load_default=None)
    baseline = fields.Integer(load_default=None, validate=validate.Range(min=1))


class EarnedValueSchema(Schema):
    as_of = fields.Date()
    baseline_number = fields.Integer()
    currency = fields.String()
    bac = money()
    pv = money()
    ev = money()
    ac = money()
    sv = money()
    cv = money()
    spi = fields.Float(allow_none=True)
    cpi = fields.Float(allow_none=True)
    eac = money(allow_none=True)
    etc = money(allow_none=True)
    vac = money(allow_none=True)
    forecast_finish = fields.Date(allow_none=True)
    status = fields.String(
        metadata={"description": "The plan's health: the indices, its finish and late work"}
    )
    reasons = fields.List(fields.String(), metadata={"description": "Why it is not on track"})
    thresholds = fields.Dict()


class RiskSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    title = fields.String()
    description = fields.String()
    probability = fields.Integer()
    impact = fields.Integer()
    score = fields.Integer()
    response = fields.String()
    owner = fields.String(allow_none=True)
    mitigation = fields.String()
    status = fields.String()
    task_ids = fields.List(fields.UUID())
    raised_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


SCALE = validate.Range(min=1, max=5)


class RiskCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    probability = fields.Integer(required=True, validate=SCALE)
    impact = fields.Integer(required=True, validate=SCALE)
    response = fields.String(required=True, validate=validate.OneOf(RISK_RESPONSES))
    owner = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    mitigation = fields.String(load_default="")
    status = fields.String(load_default="open", validate=validate.OneOf(RISK_STATUSES))
    task_ids = fields.List(fields.UUID(), load_default=list)


class RiskUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String()
    probability = fields.Integer(validate=SCALE)
    impact = fields.Integer(validate=SCALE)
    response = fields.String(validate=validate.OneOf(RISK_RESPONSES))
    owner = fields.String(allow_none=True, validate=validate.Length(max=200))
    mitigation = fields.String()
    status = fields.String(validate=validate.OneOf(RISK_STATUSES))
    task_ids = fields.List(fields.UUID())


class RiskQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(RISK_STATUSES))
    min_score = fields.Integer(validate=validate.Range(min=1, max=25))


class RiskCellSchema(Schema):
    probability = fields.Integer()
    impact = fields.Integer()
    score = fields.Integer()
    count = fields.Integer()
    risk_ids = fields.List(fields.UUID())


class RiskMatrixSchema(Schema):
    rows = fields.List(
        fields.List(fields.Nested(RiskCellSchema)),
        metadata={"description": "Probability 5 on the top row, impact 1 to 5 left to right"},
    )
    raise_threshold = fields.Integer()


class GanttArgsSchema(Schema):
    today = Day(load_default=None)
    baseline = fields.Integer(load_default=None, validate=validate.Range(min=1))
    resources = fields.Boolean(
        load_default=False, metadata={"description": "Write the resource names on the bars"}
    )


class ReportArgsSchema(Schema):
    as_of = Day(load_default=None)


class ReportTaskSchema(Schema):
    id = fields.UUID()
    wbs_code = fields.String()
    name = fields.String()
    start_date = fields.Date()
    finish_date = fields.Date()


class ReportMilestoneSchema(ReportTaskSchema):
    baseline_date = fields.Date(allow_none=True)
    reached_on = fields.Date(allow_none=True)


class ProgressSummarySchema(Schema):
    percent_complete = fields.Float()
    tasks = fields.Integer()
    tasks_done = fields.Integer()
    tasks_in_progress = fields.Integer()


class SlipSchema(Schema):
    baseline_finish = fields.Date(allow_none=True)
    finish_date = fields.Date()
    slip_days = fields.Integer(
        allow_none=True,
        metadata={"description": "Working days after baseline 1's finish (negative: ahead)"},
    )
    slip = fields.String(metadata={"description": "The slip in words: 5 days ahead, 3 days late"})
    due_date = fields.Date(allow_none=True)
    late_tasks = fields.Integer()


class ReportSchema(Schema):
    plan = fields.Nested(PlanSchema)
    as_of = fields.Date()
    progress = fields.Nested(ProgressSummarySchema)
    earned_value = fields.Nested(EarnedValueSchema, allow_none=True)
    critical_path = fields.List(fields.Nested(ReportTaskSchema))
    top_risks = fields.List(fields.Nested(RiskSchema))
    milestones = fields.List(fields.Nested(ReportMilestoneSchema))
    slip = fields.Nested(SlipSchema)


# Increments (issue 17) ----------------------------------------------------------------------


class IncrementCreateSchema(Schema):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 200))
    kind = fields.String(
        load_default="iteration", validate=validate.OneOf(("iteration", "release"))
    )
    start_date = Day(required=True)
    finish_date = Day(required=True)
    requirement_ids = fields.List(
        fields.UUID(), load_default=list, validate=validate.Length(max=500)
    )


class IncrementSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    number = fields.Integer()
    name = fields.String()
    kind = fields.String()
    start_date = fields.Date()
    finish_date = fields.Date()
    completed_on = fields.Date(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    effort_hours = fields.Float()
    remaining_hours = fields.Float()
    requirement_ids = fields.List(fields.UUID())
    version = fields.Integer()


class IncrementMoveSchema(Schema):
    increment_id = fields.UUID(
        required=True,
        allow_none=True,
        metadata={"description": "The increment to move the requirement to; null: the backlog"},
    )


class BacklogItemSchema(Schema):
    requirement_id = fields.UUID()
    title = fields.String()
    effort_hours = fields.Float()
    increment_id = fields.UUID(allow_none=True)
    increment_number = fields.Integer(allow_none=True)


class BacklogSchema(Schema):
    plan_id = fields.UUID()
    backlog = fields.List(fields.Nested(BacklogItemSchema))
    scheduled = fields.List(fields.Nested(BacklogItemSchema))


class BurndownArgsSchema(Schema):
    today = Day(load_default=None, allow_none=True)


class BurndownDaySchema(Schema):
    day = fields.Date()
    ideal_hours = fields.Float()
    remaining_hours = fields.Float(allow_none=True)


class BurndownSchema(Schema):
    increment = fields.Nested(IncrementSchema)
    days = fields.List(fields.Nested(BurndownDaySchema))


class VelocitySchema(Schema):
    plan_id = fields.UUID()
    velocity_hours = fields.Float(
        allow_none=True, metadata={"description": "Mean effort of the completed increments"}
    )
    increments_completed = fields.Integer()
    increments_on_time = fields.Integer()
    increments = fields.List(fields.Nested(IncrementSchema))


# --- meetings, action items, the issue log, status reports (issue 16) ---------------------

MEETING_KINDS = ("kick_off", "status", "design_review", "acceptance", "retrospective", "other")
ACTION_ITEM_STATUSES = ("open", "done", "cancelled")
ISSUE_SEVERITIES = ("low", "medium", "high", "critical")
ISSUE_STATUSES = ("open", "resolved")


class AttendeeSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("staff", "customer")))
    user_id = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=validate.Length(min=1, max=40))
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email(validate=validate.Length(max=254))
    locale = fields.String(validate=validate.OneOf(("en", "zh-CN")))


class MeetingCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_at = fields.AwareDateTime(
        required=True,
        validate=lambda moment: EARLIEST_DAY <= moment.date() <= LATEST_DAY,
        metadata={"description": "With its time zone; between 1900-01-01 and 2999-12-31"},
    )
    duration_minutes = fields.Integer(load_default=60, validate=validate.Range(min=5, max=600))
    place = fields.String(load_default=None, validate=validate.Length(max=200))
    call_url = fields.Url(
        load_default=None, schemes={"https", "http"}, validate=validate.Length(max=500)
    )
    recurrence = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "A weekly RRULE that ends, e.g. FREQ=WEEKLY;COUNT=8"},
    )
    attendees = fields.List(fields.Nested(AttendeeSchema), required=True)
    agenda = fields.List(fields.String(validate=validate.Length(min=1, max=500)), load_default=list)


class MeetingCancelSchema(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Why it will not take place: mailed to every attendee"},
    )
    following = fields.Boolean(
        load_default=False,
        metadata={"description": "Also cancel the later scheduled occurrences of its series"},
    )


class DecisionSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    internal = fields.Boolean(load_default=False)


class ActionItemDraftSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    owner = fields.String(
        required=True,
        validate=validate.Length(min=1, max=320),
        metadata={"description": "A staff attendee's user id or a customer attendee's e-mail"},
    )
    due_date = Day(load_default=None)
    internal = fields.Boolean(load_default=False)
    task_id = fields.UUID(load_default=None)
    risk_id = fields.UUID(load_default=None)
    issue_id = fields.UUID(load_default=None)


class MinutesSchema(Schema):
    minutes = fields.String(required=True, validate=validate.Length(max=20000))
    decisions = fields.List(fields.Nested(DecisionSchema), load_default=list)
    action_items = fields.List(fields.Nested(ActionItemDraftSchema), load_default=list)


class ActionItemSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    meeting_id = fields.UUID()
    title = fields.String()
    owner = fields.String()
    due_date = fields.Date(allow_none=True)
    status = fields.String()
    internal = fields.Boolean()
    task_id = fields.UUID(allow_none=True)
    risk_id = fields.UUID(allow_none=True)
    issue_id = fields.UUID(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    version = fields.Integer()


class ActionItemUpdateSchema(Schema):
    status = fields.String(validate=validate.OneOf(ACTION_ITEM_STATUSES))
    owner = fields.String(validate=validate.Length(min=1, max=320))
    due_date = Day(allow_none=True)


class ActionItemQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(ACTION_ITEM_STATUSES))


class MeetingSchema(Schema):
    """A meeting; a customer's view leaves out internal items, user ids and draft minutes."""

    id = fields.UUID()
    plan_id = fields.UUID()
    series_id = fields.UUID(allow_none=True)
    kind = fields.String()
    title = fields.String()
    starts_at = fields.DateTime()
    duration_minutes = fields.Integer()
    place = fields.String(allow_none=True)
    call_url = fields.String(allow_none=True)
    recurrence = fields.String(allow_none=True)
    attendees = fields.List(fields.Dict())
    agenda = fields.List(fields.String())
    status = fields.String(
        metadata={
            "description": "scheduled; held once minutes are published, or cancelled (no "
            "minutes then)"
        }
    )
    minutes = fields.String()
    decisions = fields.List(fields.Nested(DecisionSchema))
    action_items = fields.List(fields.Dict())
    minutes_published_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    cancellation_reason = fields.String(
        allow_none=True, metadata={"description": "Why it was cancelled, as attendees were told"}
    )
    version = fields.Integer()


class IssueSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    title = fields.String()
    description = fields.String()
    severity = fields.String()
    status = fields.String()
    raised_by = fields.String()
    assignee = fields.String(allow_none=True)
    due_date = fields.Date(allow_none=True)
    resolution = fields.String(allow_none=True)
    resolved_on = fields.Date(allow_none=True)
    risk_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime()
    version = fields.Integer()


class IssueCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    severity = fields.String(required=True, validate=validate.OneOf(ISSUE_SEVERITIES))
    assignee = fields.String(load_default=None, validate=validate.Length(max=200))
    due_date = Day(load_default=None)


class IssueFromRiskSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=20000))
    severity = fields.String(required=True, validate=validate.OneOf(ISSUE_SEVERITIES))
    assignee = fields.String(validate=validate.Length(max=200))
    due_date = Day(load_default=None)


class IssueUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=20000))
    severity = fields.String(validate=validate.OneOf(ISSUE_SEVERITIES))
    assignee = fields.String(allow_none=True, validate=validate.Length(max=200))
    due_date = Day(allow_none=True)
    status = fields.String(validate=validate.OneOf(ISSUE_STATUSES))
    resolution = fields.String(allow_none=True, validate=validate.Length(max=20000))


class IssueQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(ISSUE_STATUSES))
    severity = fields.String(validate=validate.OneOf(ISSUE_SEVERITIES))


class StatusReportCreateSchema(Schema):
    status_date = Day(required=True)


class StatusReportNarrativeSchema(Schema):
    narrative = fields.String(required=True, validate=validate.Length(max=20000))


class StatusReportSchema(Schema):
    id = fields.UUID()
    plan_id = fields.UUID()
    number = fields.Integer()
    status_date = fields.Date()
    status = fields.String(metadata={"description": "draft, or published (immutable)"})
    rag = fields.String(metadata={"description": "green, amber or red"})
    reasons = fields.List(fields.String())
    content = fields.Dict(metadata={"description": "The figures as of the status date"})
    narrative = fields.String()
    published_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class StatusReportDocumentArgsSchema(Schema):
    locale = fields.String(load_default="en", validate=validate.OneOf(("en", "zh-CN")))
