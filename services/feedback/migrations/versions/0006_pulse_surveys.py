"""pulse surveys

Revision ID: 0006_pulse_surveys
Revises: 0005

A short survey after each accepted increment, when the order asks for them.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0006_pulse_surveys"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pulse_surveys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("increment_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("sent_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "increment_id"),
    )
    with op.batch_alter_table("pulse_surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_surveys_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pulse_surveys_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("pulse_surveys")
