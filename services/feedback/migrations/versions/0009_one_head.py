"""one head again: the branches of this wave's features meet

Revision ID: 0009_one_head
Revises: 0004_retention_indexes,
    0006_pulse_surveys,
    0007_kpi_sums,
    0007_mail_attachments,
    0008_meeting_cancellation

Each feature of the second wave added its tables on a branch of its own; this revision joins
them, so that the next migration has one revision to build on (`alembic heads` shows one).
Nothing changes in the database.
"""

revision = "0009_one_head"
down_revision = (
    "0004_retention_indexes",
    "0006_pulse_surveys",
    "0007_kpi_sums",
    "0007_mail_attachments",
    "0008_meeting_cancellation",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
