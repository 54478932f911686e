"""Request and response schemas of the orders API."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.orders.domain.approval import CHANGES_REQUESTED, DECISIONS
from services.orders.domain.change_impact import ACTIONS as CHANGE_ACTIONS
from services.orders.domain.change_impact import MAX_AMOUNT
from services.orders.domain.status import ORDER_STATUS
from shared.events.contracts.orders import MOSCOW, REQUIREMENT_KINDS, REQUIREMENT_SOURCES
from shared.http.fields import Day
from shared.http.requests import PageArgsSchema
from shared.vocabulary import DEFAULT_LOCALE, LOCALES

PRIORITIES = ("low", "normal", "high", "urgent")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="Use a three-letter ISO 4217 code, e.g. EUR.")


class MoneySchema(Schema):
    amount = fields.Decimal(
        required=True, as_string=True, places=2, validate=validate.Range(min=0, max=MAX_AMOUNT)
    )
    currency = fields.String(required=True, validate=CURRENCY)


class CostImpactSchema(Schema):
    """Money that may be negative: a change can make an order cheaper."""

    amount = fields.Decimal(
        required=True,
        as_string=True,
        places=2,
        validate=validate.Range(min=-MAX_AMOUNT, max=MAX_AMOUNT),
    )
    currency = fields.String(required=True, validate=CURRENCY)


class CustomerCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(load_default=None, allow_none=True)
    contact_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))
    locale = fields.String(
        load_default=DEFAULT_LOCALE,
        validate=validate.OneOf(LOCALES),
        metadata={"description": "The language of Ordo's mails to the customer"},
    )


class CustomerUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email(allow_none=True)
    contact_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    phone = fields.String(allow_none=True, validate=validate.Length(max=50))
    locale = fields.String(validate=validate.OneOf(LOCALES))


class CustomerSchema(CustomerCreateSchema):
    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class CustomerQueryArgsSchema(PageArgsSchema):
    q = fields.String(validate=validate.Length(min=1, max=200))


class OrderCreateSchema(Schema):
    customer_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    due_date = Day(load_default=None, allow_none=True)
    value = fields.Nested(MoneySchema, load_default=None, allow_none=True)
    packages_per_increment = fields.Boolean(
        load_default=False,
        metadata={"description": "Each delivery package holds one increment's deliverables"},
    )
    pulse_surveys = fields.Boolean(
        load_default=False,
        metadata={"description": "The customer gets a pulse survey after each accepted increment"},
    )


class OrderUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=10_000))
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    due_date = Day(allow_none=True)
    value = fields.Nested(MoneySchema, allow_none=True)
    packages_per_increment = fields.Boolean()
    pulse_surveys = fields.Boolean()


class DeliveryProgressSchema(Schema):
    requirements = fields.Integer()
    accepted = fields.Integer()
    delivered = fields.Integer()
    outstanding = fields.Integer()
    rejected_requirement_ids = fields.List(fields.UUID())
    outstanding_requirement_ids = fields.List(fields.UUID())


class OrderSchema(Schema):
    id = fields.UUID()
    number = fields.String()
    customer_id = fields.UUID()
    title = fields.String()
    description = fields.String()
    priority = fields.String()
    due_date = fields.Date(allow_none=True)
    value = fields.Method("dump_value")
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    allowed_actions = fields.Method("dump_allowed_actions")
    review_round = fields.Integer()
    plan_health = fields.String(allow_none=True)
    at_risk = fields.Boolean()
    csat = fields.Integer(allow_none=True)
    nps = fields.Integer(allow_none=True)
    detractor = fields.Boolean(allow_none=True)
    packages_per_increment = fields.Boolean()
    pulse_surveys = fields.Boolean()
    delivery_progress = fields.Nested(
        DeliveryProgressSchema,
        allow_none=True,
        metadata={"description": "Partial delivery: requirements accepted, delivered, outstanding"},
    )
    version = fields.Integer()
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)

    def dump_value(self, order):
        if order.value_amount is None:
            return None
        return {"amount": f"{order.value_amount:.2f}", "currency": order.currency}

    def dump_allowed_actions(self, order):
        return ORDER_STATUS.allowed_actions(order.status)


class OrderQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(ORDER_STATUS.statuses))
    customer_id = fields.UUID()
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    due_before = Day()
    due_after = Day()
    at_risk = fields.Boolean()
    q = fields.String(validate=validate.Length(min=1, max=200))


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CommentSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class CriterionInputSchema(Schema):
    id = fields.UUID(load_default=None, allow_none=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def distinct_ids(criteria):
    ids = [criterion["id"] for criterion in criteria if criterion.get("id") is not None]
    if len(ids) != len(set(ids)):
        raise ValidationError("Each criterion id may appear only once.")


def _criteria_field(**options):
    return fields.List(
        fields.Nested(CriterionInputSchema),
        validate=[
            validate.Length(min=1, max=100, error="Give between {min} and {max} criteria."),
            distinct_ids,
        ],
        **options,
    )


class RequirementCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    kind = fields.String(required=True, validate=validate.OneOf(REQUIREMENT_KINDS))
    source = fields.String(required=True, validate=validate.OneOf(REQUIREMENT_SOURCES))
    priority = fields.String(required=True, validate=validate.OneOf(MOSCOW))
    estimate_days = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=10_000)
    )
    acceptance_criteria = _criteria_field(load_default=list)


class RequirementContentSchema(RequirementCreateSchema):
    """The full new content of a requirement in a change request."""

    acceptance_criteria = _criteria_field(required=True)


class RequirementUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=10_000))
    kind = fields.String(validate=validate.OneOf(REQUIREMENT_KINDS))
    source = fields.String(validate=validate.OneOf(REQUIREMENT_SOURCES))
    priority = fields.String(validate=validate.OneOf(MOSCOW))
    estimate_days = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10_000))
    acceptance_criteria = _criteria_field()


class CriterionSchema(Schema):
    id = fields.UUID()
    position = fields.Integer()
    text = fields.String()


class RequirementSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    position = fields.Integer()
    title = fields.String()
    description = fields.String()
    kind = fields.String()
    source = fields.String()
    priority = fields.String()
    estimate_days = fields.Integer(allow_none=True)
    status = fields.String()
    revision = fields.Integer()
    version = fields.Integer()
    acceptance_criteria = fields.List(fields.Nested(CriterionSchema), attribute="criteria")
    updated_at = fields.DateTime()


class RequirementRevisionSchema(Schema):
    revision = fields.Integer()
    content = fields.Dict()
    changed_by = fields.String()
    reason = fields.String()
    created_at = fields.DateTime()


class DecisionInputSchema(Schema):
    requirement_id = fields.UUID(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    comment = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def explain_requested_changes(self, data, **kwargs):
        if data.get("decision") == CHANGES_REQUESTED and not data.get("comment", "").strip():
            raise ValidationError("Say what should change.", "comment")


class ReviewCreateSchema(Schema):
    decisions = fields.List(
        fields.Nested(DecisionInputSchema), required=True, validate=validate.Length(min=1)
    )


class CustomerDecisionInputSchema(DecisionInputSchema):
    # The requirement's revision the customer read: a decision on an older one is refused (412).
    revision = fields.Integer(validate=validate.Range(min=1))


class CustomerReviewCreateSchema(Schema):
    decisions = fields.List(
        fields.Nested(CustomerDecisionInputSchema),
        required=True,
        validate=validate.Length(min=1),
    )


class ReviewDecisionSchema(Schema):
    id = fields.UUID()
    review_round = fields.Integer()
    requirement_id = fields.UUID()
    reviewer = fields.String()
    # staff (an internal reviewer) or customer (the customer's side of the review).
    party = fields.String()
    decision = fields.String()
    comment = fields.String()
    requirement_revision = fields.Integer(allow_none=True)
    decided_at = fields.DateTime()


class ReviewSummarySchema(Schema):
    """One requirement of the current review round: the reviewers' and the customer's side."""

    requirement_id = fields.UUID()
    title = fields.String()
    revision = fields.Integer()
    status = fields.String()
    staff_verdict = fields.String(allow_none=True)
    customer_decision = fields.String(allow_none=True)
    customer_comment = fields.String(allow_none=True)
    customer_decided_at = fields.DateTime(allow_none=True)
    customer_decided_revision = fields.Integer(allow_none=True)
    blocked_by = fields.String(allow_none=True)


class ApprovalSchema(Schema):
    # Approve without the customer's agreement: the manager's reason, kept on the timeline.
    customer_override_reason = fields.String(validate=validate.Length(min=1, max=2000))


class ChangeInputSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(CHANGE_ACTIONS))
    requirement_id = fields.UUID(load_default=None, allow_none=True)
    requirement = fields.Nested(RequirementContentSchema, load_default=None, allow_none=True)

    @validates_schema
    def names_what_it_changes(self, data, **kwargs):
        action, target, content = (
            data.get("action"),
            data.get("requirement_id"),
            data.get("requirement"),
        )
        if action == "add" and target is not None:
            raise ValidationError(
                "An added requirement gets a new id; leave it out.", "requirement_id"
            )
        if action in ("modify", "remove") and target is None:
            raise ValidationError(f"Name the requirement to {action}.", "requirement_id")
        if action in ("add", "modify") and content is None:
            raise ValidationError("Give the full new content of the requirement.", "requirement")
        if action == "remove" and content is not None:
            raise ValidationError("A removal carries no content.", "requirement")


class ChangeRequestCreateSchema(Schema):
    changes = fields.List(
        fields.Nested(ChangeInputSchema), required=True, validate=validate.Length(min=1, max=200)
    )
    schedule_impact_days = fields.Integer(
        required=True, validate=validate.Range(min=-3650, max=3650)
    )
    cost_impact = fields.Nested(CostImpactSchema, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ChangeImpactSchema(Schema):
    """What sales or the manager complete on a pending change request (a customer's arrives
    without it): the requirement changes, schedule and cost impact, optionally the reason."""

    changes = fields.List(
        fields.Nested(ChangeInputSchema), required=True, validate=validate.Length(max=200)
    )
    schedule_impact_days = fields.Integer(
        required=True, validate=validate.Range(min=-3650, max=3650)
    )
    cost_impact = fields.Nested(CostImpactSchema, required=True)
    reason = fields.String(validate=validate.Length(min=1, max=2000))


class ChangeRequestSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    status = fields.String()
    raised_by_customer = fields.Boolean()
    title = fields.String(allow_none=True)
    wished_date = fields.Date(allow_none=True)
    changes = fields.List(fields.Dict())
    schedule_impact_days = fields.Integer()
    cost_impact = fields.Method("dump_cost_impact")
    reason = fields.String()
    requested_by = fields.String()
    decided_by = fields.String(allow_none=True)
    decision_comment = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()

    def dump_cost_impact(self, change):
        return {
            "amount": f"{change.cost_impact_amount:.2f}",
            "currency": change.cost_impact_currency,
        }


class ChangeRequestQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")))


class TimelineEntrySchema(Schema):
    event_id = fields.String()
    type = fields.String()
    source = fields.String()
    occurred_at = fields.DateTime()
    summary = fields.String()
    data = fields.Dict()


class CriterionTraceSchema(Schema):
    criterion_id = fields.UUID()
    position = fields.Integer()
    text = fields.String()
    acceptance = fields.String()
    comment = fields.String(allow_none=True)
    package_version = fields.Integer(allow_none=True)


class DeliverableTraceSchema(Schema):
    deliverable_id = fields.UUID()
    quality_status = fields.String()
    failed_criteria = fields.List(fields.Dict())
    package_version = fields.Integer(allow_none=True)


class RequirementTraceSchema(Schema):
    requirement_id = fields.UUID()
    title = fields.String()
    status = fields.String()
    revision = fields.Integer()
    task_ids = fields.List(fields.UUID())
    deliverable = fields.Nested(DeliverableTraceSchema, allow_none=True)
    criteria = fields.List(fields.Nested(CriterionTraceSchema))


class TraceabilitySchema(Schema):
    order_id = fields.UUID()
    number = fields.String()
    status = fields.String()
    delivery_progress = fields.Nested(DeliveryProgressSchema, allow_none=True)
    requirements = fields.List(fields.Nested(RequirementTraceSchema))
