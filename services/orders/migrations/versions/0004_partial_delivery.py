"""partial delivery

Revision ID: 0004_partial_delivery
Revises: 0003

Iterative delivery: the order's partial delivery counts and its two settings (packages per
increment, pulse surveys after accepted increments).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_partial_delivery"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_progress", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "packages_per_increment", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("pulse_surveys", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("pulse_surveys")
        batch_op.drop_column("packages_per_increment")
        batch_op.drop_column("delivery_progress")
