"""levelling jobs

Revision ID: 0004_levelling_jobs
Revises: 0003
Create Date: 2026-12-02 00:45:00

Levelling runs in the worker as a bounded job (issue 19): its status, progress and result,
at most one queued or running per plan (a partial unique index).
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = '0004_levelling_jobs'
down_revision = '0003'
branch_labels = None
depends_on = None

UNFINISHED = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table('levelling_jobs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Double(), nullable=False),
    sa.Column('budget_seconds', sa.Double(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(
        'ix_levelling_jobs_plan_id', 'levelling_jobs', ['plan_id'], unique=False
    )
    op.create_index(
        'ux_levelling_jobs_unfinished',
        'levelling_jobs',
        ['plan_id'],
        unique=True,
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    )


def downgrade() -> None:
    op.drop_index('ux_levelling_jobs_unfinished', table_name='levelling_jobs')
    op.drop_index('ix_levelling_jobs_plan_id', table_name='levelling_jobs')
    op.drop_table('levelling_jobs')
