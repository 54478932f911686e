"""The bounds of a plan's figures, the same whichever way they come in (JSON or a WBS file)."""

LINK_TYPES = ("FS", "SS", "FF", "SF")
"""Finish-to-start, start-to-start, finish-to-finish, start-to-finish."""

MAX_DURATION = 2000
"""Working days a task may last."""

MAX_LAG = 1000
"""Working days a link may wait (a lead, a negative lag, as many)."""

MAX_NAME_LENGTH = 200
MAX_EFFORT_HOURS = 1_000_000

MAX_IMPORT_ROWS = 5000
"""Tasks one WBS import may hold (and twice as many links)."""
