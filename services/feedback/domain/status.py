"""The status machines of the feedback service's aggregates: survey, retrospective, follow-up
and improvement action.

A 409 problem about any of them names the current status and the actions it allows.
"""

from shared.status_machine import StatusMachine

#: Who plans and updates improvement actions.
ACTION_ROLES = ("manager", "planner", "quality")

#: A survey is sent once, reminded at most once, then answered once or left to expire. Its
#: status is read from its times (see domain/survey_window.py), not stored. Staff may re-send
#: an unanswered survey's link (a new link, mailed; the earlier one stops working).
SURVEY_STATUS = StatusMachine(
    "survey",
    ("sent", "reminded", "answered", "expired"),
    moves={
        "remind": {"sent": "reminded"},
        "answer": {"sent": "answered", "reminded": "answered"},
        "expire": {"sent": "expired", "reminded": "expired"},
    },
    keeps={"resend": ("sent", "reminded")},
    roles={"resend": ("manager", "sales")},
)

#: A retrospective takes lessons and archive items while open; completing it needs a lesson.
#: Improvement actions are planned whatever its status: they are carried out later. Lessons and
#: archive items are filed by any staff member (the views say so: shared.usecases.STAFF).
RETROSPECTIVE_STATUS = StatusMachine(
    "retrospective",
    ("open", "completed"),
    moves={"complete": {"open": "completed"}},
    keeps={
        "record_lesson": ("open",),
        "archive_document": ("open",),
        "plan_action": ("open", "completed"),
    },
    roles={"complete": ("manager",), "plan_action": ACTION_ROLES},
)

#: A detractor's follow-up waits for the order's manager, who closes it with a note.
FOLLOW_UP_STATUS = StatusMachine(
    "follow-up",
    ("open", "closed"),
    moves={"close": {"open": "closed"}},
    roles={"close": ("manager",)},
)

#: An improvement action's owner may move it between any two of its statuses (it is reopened
#: when a done action turns out not to be, started again after a cancellation, and so on).
IMPROVEMENT_ACTION_STATUS = StatusMachine(
    "improvement action",
    ("open", "in_progress", "done", "cancelled"),
    moves={
        "start": {"open": "in_progress", "done": "in_progress", "cancelled": "in_progress"},
        "finish": {"open": "done", "in_progress": "done", "cancelled": "done"},
        "cancel": {"open": "cancelled", "in_progress": "cancelled", "done": "cancelled"},
        "reopen": {"in_progress": "open", "done": "open", "cancelled": "open"},
    },
    roles={action: ACTION_ROLES for action in ("start", "finish", "cancel", "reopen")},
)
