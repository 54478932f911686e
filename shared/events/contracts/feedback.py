"""Events the feedback service publishes."""

from marshmallow import fields, validate

from shared.events.contracts import contract
from shared.events.contracts.common import OrderEvent


@contract(
    "ordo.survey.sent",
    "feedback",
    ("orders",),
    "A satisfaction survey was mailed to the customer (first, as a reminder, or re-sent with a "
    "new link that replaces the earlier one); names the address and expiry, never the link",
)
class SurveySent(OrderEvent):
    survey_id = fields.UUID(required=True)
    customer_id = fields.UUID(required=True)
    expires_at = fields.DateTime(required=True)
    reminder = fields.Boolean(load_default=False)
    resent = fields.Boolean(load_default=False)
    order_number = fields.String(allow_none=True, load_default=None)
    email = fields.Email(allow_none=True, load_default=None)
    contact_name = fields.String(allow_none=True, load_default=None)


@contract(
    "ordo.feedback.received",
    "feedback",
    ("orders",),
    "A survey was answered: CSAT, NPS and the detractor flag",
)
class FeedbackReceived(OrderEvent):
    survey_id = fields.UUID(required=True)
    csat = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1, 5))
    nps = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 10))
    detractor = fields.Boolean(required=True)


@contract(
    "ordo.retrospective.completed",
    "feedback",
    ("orders",),
    "The retrospective is complete: the order closes",
)
class RetrospectiveCompleted(OrderEvent):
    retrospective_id = fields.UUID(required=True)
    lesson_count = fields.Integer(required=True, validate=validate.Range(min=1))
