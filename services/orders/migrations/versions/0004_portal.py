"""customer portal

Revision ID: 0004_portal
Revises: 0003

The customer portal (issue 15): single-use sign-in links (their digests), the customer's side
of the requirements review (review_decisions.party and the revision decided on), the revision
a review sent back, and change requests raised by the customer (title, wished date).
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0004_portal"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", shared.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", shared.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", shared.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("sign_in_links", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_links_customer_id", ["customer_id"], unique=False)
    with op.batch_alter_table("requirements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_back_revision", sa.Integer(), nullable=True))
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("party", sa.String(length=10), server_default="staff", nullable=False)
        )
        batch_op.add_column(sa.Column("requirement_revision", sa.Integer(), nullable=True))
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("raised_by_customer", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("wished_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_requests", schema=None) as batch_op:
        batch_op.drop_column("wished_date")
        batch_op.drop_column("title")
        batch_op.drop_column("raised_by_customer")
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_column("requirement_revision")
        batch_op.drop_column("party")
    with op.batch_alter_table("requirements", schema=None) as batch_op:
        batch_op.drop_column("sent_back_revision")
    with op.batch_alter_table("sign_in_links", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_links_customer_id")
    op.drop_table("sign_in_links")
