"""meeting cancellation

Revision ID: 0006_meeting_cancellation
Revises: 0004_meetings
Create Date: 2026-12-02 03:50:00

A meeting may be cancelled (POST /meetings/{id}/cancel): when, and the reason its attendees
were mailed.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0006_meeting_cancellation"
down_revision = "0004_meetings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled_at", shared.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("cancellation_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("cancellation_reason")
        batch_op.drop_column("cancelled_at")
