"""plan status date

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:34:36.983546

The plan's status (data) date: progress is reported as of it. Tasks already carry their
actual start and finish (0001): a task with actual dates is never moved by replanning.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('status_date')
