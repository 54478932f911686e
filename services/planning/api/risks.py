"""The risk register of a plan and its 5×5 matrix."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api.support import EDITORS, READERS, versioned
from services.planning.schemas import (
    RiskCreateSchema,
    RiskMatrixSchema,
    RiskQueryArgsSchema,
    RiskSchema,
    RiskUpdateSchema,
)
from services.planning.usecases.risks import (
    change_risk,
    plan_risk_matrix,
    plan_risks,
    read_risk,
    register_risk,
)
from shared.http.auth import roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, if_match, page_of, paginate

blp = Blueprint("risks", __name__, description="Risk register")


@blp.route("/plans/<uuid:plan_id>/risks")
class PlanRisks(MethodView):
    @roles_required(*READERS)
    @blp.arguments(RiskQueryArgsSchema(), location="query")
    @blp.response(200, page_of(RiskSchema))
    def get(self, args, plan_id):
        """The plan's risks, highest score first"""
        session = db_session()
        query = plan_risks(session, plan_id, args.get("status"), args.get("min_score"))
        return paginate(session, query, args)

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(RiskCreateSchema())
    @blp.response(201, RiskSchema)
    def post(self, data, plan_id):
        """Register a risk; one scoring 15 or more is published as raised"""
        risk = register_risk(db_session(), plan_id, data)
        return versioned(risk, Location=f"/risks/{risk.id}")


@blp.route("/plans/<uuid:plan_id>/risks/matrix")
class PlanRiskMatrix(MethodView):
    @roles_required(*READERS)
    @blp.response(200, RiskMatrixSchema)
    def get(self, plan_id):
        """Open risks in the 5×5 probability × impact matrix"""
        return plan_risk_matrix(db_session(), plan_id)


@blp.route("/risks/<uuid:risk_id>")
class RisksById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, RiskSchema)
    def get(self, risk_id):
        """Read a risk"""
        return versioned(read_risk(db_session(), risk_id))

    @roles_required(*EDITORS)
    @blp.arguments(RiskUpdateSchema())
    @blp.response(200, RiskSchema)
    def patch(self, data, risk_id):
        """Change a risk: its rating, response, owner, mitigation, status or tasks (If-Match)"""
        return versioned(change_risk(db_session(), risk_id, data, if_match()))
