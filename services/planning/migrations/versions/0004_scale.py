"""counters and list indexes

Revision ID: 0004_scale
Revises: 0003

The shared `counters` table (shared.numbering); every list gets an index serving its filter
and order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_scale"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_inbox_list", "inbox", ["received_at"])
    op.create_index("ix_mail_outbox_list", "mail_outbox", ["created_at", "id"])
    op.create_index("ix_plans_list", "plans", ["created_at", "id"])
    op.create_index("ix_plans_status_list", "plans", ["status", "created_at", "id"])
    op.create_index("ix_resources_list", "resources", ["name", "id"])
    # By hand (an expression autogenerate does not compare): the register's order, score first.
    op.create_index(
        "ix_risks_list", "risks", ["plan_id", sa.text("score DESC"), "created_at", "id"]
    )


def downgrade() -> None:
    for name, table in (
        ("ix_risks_list", "risks"),
        ("ix_resources_list", "resources"),
        ("ix_plans_status_list", "plans"),
        ("ix_plans_list", "plans"),
    ):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_mail_outbox_list", table_name="mail_outbox")
    op.drop_index("ix_inbox_list", table_name="inbox")
    op.drop_table("counters")
