"""counters and list indexes

Revision ID: 0006_scale
Revises: 0005

The shared `counters` table (shared.numbering); every list gets an index serving its filter
and order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_scale"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_surveys_list", "surveys", ["sent_at", "id"]),
    ("ix_follow_ups_list", "follow_ups", ["created_at", "id"]),
    ("ix_retrospectives_list", "retrospectives", ["opened_at", "id"]),
    ("ix_improvement_actions_list", "improvement_actions", ["due_date", "created_at"]),
    ("ix_knowledge_entries_list", "knowledge_entries", ["created_at", "id"]),
)


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_inbox_list", "inbox", ["received_at"])
    op.create_index("ix_mail_outbox_list", "mail_outbox", ["created_at", "id"])
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_mail_outbox_list", table_name="mail_outbox")
    op.drop_index("ix_inbox_list", table_name="inbox")
    op.drop_table("counters")
