"""Customers: who orders."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import with_etag
from services.orders.schemas import (
    CustomerCreateSchema,
    CustomerQueryArgsSchema,
    CustomerSchema,
    CustomerUpdateSchema,
)
from services.orders.usecases.customers import (
    customers_query,
    read_customer,
    register_customer,
    update_customer,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, if_match, page_of, paginate

blp = Blueprint("customers", __name__, url_prefix="/customers", description="Customers")


@blp.route("")
class Customers(MethodView):
    @roles_required("sales", "manager")
    @idempotent
    @blp.arguments(CustomerCreateSchema())
    @blp.response(201, CustomerSchema)
    def post(self, data):
        """Register a customer"""
        customer = register_customer(db_session(), data, current_principal())
        return customer, {"Location": f"/customers/{customer.id}", "ETag": etag(customer.version)}

    @roles_required(*STAFF)
    @blp.arguments(CustomerQueryArgsSchema(), location="query")
    @blp.response(200, page_of(CustomerSchema))
    def get(self, args):
        """List customers, searching name, contact and email"""
        return paginate(db_session(), customers_query(args.get("q")), args)


@blp.route("/<uuid:customer_id>")
class CustomersById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, CustomerSchema)
    def get(self, customer_id):
        """Read a customer"""
        customer = read_customer(db_session(), customer_id, current_principal())
        return with_etag(customer)

    @roles_required("sales", "manager")
    @blp.arguments(CustomerUpdateSchema())
    @blp.response(200, CustomerSchema)
    def patch(self, data, customer_id):
        """Update a customer's name or contact details (If-Match)"""
        customer = update_customer(db_session(), customer_id, data, current_principal(), if_match())
        return with_etag(customer)
