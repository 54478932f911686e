"""The satisfaction survey's questions as data, and the validation of a customer's answers."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.feedback.domain.scores import (
    NPS_RANGE,
    RATING_RANGE,
    ScoreOutOfRange,
    validate_score,
)
from shared.errors import RuleViolation

MAX_TEXT_LENGTH = 4000


class QuestionKind(StrEnum):
    """How a question is answered."""

    SCALE_1_5 = "scale_1_5"
    SCALE_0_10 = "scale_0_10"
    FREE_TEXT = "free_text"


SCALE_BOUNDS: dict[QuestionKind, tuple[int, int]] = {
    QuestionKind.SCALE_1_5: RATING_RANGE,
    QuestionKind.SCALE_0_10: NPS_RANGE,
}


@dataclass(frozen=True)
class Question:
    """One question of the survey."""

    id: str
    text: str
    kind: QuestionKind
    required: bool = False


# The ids double as the field names of scores.py and of ordo.feedback.received.
QUESTIONNAIRE: tuple[Question, ...] = (
    Question(
        "csat",
        "Overall, how satisfied are you with this order?",
        QuestionKind.SCALE_1_5,
        required=True,
    ),
    Question(
        "nps",
        "How likely are you to recommend us to a colleague or a business partner?",
        QuestionKind.SCALE_0_10,
        required=True,
    ),
    Question("quality", "How good was what we delivered?", QuestionKind.SCALE_1_5),
    Question("schedule", "How well did we keep to the agreed schedule?", QuestionKind.SCALE_1_5),
    Question("communication", "How clear and timely were we?", QuestionKind.SCALE_1_5),
    Question("service", "How would you rate our service overall?", QuestionKind.SCALE_1_5),
    Question("comment", "What should we do differently next time?", QuestionKind.FREE_TEXT),
)


class InvalidAnswers(RuleViolation, ValueError):
    """Answers that do not fit the questionnaire (422); ``errors`` maps each field to its
    messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(
            {field: " ".join(messages) for field, messages in errors.items()},
            "The answers are not valid.",
        )
        self.errors = errors

    def __str__(self) -> str:
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items())


def validate_answers(
    answers: Mapping[str, object], questionnaire: Sequence[Question] = QUESTIONNAIRE
) -> dict[str, int | str]:
    """Return the answers checked against ``questionnaire``, or raise InvalidAnswers.

    Every problem is reported at once. A null or blank answer counts as not given; free text is
    stripped.
    """
    questions = {question.id: question for question in questionnaire}
    errors: dict[str, list[str]] = {
        field: ["Unknown question."] for field in answers if field not in questions
    }
    valid: dict[str, int | str] = {}
    for question in questionnaire:
        value = answers.get(question.id)
        if isinstance(value, str) and question.kind is QuestionKind.FREE_TEXT:
            value = value.strip() or None
        if value is None:
            if question.required:
                errors[question.id] = ["An answer is required."]
            continue
        try:
            valid[question.id] = _checked(question, value)
        except ValueError as error:
            errors[question.id] = [str(error)]
    if errors:
        raise InvalidAnswers(errors)
    return valid


def _checked(question: Question, value: object) -> int | str:
    if question.kind is QuestionKind.FREE_TEXT:
        if not isinstance(value, str):
            raise ValueError("Must be text.")
        if len(value) > MAX_TEXT_LENGTH:
            raise ValueError(f"Must be at most {MAX_TEXT_LENGTH} characters.")
        return value
    try:
        return validate_score(question.id, value, *SCALE_BOUNDS[question.kind])
    except ScoreOutOfRange as error:
        raise ValueError(f"Must be a whole number from {error.low} to {error.high}.") from None
