"""Events the delivery service publishes."""

from marshmallow import Schema, fields, validate

from shared.events.contracts import contract
from shared.events.contracts.common import CriterionResult, OrderEvent


class FailedCriterion(Schema):
    criterion_id = fields.UUID(required=True)
    text = fields.String(required=True)
    comment = fields.String(allow_none=True, load_default=None)


class DeliveredItem(Schema):
    deliverable_id = fields.UUID(required=True)
    requirement_id = fields.UUID(required=True)


@contract(
    "ordo.quality_check.failed",
    "delivery",
    ("orders", "planning", "feedback"),
    "A quality check failed: rework is planned per failed criterion",
)
class QualityCheckFailed(OrderEvent):
    deliverable_id = fields.UUID(required=True)
    requirement_id = fields.UUID(required=True)
    check_id = fields.UUID(required=True)
    non_conformance_id = fields.UUID(allow_none=True, load_default=None)
    failed_criteria = fields.List(fields.Nested(FailedCriterion), required=True)
    # Standard items (specifications, tolerances) are not acceptance criteria; named for the record.
    failed_standards = fields.List(fields.String(), load_default=list)
    severity = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(("minor", "major", "critical"))
    )


class DeliveryProgress(Schema):
    """Where the order's requirements stand after this event: partial delivery as counts."""

    requirements = fields.Integer(required=True)
    accepted = fields.Integer(required=True)
    delivered = fields.Integer(required=True)
    outstanding = fields.Integer(required=True)
    rejected_requirement_ids = fields.List(fields.UUID(), load_default=list)
    outstanding_requirement_ids = fields.List(fields.UUID(), load_default=list)


class DeliveryEvent(OrderEvent):
    delivery_id = fields.UUID(required=True)
    package_version = fields.Integer(required=True, validate=validate.Range(min=1))
    # The increment the package delivers (None: a classic plan, or passed work of several).
    increment_id = fields.UUID(allow_none=True, load_default=None)
    # Every approved requirement is now delivered (submitted) or accepted (accepted): the order
    # is delivered / accepted only then. Producers before increments always meant the whole.
    final = fields.Boolean(load_default=True)
    progress = fields.Nested(DeliveryProgress, allow_none=True, load_default=None)


@contract(
    "ordo.delivery.submitted",
    "delivery",
    ("orders", "feedback"),
    "A delivery package was handed over: the order is delivered and the acceptance link mailed "
    "to the customer (the event names the address and expiry, never the link)",
)
class DeliverySubmitted(DeliveryEvent):
    link_sent_to = fields.Email(allow_none=True, load_default=None)
    link_expires_at = fields.DateTime(required=True)
    deliverables = fields.List(fields.Nested(DeliveredItem), required=True)


@contract(
    "ordo.delivery.link_reissued",
    "delivery",
    ("orders",),
    "A new acceptance link was mailed to the customer; the earlier one stopped working",
)
class DeliveryLinkReissued(DeliveryEvent):
    link_sent_to = fields.Email(allow_none=True, load_default=None)
    link_expires_at = fields.DateTime(required=True)


@contract(
    "ordo.delivery.link_locked",
    "delivery",
    ("orders",),
    "An acceptance link was locked after wrong confirmation codes (ORDO_ACCEPTANCE_CODE): it "
    "refuses every use until staff re-issue it",
)
class DeliveryLinkLocked(DeliveryEvent):
    locked_at = fields.DateTime(required=True)
    attempts = fields.Integer(required=True, validate=validate.Range(min=1))


@contract(
    "ordo.delivery.accepted",
    "delivery",
    ("orders", "planning", "feedback"),
    "The customer accepted (possibly with a punch list): survey and retrospective open",
)
class DeliveryAccepted(DeliveryEvent):
    decision = fields.String(
        required=True, validate=validate.OneOf(("accepted", "conditionally_accepted"))
    )
    results = fields.List(fields.Nested(CriterionResult), required=True)
    punch_list_count = fields.Integer(load_default=0)
    signed_by = fields.String(required=True)
    signed_at = fields.DateTime(required=True)


@contract(
    "ordo.delivery.rejected",
    "delivery",
    ("orders", "planning", "feedback"),
    "The customer rejected the delivery: rework is planned per rejected criterion",
)
class DeliveryRejected(DeliveryEvent):
    results = fields.List(fields.Nested(CriterionResult), required=True)
    reasons = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
