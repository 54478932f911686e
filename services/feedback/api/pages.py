"""The survey page the mailed link opens: the questions as an HTML form (no JavaScript), then
a thank-you; a second answer is refused with a page saying so, and nothing changes. The pulse
survey's page is a signed-in customer's: one score and a comment about an accepted delivery."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _

from services.feedback.domain.pulse import PULSE_SCORES
from services.feedback.domain.questionnaire import InvalidAnswers, QuestionKind
from services.feedback.domain.survey_window import AlreadyAnswered
from services.feedback.usecases.pulse_surveys import own_pulse_survey, record_pulse_answer
from services.feedback.usecases.surveys import answer_survey, survey_page
from shared.errors import Conflict, RuleViolation
from shared.http.requests import db_session
from shared.portal import current_customer_id, customer_page, page_blueprint, render_page

pages = page_blueprint("feedback-pages", __name__, "../render/pages")

#: Each question as the page asks it, in the page's language (the API's text is English).
QUESTION_LABELS = {
    "csat": _("Overall, how satisfied are you with this order?"),
    "nps": _("How likely are you to recommend us to a colleague or a business partner?"),
    "quality": _("How good was what we delivered?"),
    "schedule": _("How well did we keep to the agreed schedule?"),
    "communication": _("How clear and timely were we?"),
    "service": _("How would you rate our service overall?"),
    "comment": _("What should we do differently next time?"),
}
SCALE_WORDS = {
    QuestionKind.SCALE_1_5: (_("1 = very poor"), _("5 = excellent")),
    QuestionKind.SCALE_0_10: (_("0 = not at all likely"), _("10 = extremely likely")),
}
MESSAGES = {
    "required": _("Please choose an answer."),
    "invalid": _("Please choose one of the answers offered."),
    "comment": _("Please keep the comment under 4,000 characters."),
}


@pages.get("/portal/surveys/<string:token>")
def survey(token):
    page = survey_page(db_session(), token)
    if page.answered:
        return render_page("feedback/thanks.html", page=page)
    return _form(page)


@pages.post("/portal/surveys/<string:token>")
def answer(token):
    try:
        answer_survey(db_session(), token, lambda: _answers_from(request.form))
    except InvalidAnswers as invalid:
        return _form(survey_page(db_session(), token), invalid)
    except AlreadyAnswered:
        return render_page("feedback/answered.html", 409)
    return redirect(url_for(".survey", token=token), 303)


def _form(page, invalid: InvalidAnswers | None = None):
    errors = {}
    for field, messages in (invalid.errors if invalid else {}).items():
        if field == "comment":
            errors[field] = MESSAGES["comment"]
        elif any("required" in message for message in messages):
            errors[field] = MESSAGES["required"]
        else:
            errors[field] = MESSAGES["invalid"]
    return render_page(
        "feedback/survey.html",
        422 if invalid else 200,
        page=page,
        labels=QUESTION_LABELS,
        scale_words=SCALE_WORDS,
        form=request.form if invalid else {},
        errors=errors,
    )


def _answers_from(form) -> dict:
    """The form's answers as the API takes them: scores as numbers, a blank one not given."""
    answers = {}
    for question in QUESTION_LABELS:
        value = form.get(question, "").strip()
        answers[question] = int(value) if value.isdigit() and question != "comment" else value
    return {question: value for question, value in answers.items() if value != ""}


@pages.get("/portal/pulse-surveys/<uuid:survey_id>")
@customer_page
def pulse_survey(survey_id):
    survey, order = own_pulse_survey(db_session(), survey_id, current_customer_id())
    if survey.answered_at is not None:
        return render_page("feedback/pulse_thanks.html", survey=survey, order=order)
    return _pulse_form(survey, order)


@pages.post("/portal/pulse-surveys/<uuid:survey_id>")
@customer_page
def answer_pulse(survey_id):
    session = db_session()
    survey, order = own_pulse_survey(session, survey_id, current_customer_id(), lock=True)
    score = request.form.get("score", "").strip()
    comment = request.form.get("comment", "").strip()
    answer = {"score": (int(score) if score.isdigit() else 0) if score else None}
    try:
        record_pulse_answer(session, survey, {**answer, "comment": comment or None})
    except Conflict:
        return render_page("feedback/answered.html", 409)
    except RuleViolation as refused:
        messages = {
            "score": MESSAGES["required"] if answer["score"] is None else MESSAGES["invalid"],
            "comment": _("Please keep the comment under 2,000 characters."),
        }
        return _pulse_form(survey, order, {field: messages[field] for field in refused.errors})
    return redirect(url_for(".pulse_survey", survey_id=survey_id), 303)


def _pulse_form(survey, order, errors: dict | None = None):
    """The pulse survey's form (422 with what was sent and what is wrong, nothing saved)."""
    return render_page(
        "feedback/pulse.html",
        422 if errors else 200,
        survey=survey,
        order=order,
        scores=PULSE_SCORES,
        form=request.form if errors else {},
        errors=errors or {},
    )
