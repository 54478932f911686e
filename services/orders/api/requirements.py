"""Requirements of an order: written while the order is a draft, revised with history."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import act, actor, readable_order
from services.orders.models import Requirement, RequirementRevision
from services.orders.requirements import new_requirement, revise
from services.orders.schemas import (
    RequirementCreateSchema,
    RequirementRevisionSchema,
    RequirementSchema,
    RequirementUpdateSchema,
)
from shared.http.auth import STAFF, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import check_if_match, db_session, etag

blp = Blueprint(
    "requirements",
    __name__,
    url_prefix="/orders/<uuid:order_id>/requirements",
    description="Requirements and their acceptance criteria",
)


def requirement_of(order_id, requirement_id) -> Requirement:
    readable_order(order_id)
    requirement = db_session().get(Requirement, requirement_id)
    if requirement is None or requirement.order_id != order_id:
        raise Problem(404, f"Order {order_id} has no requirement {requirement_id}.")
    return requirement


@blp.route("")
class Requirements(MethodView):
    @roles_required("sales", "manager")
    @idempotent
    @blp.arguments(RequirementCreateSchema)
    @blp.response(201, RequirementSchema)
    def post(self, data, order_id):
        """Add a requirement to a draft order"""
        order = readable_order(order_id)
        act(order, "edit_requirements")
        session = db_session()
        requirement = new_requirement(session, order, data, "proposed", actor(), "Written")
        session.flush()
        location = f"/orders/{order_id}/requirements/{requirement.id}"
        return requirement, {"Location": location, "ETag": etag(requirement.version)}

    @roles_required(*STAFF, "customer")
    @blp.response(200, RequirementSchema(many=True))
    def get(self, order_id):
        """List the order's requirements in order"""
        return readable_order(order_id).requirements


@blp.route("/<uuid:requirement_id>")
class RequirementsById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, RequirementSchema)
    def get(self, order_id, requirement_id):
        """Read a requirement with its acceptance criteria"""
        requirement = requirement_of(order_id, requirement_id)
        return requirement, {"ETag": etag(requirement.version)}

    @roles_required("sales", "manager")
    @blp.arguments(RequirementUpdateSchema)
    @blp.response(200, RequirementSchema)
    def patch(self, data, order_id, requirement_id):
        """Revise a requirement of a draft order (If-Match); criteria given replace the old"""
        requirement = requirement_of(order_id, requirement_id)
        act(requirement.order, "edit_requirements")
        check_if_match(requirement.version)
        if requirement.status == "removed":
            raise Problem(409, "This requirement was removed.", current_status="removed")
        session = db_session()
        revise(session, requirement, data, actor(), "Edited")
        session.flush()
        return requirement, {"ETag": etag(requirement.version)}


@blp.route("/<uuid:requirement_id>/revisions")
class RequirementRevisions(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, RequirementRevisionSchema(many=True))
    def get(self, order_id, requirement_id):
        """The requirement's revisions, oldest first"""
        requirement = requirement_of(order_id, requirement_id)
        query = (
            sa.select(RequirementRevision)
            .where(RequirementRevision.requirement_id == requirement.id)
            .order_by(RequirementRevision.revision)
        )
        return db_session().scalars(query).all()
