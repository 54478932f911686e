"""Change requests: which requirement changes are valid and what they do to date and value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from shared.days import EARLIEST_DAY, LATEST_DAY
from shared.errors import RuleViolation
from shared.money import MAX_MONEY

ACTIONS = ("add", "modify", "remove")
MAX_AMOUNT = MAX_MONEY  # what an order value may come to


class ChangeRefused(RuleViolation):
    """Changes or criteria that cannot apply as they are (422); `errors` lists what is wrong
    per field (a field may have several messages, e.g. one per unknown criterion)."""

    def __init__(self, detail: str, errors: Mapping[str, list[str]] | None = None):
        super().__init__(detail=detail)
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}
        self.extra["errors"] = self.errors

    def __str__(self) -> str:
        return self.detail


def unknown_criteria(known_ids: Iterable[object], criteria: list[dict]) -> list[str]:
    """Criterion ids given that are not among the requirement's own `known_ids`."""
    known = set(known_ids)
    return [str(c["id"]) for c in criteria if c.get("id") is not None and c["id"] not in known]


def check_criteria(known_ids: Iterable[object], criteria: list[dict]) -> None:
    """Refuse criteria that name ids the requirement does not have."""
    unknown = unknown_criteria(known_ids, criteria)
    if unknown:
        raise ChangeRefused(
            "Some acceptance criteria ids do not belong to this requirement.",
            {"acceptance_criteria": [f"Unknown criterion {i}." for i in unknown]},
        )


def check_change_request(
    request: dict,
    criteria_of: Mapping[object, Iterable[object]],
    due_date: date | None,
    value: Decimal | None,
    currency: str,
) -> None:
    """Refuse a change request the order's requirements, their criteria, its due date or value
    do not allow. `criteria_of` maps each live requirement id to its criterion ids."""
    changes, cost_impact = request["changes"], request["cost_impact"]
    check_changes(changes, criteria_of)
    new_due_date(due_date, request["schedule_impact_days"])
    new_value(value, currency, cost_impact["amount"], cost_impact["currency"])
    unknown = {
        str(index): [f"Unknown criterion {i}." for i in ids]
        for index, change in enumerate(changes)
        if change["requirement"]
        and (
            ids := unknown_criteria(
                criteria_of.get(change["requirement_id"], ()),
                change["requirement"]["acceptance_criteria"],
            )
        )
    }
    if unknown:
        raise ChangeRefused("Some criterion ids do not belong to their requirement.", unknown)


def check_changes(changes: list[dict], live_requirement_ids: Iterable[object]) -> None:
    """Refuse changes naming requirements the order does not have, or one requirement twice."""
    live = {str(requirement_id) for requirement_id in live_requirement_ids}
    errors: dict[str, list[str]] = {}
    named: set[str] = set()
    for index, change in enumerate(changes):
        target = change.get("requirement_id")
        if change["action"] == "add":
            continue
        if str(target) not in live:
            errors[str(index)] = [f"The order has no live requirement {target}."]
        elif str(target) in named:
            errors[str(index)] = [f"Requirement {target} is changed twice."]
        named.add(str(target))
    if errors:
        raise ChangeRefused("Some changes do not match the order's requirements.", errors)


def new_due_date(due_date: date | None, schedule_impact_days: int) -> date | None:
    """The due date moved by the schedule impact (calendar days); none stays none.

    Refused if the new date would leave the range dates are accepted in.
    """
    if due_date is None:
        return None
    if not (EARLIEST_DAY - due_date).days <= schedule_impact_days <= (LATEST_DAY - due_date).days:
        raise ChangeRefused(
            f"The schedule impact would move the due date outside {EARLIEST_DAY} … {LATEST_DAY}.",
            {"schedule_impact_days": ["Too large a move."]},
        )
    return due_date + timedelta(days=schedule_impact_days)


def new_value(
    value: Decimal | None, currency: str, cost_amount: Decimal, cost_currency: str
) -> Decimal | None:
    """The order value after the cost impact; refused if currencies differ or it leaves
    0 … MAX_AMOUNT."""
    if cost_currency != currency:
        raise ChangeRefused(
            f"The cost impact must be in the order's currency {currency}.",
            {"cost_impact": [f"Use {currency}."]},
        )
    if value is None and cost_amount == 0:
        return None
    result = (value or Decimal("0")) + cost_amount
    if result < 0:
        raise ChangeRefused(
            "The cost impact would make the order value negative.",
            {"cost_impact": ["Too large a reduction."]},
        )
    if result > MAX_AMOUNT:
        raise ChangeRefused(
            f"The cost impact would take the order value above {MAX_AMOUNT}.",
            {"cost_impact": ["Too large an increase."]},
        )
    return result
