"""Change requests: which requirement changes are valid and what they do to date and value."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from shared.days import EARLIEST_DAY, LATEST_DAY
from shared.money import MAX_MONEY

ACTIONS = ("add", "modify", "remove")
MAX_AMOUNT = MAX_MONEY  # what an order value may come to


class ChangeRefused(ValueError):
    """A change request that cannot apply to the order as it is; `errors` per field."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


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
