"""follow-up comment

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 01:16:06.846405

A follow-up's reason keeps the detractor's whole comment (up to 4,000 characters), so it is
text rather than 500 characters. Also fills in the knowledge entries filed before their
order's customer and number were known, from the retrospective they were filed from (the
service now does so itself when the facts arrive).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            existing_type=sa.VARCHAR(length=500),
            type_=sa.Text(),
            existing_nullable=False,
        )
    for column in ("customer_id", "order_number"):
        op.execute(
            f"UPDATE knowledge_entries SET {column} = ("
            f"SELECT retrospectives.{column} FROM retrospectives"
            " WHERE retrospectives.order_id = knowledge_entries.order_id"
            f") WHERE {column} IS NULL"
        )


def downgrade() -> None:
    op.execute("UPDATE follow_ups SET reason = substr(reason, 1, 500)")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=500),
            existing_nullable=False,
        )
