"""Status reports: drafted as of a status date, the manager's narrative, published to the
customer (immutable from then on), as JSON, HTML and PDF."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api import support
from services.planning.api.support import EDITORS, READERS, versioned
from services.planning.schemas import (
    StatusReportCreateSchema,
    StatusReportDocumentArgsSchema,
    StatusReportNarrativeSchema,
    StatusReportSchema,
)
from services.planning.usecases.status_reports import (
    draft_status_report,
    plan_status_reports,
    publish_status_report,
    read_status_report_view,
    status_report_document,
    write_narrative,
)
from shared.http.auth import current_principal, roles_required
from shared.http.contract import if_match_optional
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, if_match

blp = Blueprint("status_reports", __name__, description="Status reports")

CUSTOMER_READERS = (*READERS, "customer")
MANAGERS = ("manager",)


@blp.route("/plans/<uuid:plan_id>/status-reports")
class PlanStatusReports(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.response(200, StatusReportSchema(many=True))
    def get(self, plan_id):
        """The order's status reports, newest first (a customer: the published ones)"""
        return plan_status_reports(db_session(), plan_id, current_principal())

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(StatusReportCreateSchema())
    @blp.response(201, StatusReportSchema)
    def post(self, data, plan_id):
        """Draft the next status report as of a status date, from the plan"""
        report = draft_status_report(db_session(), plan_id, data["status_date"], support.today())
        return versioned(report, Location=f"/status-reports/{report.id}")


@blp.route("/status-reports/<uuid:report_id>")
class StatusReportsById(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.response(200, StatusReportSchema)
    def get(self, report_id):
        """Read a status report (a customer: a published one, without internal items)"""
        report = read_status_report_view(db_session(), report_id, current_principal())
        return report if isinstance(report, dict) else versioned(report)

    @roles_required(*MANAGERS)
    @blp.arguments(StatusReportNarrativeSchema())
    @blp.response(200, StatusReportSchema)
    def patch(self, data, report_id):
        """Write the manager's narrative on a draft (If-Match); 409 once published"""
        report = write_narrative(db_session(), report_id, data["narrative"], if_match())
        return versioned(report)


@blp.route("/status-reports/<uuid:report_id>/publish")
class StatusReportPublish(MethodView):
    @roles_required(*MANAGERS)
    @if_match_optional
    @blp.response(200, StatusReportSchema)
    def post(self, report_id):
        """Publish: needs the narrative; the customer is mailed, the report never changes"""
        report = publish_status_report(
            db_session(), report_id, current_principal(), if_match(required=False)
        )
        return versioned(report)


@blp.route("/status-reports/<uuid:report_id>/report.html")
class StatusReportHtml(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.arguments(StatusReportDocumentArgsSchema(), location="query")
    @blp.response(200, content_type="text/html")
    @blp.doc(operationId="statusReports.html")
    def get(self, args, report_id):
        """The status report as a page, in English or Chinese"""
        page = status_report_document(
            db_session(), report_id, "html", args["locale"], current_principal()
        )
        return Response(page, mimetype="text/html")


@blp.route("/status-reports/<uuid:report_id>/report.pdf")
class StatusReportPdf(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.arguments(StatusReportDocumentArgsSchema(), location="query")
    @blp.response(200, content_type="application/pdf")
    @blp.doc(operationId="statusReports.pdf")
    def get(self, args, report_id):
        """The status report as PDF (Chinese-capable font), in English or Chinese"""
        pdf = status_report_document(
            db_session(), report_id, "pdf", args["locale"], current_principal()
        )
        return Response(pdf, mimetype="application/pdf")
