"""The customer's decision on a delivery package, and the digest that ties it to the content."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any
from uuid import UUID

from services.delivery.domain.choices import coerce_choice
from shared.errors import RuleViolation


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"


class Decision(StrEnum):
    ACCEPTED = "accepted"
    CONDITIONALLY_ACCEPTED = "conditionally_accepted"
    REJECTED = "rejected"

    @property
    def counts_as_accepted(self) -> bool:
        return self is not Decision.REJECTED


class PunchItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True)
class CriterionAnswer:
    """The customer's verdict on one acceptance criterion of the package."""

    criterion_id: str
    verdict: Verdict
    comment: str = ""

    def __post_init__(self) -> None:
        field = f"answers.{self.criterion_id}.verdict"
        object.__setattr__(self, "verdict", coerce_choice(Verdict, self.verdict, field))


@dataclass(frozen=True)
class PunchItem:
    """Work still owed after a conditional acceptance."""

    description: str
    due_date: date
    status: PunchItemStatus = PunchItemStatus.OPEN

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "status", coerce_choice(PunchItemStatus, self.status, "punch_list.status")
        )


@dataclass(frozen=True)
class AcceptanceDecision:
    """A validated decision, ready to be stored and announced."""

    decision: Decision
    answers: tuple[CriterionAnswer, ...]
    reasons: tuple[str, ...] = ()
    punch_list: tuple[PunchItem, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.decision.counts_as_accepted

    @property
    def unmet_criteria(self) -> tuple[str, ...]:
        """Ids of the criteria not met: the rework to plan on a rejection."""
        return tuple(a.criterion_id for a in self.answers if a.verdict is Verdict.NOT_MET)


def decide_acceptance(
    package_criteria: Iterable[str],
    decision: Decision | str,
    answers: Iterable[CriterionAnswer],
    *,
    reasons: Iterable[str] = (),
    punch_list: Iterable[PunchItem] = (),
) -> AcceptanceDecision:
    """Check the customer's decision against the package's criteria ids; every problem at once.

    Raises RuleViolation whose `errors` maps `answers.<criterion id>`, `decision`, `reasons`,
    `punch_list` and `punch_list.<n>.<field>` to messages.
    """
    decision = coerce_choice(Decision, decision, "decision")
    expected = dict.fromkeys(package_criteria)
    answers = tuple(answers)
    reasons = tuple(reason.strip() for reason in reasons if reason.strip())
    punch_list = tuple(punch_list)
    errors: dict[str, str] = {}

    counts: dict[str, int] = {}
    for answer in answers:
        counts[answer.criterion_id] = counts.get(answer.criterion_id, 0) + 1
    for criterion_id, count in counts.items():
        if criterion_id not in expected:
            errors[f"answers.{criterion_id}"] = (
                f"criterion {criterion_id} is not part of this package"
            )
        elif count > 1:
            errors[f"answers.{criterion_id}"] = f"answered {count} times; answer it once"
    for criterion_id in expected:
        if criterion_id not in counts:
            errors[f"answers.{criterion_id}"] = "not answered"

    unmet = [
        a.criterion_id
        for a in answers
        if a.verdict is Verdict.NOT_MET and a.criterion_id in expected
    ]
    if decision is Decision.ACCEPTED and unmet:
        errors["decision"] = (
            f"not met: {', '.join(dict.fromkeys(unmet))}; "
            "accept conditionally with a punch list, or reject"
        )
    if decision is Decision.REJECTED:
        if not unmet:
            errors["decision"] = "a rejection needs at least one criterion not met"
        if not reasons:
            errors["reasons"] = "a rejection needs at least one reason"
    if decision is Decision.CONDITIONALLY_ACCEPTED:
        if not punch_list:
            errors["punch_list"] = "a conditional acceptance needs at least one punch item"
        for number, item in enumerate(punch_list):
            if not item.description.strip():
                errors[f"punch_list.{number}.description"] = "must not be empty"
    elif punch_list:
        errors["punch_list"] = f"only a conditional acceptance has a punch list, not {decision}"

    if errors:
        raise RuleViolation(errors)
    return AcceptanceDecision(decision, answers, reasons, punch_list)


def package_digest(content: dict[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of a package's content.

    Canonical: sorted keys, no whitespace, UTF-8; dates ISO 8601; datetimes in UTC ending in Z,
    naive ones taken as UTC (SQLite hands back naive datetimes); Decimals, UUIDs and enums as
    strings. Sets are refused because their order is not stable.
    """
    encoded = json.dumps(
        content,
        default=_canonical,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")
