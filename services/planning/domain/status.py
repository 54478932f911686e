"""How a plan's status and a task's status may change.

A plan is `draft` until a planner activates it, `active` while work is reported on it,
`completed` when every task is done (or the customer accepted the delivery), and `cancelled`
with its order. A completed plan is reopened when rework or a change leaves unfinished work.
The keeps are what a plan allows without changing status: edits to its WBS, links, calendar
and risks (`edit`) and levelling while it is open; progress and rebaselining once active.

A task's status is read from its percent complete: `not_started` (0), `in_progress`,
`done` (100). A progress report moves it any way; rework reopens a finished task.

A risk is `open`, `closed` or `occurred`; an editor moves it from any one to any other, and
only an open risk is published as raised.
"""

from __future__ import annotations

from shared.errors import TransitionNotAllowed
from shared.status_machine import StatusMachine

EDITORS = ("planner", "manager")
REPORTERS = ("planner", "manager", "engineer", "quality", "logistics")

PLAN_STATUS = StatusMachine(
    "plan",
    ("draft", "active", "completed", "cancelled"),
    moves={
        "activate": {"draft": "active"},
        "complete": {"active": "completed"},
        "accept_delivery": {"draft": "completed", "active": "completed"},
        "reopen": {"completed": "active"},
        "cancel": {"draft": "cancelled", "active": "cancelled", "completed": "cancelled"},
    },
    keeps={
        "edit": ("draft", "active"),
        "level": ("draft", "active"),
        "report_progress": ("active",),
        "rebaseline": ("active",),
    },
    roles={
        "activate": EDITORS,
        "edit": EDITORS,
        "level": EDITORS,
        "rebaseline": EDITORS,
        "report_progress": REPORTERS,
    },
)

#: The statuses a plan may be edited (and rescheduled) in.
OPEN_PLAN_STATUSES = PLAN_STATUS.keeps["edit"]

TASK_STATUS = StatusMachine(
    "task",
    ("not_started", "in_progress", "done"),
    moves={
        "start": {"not_started": "in_progress"},
        "finish": {"not_started": "done", "in_progress": "done"},
        "resume": {"done": "in_progress"},
        "reopen": {"in_progress": "not_started", "done": "not_started"},
    },
    roles={action: REPORTERS for action in ("start", "finish", "resume", "reopen")},
)

RISK_STATUS = StatusMachine(
    "risk",
    ("open", "closed", "occurred"),
    moves={
        "close": {"open": "closed", "occurred": "closed"},
        "record_occurrence": {"open": "occurred", "closed": "occurred"},
        "reopen": {"closed": "open", "occurred": "open"},
    },
    roles={action: EDITORS for action in ("close", "record_occurrence", "reopen")},
)


def require_plan_allows(status: str, action: str) -> None:
    """TransitionNotAllowed (409) unless a plan in `status` allows `action`."""
    if not PLAN_STATUS.allows(status, action):
        raise TransitionNotAllowed(
            "plan",
            action,
            status,
            PLAN_STATUS.allowed_actions(status),
            detail=f"A {status} plan cannot be changed ({action.replace('_', ' ')}).",
        )


def task_status(percent_complete: float) -> str:
    """A task's status as its percent complete tells it."""
    if percent_complete >= 100:
        return "done"
    return "in_progress" if percent_complete > 0 else "not_started"
