"""Satisfaction scores: NPS, CSAT, range checks on answers and the detractor rule.

Percentages are computed exactly and rounded once, to one decimal place, halves away from
zero (``percentage(1, 16) == 6.3``, NPS ``-6.25`` becomes ``-6.3``). NPS is rounded as one
figure, not as a difference of two rounded shares.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CSAT_RANGE = (1, 5)
NPS_RANGE = (0, 10)
RATING_RANGE = (1, 5)
RATING_FIELDS = ("quality", "schedule", "communication", "service")

PROMOTER_MIN = 9
PASSIVE_MIN = 7
SATISFIED_MIN = 4
DETRACTOR_NPS_MAX = 6
DETRACTOR_CSAT_MAX = 2

_ONE_DECIMAL = Decimal("0.1")


class ScoreOutOfRange(ValueError):
    """An answer outside its scale, or not a whole number; ``field`` names the question."""

    def __init__(self, field: str, value: object, low: int, high: int) -> None:
        super().__init__(f"{field} must be a whole number from {low} to {high}, got {value!r}")
        self.field = field
        self.value = value
        self.low = low
        self.high = high


def validate_score(field: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an int within ``low..high``, else raise ScoreOutOfRange."""
    # bool is an int subclass; True must not pass as a score of 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScoreOutOfRange(field, value, low, high)
    return value


def validate_csat(value: object) -> int:
    """Return a CSAT answer (1-5) or raise ScoreOutOfRange naming ``csat``."""
    return validate_score("csat", value, *CSAT_RANGE)


def validate_nps(value: object) -> int:
    """Return an NPS answer (0-10) or raise ScoreOutOfRange naming ``nps``."""
    return validate_score("nps", value, *NPS_RANGE)


def validate_rating(field: str, value: object) -> int:
    """Return a 1-5 rating of quality, schedule, communication or service."""
    if field not in RATING_FIELDS:
        raise ValueError(f"unknown rating {field!r}; expected one of {', '.join(RATING_FIELDS)}")
    return validate_score(field, value, *RATING_RANGE)


def round_one_decimal(exact: Decimal) -> float:
    """Round to one decimal place, halves away from zero, the rounding of every figure here."""
    return float(exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


def percentage(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, rounded to one decimal; None when ``whole`` is 0."""
    if whole == 0:
        return None
    return round_one_decimal(Decimal(part * 100) / Decimal(whole))


def net_promoter_score(answers: Iterable[int]) -> float | None:
    """NPS from 0-10 answers: % promoters (9-10) minus % detractors (0-6); None if none."""
    scores = [validate_nps(answer) for answer in answers]
    promoters = sum(1 for score in scores if score >= PROMOTER_MIN)
    detractors = sum(1 for score in scores if score < PASSIVE_MIN)
    return percentage(promoters - detractors, len(scores))


def customer_satisfaction(answers: Iterable[int]) -> float | None:
    """CSAT from 1-5 answers: the percentage of 4s and 5s; None if there are none."""
    scores = [validate_csat(answer) for answer in answers]
    return percentage(sum(1 for score in scores if score >= SATISFIED_MIN), len(scores))


def is_detractor(nps: int | None, csat: int | None) -> bool:
    """True when a response needs a follow-up: NPS 6 or less, or CSAT 2 or less.

    An unanswered question (None) neither makes nor clears a detractor.
    """
    if nps is not None and validate_nps(nps) <= DETRACTOR_NPS_MAX:
        return True
    return csat is not None and validate_csat(csat) <= DETRACTOR_CSAT_MAX


def follow_up_reason(
    order: str, csat: int | None, nps: int | None, comment: str | None = None
) -> str:
    """Why a detractor's follow-up was opened: the order, both scores and the whole comment."""
    scores = f"CSAT {csat}, NPS {nps}"
    return f"Detractor on {order} ({scores})" + (f": {comment}" if comment else "")
