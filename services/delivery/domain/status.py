"""How a deliverable, a delivery package, a non-conformance and a punch item change status.

Each aggregate has one StatusMachine: its statuses, the named actions that move it and who
may take them (no roles: the system, on an event). A refused action is a 409 whose
`allowed_actions` lists the action names the current status allows.
"""

from enum import StrEnum

from services.delivery.domain.decisions import PunchItemStatus
from shared.errors import TransitionNotAllowed
from shared.status_machine import StatusMachine

INSPECTORS = ("quality",)
DELIVERY_STAFF = ("logistics", "manager")
CUSTOMER = ("customer",)
NON_CONFORMANCE_STAFF = ("quality", "manager")


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
_OPEN_DELIVERABLE_STATUSES = [
    status.value for status in DeliverableStatus if status not in FINAL_DELIVERABLE_STATUSES
]
#: Inspected when work is done, and again after rework for a failure or a rejection.
_INSPECTABLE = ("ready_for_qc", "failed", "rejected")

DELIVERABLE_STATUS = StatusMachine(
    "deliverable",
    [status.value for status in DeliverableStatus],
    moves={
        # The plan completed: the work (or the rework after a failure or rejection) is done.
        "mark_ready": {
            "pending": "ready_for_qc",
            "failed": "ready_for_qc",
            "rejected": "ready_for_qc",
        },
        "pass_check": dict.fromkeys(_INSPECTABLE, "passed"),
        "fail_check": dict.fromkeys(_INSPECTABLE, "failed"),
        # An approved change altered the criteria a check judged: quality control again.
        "void_check": {
            "passed": "ready_for_qc",
            "failed": "ready_for_qc",
            "rejected": "ready_for_qc",
        },
        "deliver": {"passed": "delivered"},
        "accept": {"delivered": "accepted"},
        "reject": {"delivered": "rejected"},
        "cancel": dict.fromkeys(_OPEN_DELIVERABLE_STATUSES, "cancelled"),
        "withdraw": dict.fromkeys(_OPEN_DELIVERABLE_STATUSES, "withdrawn"),
    },
    roles={
        "pass_check": INSPECTORS,
        "fail_check": INSPECTORS,
        "deliver": DELIVERY_STAFF,
        "accept": CUSTOMER,
        "reject": CUSTOMER,
    },
)


def require_inspectable(status: str) -> None:
    """A deliverable is inspected when ready for quality control, or reworked after a failure or
    a rejection; otherwise TransitionNotAllowed (409)."""
    if not DELIVERABLE_STATUS.allows(status, "pass_check"):
        raise TransitionNotAllowed(
            "deliverable",
            "inspect",
            status,
            DELIVERABLE_STATUS.allowed_actions(status),
            detail=f"A {status} deliverable cannot be inspected; it must be ready for quality "
            "control, or reworked after a failure or rejection.",
        )


def status_after_check(status: str, passed: bool) -> str:
    """Where an inspected deliverable goes: passed or failed (TransitionNotAllowed if it may not
    be inspected)."""
    require_inspectable(status)
    return DELIVERABLE_STATUS.next_status(status, "pass_check" if passed else "fail_check")


def status_after_criteria_change(status: str) -> str:
    """Where a deliverable goes when an approved change alters its acceptance criteria.

    A check judged the old criteria, so a passed, failed or rejected deliverable goes back to
    quality control. Any other keeps its status: one awaiting the customer is judged on the
    snapshot of the criteria its package carries.
    """
    if DELIVERABLE_STATUS.allows(status, "void_check"):
        return DELIVERABLE_STATUS.next_status(status, "void_check")
    return status


class PackageStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    CONDITIONALLY_ACCEPTED = "conditionally_accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


#: The one status in which a package waits for the customer (and its link works).
AWAITING_DECISION = PackageStatus.SUBMITTED.value

PACKAGE_STATUS = StatusMachine(
    "delivery package",
    [status.value for status in PackageStatus],
    moves={
        "submit": {"draft": "submitted"},
        "accept": {"submitted": "accepted"},
        "accept_conditionally": {"submitted": "conditionally_accepted"},
        "reject": {"submitted": "rejected"},
        "cancel": {"draft": "cancelled", "submitted": "cancelled"},
    },
    keeps={"reissue_link": ("submitted",)},
    roles={
        "submit": DELIVERY_STAFF,
        "reissue_link": DELIVERY_STAFF,
        "accept": CUSTOMER,
        "accept_conditionally": CUSTOMER,
        "reject": CUSTOMER,
    },
)


def require_package(status: str, action: str, detail: str) -> None:
    """TransitionNotAllowed (409) with `detail` unless a package in `status` allows `action`."""
    if not PACKAGE_STATUS.allows(status, action):
        raise TransitionNotAllowed(
            PACKAGE_STATUS.entity,
            action,
            status,
            PACKAGE_STATUS.allowed_actions(status),
            detail=detail,
        )


class NonConformanceStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


NON_CONFORMANCE_STATUS = StatusMachine(
    "non-conformance",
    [status.value for status in NonConformanceStatus],
    moves={
        "start": {"open": "in_progress"},
        "close": {"open": "closed", "in_progress": "closed"},
        # Reopened when verification shows the corrective action did not work.
        "reopen": {"closed": "open"},
    },
    roles=dict.fromkeys(("start", "close", "reopen"), NON_CONFORMANCE_STAFF),
)


PUNCH_ITEM_STATUS = StatusMachine(
    "punch item",
    [status.value for status in PunchItemStatus],
    moves={"close": {"open": "done"}, "reopen": {"done": "open"}},
)
