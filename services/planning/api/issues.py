"""The issue log: problems that happened, raised, assigned and resolved; a risk that occurred
becomes an issue."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api import support
from services.planning.api.support import EDITORS, READERS, REPORTERS, versioned
from services.planning.schemas import (
    IssueCreateSchema,
    IssueFromRiskSchema,
    IssueQueryArgsSchema,
    IssueSchema,
    IssueUpdateSchema,
)
from services.planning.usecases.issues import (
    change_issue,
    issue_from_risk,
    plan_issues,
    raise_issue,
    read_issue,
)
from shared.http.auth import current_principal, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, if_match, page_of, paginate

blp = Blueprint("issues", __name__, description="Issue log")


@blp.route("/plans/<uuid:plan_id>/issues")
class PlanIssues(MethodView):
    @roles_required(*READERS)
    @blp.arguments(IssueQueryArgsSchema(), location="query")
    @blp.response(200, page_of(IssueSchema))
    def get(self, args, plan_id):
        """The order's issues, open first, then by due day"""
        session = db_session()
        query = plan_issues(session, plan_id, args.get("status"), args.get("severity"))
        return paginate(session, query, args)

    @roles_required(*REPORTERS)
    @idempotent
    @blp.arguments(IssueCreateSchema())
    @blp.response(201, IssueSchema)
    def post(self, data, plan_id):
        """Raise an issue"""
        issue = raise_issue(db_session(), plan_id, data, current_principal())
        return versioned(issue, Location=f"/issues/{issue.id}")


@blp.route("/risks/<uuid:risk_id>/issue")
class RiskIssue(MethodView):
    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(IssueFromRiskSchema())
    @blp.response(201, IssueSchema)
    @blp.doc(operationId="risks.raiseIssue")
    def post(self, data, risk_id):
        """The risk occurred: it becomes an issue linked to it, and is marked occurred"""
        issue = issue_from_risk(db_session(), risk_id, data, current_principal())
        return versioned(issue, Location=f"/issues/{issue.id}")


@blp.route("/issues/<uuid:issue_id>")
class IssuesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, IssueSchema)
    def get(self, issue_id):
        """Read an issue"""
        return versioned(read_issue(db_session(), issue_id))

    @roles_required(*EDITORS)
    @blp.arguments(IssueUpdateSchema())
    @blp.response(200, IssueSchema)
    def patch(self, data, issue_id):
        """Assign, re-rate or resolve an issue with its resolution (If-Match)"""
        return versioned(change_issue(db_session(), issue_id, data, support.today(), if_match()))
