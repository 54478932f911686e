"""The days Ordo stores and schedules: from 1900-01-01 to 2999-12-31."""

from datetime import date

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def describe_slip(days: int | None) -> str:
    """A signed slip in working days in words, the same on every surface: ahead of the
    baseline is negative slip ("5 days ahead"), behind it positive ("3 days late")."""
    if days is None:
        return "no baseline yet"
    if days == 0:
        return "on baseline"
    count = abs(days)
    unit = "day" if count == 1 else "days"
    return f"{count} {unit} {'ahead' if days < 0 else 'late'}"
