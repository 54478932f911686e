"""Pulse surveys: a short survey after each accepted increment, and the customer's answer."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import (
    PulseAnswerSchema,
    PulseSurveyQueryArgsSchema,
    PulseSurveyRequestSchema,
    PulseSurveySchema,
)
from services.feedback.usecases.pulse_surveys import (
    answer_pulse_survey,
    list_pulse_surveys,
    request_pulse_survey,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.requests import db_session, page_of, paginate

blp = Blueprint("pulse_surveys", __name__, url_prefix="/pulse-surveys", description="Pulse surveys")


@blp.route("")
class PulseSurveys(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.arguments(PulseSurveyQueryArgsSchema(), location="query")
    @blp.response(200, page_of(PulseSurveySchema))
    def get(self, args):
        """List pulse surveys, newest first (customers: their own)"""
        return paginate(db_session(), list_pulse_surveys(args, current_principal()), args)

    @roles_required("manager", "sales")
    @blp.arguments(PulseSurveyRequestSchema())
    @blp.response(201, PulseSurveySchema)
    def post(self, data):
        """Send a pulse survey about an increment the customer accepted"""
        return request_pulse_survey(
            db_session(), data["order_id"], data["increment_id"], current_principal()
        )


@blp.route("/<uuid:survey_id>/answer")
class PulseSurveyAnswer(MethodView):
    @roles_required("customer")
    @blp.arguments(PulseAnswerSchema())
    @blp.response(200, PulseSurveySchema)
    def post(self, data, survey_id):
        """Answer a pulse survey, once"""
        return answer_pulse_survey(db_session(), survey_id, data, current_principal())
