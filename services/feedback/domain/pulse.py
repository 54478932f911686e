"""Pulse surveys: a short survey after an accepted increment, when the order asks for them.

Only an increment the customer accepted can be asked about (the full satisfaction survey and
the retrospective wait for the order's final acceptance); each increment once; the answer is
one score from 1 to 5 and an optional comment, given once.
"""

from __future__ import annotations

from collections.abc import Collection

from shared.errors import Conflict, RuleViolation

PULSE_SCORES = range(1, 6)
PULSE_COMMENT_CHARACTERS = 2000


def check_pulse_request(increment_id: str, accepted_increments: Collection[str]) -> None:
    """Refuse (422 naming increment_id) a pulse survey about an increment not accepted."""
    if increment_id not in accepted_increments:
        raise RuleViolation(
            {"increment_id": "The customer has not accepted this increment."},
            detail="A pulse survey is only sent for an accepted increment.",
        )


def check_pulse_answer(
    already_answered: bool, score: int | None, comment: str | None = None
) -> None:
    """Conflict for a second answer; RuleViolation naming the score (missing: None, or not
    from 1 to 5) and a comment over PULSE_COMMENT_CHARACTERS."""
    if already_answered:
        raise Conflict("This pulse survey was answered already.")
    errors = {}
    if score is None:
        errors["score"] = "Required: a score from 1 to 5."
    elif score not in PULSE_SCORES:
        errors["score"] = "From 1 to 5."
    if comment is not None and len(comment) > PULSE_COMMENT_CHARACTERS:
        errors["comment"] = f"At most {PULSE_COMMENT_CHARACTERS:,} characters."
    if errors:
        detail = "The score is from 1 to 5." if "score" in errors else "The comment is too long."
        raise RuleViolation(errors, detail=detail)
