"""counters and list indexes

Revision ID: 0006_scale
Revises: 0005

Package and document versions come from the shared `counters` table (shared.numbering),
seeded with each order's highest version so far; every list gets an index serving its
filter and order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_scale"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_inbox_list", "inbox", ["received_at"])
    op.create_index("ix_mail_outbox_list", "mail_outbox", ["created_at", "id"])
    connection = op.get_bind()
    deliveries = sa.table(
        "deliveries", sa.column("order_id", sa.Uuid), sa.column("package_version")
    )
    documents = sa.table(
        "documents",
        sa.column("order_id", sa.Uuid),
        sa.column("name"),
        sa.column("document_version"),
    )
    packages = connection.execute(
        sa.select(deliveries.c.order_id, sa.func.max(deliveries.c.package_version)).group_by(
            deliveries.c.order_id
        )
    )
    versions = connection.execute(
        sa.select(
            documents.c.order_id, documents.c.name, sa.func.max(documents.c.document_version)
        ).group_by(documents.c.order_id, documents.c.name)
    )
    # The names as shared.numbering's callers spell them (a UUID with its dashes).
    rows = [{"name": f"package_version:{order_id}", "last": last} for order_id, last in packages]
    rows += [
        {"name": f"document_version:{order_id}:{name}", "last": last}
        for order_id, name, last in versions
    ]
    if rows:
        op.bulk_insert(counters, rows)
    op.create_index("ix_deliverables_list", "deliverables", ["created_at", "id"])
    op.create_index("ix_deliveries_list", "deliveries", ["created_at", "id"])
    op.create_index("ix_non_conformances_list", "non_conformances", ["opened_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_non_conformances_list", table_name="non_conformances")
    op.drop_index("ix_deliveries_list", table_name="deliveries")
    op.drop_index("ix_deliverables_list", table_name="deliverables")
    op.drop_index("ix_mail_outbox_list", table_name="mail_outbox")
    op.drop_index("ix_inbox_list", table_name="inbox")
    op.drop_table("counters")
