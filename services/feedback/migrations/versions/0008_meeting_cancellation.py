"""meeting cancellation

Revision ID: 0008_meeting_cancellation
Revises: 0006_communication_kpis
Create Date: 2026-12-02 03:55:00

A meeting the planning service cancelled (ordo.meeting.cancelled) is no longer planned: the
communication KPIs leave out the meeting facts with a cancellation time.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0008_meeting_cancellation"
down_revision = "0006_communication_kpis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_facts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled_at", shared.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_facts", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
