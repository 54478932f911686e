"""Satisfaction surveys: the public form behind the signed link, and the staff/customer views."""

from flask import redirect
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain.status import SURVEY_STATUS
from services.feedback.schemas import (
    SurveyAnswerSchema,
    SurveyFormSchema,
    SurveyQueryArgsSchema,
    SurveyReceiptSchema,
    SurveySchema,
)
from services.feedback.usecases.surveys import PUBLIC_PATH as SURVEY_PAGE
from services.feedback.usecases.surveys import (
    answer_survey,
    list_surveys,
    read_survey,
    resend_survey,
    survey_form,
)
from shared.http.auth import STAFF, current_principal, public, roles_required
from shared.http.requests import db_session, page_of, paginate, wants_page

blp = Blueprint("surveys", __name__, url_prefix="/surveys", description="Satisfaction surveys")

# The answer's body, documented here because the use case has it parsed after the link check.
ANSWER_BODY = {
    "required": True,
    "content": {"application/json": {"schema": SurveyAnswerSchema}},
}


@blp.route("/by-token/<string:token>")
class SurveyByToken(MethodView):
    @public
    @blp.doc(operationId="surveys.form")
    @blp.response(200, SurveyFormSchema)
    def get(self, token):
        """Read the survey's questions (the link is the credential)

        A browser (preferring text/html) is sent to the survey page of the same link.
        """
        if wants_page():
            return redirect(SURVEY_PAGE + token, 303)
        return survey_form(db_session(), token)

    @public
    @blp.doc(operationId="surveys.answer", requestBody=ANSWER_BODY)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.response(201, SurveyReceiptSchema)
    def post(self, token):
        """Answer the survey, once (the link is the credential)

        The link is checked before the answer: a forged link is 401, an expired or answered
        one 410, whatever the body; only then is a bad answer 422.
        """
        # Not @blp.arguments, which would parse the body before the link is checked.
        return answer_survey(
            db_session(),
            token,
            lambda: blp.ARGUMENTS_PARSER.parse(SurveyAnswerSchema, location="json"),
        )


@blp.route("")
class Surveys(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.arguments(SurveyQueryArgsSchema(), location="query")
    @blp.response(200, page_of(SurveySchema))
    def get(self, args):
        """List surveys (customers see their own)"""
        return paginate(db_session(), list_surveys(args, current_principal()), args)


@blp.route("/<uuid:survey_id>")
class SurveysById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, SurveySchema)
    def get(self, survey_id):
        """Read a survey and its answer (customers their own)"""
        return read_survey(db_session(), survey_id, current_principal())


@blp.route("/<uuid:survey_id>/resend")
class SurveyResend(MethodView):
    @roles_required(*SURVEY_STATUS.roles_for("resend"))
    @blp.response(200, SurveySchema)
    def post(self, survey_id):
        """Mail the customer a new survey link; the earlier links stop working

        For an unanswered survey whose mail went astray. The answer says where the link went
        (`link_sent_to`), never the link: only the customer sees it.
        """
        return resend_survey(db_session(), survey_id, current_principal())
