"""Delivery packages: put together, submitted for acceptance, decided, certified."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.support import READERS, pdf_response, settings
from services.delivery.domain.status import PACKAGE_STATUS
from services.delivery.models import Delivery
from services.delivery.schemas import (
    AcceptanceDecisionSchema,
    DeliveryCreateSchema,
    DeliveryQueryArgsSchema,
    DeliverySchema,
    PunchItemSchema,
    PunchItemUpdateSchema,
)
from services.delivery.usecases.packages import (
    certificate_of,
    create_package,
    decide_package,
    packages_visible_to,
    readable_package,
    reissue_link,
    submit_package,
    update_punch_item,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.contract import if_match_optional
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, filter_by, if_match, page_of, paginate

blp = Blueprint("deliveries", __name__, url_prefix="/deliveries", description="Delivery packages")
punch_items = Blueprint(
    "punch_items", __name__, url_prefix="/punch-items", description="Punch list items"
)


@blp.route("")
class Deliveries(MethodView):
    @roles_required(*PACKAGE_STATUS.roles_for("submit"))
    @idempotent
    @blp.arguments(DeliveryCreateSchema())
    @blp.response(201, DeliverySchema)
    def post(self, data):
        """Put together a draft package of passed deliverables and documents for one order"""
        delivery = create_package(db_session(), data, current_principal())
        return delivery, {"Location": f"/deliveries/{delivery.id}", "ETag": etag(delivery.version)}

    @roles_required(*READERS)
    @blp.arguments(DeliveryQueryArgsSchema(), location="query")
    @blp.response(200, page_of(DeliverySchema))
    def get(self, args):
        """List delivery packages, by order and status (customers see their own, once submitted)"""
        query = filter_by(
            packages_visible_to(current_principal()), args, Delivery.order_id, Delivery.status
        )
        return paginate(db_session(), query, args)


@blp.route("/<uuid:delivery_id>")
class DeliveriesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DeliverySchema)
    def get(self, delivery_id):
        """Read a delivery package: deliverables, documents, decision and punch list"""
        delivery = readable_package(db_session(), delivery_id, current_principal())
        return delivery, {"ETag": etag(delivery.version)}


@blp.route("/<uuid:delivery_id>/submit")
class DeliverySubmission(MethodView):
    @roles_required(*PACKAGE_STATUS.roles_for("submit"))
    @blp.response(200, DeliverySchema)
    @if_match_optional
    def post(self, delivery_id):
        """Hand the package over and mail the acceptance link to the customer's contact

        The answer says where the link went (`link_sent_to`) and until when it works; the link
        itself only the customer sees. A customer without an e-mail address is 409.
        """
        delivery = submit_package(
            db_session(), delivery_id, settings(), current_principal(), if_match(required=False)
        )
        return delivery, {"ETag": etag(delivery.version)}


@blp.route("/<uuid:delivery_id>/acceptance-link")
class DeliveryAcceptanceLink(MethodView):
    @roles_required(*PACKAGE_STATUS.roles_for("reissue_link"))
    @blp.response(200, DeliverySchema)
    def post(self, delivery_id):
        """Mail the customer a fresh acceptance link (the earlier one stops working)"""
        delivery = reissue_link(db_session(), delivery_id, settings(), current_principal())
        return delivery, {"ETag": etag(delivery.version)}


@blp.route("/<uuid:delivery_id>/acceptance")
class DeliveryAcceptance(MethodView):
    @roles_required(*PACKAGE_STATUS.roles_for("accept"))
    @blp.arguments(AcceptanceDecisionSchema())
    @blp.response(201, DeliverySchema)
    def post(self, data, delivery_id):
        """The customer's signed decision, criterion by criterion (customer token)"""
        return decide_package(
            db_session(),
            delivery_id,
            data,
            client_address=request.remote_addr or "unknown",
            actor=current_principal(),
        )


@blp.route("/<uuid:delivery_id>/certificate.pdf")
class DeliveryCertificate(MethodView):
    @roles_required(*READERS)
    @blp.response(200, content_type="application/pdf")
    def get(self, delivery_id):
        """The acceptance certificate (or record of rejection) of a decided package, as PDF"""
        return pdf_response(*certificate_of(db_session(), delivery_id, current_principal()))


@punch_items.route("/<uuid:punch_item_id>")
class PunchItemsById(MethodView):
    @roles_required(*STAFF)
    @punch_items.arguments(PunchItemUpdateSchema)
    @punch_items.response(200, PunchItemSchema)
    def patch(self, data, punch_item_id):
        """Close a punch item when the work is done (or reopen it)"""
        item = update_punch_item(
            db_session(), punch_item_id, data["status"], current_principal(), if_match()
        )
        return item, {"ETag": etag(item.version)}
