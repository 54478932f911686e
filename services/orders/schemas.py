"""Request and response schemas of the orders API."""

from marshmallow import Schema, fields, validate

from shared.http.requests import PageArgsSchema

PRIORITIES = ("low", "normal", "high", "urgent")


class MoneySchema(Schema):
    amount = fields.Decimal(required=True, as_string=True, places=2, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))


class CustomerCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(load_default=None, allow_none=True)
    contact_name = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=200)
    )
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))


class CustomerSchema(CustomerCreateSchema):
    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class OrderCreateSchema(Schema):
    customer_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    priority = fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    due_date = fields.Date(load_default=None, allow_none=True)
    value = fields.Nested(MoneySchema, load_default=None, allow_none=True)


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
    version = fields.Integer()
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)

    def dump_value(self, order):
        if order.value_amount is None:
            return None
        return {"amount": f"{order.value_amount:.2f}", "currency": order.currency}


class OrderQueryArgsSchema(PageArgsSchema):
    status = fields.String()
    customer_id = fields.UUID()


class TimelineEntrySchema(Schema):
    event_id = fields.String()
    type = fields.String()
    source = fields.String()
    occurred_at = fields.DateTime()
    summary = fields.String()
    data = fields.Dict()
