"""Traceability: from each requirement to its plan tasks, deliverable and accepted criteria."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import readable_order
from services.orders.models import CriterionAcceptance, DeliverableTrace, RequirementTask
from services.orders.schemas import TraceabilitySchema
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session

blp = Blueprint(
    "traceability",
    __name__,
    url_prefix="/orders/<uuid:order_id>/traceability",
    description="Requirement to task, deliverable, quality and acceptance",
)


def acceptance_of(result: CriterionAcceptance | None) -> dict:
    if result is None:
        return {"acceptance": "pending", "comment": None, "package_version": None}
    return {
        "acceptance": "met" if result.met else "not_met",
        "comment": result.comment,
        "package_version": result.package_version,
    }


@blp.route("")
class Traceability(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, TraceabilitySchema)
    def get(self, order_id):
        """Each requirement with its plan tasks, deliverable, quality status and acceptance"""
        order = readable_order(order_id)
        session = db_session()
        tasks: dict = {}
        for row in session.scalars(
            sa.select(RequirementTask)
            .where(RequirementTask.order_id == order_id)
            .order_by(RequirementTask.task_id)
        ):
            tasks.setdefault(row.requirement_id, []).append(row.task_id)
        deliverables = {
            row.requirement_id: row
            for row in session.scalars(
                sa.select(DeliverableTrace)
                .where(DeliverableTrace.order_id == order_id)
                .order_by(DeliverableTrace.observed_at)
            )
        }
        results = {
            row.criterion_id: row
            for row in session.scalars(
                sa.select(CriterionAcceptance).where(CriterionAcceptance.order_id == order_id)
            )
        }
        return {
            "order_id": order.id,
            "number": order.number,
            "status": order.status,
            "requirements": [
                {
                    "requirement_id": requirement.id,
                    "title": requirement.title,
                    "status": requirement.status,
                    "revision": requirement.revision,
                    "task_ids": tasks.get(requirement.id, []),
                    "deliverable": deliverables.get(requirement.id),
                    "criteria": [
                        {
                            "criterion_id": criterion.id,
                            "position": criterion.position,
                            "text": criterion.text,
                            **acceptance_of(results.get(criterion.id)),
                        }
                        for criterion in requirement.criteria
                    ],
                }
                for requirement in order.requirements
            ],
        }
