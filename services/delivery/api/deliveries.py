"""Delivery packages: put together, submitted for acceptance, decided, certified."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery import packages
from services.delivery.api.common import (
    DELIVERY_STAFF,
    READERS,
    readable_order,
    refuse_if_cancelled,
    rules_as_problems,
    scoped_to_caller,
)
from services.delivery.domain import DeliverableStatus, render_certificate
from services.delivery.models import Deliverable, Delivery, Document, PunchItem
from services.delivery.schemas import (
    AcceptanceDecisionSchema,
    DeliveryCreateSchema,
    DeliveryQueryArgsSchema,
    DeliverySchema,
    PunchItemSchema,
    PunchItemUpdateSchema,
    SubmittedDeliverySchema,
)
from shared.db import utcnow
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import (
    check_if_match,
    db_session,
    etag,
    filter_by,
    get_or_404,
    page_of,
    paginate,
)

blp = Blueprint("deliveries", __name__, url_prefix="/deliveries", description="Delivery packages")
punch_items = Blueprint(
    "punch_items", __name__, url_prefix="/punch-items", description="Punch list items"
)

AWAITING_DECISION = "submitted"


def readable_delivery(delivery_id, *, lock: bool = False) -> Delivery:
    """The package, if the caller may see it; customers see packages once submitted."""
    delivery = db_session().get(Delivery, delivery_id, with_for_update=lock)
    if delivery is None or (current_principal().is_customer and delivery.status == "draft"):
        raise Problem(404, f"No delivery {delivery_id}.")
    readable_order(delivery.order_id)
    return delivery


def refuse_unless_status(delivery: Delivery, status: str, action: str) -> None:
    if delivery.status != status:
        raise Problem(
            409,
            f"A {delivery.status} delivery package cannot be {action}; it must be {status}.",
            current_status=delivery.status,
        )


def refuse_unpassed(deliverables: list[Deliverable]) -> None:
    """Only deliverables that passed quality control are handed over."""
    unpassed = {
        str(d.id): [f"{d.title!r} is {d.status}; it must pass quality control first"]
        for d in deliverables
        if d.status != DeliverableStatus.PASSED
    }
    if unpassed:
        raise Problem(
            422,
            "Every deliverable in a package must have passed quality control.",
            errors={"deliverable_ids": unpassed},
        )


@blp.route("")
class Deliveries(MethodView):
    @roles_required(*DELIVERY_STAFF)
    @idempotent
    @blp.arguments(DeliveryCreateSchema)
    @blp.response(201, DeliverySchema)
    def post(self, data):
        """Put together a draft package of passed deliverables and documents for one order"""
        session = db_session()
        order = readable_order(data["order_id"])
        refuse_if_cancelled(order)
        deliverables = rows_of_order(Deliverable, data["deliverable_ids"], order.order_id)
        documents = rows_of_order(Document, data["document_ids"], order.order_id)
        refuse_unpassed(deliverables)
        latest = session.scalar(
            sa.select(sa.func.max(Delivery.package_version)).where(
                Delivery.order_id == order.order_id
            )
        )
        delivery = Delivery(
            order_id=order.order_id,
            package_version=(latest or 0) + 1,
            note=data["note"],
            created_by=current_principal().sub,
            deliverables=deliverables,
            documents=documents,
        )
        session.add(delivery)
        session.flush()
        return delivery, {"Location": f"/deliveries/{delivery.id}", "ETag": etag(delivery.version)}

    @roles_required(*READERS)
    @blp.arguments(DeliveryQueryArgsSchema, location="query")
    @blp.response(200, page_of(DeliverySchema))
    def get(self, args):
        """List delivery packages, by order and status (customers see their own, once submitted)"""
        query = scoped_to_caller(
            sa.select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id),
            Delivery.order_id,
        )
        if current_principal().is_customer:
            query = query.where(Delivery.status != "draft")
        query = filter_by(query, args, Delivery.order_id, Delivery.status)
        return paginate(db_session(), query, args)


def rows_of_order(model, ids, order_id) -> list:
    """The rows with these ids, in the order given; 422 naming any unknown, repeated or foreign."""
    field = "deliverable_ids" if model is Deliverable else "document_ids"
    if len(set(ids)) != len(ids):
        raise Problem(422, "An id is listed twice.", errors={field: ["Repeated ids."]})
    found = {
        row.id: row
        for row in db_session().scalars(sa.select(model).where(model.id.in_(ids)))
        if row.order_id == order_id
    }
    missing = [str(id_) for id_ in ids if id_ not in found]
    if missing:
        raise Problem(
            422,
            f"Not part of order {order_id}: {', '.join(missing)}.",
            errors={field: {id_: ["Unknown here, or of another order."] for id_ in missing}},
        )
    return [found[id_] for id_ in ids]


@blp.route("/<uuid:delivery_id>")
class DeliveriesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DeliverySchema)
    def get(self, delivery_id):
        """Read a delivery package: deliverables, documents, decision and punch list"""
        delivery = readable_delivery(delivery_id)
        return delivery, {"ETag": etag(delivery.version)}


@blp.route("/<uuid:delivery_id>/submit")
class DeliverySubmission(MethodView):
    @roles_required(*DELIVERY_STAFF)
    @blp.response(200, SubmittedDeliverySchema)
    def post(self, delivery_id):
        """Hand the package over: publishes ordo.delivery.submitted with the acceptance link"""
        session = db_session()
        delivery = readable_delivery(delivery_id, lock=True)
        check_if_match(delivery.version, required=False)
        refuse_unless_status(delivery, "draft", "submitted")
        order = readable_order(delivery.order_id)
        refuse_if_cancelled(order)
        waiting = session.scalar(
            sa.select(Delivery.package_version).where(
                Delivery.order_id == order.order_id, Delivery.status == AWAITING_DECISION
            )
        )
        if waiting is not None:
            raise Problem(
                409,
                f"Package version {waiting} of this order still awaits the customer's decision.",
                current_status=delivery.status,
            )
        if not delivery.deliverables:
            raise Problem(422, "A package needs at least one deliverable.")
        refuse_unpassed(delivery.deliverables)
        with rules_as_problems():
            url = packages.submit(session, delivery, order, settings())
        delivery.acceptance_url = url
        return delivery, {"ETag": etag(delivery.version)}


@blp.route("/<uuid:delivery_id>/acceptance-link")
class DeliveryAcceptanceLink(MethodView):
    @roles_required(*DELIVERY_STAFF)
    @blp.response(200, SubmittedDeliverySchema)
    def post(self, delivery_id):
        """Issue a fresh acceptance link (the earlier one stops working), e.g. after expiry"""
        delivery = readable_delivery(delivery_id, lock=True)
        refuse_unless_status(delivery, AWAITING_DECISION, "given a new link")
        delivery.acceptance_url = packages.issue_link(delivery, settings())
        db_session().flush()
        return delivery, {"ETag": etag(delivery.version)}


@blp.route("/<uuid:delivery_id>/acceptance")
class DeliveryAcceptance(MethodView):
    @roles_required("customer")
    @blp.arguments(AcceptanceDecisionSchema)
    @blp.response(201, DeliverySchema)
    def post(self, data, delivery_id):
        """The customer's signed decision, criterion by criterion (customer token)"""
        delivery = readable_delivery(delivery_id, lock=True)
        return record_decision(delivery, data, via="token", decided_by=current_principal().sub)


def record_decision(delivery: Delivery, data: dict, *, via: str, decided_by: str) -> Delivery:
    """Decide a package awaiting the customer; a decided one is gone (410)."""
    if delivery.status != AWAITING_DECISION:
        raise Problem(
            410,
            f"This delivery package is {delivery.status}; it can no longer be decided.",
            title="Gone",
            current_status=delivery.status,
        )
    with rules_as_problems():
        packages.decide(
            db_session(),
            delivery,
            data,
            via=via,
            decided_by=decided_by,
            client_address=request.remote_addr or "unknown",
        )
    return delivery


@blp.route("/<uuid:delivery_id>/certificate.pdf")
class DeliveryCertificate(MethodView):
    @roles_required(*READERS)
    @blp.response(200, content_type="application/pdf")
    def get(self, delivery_id):
        """The acceptance certificate (or record of rejection) of a decided package, as PDF"""
        delivery = readable_delivery(delivery_id)
        if delivery.acceptance is None:
            raise Problem(
                409,
                "Only a decided package has a certificate.",
                current_status=delivery.status,
            )
        order = readable_order(delivery.order_id)
        pdf = render_certificate(packages.certificate_data(delivery, order))
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'inline; filename="acceptance-{order.number}-v{delivery.package_version}.pdf"'
        )
        return response


@punch_items.route("/<uuid:punch_item_id>")
class PunchItemsById(MethodView):
    @roles_required(*STAFF)
    @punch_items.arguments(PunchItemUpdateSchema)
    @punch_items.response(200, PunchItemSchema)
    def patch(self, data, punch_item_id):
        """Close a punch item when the work is done (or reopen it)"""
        session = db_session()
        item = get_or_404(session, PunchItem, punch_item_id, "punch item")
        check_if_match(item.version)
        if data["status"] != item.status:
            item.status = data["status"]
            done = item.status == "done"
            item.closed_at = utcnow() if done else None
            item.closed_by = current_principal().sub if done else None
            session.flush()
        return item, {"ETag": etag(item.version)}


def settings():
    return current_app.extensions["ordo"].settings
