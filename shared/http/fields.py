"""Field types the services' request schemas share."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.days import EARLIEST_DAY, LATEST_DAY


class Day(fields.Date):
    """A calendar date within 1900-01-01 … 2999-12-31.

    Plans, calendars and forecasts add working days to dates; far outside this range the
    arithmetic overflows, so such dates are refused on input (422) instead.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            *self.validators,
            validate.Range(
                min=EARLIEST_DAY,
                max=LATEST_DAY,
                error=f"Must be between {EARLIEST_DAY} and {LATEST_DAY}.",
            ),
        ]
