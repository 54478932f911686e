"""increments

Revision ID: 0004_increments
Revises: 0003

Incremental plans: increments (iterations, releases) with dates, and the requirements each
delivers (one increment per requirement; the rest are the backlog).
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0004_increments"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "increments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("finish_date", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "number"),
    )
    with op.batch_alter_table("increments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_increments_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "increment_requirements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("increment_id", sa.Uuid(), nullable=False),
        sa.Column("requirement_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["increment_id"], ["increments.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "requirement_id"),
    )
    with op.batch_alter_table("increment_requirements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_increment_requirements_increment_id"), ["increment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_increment_requirements_plan_id"), ["plan_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("increment_requirements")
    op.drop_table("increments")
