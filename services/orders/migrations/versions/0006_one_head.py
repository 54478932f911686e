"""one head again: the branches of this wave's features meet

Revision ID: 0006_one_head
Revises: 0004_partial_delivery,
    0004_portal,
    0004_retention_indexes,
    0005_mail_attachments,
    0005_order_number_sequences

Each feature of the second wave added its tables on a branch of its own; this revision joins
them, so that the next migration has one revision to build on (`alembic heads` shows one).
Nothing changes in the database.
"""

revision = "0006_one_head"
down_revision = (
    "0004_partial_delivery",
    "0004_portal",
    "0004_retention_indexes",
    "0005_mail_attachments",
    "0005_order_number_sequences",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
