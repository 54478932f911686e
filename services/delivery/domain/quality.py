"""Quality control of a deliverable: its checklist, tolerances, non-conformances and status."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from .errors import RuleViolation, TransitionNotAllowed, coerce_choice

Number = Decimal | int | float | str


class ItemResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


def to_decimal(value: Number, field: str) -> Decimal:
    """Return `value` as a finite Decimal; floats go through `str` so 0.1 stays 0.1."""
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation({field: f"{value!r} is not a number"}) from None
    if not number.is_finite():
        raise RuleViolation({field: f"{value!r} is not a finite number"})
    return number


@dataclass(frozen=True)
class Tolerance:
    """A nominal value with the deviations allowed below and above it: 10 mm +0.3/-0.2."""

    nominal: Decimal
    lower: Decimal
    upper: Decimal
    unit: str

    def __post_init__(self) -> None:
        for field in ("nominal", "lower", "upper"):
            object.__setattr__(self, field, to_decimal(getattr(self, field), field))
        for field in ("lower", "upper"):
            if getattr(self, field) < 0:
                raise RuleViolation(
                    {field: "give the allowed deviation as a magnitude (10 +0.3/-0.2: lower 0.2)"}
                )

    @property
    def minimum(self) -> Decimal:
        return self.nominal - self.lower

    @property
    def maximum(self) -> Decimal:
        return self.nominal + self.upper

    def accepts(self, measured: Number) -> bool:
        """True when `measured` lies within the limits, both ends included."""
        return self.minimum <= to_decimal(measured, "measured") <= self.maximum

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.nominal}{unit} +{self.upper}/-{self.lower}"


@dataclass(frozen=True)
class Criterion:
    """An acceptance criterion of the requirement the deliverable fulfils."""

    id: str
    description: str


@dataclass(frozen=True)
class StandardItem:
    """A check every deliverable of its kind gets: a specification text, a tolerance, or both."""

    description: str
    specification: str | None = None
    tolerance: Tolerance | None = None


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the checklist; `key` is the criterion id or `standard-<n>`."""

    key: str
    description: str
    criterion_id: str | None = None
    specification: str | None = None
    tolerance: Tolerance | None = None
    result: ItemResult | None = None
    measured: Decimal | None = None
    comment: str = ""


def build_checklist(
    criteria: Iterable[Criterion], standard_items: Iterable[StandardItem] = ()
) -> list[ChecklistItem]:
    """One unanswered item per acceptance criterion, then one per standard item."""
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for criterion in criteria:
        if criterion.id in seen:
            raise RuleViolation({f"criteria.{criterion.id}": "criterion listed more than once"})
        seen.add(criterion.id)
        items.append(ChecklistItem(criterion.id, criterion.description, criterion_id=criterion.id))
    for number, standard in enumerate(standard_items, start=1):
        if not standard.description.strip():
            raise RuleViolation({f"standard_items.{number - 1}.description": "must not be empty"})
        items.append(
            ChecklistItem(
                f"standard-{number}",
                standard.description,
                specification=standard.specification,
                tolerance=standard.tolerance,
            )
        )
    if not items:
        raise RuleViolation({"criteria": "a checklist needs at least one criterion or item"})
    return items


def record_result(
    item: ChecklistItem,
    result: ItemResult | str | None = None,
    *,
    measured: Number | None = None,
    comment: str = "",
) -> ChecklistItem:
    """The item with the inspector's answer; a measurement is judged against the tolerance.

    A measurement outside the tolerance fails the item whatever the inspector chose; one inside
    it passes the item unless the inspector chose otherwise. A tolerance item cannot pass
    without a measurement, since the measurement is the evidence.
    """
    field = f"items.{item.key}"
    chosen = None if result is None else coerce_choice(ItemResult, result, f"{field}.result")
    value = None if measured is None else to_decimal(measured, f"{field}.measured")
    if value is not None:
        if item.tolerance is None:
            raise RuleViolation({f"{field}.measured": "this item has no tolerance to measure"})
        if chosen is ItemResult.NOT_APPLICABLE:
            raise RuleViolation({f"{field}.result": "a measured item cannot be not_applicable"})
        if not item.tolerance.accepts(value):
            chosen = ItemResult.FAIL
        elif chosen is None:
            chosen = ItemResult.PASS
    if chosen is None:
        raise RuleViolation({f"{field}.result": "give a result or a measured value"})
    if chosen is ItemResult.PASS and item.tolerance is not None and value is None:
        raise RuleViolation({f"{field}.measured": "a tolerance item passes only on a measurement"})
    return replace(item, result=chosen, measured=value, comment=comment)


class UnansweredItems(RuleViolation):
    """Some checklist items have no result yet."""

    def __init__(self, items: Iterable[ChecklistItem]) -> None:
        self.items = tuple(items)
        super().__init__(
            {f"items.{item.key}": f"no result for {item.description!r}" for item in self.items}
        )


@dataclass(frozen=True)
class CheckOutcome:
    """The verdict of a completed checklist."""

    passed: bool
    failed: tuple[ChecklistItem, ...]
    passed_count: int
    not_applicable_count: int


def evaluate(items: Iterable[ChecklistItem]) -> CheckOutcome:
    """Pass when every item has a result and none failed; unanswered items are refused."""
    items = list(items)
    if not items:
        raise RuleViolation({"items": "an empty checklist proves nothing"})
    unanswered = [item for item in items if item.result is None]
    if unanswered:
        raise UnansweredItems(unanswered)
    failed = tuple(item for item in items if item.result is ItemResult.FAIL)
    return CheckOutcome(
        passed=not failed,
        failed=failed,
        passed_count=sum(item.result is ItemResult.PASS for item in items),
        not_applicable_count=sum(item.result is ItemResult.NOT_APPLICABLE for item in items),
    )


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class NonConformanceStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


@dataclass(frozen=True)
class NonConformance:
    """A recorded failure to meet a requirement, and what is done about it."""

    severity: Severity
    description: str
    owner: str
    corrective_action: str = ""
    preventive_action: str = ""
    status: NonConformanceStatus = NonConformanceStatus.OPEN

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", coerce_choice(Severity, self.severity, "severity"))
        object.__setattr__(
            self, "status", coerce_choice(NonConformanceStatus, self.status, "status")
        )
        for field in ("description", "owner"):
            if not getattr(self, field).strip():
                raise RuleViolation({field: "must not be empty"})


NON_CONFORMANCE_TRANSITIONS: dict[NonConformanceStatus, frozenset[NonConformanceStatus]] = {
    NonConformanceStatus.OPEN: frozenset(
        {NonConformanceStatus.IN_PROGRESS, NonConformanceStatus.CLOSED}
    ),
    NonConformanceStatus.IN_PROGRESS: frozenset({NonConformanceStatus.CLOSED}),
    # Reopened when verification shows the corrective action did not work.
    NonConformanceStatus.CLOSED: frozenset({NonConformanceStatus.OPEN}),
}


def transition_non_conformance(
    non_conformance: NonConformance, target: NonConformanceStatus | str
) -> NonConformance:
    """The non-conformance in its new status.

    Closing needs a corrective action, and a major or critical one also a preventive action,
    because closing is the claim that the cause was dealt with.
    """
    target = coerce_choice(NonConformanceStatus, target, "status")
    allowed = NON_CONFORMANCE_TRANSITIONS[non_conformance.status]
    if target not in allowed:
        raise TransitionNotAllowed(
            "non-conformance", non_conformance.status, target, _in_order(allowed)
        )
    if target is NonConformanceStatus.CLOSED:
        check_closable(non_conformance)
    return replace(non_conformance, status=target)


def check_closable(non_conformance: NonConformance) -> None:
    """RuleViolation unless the non-conformance has the actions closing it needs.

    Checked when it is closed, and again whenever a closed one is edited, so that it cannot
    lose them afterwards.
    """
    missing = {}
    if not non_conformance.corrective_action.strip():
        missing["corrective_action"] = "needed to close a non-conformance"
    if (
        non_conformance.severity is not Severity.MINOR
        and not non_conformance.preventive_action.strip()
    ):
        missing["preventive_action"] = (
            f"needed to close a {non_conformance.severity.value} non-conformance"
        )
    if missing:
        raise RuleViolation(missing)


class DeliverableStatus(StrEnum):
    PENDING = "pending"
    READY_FOR_QC = "ready_for_qc"
    PASSED = "passed"
    FAILED = "failed"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


FINAL_DELIVERABLE_STATUSES = frozenset(
    {DeliverableStatus.ACCEPTED, DeliverableStatus.CANCELLED, DeliverableStatus.WITHDRAWN}
)

_STOPPED = frozenset({DeliverableStatus.CANCELLED, DeliverableStatus.WITHDRAWN})

DELIVERABLE_TRANSITIONS: dict[DeliverableStatus, frozenset[DeliverableStatus]] = {
    DeliverableStatus.PENDING: frozenset({DeliverableStatus.READY_FOR_QC}) | _STOPPED,
    DeliverableStatus.READY_FOR_QC: frozenset({DeliverableStatus.PASSED, DeliverableStatus.FAILED})
    | _STOPPED,
    DeliverableStatus.FAILED: frozenset({DeliverableStatus.READY_FOR_QC}) | _STOPPED,
    DeliverableStatus.PASSED: frozenset({DeliverableStatus.DELIVERED}) | _STOPPED,
    DeliverableStatus.DELIVERED: frozenset({DeliverableStatus.ACCEPTED, DeliverableStatus.REJECTED})
    | _STOPPED,
    DeliverableStatus.REJECTED: frozenset({DeliverableStatus.READY_FOR_QC}) | _STOPPED,
    **{status: frozenset() for status in FINAL_DELIVERABLE_STATUSES},
}


def allowed_deliverable_transitions(
    current: DeliverableStatus | str,
) -> tuple[DeliverableStatus, ...]:
    """The statuses a deliverable may move to from `current`, in lifecycle order."""
    current = coerce_choice(DeliverableStatus, current, "status")
    return _in_order(DELIVERABLE_TRANSITIONS[current])


def transition_deliverable(
    current: DeliverableStatus | str, target: DeliverableStatus | str
) -> DeliverableStatus:
    """`target`, if `current` allows it; otherwise TransitionNotAllowed listing what is allowed."""
    current = coerce_choice(DeliverableStatus, current, "status")
    target = coerce_choice(DeliverableStatus, target, "status")
    if target not in DELIVERABLE_TRANSITIONS[current]:
        raise TransitionNotAllowed(
            "deliverable", current, target, allowed_deliverable_transitions(current)
        )
    return target


def status_after_check(outcome: CheckOutcome) -> DeliverableStatus:
    """Where a deliverable in ready_for_qc goes once its checklist is evaluated."""
    return DeliverableStatus.PASSED if outcome.passed else DeliverableStatus.FAILED


def _in_order(statuses: Iterable[StrEnum]) -> tuple:
    # Enum members iterate in definition order, which is lifecycle order here.
    return tuple(sorted(statuses, key=lambda status: list(type(status)).index(status)))


_VOIDED_BY_CHANGE = frozenset(
    {DeliverableStatus.PASSED, DeliverableStatus.FAILED, DeliverableStatus.REJECTED}
)


def status_after_criteria_change(current: DeliverableStatus | str) -> DeliverableStatus:
    """Where a deliverable goes when an approved change alters its acceptance criteria.

    A check judged the old criteria, so a passed, failed or rejected deliverable goes back to
    quality control. One awaiting the customer keeps its status: the package under review
    carries its own snapshot of the criteria.
    """
    current = coerce_choice(DeliverableStatus, current, "status")
    return DeliverableStatus.READY_FOR_QC if current in _VOIDED_BY_CHANGE else current
