"""Events the orders service publishes."""

from marshmallow import Schema, fields, validate

from shared.events.contracts import contract
from shared.events.contracts.common import ORDER_STATUSES, Money, OrderEvent
from shared.vocabulary import DEFAULT_LOCALE, LOCALES

REQUIREMENT_KINDS = ("core", "latent", "constraint")
MOSCOW = ("must", "should", "could", "wont")
REQUIREMENT_SOURCES = ("interview", "questionnaire", "data_analysis", "document", "other")


class AcceptanceCriterion(Schema):
    criterion_id = fields.UUID(required=True)
    text = fields.String(required=True)
    position = fields.Integer(required=True)


class Requirement(Schema):
    requirement_id = fields.UUID(required=True)
    title = fields.String(required=True)
    description = fields.String(load_default="")
    kind = fields.String(required=True, validate=validate.OneOf(REQUIREMENT_KINDS))
    priority = fields.String(required=True, validate=validate.OneOf(MOSCOW))
    source = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(REQUIREMENT_SOURCES)
    )
    estimate_days = fields.Integer(allow_none=True, load_default=None)
    revision = fields.Integer(required=True)
    acceptance_criteria = fields.List(fields.Nested(AcceptanceCriterion), required=True)


class CustomerContact(Schema):
    """Who a customer is and whom Ordo writes to, in which language."""

    customer_id = fields.UUID(required=True)
    name = fields.String(required=True)
    email = fields.Email(allow_none=True, load_default=None)
    contact_name = fields.String(allow_none=True, load_default=None)
    locale = fields.String(load_default=DEFAULT_LOCALE, validate=validate.OneOf(LOCALES))
    version = fields.Integer()


@contract(
    "ordo.customer.registered",
    "orders",
    ("feedback",),
    "A customer was registered: contact and language for surveys",
    subject_field="customer_id",
)
class CustomerRegistered(CustomerContact):
    pass


@contract(
    "ordo.customer.updated",
    "orders",
    ("delivery", "feedback"),
    "A customer's name, contact or language changed: later mails go to the new contact",
    subject_field="customer_id",
)
class CustomerUpdated(CustomerContact):
    pass


@contract("ordo.order.created", "orders", ("feedback",), "An order was created as a draft")
class OrderCreated(OrderEvent):
    number = fields.String(required=True)
    customer_id = fields.UUID(required=True)
    title = fields.String(required=True)
    priority = fields.String(required=True)
    due_date = fields.Date(allow_none=True, load_default=None)
    value = fields.Nested(Money, allow_none=True, load_default=None)


@contract("ordo.order.submitted", "orders", (), "An order was submitted for review")
class OrderSubmitted(OrderEvent):
    number = fields.String(required=True)
    requirement_count = fields.Integer(required=True)


@contract(
    "ordo.order.confirmed",
    "orders",
    ("planning", "delivery", "feedback"),
    "Review approved: carries the approved requirements with acceptance criteria and estimates",
)
class OrderConfirmed(OrderEvent):
    number = fields.String(required=True)
    customer_id = fields.UUID(required=True)
    customer_name = fields.String(allow_none=True, load_default=None)
    # Whom delivery mails the acceptance request to, and in which language.
    customer_email = fields.Email(allow_none=True, load_default=None)
    contact_name = fields.String(allow_none=True, load_default=None)
    customer_locale = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(LOCALES)
    )
    customer_version = fields.Integer(allow_none=True, load_default=None)
    title = fields.String(required=True)
    priority = fields.String(required=True)
    due_date = fields.Date(allow_none=True, load_default=None)
    value = fields.Nested(Money, allow_none=True, load_default=None)
    confirmed_at = fields.DateTime(required=True)
    requirements = fields.List(fields.Nested(Requirement), required=True)
    # Iterative delivery settings: a package holds one increment's deliverables only; the
    # customer gets a pulse survey after each accepted increment.
    packages_per_increment = fields.Boolean(load_default=False)
    pulse_surveys = fields.Boolean(load_default=False)
    # Set when the manager approved without the customer's agreement: the recorded reason.
    customer_override_reason = fields.String(allow_none=True, load_default=None)


class RequirementChange(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("add", "modify", "remove")))
    requirement_id = fields.UUID(required=True)
    requirement = fields.Nested(Requirement, allow_none=True, load_default=None)


@contract(
    "ordo.order.change_approved",
    "orders",
    ("planning", "delivery", "feedback"),
    "A change request was approved: requirement delta, schedule and cost impact",
)
class OrderChangeApproved(OrderEvent):
    change_request_id = fields.UUID(required=True)
    changes = fields.List(fields.Nested(RequirementChange), required=True)
    schedule_impact_days = fields.Integer(required=True)
    cost_impact = fields.Nested(Money, required=True)
    new_due_date = fields.Date(allow_none=True, load_default=None)
    new_value = fields.Nested(Money, allow_none=True, load_default=None)
    reason = fields.String(required=True)


@contract(
    "ordo.order.cancelled",
    "orders",
    ("planning", "delivery", "feedback"),
    "Stop all work on the order",
)
class OrderCancelled(OrderEvent):
    reason = fields.String(required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(ORDER_STATUSES))


@contract("ordo.order.closed", "orders", ("feedback",), "The order is closed")
class OrderClosed(OrderEvent):
    closed_by = fields.String(required=True, validate=validate.OneOf(("retrospective", "manager")))


class CustomerDecision(Schema):
    requirement_id = fields.UUID(required=True)
    revision = fields.Integer(required=True)
    decision = fields.String(
        required=True, validate=validate.OneOf(("approved", "changes_requested"))
    )
    comment = fields.String(load_default="")


@contract(
    "ordo.requirements.customer_reviewed",
    "orders",
    (),
    "The customer agreed to requirements or asked for changes (the customer's side of the "
    "requirements review)",
)
class RequirementsCustomerReviewed(OrderEvent):
    review_round = fields.Integer(required=True)
    decisions = fields.List(fields.Nested(CustomerDecision), required=True)
    # Whether every live requirement of the round now has the customer's agreement.
    all_agreed = fields.Boolean(required=True)
