"""Field groups several event schemas share."""

from marshmallow import Schema, fields, validate

from shared.vocabulary import ORDER_STATUSES  # noqa: F401  (contracts validate with it)


class Money(Schema):
    amount = fields.Decimal(required=True, as_string=True, places=2)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))


class OrderEvent(Schema):
    """Every event about an order names it; `version` lets consumers ignore stale events."""

    order_id = fields.UUID(required=True)
    version = fields.Integer(validate=validate.Range(min=1))


class CriterionResult(Schema):
    criterion_id = fields.UUID(required=True)
    requirement_id = fields.UUID(required=True)
    deliverable_id = fields.UUID(required=True)
    met = fields.Boolean(required=True)
    comment = fields.String(load_default=None, allow_none=True)
