"""Retrospective rules: when one may be completed, improvement action states, lesson tags."""

import re
from collections.abc import Iterable

ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
OPEN, COMPLETED = "open", "completed"
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_TAGS = 10


class RetrospectiveRefused(ValueError):
    """The retrospective's state does not allow this; ``status`` is its current status."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


def check_open(status: str) -> None:
    """Lessons and archive items are added while the retrospective is open."""
    if status != OPEN:
        raise RetrospectiveRefused(f"The retrospective is {status}; it takes no more.", status)


def check_completable(status: str, lesson_count: int) -> None:
    """Completing needs an open retrospective with at least one lesson learned."""
    check_open(status)
    if lesson_count < 1:
        raise RetrospectiveRefused(
            "Record at least one lesson learned before completing the retrospective.", status
        )


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
