"""Retrospective rules: when one opens, what a lesson must say, when the retrospective takes
more and when it may be completed, lesson tags and the lesson's knowledge-base text."""

import re
from collections.abc import Iterable, Mapping

from services.feedback.domain.status import RETROSPECTIVE_STATUS
from shared.errors import RuleViolation, TransitionNotAllowed

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_TAGS = 10
LESSON_FIELDS = ("went_well", "problem", "root_cause", "suggestion")
LESSON_LABELS = {
    "went_well": "Went well",
    "problem": "Problem",
    "root_cause": "Root cause",
    "suggestion": "Suggestion",
}

#: The order statuses that open its retrospective, and what it is then opened on.
OPENED_ON = {"accepted": "accepted", "closed": "accepted", "cancelled": "cancelled"}


def opened_on(order_status: str | None) -> str | None:
    """What an order in ``order_status`` opens its retrospective on; None: not yet."""
    return OPENED_ON.get(order_status or "")


def require_open(status: str, action: str) -> None:
    """Lessons and archive items are added while the retrospective is open (409 otherwise)."""
    if not RETROSPECTIVE_STATUS.allows(status, action):
        raise _refused(status, action, f"The retrospective is {status}; it takes no more.")


def completed_status(status: str, lesson_count: int) -> str:
    """The status after completing: needs an open retrospective with at least one lesson.

    Either refusal is a 409 naming ``lesson_count``.
    """
    if not RETROSPECTIVE_STATUS.allows(status, "complete"):
        raise _refused(
            status,
            "complete",
            f"The retrospective is {status}; it takes no more.",
            lesson_count=lesson_count,
        )
    if lesson_count < 1:
        raise _refused(
            status,
            "complete",
            "Record at least one lesson learned before completing the retrospective.",
            lesson_count=lesson_count,
        )
    return RETROSPECTIVE_STATUS.next_status(status, "complete")


def _refused(status: str, action: str, detail: str, **extra: object) -> TransitionNotAllowed:
    error = TransitionNotAllowed(
        RETROSPECTIVE_STATUS.entity,
        action,
        status,
        RETROSPECTIVE_STATUS.allowed_actions(status),
        detail=detail,
    )
    error.extra.update(extra)
    return error


def lesson_text(fields: Mapping[str, str | None]) -> dict[str, str | None]:
    """The four parts of a lesson, stripped (blank is None); 422 when all four are blank."""
    text = {name: (fields.get(name) or "").strip() or None for name in LESSON_FIELDS}
    if not any(text.values()):
        raise RuleViolation(
            {"_schema": "Say what went well, what went wrong, why, or what to do."},
            "A lesson needs at least one of: went_well, problem, root_cause, suggestion.",
        )
    return text


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Tags lower-cased, stripped, deduplicated and sorted; ValueError naming a bad one."""
    clean = sorted({tag.strip().lower() for tag in tags})
    for tag in clean:
        if not TAG_PATTERN.match(tag):
            raise ValueError(
                f"Tag {tag!r} must be 1 to 40 letters, digits, '-' or '_', starting with a "
                "letter or digit."
            )
    if len(clean) > MAX_TAGS:
        raise ValueError(f"At most {MAX_TAGS} tags.")
    return clean


def lesson_title(
    problem: str | None, went_well: str | None, suggestion: str | None, limit: int = 120
) -> str:
    """A one-line headline for a lesson: the problem, else what went well, else the idea."""
    text = next((part for part in (problem, went_well, suggestion) if part), "Lesson")
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def lesson_body(text: Mapping[str, str | None]) -> str:
    """A lesson as the knowledge base shows it: one labelled line per part given."""
    return "\n".join(
        f"{LESSON_LABELS[name]}: {text[name]}" for name in LESSON_FIELDS if text.get(name)
    )
