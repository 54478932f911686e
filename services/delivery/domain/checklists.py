"""Quality control of a deliverable: its checklist, tolerances, the answers and the verdict."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from services.delivery.domain.choices import coerce_choice
from shared.errors import RuleViolation

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


def answer_checklist(
    criteria: Sequence[Criterion],
    answers: Sequence[Mapping],
    standards: Sequence[Mapping],
) -> list[ChecklistItem]:
    """The checklist of a deliverable's `criteria` and the inspector's `standards`, answered.

    `answers` give `criterion_id`, `result` and `comment` per criterion; `standards` give
    `description`, `specification`, `tolerance` (a mapping or None), `measured`, `result` and
    `comment`. Every refusal at once: a RuleViolation naming `criteria.<n>.criterion_id` (not a
    criterion of the deliverable, or answered twice), `standards.<n>.tolerance.<field>`, and
    `items.<key>.<field>` for answers the item cannot take. Unanswered items stay unanswered
    (`evaluate` refuses them).
    """
    errors: dict[str, str] = {}
    by_criterion = _answers_by_criterion(criteria, answers, errors)
    standard_items = [
        _standard_item(number, given, errors) for number, given in enumerate(standards)
    ]
    if errors:
        raise RuleViolation(errors)
    items = []
    for item in build_checklist(criteria, standard_items):
        if item.criterion_id is not None:
            answer = by_criterion.get(item.criterion_id)
            given = answer and (answer["result"], None, answer["comment"])
        else:
            standard = standards[int(item.key.removeprefix("standard-")) - 1]
            given = (standard["result"], standard["measured"], standard["comment"])
        if not given:
            items.append(item)
            continue
        result, measured, comment = given
        try:
            items.append(record_result(item, result, measured=measured, comment=comment))
        except RuleViolation as violation:
            errors.update(violation.errors)
    if errors:
        raise RuleViolation(errors)
    return items


def _answers_by_criterion(
    criteria: Sequence[Criterion], answers: Sequence[Mapping], errors: dict[str, str]
) -> dict[str, Mapping]:
    known = {criterion.id for criterion in criteria}
    by_criterion: dict[str, Mapping] = {}
    for number, answer in enumerate(answers):
        key = str(answer["criterion_id"])
        if key not in known:
            errors[f"criteria.{number}.criterion_id"] = (
                f"criterion {key} is not an acceptance criterion of this deliverable"
            )
        elif key in by_criterion:
            errors[f"criteria.{number}.criterion_id"] = f"criterion {key} is answered twice"
        by_criterion[key] = answer
    return by_criterion


def _standard_item(number: int, given: Mapping, errors: dict[str, str]) -> StandardItem:
    tolerance = None
    try:
        tolerance = Tolerance(**given["tolerance"]) if given["tolerance"] else None
    except RuleViolation as violation:
        errors.update({f"standards.{number}.tolerance.{f}": m for f, m in violation.errors.items()})
    return StandardItem(given["description"], given["specification"], tolerance)
