"""Customers: who orders."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.models import Customer
from services.orders.schemas import (
    CustomerCreateSchema,
    CustomerQueryArgsSchema,
    CustomerSchema,
    CustomerUpdateSchema,
)
from shared.events.outbox import record
from shared.http.auth import STAFF, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import (
    check_if_match,
    db_session,
    etag,
    get_or_404,
    page_of,
    paginate,
)

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

    @roles_required(*STAFF)
    @blp.arguments(CustomerQueryArgsSchema, location="query")
    @blp.response(200, page_of(CustomerSchema))
    def get(self, args):
        """List customers, searching name, contact and email"""
        query = sa.select(Customer).order_by(Customer.name, Customer.id)
        if "q" in args:
            pattern = f"%{args['q'].lower()}%"
            query = query.where(
                sa.or_(
                    sa.func.lower(Customer.name).like(pattern),
                    sa.func.lower(Customer.contact_name).like(pattern),
                    sa.func.lower(Customer.email).like(pattern),
                )
            )
        return paginate(db_session(), query, args)


@blp.route("/<uuid:customer_id>")
class CustomersById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """Read a customer"""
        customer = get_or_404(db_session(), Customer, customer_id, "customer")
        return customer, {"ETag": etag(customer.version)}

    @roles_required("sales", "manager")
    @blp.arguments(CustomerUpdateSchema)
    @blp.response(200, CustomerSchema)
    def patch(self, data, customer_id):
        """Update a customer's name or contact details (If-Match)"""
        customer = get_or_404(db_session(), Customer, customer_id, "customer")
        check_if_match(customer.version)
        for name, value in data.items():
            setattr(customer, name, value)
        db_session().flush()
        return customer, {"ETag": etag(customer.version)}
