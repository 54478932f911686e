"""Requirements of an order: written while the order is a draft, revised with history."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import roles_for, with_etag
from services.orders.schemas import (
    RequirementCreateSchema,
    RequirementRevisionSchema,
    RequirementSchema,
    RequirementUpdateSchema,
)
from services.orders.usecases.requirements import (
    add_requirement,
    read_requirement,
    requirements_of,
    revise_requirement,
    revisions_of,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, if_match

blp = Blueprint(
    "requirements",
    __name__,
    url_prefix="/orders/<uuid:order_id>/requirements",
    description="Requirements and their acceptance criteria",
)


@blp.route("")
class Requirements(MethodView):
    @roles_for("edit_requirements")
    @idempotent
    @blp.arguments(RequirementCreateSchema())
    @blp.response(201, RequirementSchema)
    def post(self, data, order_id):
        """Add a requirement to a draft order"""
        requirement = add_requirement(db_session(), order_id, data, current_principal())
        location = f"/orders/{order_id}/requirements/{requirement.id}"
        return requirement, {"Location": location, "ETag": etag(requirement.version)}

    @roles_required(*STAFF, "customer")
    @blp.response(200, RequirementSchema(many=True))
    def get(self, order_id):
        """List the order's requirements in order"""
        return requirements_of(db_session(), order_id, current_principal())


@blp.route("/<uuid:requirement_id>")
class RequirementsById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, RequirementSchema)
    def get(self, order_id, requirement_id):
        """Read a requirement with its acceptance criteria"""
        requirement = read_requirement(db_session(), order_id, requirement_id, current_principal())
        return with_etag(requirement)

    @roles_for("edit_requirements")
    @blp.arguments(RequirementUpdateSchema())
    @blp.response(200, RequirementSchema)
    def patch(self, data, order_id, requirement_id):
        """Revise a requirement of a draft order (If-Match); criteria given replace the old"""
        requirement = revise_requirement(
            db_session(), order_id, requirement_id, data, current_principal(), if_match()
        )
        return with_etag(requirement)


@blp.route("/<uuid:requirement_id>/revisions")
class RequirementRevisions(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, RequirementRevisionSchema(many=True))
    def get(self, order_id, requirement_id):
        """The requirement's revisions, oldest first"""
        return revisions_of(db_session(), order_id, requirement_id, current_principal())
