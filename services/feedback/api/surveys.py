"""Satisfaction surveys: the public form behind the signed link, and the staff/customer views."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain import QUESTIONNAIRE, InvalidAnswers, validate_answers
from services.feedback.domain.surveys import SCALE_BOUNDS
from services.feedback.models import Customer, Survey
from services.feedback.schemas import (
    SurveyAnswerSchema,
    SurveyFormSchema,
    SurveyQueryArgsSchema,
    SurveyReceiptSchema,
    SurveySchema,
)
from services.feedback.surveys import survey_for_token, take_answer
from shared.http.auth import (
    STAFF,
    current_principal,
    public,
    require_customer_access,
    roles_required,
)
from shared.http.errors import Problem
from shared.http.requests import db_session, filter_by, get_or_404, page_of, paginate

blp = Blueprint("surveys", __name__, url_prefix="/surveys", description="Satisfaction surveys")

QUESTIONS = [
    {
        "id": question.id,
        "text": question.text,
        "kind": question.kind.value,
        "required": question.required,
        "minimum": SCALE_BOUNDS.get(question.kind, (None, None))[0],
        "maximum": SCALE_BOUNDS.get(question.kind, (None, None))[1],
    }
    for question in QUESTIONNAIRE
]


# The answer's body, documented here because the view parses it itself (after the link check).
ANSWER_BODY = {
    "required": True,
    "content": {"application/json": {"schema": SurveyAnswerSchema}},
}


def open_survey_by_token(token: str) -> Survey:
    """The unanswered survey the link opens: 401 forged, 410 expired or already answered."""
    session = db_session()
    survey = survey_for_token(session, current_app.extensions["ordo"].settings, token)
    if survey is None:
        raise Problem(404, "This survey no longer exists.")
    if survey.answered_at is not None:
        raise Problem(410, "This survey was already answered; thank you.", title="Gone")
    return survey


@blp.route("/by-token/<string:token>")
class SurveyByToken(MethodView):
    @public
    @blp.response(200, SurveyFormSchema)
    def get(self, token):
        """Read the survey's questions (the link is the credential)"""
        survey = open_survey_by_token(token)
        customer = db_session().get(Customer, survey.customer_id)
        return {
            "survey_id": survey.id,
            "order_number": survey.order_number,
            "customer_name": customer.name if customer else None,
            "expires_at": survey.expires_at,
            "questions": QUESTIONS,
        }

    @public
    @blp.doc(requestBody=ANSWER_BODY)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.response(201, SurveyReceiptSchema)
    def post(self, token):
        """Answer the survey, once (the link is the credential)

        The link is checked before the answer: a forged link is 401, an expired or answered
        one 410, whatever the body; only then is a bad answer 422.
        """
        survey = open_survey_by_token(token)
        # Parsed here rather than by @blp.arguments, which would run before the link check.
        answers = blp.ARGUMENTS_PARSER.parse(SurveyAnswerSchema, location="json")
        try:
            valid = validate_answers(answers)
        except InvalidAnswers as error:
            raise Problem(
                422, "The answers are not valid.", title="Unprocessable Entity", errors=error.errors
            ) from None
        now = datetime.now(UTC)
        if not take_answer(db_session(), survey, valid, now):
            raise Problem(410, "This survey was already answered; thank you.", title="Gone")
        return {"survey_id": survey.id, "answered_at": now, "message": "Thank you for your answer."}


@blp.route("")
class Surveys(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.arguments(SurveyQueryArgsSchema, location="query")
    @blp.response(200, page_of(SurveySchema))
    def get(self, args):
        """List surveys (customers see their own)"""
        query = sa.select(Survey).order_by(Survey.sent_at.desc(), Survey.id)
        principal = current_principal()
        if principal.is_customer:
            query = query.where(Survey.customer_id == principal.customer_id)
        query = filter_by(query, args, Survey.customer_id, Survey.order_id)
        if "answered" in args:
            answered = Survey.answered_at.is_not(None)
            query = query.where(answered if args["answered"] else ~answered)
        return paginate(db_session(), query, args)


@blp.route("/<uuid:survey_id>")
class SurveysById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, SurveySchema)
    def get(self, survey_id):
        """Read a survey and its answer (customers their own)"""
        survey = get_or_404(db_session(), Survey, survey_id, "survey")
        require_customer_access(survey.customer_id)
        return survey
