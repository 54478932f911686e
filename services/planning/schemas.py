"""Request and response schemas of the planning API."""

from marshmallow import Schema, fields

from shared.http.requests import PageArgsSchema


class PlanSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    order_number = fields.String()
    customer_id = fields.UUID()
    title = fields.String()
    status = fields.String()
    start_date = fields.Date()
    finish_date = fields.Date()
    due_date = fields.Date(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()


class PlanQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()
    status = fields.String()
