"""Following through on what the feedback turned up: closing a detractor's follow-up and moving
an improvement action between its statuses."""

from services.feedback.domain.status import FOLLOW_UP_STATUS, IMPROVEMENT_ACTION_STATUS
from shared.errors import TransitionNotAllowed


def status_after_closing_follow_up(status: str) -> str:
    """A follow-up is closed once; closing it again is a 409."""
    if not FOLLOW_UP_STATUS.allows(status, "close"):
        raise TransitionNotAllowed(
            FOLLOW_UP_STATUS.entity,
            "close",
            status,
            FOLLOW_UP_STATUS.allowed_actions(status),
            detail="This follow-up is already closed.",
        )
    return FOLLOW_UP_STATUS.next_status(status, "close")


def improvement_action_status(status: str, wanted: str) -> str:
    """The status an update asks for: staying put is fine, any other goes through its action."""
    if wanted == status:
        return status
    return IMPROVEMENT_ACTION_STATUS.next_status(
        status, IMPROVEMENT_ACTION_STATUS.action_to(status, wanted)
    )
