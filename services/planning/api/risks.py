"""The risk register of a plan and its 5×5 matrix."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning import domain, planner
from services.planning.api.support import EDITORS, READERS, editable_plan
from services.planning.models import Plan, Risk, Task
from services.planning.schemas import (
    RiskCreateSchema,
    RiskMatrixSchema,
    RiskQueryArgsSchema,
    RiskSchema,
    RiskUpdateSchema,
)
from shared.db import utcnow
from shared.http.auth import roles_required
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

blp = Blueprint("risks", __name__, description="Risk register")


def check_tasks(plan: Plan, task_ids) -> list[str]:
    """The linked task ids as text, refusing tasks of other plans."""
    session = db_session()
    for task_id in task_ids:
        task = session.get(Task, task_id)
        if task is None or task.plan_id != plan.id:
            message = f"Task {task_id} is not in this plan."
            raise Problem(422, message, errors={"task_ids": [message]})
    return [str(task_id) for task_id in dict.fromkeys(task_ids)]


def score_and_raise(plan: Plan, risk: Risk) -> None:
    """Score the risk; publish ``ordo.risk.raised`` when an open risk first reaches 15."""
    risk.score = domain.risk_score(risk.probability, risk.impact)
    if not domain.is_raised(risk.score) or risk.status != "open" or risk.raised_at is not None:
        return
    risk.raised_at = utcnow()
    db_session().flush()
    planner.publish(
        db_session(),
        plan,
        "ordo.risk.raised",
        risk_id=risk.id,
        title=risk.title,
        probability=risk.probability,
        impact=risk.impact,
        score=risk.score,
    )


@blp.route("/plans/<uuid:plan_id>/risks")
class PlanRisks(MethodView):
    @roles_required(*READERS)
    @blp.arguments(RiskQueryArgsSchema, location="query")
    @blp.response(200, page_of(RiskSchema))
    def get(self, args, plan_id):
        """The plan's risks, highest score first"""
        session = db_session()
        get_or_404(session, Plan, plan_id, "plan")
        query = sa.select(Risk).where(Risk.plan_id == plan_id)
        query = filter_by(query, args, Risk.status)
        if "min_score" in args:
            query = query.where(Risk.score >= args["min_score"])
        return paginate(session, query.order_by(Risk.score.desc(), Risk.created_at), args)

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(RiskCreateSchema)
    @blp.response(201, RiskSchema)
    def post(self, data, plan_id):
        """Register a risk; one scoring 15 or more is published as raised"""
        plan = editable_plan(plan_id)
        data["task_ids"] = check_tasks(plan, data["task_ids"])
        risk = Risk(plan_id=plan.id, **data, score=0)
        db_session().add(risk)
        score_and_raise(plan, risk)
        db_session().flush()
        return risk, {"Location": f"/risks/{risk.id}", "ETag": etag(risk.version)}


@blp.route("/plans/<uuid:plan_id>/risks/matrix")
class PlanRiskMatrix(MethodView):
    @roles_required(*READERS)
    @blp.response(200, RiskMatrixSchema)
    def get(self, plan_id):
        """Open risks in the 5×5 probability × impact matrix"""
        session = db_session()
        get_or_404(session, Plan, plan_id, "plan")
        risks = session.scalars(
            sa.select(Risk).where(Risk.plan_id == plan_id, Risk.status == "open")
        )
        matrix = domain.risk_matrix(
            domain.RiskRating(risk.id, risk.probability, risk.impact) for risk in risks
        )
        rows = [
            [
                {
                    "probability": probability,
                    "impact": impact,
                    "score": probability * impact,
                    "count": matrix.count(probability, impact),
                    "risk_ids": matrix.cells[probability, impact],
                }
                for impact in range(1, 6)
            ]
            for probability in range(5, 0, -1)
        ]
        return {"rows": rows, "raise_threshold": domain.RAISE_THRESHOLD}


@blp.route("/risks/<uuid:risk_id>")
class RisksById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, RiskSchema)
    def get(self, risk_id):
        """Read a risk"""
        risk = get_or_404(db_session(), Risk, risk_id, "risk")
        return risk, {"ETag": etag(risk.version)}

    @roles_required(*EDITORS)
    @blp.arguments(RiskUpdateSchema)
    @blp.response(200, RiskSchema)
    def patch(self, data, risk_id):
        """Change a risk: its rating, response, owner, mitigation, status or tasks (If-Match)"""
        risk = get_or_404(db_session(), Risk, risk_id, "risk")
        plan = editable_plan(risk.plan_id)
        check_if_match(risk.version)
        if "task_ids" in data:
            data["task_ids"] = check_tasks(plan, data["task_ids"])
        for name, value in data.items():
            setattr(risk, name, value)
        score_and_raise(plan, risk)
        db_session().flush()
        return risk, {"ETag": etag(risk.version)}
