"""Request and response schemas of the delivery API."""

from decimal import Decimal

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from services.delivery.domain.checklists import ItemResult
from services.delivery.domain.decisions import Decision
from services.delivery.domain.media import DocumentKind
from services.delivery.domain.non_conformances import Severity
from services.delivery.domain.status import DeliverableStatus, NonConformanceStatus, PackageStatus
from shared.http.requests import PageArgsSchema

SHORT_TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(max=10_000)


def choice(enum) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum])


# Measured values are stored as Numeric(18, 6): 12 digits before the point and 6 after.
MEASURE_LIMIT = Decimal(10) ** 12
MEASURE_PLACES = Decimal("0.000001")


def storable_measure(value: Decimal) -> None:
    """Refuse what the Numeric(18, 6) column cannot hold exactly."""
    if abs(value) >= MEASURE_LIMIT:
        raise ValidationError("Must be less than 10^12 in absolute value.")
    if value != value.quantize(MEASURE_PLACES):
        raise ValidationError("At most 6 decimal places.")


def measure(*checks, **kwargs) -> fields.Decimal:
    """A finite measurement or tolerance value, as exact as the database stores it."""
    return fields.Decimal(as_string=True, validate=[storable_measure, *checks], **kwargs)


class CriterionSchema(Schema):
    criterion_id = fields.UUID()
    text = fields.String()
    position = fields.Integer()
    withdrawn = fields.Boolean()


class DeliverableSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    requirement_id = fields.UUID()
    requirement_revision = fields.Integer()
    title = fields.String()
    description = fields.String()
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    criteria = fields.List(fields.Nested(CriterionSchema))


class DeliverableQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()
    status = fields.String(validate=choice(DeliverableStatus))


class ToleranceSchema(Schema):
    nominal = measure(required=True)
    lower = measure(validate.Range(min=0), required=True)
    upper = measure(validate.Range(min=0), required=True)
    unit = fields.String(load_default="", validate=validate.Length(max=20))


class CriterionResultSchema(Schema):
    criterion_id = fields.UUID(required=True)
    result = fields.String(required=True, validate=choice(ItemResult))
    comment = fields.String(load_default="", validate=LONG_TEXT)


class StandardResultSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    specification = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    tolerance = fields.Nested(ToleranceSchema, load_default=None, allow_none=True)
    result = fields.String(load_default=None, allow_none=True, validate=choice(ItemResult))
    measured = measure(load_default=None, allow_none=True)
    comment = fields.String(load_default="", validate=LONG_TEXT)


class NonConformanceInputSchema(Schema):
    severity = fields.String(load_default=Severity.MAJOR.value, validate=choice(Severity))
    description = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    corrective_action = fields.String(load_default="", validate=LONG_TEXT)
    preventive_action = fields.String(load_default="", validate=LONG_TEXT)
    owner = fields.String(load_default=None, allow_none=True, validate=SHORT_TEXT)


class QualityCheckCreateSchema(Schema):
    criteria = fields.List(fields.Nested(CriterionResultSchema), required=True)
    standards = fields.List(
        fields.Nested(StandardResultSchema), load_default=list, validate=validate.Length(max=200)
    )
    non_conformance = fields.Nested(NonConformanceInputSchema, load_default=None, allow_none=True)


class QualityCheckItemSchema(Schema):
    key = fields.String()
    criterion_id = fields.UUID(allow_none=True)
    description = fields.String()
    specification = fields.String(allow_none=True)
    tolerance = fields.Dict(allow_none=True)
    result = fields.String()
    measured = fields.Decimal(as_string=True, allow_none=True)
    comment = fields.String()


class QualityCheckSchema(Schema):
    id = fields.UUID()
    deliverable_id = fields.UUID()
    order_id = fields.UUID()
    attempt = fields.Integer()
    inspector = fields.String()
    passed = fields.Boolean()
    passed_count = fields.Integer()
    failed_count = fields.Integer()
    not_applicable_count = fields.Integer()
    inspected_at = fields.DateTime()
    items = fields.List(fields.Nested(QualityCheckItemSchema))
    non_conformance_id = fields.UUID(allow_none=True)


class NonConformanceSchema(Schema):
    id = fields.UUID()
    check_id = fields.UUID()
    deliverable_id = fields.UUID()
    order_id = fields.UUID()
    severity = fields.String()
    description = fields.String()
    corrective_action = fields.String()
    preventive_action = fields.String()
    owner = fields.String()
    status = fields.String()
    version = fields.Integer()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class NonConformanceUpdateSchema(Schema):
    severity = fields.String(validate=choice(Severity))
    description = fields.String(validate=validate.Length(min=1, max=10_000))
    corrective_action = fields.String(validate=LONG_TEXT)
    preventive_action = fields.String(validate=LONG_TEXT)
    owner = fields.String(validate=SHORT_TEXT)
    status = fields.String(validate=choice(NonConformanceStatus))


class NonConformanceQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()
    deliverable_id = fields.UUID()
    status = fields.String(validate=choice(NonConformanceStatus))


class DocumentFormSchema(Schema):
    kind = fields.String(required=True, validate=choice(DocumentKind))
    name = fields.String(load_default=None, validate=SHORT_TEXT)


class DocumentFileSchema(Schema):
    file = Upload(required=True)


class DocumentSchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    kind = fields.String()
    name = fields.String()
    document_version = fields.Integer()
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


class DocumentQueryArgsSchema(PageArgsSchema):
    kind = fields.String(validate=choice(DocumentKind))


class DeliveryCreateSchema(Schema):
    order_id = fields.UUID(required=True)
    deliverable_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=500)
    )
    document_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=200))
    note = fields.String(load_default="", validate=LONG_TEXT)


class PunchItemSchema(Schema):
    id = fields.UUID()
    description = fields.String()
    due_date = fields.Date()
    status = fields.String()
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.String(allow_none=True)
    version = fields.Integer()


class PunchItemUpdateSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("open", "done")))


class AcceptanceResultSchema(Schema):
    criterion_id = fields.UUID()
    requirement_id = fields.UUID()
    deliverable_id = fields.UUID()
    met = fields.Boolean()
    comment = fields.String(allow_none=True)


class AcceptanceSchema(Schema):
    decision = fields.String()
    results = fields.List(fields.Nested(AcceptanceResultSchema))
    reasons = fields.List(fields.String())
    signer_name = fields.String()
    signer_title = fields.String()
    organisation = fields.String()
    signed_at = fields.DateTime()
    client_address = fields.String()
    content_sha256 = fields.String()
    via = fields.String()


class DeliverySchema(Schema):
    id = fields.UUID()
    order_id = fields.UUID()
    package_version = fields.Integer()
    status = fields.String()
    note = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    link_sent_to = fields.String(
        allow_none=True,
        metadata={"description": "Where the acceptance link was mailed (never the link itself)"},
    )
    link_expires_at = fields.DateTime(allow_none=True)
    link_locked_at = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "When the link locked after wrong acceptance codes; re-issue it "
            "(POST /deliveries/{id}/acceptance-link) to unlock"
        },
    )
    decided_at = fields.DateTime(allow_none=True)
    content_sha256 = fields.String(allow_none=True)
    version = fields.Integer()
    deliverables = fields.List(fields.Nested(DeliverableSchema))
    documents = fields.List(fields.Nested(DocumentSchema))
    acceptance = fields.Nested(AcceptanceSchema, allow_none=True)
    punch_items = fields.List(fields.Nested(PunchItemSchema))


class DeliveryQueryArgsSchema(PageArgsSchema):
    order_id = fields.UUID()
    status = fields.String(validate=choice(PackageStatus))


class PackageReviewSchema(Schema):
    """What the customer sees through the acceptance link: the frozen package content."""

    delivery_id = fields.UUID()
    order_number = fields.String()
    order_title = fields.String()
    package_version = fields.Integer()
    submitted_at = fields.DateTime()
    expires_at = fields.DateTime()
    content = fields.Dict()
    content_sha256 = fields.String()
    code_required = fields.Boolean(
        metadata={
            "description": "Whether the decision needs an acceptance code, asked for with "
            "POST /acceptance/{token}/code and mailed to the customer"
        }
    )
    version = fields.Integer(
        metadata={"description": "The package row's version (the acceptance page sends it back)"}
    )


class AcceptanceCodeSentSchema(Schema):
    """Where an acceptance code was mailed and until when it works; never the code."""

    sent_to = fields.String(metadata={"description": "The address, masked: a***e@example.com"})
    expires_at = fields.DateTime()


class CriterionAnswerSchema(Schema):
    criterion_id = fields.UUID(required=True)
    met = fields.Boolean(required=True)
    comment = fields.String(load_default="", validate=LONG_TEXT)


class PunchItemCreateSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(max=2000))
    due_date = fields.Date(required=True)


class AcceptanceDecisionSchema(Schema):
    decision = fields.String(required=True, validate=choice(Decision))
    answers = fields.List(fields.Nested(CriterionAnswerSchema), required=True)
    reasons = fields.List(
        fields.String(validate=validate.Length(max=2000)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    punch_list = fields.List(
        fields.Nested(PunchItemCreateSchema), load_default=list, validate=validate.Length(max=200)
    )
    signer_name = fields.String(required=True, validate=SHORT_TEXT)
    signer_title = fields.String(required=True, validate=SHORT_TEXT)
    organisation = fields.String(load_default="", validate=validate.Length(max=200))


class LinkDecisionSchema(AcceptanceDecisionSchema):
    """The decision by link; with ORDO_ACCEPTANCE_CODE it carries the code mailed for it."""

    code = fields.String(
        load_default=None,
        validate=validate.Length(max=32),
        metadata={
            "description": "The 6-digit code from POST /acceptance/{token}/code, when the "
            "review says code_required"
        },
    )
