"""increments

Revision ID: 0006_increments
Revises: 0005

Delivery per increment: each deliverable knows the increment that delivers it, a package the
one increment it holds, and an order whether its packages may mix increments.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_increments"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("order_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "packages_per_increment", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    with op.batch_alter_table("deliverables", schema=None) as batch_op:
        batch_op.add_column(sa.Column("increment_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("increment_number", sa.Integer(), nullable=True))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("increment_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("increment_id")
    with op.batch_alter_table("deliverables", schema=None) as batch_op:
        batch_op.drop_column("increment_number")
        batch_op.drop_column("increment_id")
    with op.batch_alter_table("order_records", schema=None) as batch_op:
        batch_op.drop_column("packages_per_increment")
