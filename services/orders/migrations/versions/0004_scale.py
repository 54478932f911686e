"""counters and list indexes

Revision ID: 0004_scale
Revises: 0003

Order numbers come from the shared `counters` table (shared.numbering), seeded from the old
per-year rows, which go; every list gets an index serving its filter and order.
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
    op.execute(
        "INSERT INTO counters (name, last) "
        "SELECT 'order_number:' || CAST(year AS VARCHAR), last FROM order_number_sequences"
    )
    op.drop_table("order_number_sequences")
    op.create_index("ix_orders_list", "orders", ["created_at", "number"])
    op.create_index("ix_orders_status_list", "orders", ["status", "created_at", "number"])
    op.create_index("ix_orders_customer_list", "orders", ["customer_id", "created_at", "number"])
    op.create_index("ix_customers_list", "customers", ["name", "id"])
    op.create_index("ix_change_requests_list", "change_requests", ["order_id", "created_at", "id"])


def downgrade() -> None:
    for name, table in (
        ("ix_change_requests_list", "change_requests"),
        ("ix_customers_list", "customers"),
        ("ix_orders_customer_list", "orders"),
        ("ix_orders_status_list", "orders"),
        ("ix_orders_list", "orders"),
    ):
        op.drop_index(name, table_name=table)
    op.create_table(
        "order_number_sequences",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.execute(
        "INSERT INTO order_number_sequences (year, last) "
        "SELECT CAST(substr(name, 14) AS INTEGER), last FROM counters "
        "WHERE name LIKE 'order_number:%'"
    )
    op.drop_index("ix_mail_outbox_list", table_name="mail_outbox")
    op.drop_index("ix_inbox_list", table_name="inbox")
    op.drop_table("counters")
