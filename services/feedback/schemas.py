"""Request and response schemas of the feedback API."""

import re

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.feedback.domain.lessons import TAG_PATTERN, normalise_tags
from services.feedback.domain.pulse import PULSE_COMMENT_CHARACTERS
from services.feedback.domain.questionnaire import (
    MAX_TEXT_LENGTH,
    QUESTIONNAIRE,
    SCALE_BOUNDS,
    Question,
    QuestionKind,
)
from services.feedback.domain.status import (
    FOLLOW_UP_STATUS,
    IMPROVEMENT_ACTION_STATUS,
    RETROSPECTIVE_STATUS,
)
from shared.events.contracts.orders import REQUIREMENT_KINDS
from shared.http.requests import PageArgsSchema

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="Use YYYY-MM.")
TEXT = validate.Length(max=MAX_TEXT_LENGTH)


def _answer_field(question: Question) -> fields.Field:
    if question.kind is QuestionKind.FREE_TEXT:
        return fields.String(
            allow_none=True, validate=TEXT, metadata={"description": question.text}
        )
    low, high = SCALE_BOUNDS[question.kind]
    return fields.Integer(
        strict=True,
        required=question.required,
        allow_none=not question.required,
        validate=validate.Range(low, high),
        metadata={"description": question.text},
    )


# One field per question of the questionnaire; an unknown question is refused.
SurveyAnswerSchema = Schema.from_dict(
    {question.id: _answer_field(question) for question in QUESTIONNAIRE},
    name="SurveyAnswerSchema",
)


class QuestionSchema(Schema):
    id = fields.String()
    text = fields.String()
    kind = fields.String()
    required = fields.Boolean()
    minimum = fields.Integer(allow_none=True)
    maximum = fields.Integer(allow_none=True)


class SurveyFormSchema(Schema):
    """What the public link shows: whose order and the questions."""

    survey_id = fields.UUID()
    order_number = fields.String(allow_none=True)
    customer_name = fields.String(allow_none=True)
    expires_at = fields.DateTime()
    questions = fields.List(fields.Nested(QuestionSchema))


class SurveySchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    order_number = fields.String(allow_none=True)
    customer_id = fields.UUID()
    sent_at = fields.DateTime()
    expires_at = fields.DateTime()
    link_sent_to = fields.String(
        allow_none=True,
        metadata={"description": "Where the newest survey link was mailed (never the link)"},
    )
    reminded_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    csat = fields.Integer(allow_none=True)
    nps = fields.Integer(allow_none=True)
    quality = fields.Integer(allow_none=True)
    schedule = fields.Integer(allow_none=True)
    communication = fields.Integer(allow_none=True)
    service = fields.Integer(allow_none=True)
    comment = fields.String(allow_none=True)
    detractor = fields.Boolean(allow_none=True)


class SurveyReceiptSchema(Schema):
    survey_id = fields.UUID()
    answered_at = fields.DateTime()
    message = fields.String()


class SurveyQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()
    customer_id = fields.UUID()
    answered = fields.Boolean()


class FollowUpSchema(Schema):
    id = fields.UUID()
    survey_id = fields.UUID()
    order_id = fields.UUID()
    order_number = fields.String(allow_none=True)
    customer_id = fields.UUID()
    owner_role = fields.String()
    reason = fields.String()
    status = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class FollowUpQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(FOLLOW_UP_STATUS.statuses))
    customer_id = fields.UUID()


class FollowUpCloseSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT_LENGTH))


class TaggedSchema(Schema):
    tags = fields.List(fields.String(), load_default=list)

    @validates("tags")
    def check_tags(self, tags, **_kwargs):
        try:
            normalise_tags(tags)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class LessonCreateSchema(TaggedSchema):
    went_well = fields.String(load_default=None, allow_none=True, validate=TEXT)
    problem = fields.String(load_default=None, allow_none=True, validate=TEXT)
    root_cause = fields.String(load_default=None, allow_none=True, validate=TEXT)
    suggestion = fields.String(load_default=None, allow_none=True, validate=TEXT)
    requirement_id = fields.UUID(load_default=None, allow_none=True)
    requirement_kind = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(REQUIREMENT_KINDS)
    )


class LessonSchema(LessonCreateSchema):
    id = fields.UUID()
    retrospective_id = fields.UUID()
    created_by = fields.String()
    created_at = fields.DateTime()


class ActionCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    owner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    due_date = fields.Date(load_default=None, allow_none=True)


class ActionUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=300))
    owner = fields.String(validate=validate.Length(min=1, max=200))
    due_date = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(IMPROVEMENT_ACTION_STATUS.statuses))


class ActionSchema(ActionCreateSchema):
    id = fields.UUID()
    retrospective_id = fields.UUID()
    order_id = fields.UUID()
    status = fields.String()
    created_at = fields.DateTime()
    version = fields.Integer()


class ActionQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(IMPROVEMENT_ACTION_STATUS.statuses))
    owner = fields.String()


SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ArchiveItemCreateSchema(Schema):
    document_id = fields.UUID(load_default=None, allow_none=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(
        required=True,
        validate=validate.Regexp(TAG_PATTERN, error="A lower-case word such as delivery_note."),
    )
    sha256 = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(SHA256, error="64 lower-case hex digits."),
    )
    summary = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT_LENGTH))


class ArchiveItemSchema(ArchiveItemCreateSchema):
    id = fields.UUID()
    retrospective_id = fields.UUID()
    created_by = fields.String()
    created_at = fields.DateTime()


class RetrospectiveSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    order_number = fields.String(allow_none=True)
    customer_id = fields.UUID(allow_none=True)
    opened_on = fields.String()
    status = fields.String()
    summary = fields.String(allow_none=True)
    opened_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    version = fields.Integer()


class RetrospectiveDetailSchema(RetrospectiveSchema):
    lessons = fields.List(fields.Nested(LessonSchema))
    actions = fields.List(fields.Nested(ActionSchema))
    archive = fields.List(fields.Nested(ArchiveItemSchema))


class RetrospectiveQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(RETROSPECTIVE_STATUS.statuses))
    order_id = fields.UUID()
    customer_id = fields.UUID()


class RetrospectiveCompleteSchema(Schema):
    summary = fields.String(load_default=None, allow_none=True, validate=TEXT)


class KnowledgeQueryArgsSchema(PageArgsSchema):
    q = fields.String(validate=validate.Length(min=1, max=200))
    tag = fields.String(validate=validate.Length(min=1, max=40))
    customer_id = fields.UUID()
    requirement_kind = fields.String(validate=validate.OneOf(REQUIREMENT_KINDS))
    entry_type = fields.String(validate=validate.OneOf(("lesson", "archive")))


class KnowledgeEntrySchema(Schema):
    id = fields.UUID()
    entry_type = fields.String()
    order_id = fields.UUID()
    order_number = fields.String(allow_none=True)
    customer_id = fields.UUID(allow_none=True)
    requirement_kind = fields.String(allow_none=True)
    title = fields.String()
    body = fields.String()
    tags = fields.List(fields.String())
    created_at = fields.DateTime()


class StatusChangeSchema(Schema):
    status = fields.String()
    since = fields.DateTime()


class OrderViewSchema(Schema):
    """The feedback service's view of an order, folded from events."""

    id = fields.UUID()
    number = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    customer_id = fields.UUID(allow_none=True)
    customer_name = fields.String(allow_none=True)
    customer_email = fields.String(allow_none=True)
    status = fields.String()
    due_date = fields.Date(allow_none=True)
    plan_health = fields.String(allow_none=True)
    work_completed_on = fields.Date(allow_none=True)
    failed_quality_checks = fields.Integer()
    change_requests = fields.Integer()
    schedule_slip_days = fields.Integer()
    status_history = fields.List(fields.Nested(StatusChangeSchema))


class KpiQueryArgsSchema(Schema):
    customer_id = fields.UUID()
    from_month = fields.String(validate=MONTH)
    to_month = fields.String(validate=MONTH)


class TrendQueryArgsSchema(Schema):
    customer_id = fields.UUID()
    months = fields.Integer(load_default=12, validate=validate.Range(1, 60))


class KpisSchema(Schema):
    order_count = fields.Integer()
    orders_by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    accepted_count = fields.Integer()
    on_time_rate = fields.Float(allow_none=True)
    first_pass_acceptance_rate = fields.Float(allow_none=True)
    package_first_pass_rate = fields.Float(
        allow_none=True,
        metadata={"description": "Packages accepted outright at their first decision, in %"},
    )
    velocity_hours = fields.Float(
        allow_none=True, metadata={"description": "Mean effort (hours) of completed increments"}
    )
    increments_on_time_rate = fields.Float(allow_none=True)
    change_requests_per_order = fields.Float(allow_none=True)
    mean_stage_days = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    mean_schedule_slip_days = fields.Float(allow_none=True)
    feedback_count = fields.Integer()
    csat = fields.Float(allow_none=True)
    nps = fields.Float(allow_none=True)


class MonthKpisSchema(Schema):
    month = fields.String()
    kpis = fields.Nested(KpisSchema)


class CustomerKpisSchema(Schema):
    customer_id = fields.UUID(allow_none=True)
    customer_name = fields.String(allow_none=True)
    kpis = fields.Nested(KpisSchema)


class KpiReportSchema(Schema):
    overall = fields.Nested(KpisSchema)
    by_month = fields.List(fields.Nested(MonthKpisSchema))
    by_customer = fields.List(fields.Nested(CustomerKpisSchema))


class ReminderRunSchema(Schema):
    reminded = fields.List(fields.UUID())


class CommunicationKpiArgsSchema(Schema):
    customer_id = fields.UUID()


class CommunicationKpisSchema(Schema):
    meetings_planned = fields.Integer(
        metadata={"description": "Meetings due to start by today, not cancelled"}
    )
    meetings_held = fields.Integer(metadata={"description": "Of those, minuted (held)"})
    meetings_held_pct = fields.Float(allow_none=True)
    action_items_due = fields.Integer(metadata={"description": "Due by today or closed"})
    action_items_closed_on_time = fields.Integer()
    action_items_on_time_pct = fields.Float(allow_none=True)
    action_items_overdue_open = fields.Integer()
    status_reports_published = fields.Integer()
    active_order_weeks = fields.Float()
    status_reports_per_order_week = fields.Float(allow_none=True)


# Pulse surveys (issue 17) ---------------------------------------------------------------------


class PulseSurveySchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    increment_id = fields.UUID()
    customer_id = fields.UUID(allow_none=True)
    requested_by = fields.String()
    sent_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    score = fields.Integer(allow_none=True)
    comment = fields.String(allow_none=True)


class PulseSurveyRequestSchema(Schema):
    order_id = fields.UUID(required=True)
    increment_id = fields.UUID(required=True)


class PulseSurveyQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()


class PulseAnswerSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=PULSE_COMMENT_CHARACTERS)
    )
