"""The customer's acceptance link: review the package and decide, with the token as credential."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.deliveries import AWAITING_DECISION, record_decision, settings
from services.delivery.api.documents import document_response
from services.delivery.models import Delivery, Document, OrderRecord
from services.delivery.packages import LINK_PURPOSE, link_digest
from services.delivery.schemas import AcceptanceDecisionSchema, DeliverySchema, PackageReviewSchema
from shared.http.auth import public
from shared.http.errors import Problem
from shared.http.requests import db_session
from shared.links import verify_link

blp = Blueprint(
    "acceptance",
    __name__,
    url_prefix="/acceptance",
    description="Customer acceptance by signed, single-use, expiring link",
)


def linked_delivery(token: str, *, lock: bool = False) -> tuple[Delivery, object]:
    """The package the link opens: 401 if forged or tampered, 410 if expired, used or replaced."""
    claims = verify_link(settings().jwt_secret, LINK_PURPOSE, token)
    delivery = db_session().get(Delivery, claims.subject_id, with_for_update=lock)
    if delivery is None:
        raise Problem(401, "This link is not valid.", title="Unauthorized")
    if delivery.status != AWAITING_DECISION:
        raise Problem(
            410,
            f"This link was for a package that is now {delivery.status}.",
            title="Gone",
            current_status=delivery.status,
        )
    if delivery.link_sha256 != link_digest(token):
        raise Problem(410, "A newer link replaced this one.", title="Gone")
    return delivery, claims


@blp.route("/<string:token>")
class AcceptanceByLink(MethodView):
    @public
    @blp.response(200, PackageReviewSchema)
    def get(self, token):
        """Review the package the link opens: deliverables, criteria and documents"""
        delivery, claims = linked_delivery(token)
        order = db_session().get(OrderRecord, delivery.order_id)
        return {
            "delivery_id": delivery.id,
            "order_number": order.number,
            "order_title": order.title,
            "package_version": delivery.package_version,
            "submitted_at": delivery.submitted_at,
            "expires_at": claims.expires_at,
            "content": delivery.content,
            "content_sha256": delivery.content_sha256,
        }

    @public
    @blp.arguments(AcceptanceDecisionSchema)
    @blp.response(201, DeliverySchema)
    def post(self, data, token):
        """Decide the package criterion by criterion and sign; the link then stops working"""
        delivery, claims = linked_delivery(token, lock=True)
        return record_decision(delivery, data, via="link", decided_by=f"link:{claims.nonce}")


@blp.route("/<string:token>/documents/<uuid:document_id>")
class AcceptanceDocument(MethodView):
    @public
    @blp.response(200, content_type="application/octet-stream")
    def get(self, token, document_id):
        """Download a document of the package the link opens"""
        delivery, _ = linked_delivery(token)
        document = db_session().get(Document, document_id)
        if document is None or document not in delivery.documents:
            raise Problem(404, f"No document {document_id} in this package.")
        return document_response(document)
