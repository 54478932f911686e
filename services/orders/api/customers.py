"""Customers: who orders."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.models import Customer
from services.orders.schemas import CustomerCreateSchema, CustomerSchema
from shared.events.outbox import record
from shared.http.auth import STAFF, require_customer_access, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, get_or_404

blp = Blueprint("customers", __name__, url_prefix="/customers", description="Customers")


@blp.route("")
class Customers(MethodView):
    @roles_required("sales", "manager")
    @idempotent
    @blp.arguments(CustomerCreateSchema)
    @blp.response(201, CustomerSchema)
    def post(self, data):
        """Register a customer"""
        session = db_session()
        customer = Customer(**data)
        session.add(customer)
        session.flush()
        record(
            session,
            "ordo.customer.registered",
            {
                "customer_id": customer.id,
                "name": customer.name,
                "email": customer.email,
                "contact_name": customer.contact_name,
                "version": customer.version,
            },
        )
        return customer, {"Location": f"/customers/{customer.id}", "ETag": etag(customer.version)}


@blp.route("/<uuid:customer_id>")
class CustomersById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """Read a customer"""
        require_customer_access(customer_id)
        customer = get_or_404(db_session(), Customer, customer_id, "customer")
        return customer, {"ETag": etag(customer.version)}
