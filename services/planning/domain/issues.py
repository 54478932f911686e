"""The issue log: problems that happened (a risk is one that may), followed to their end.

An issue is raised with a severity, may be assigned and given a due day, and is `resolved`
with a resolution (required); a resolved issue can be reopened. A risk that occurs becomes an
issue that keeps the risk's id. Open issues of high or critical severity weigh on the status
report's RAG.
"""

from __future__ import annotations

from shared.errors import RuleViolation
from shared.status_machine import StatusMachine

SEVERITIES = ("low", "medium", "high", "critical")
HIGH_SEVERITIES = ("high", "critical")

ISSUE_STATUS = StatusMachine(
    "issue",
    ("open", "resolved"),
    moves={"resolve": {"open": "resolved"}, "reopen": {"resolved": "open"}},
)


def check_resolution(status: str, resolution: str | None) -> None:
    """RuleViolation (field `resolution`) when an issue is resolved without saying how."""
    if status == "resolved" and not (resolution or "").strip():
        message = "An issue is resolved with a resolution: say how it was solved."
        raise RuleViolation({"resolution": message}, detail=message)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)
