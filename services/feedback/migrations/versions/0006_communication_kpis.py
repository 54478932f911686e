"""communication KPIs

Revision ID: 0006_communication_kpis
Revises: 0005
Create Date: 2026-12-02 00:40:00

What the communication KPIs read (issue 16): meetings scheduled and held, action items due
and closed, status reports published, folded from the planning service's events.
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = '0006_communication_kpis'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = shared.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('meeting_facts',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('starts_at', UTC, nullable=False),
    sa.Column('held_at', UTC, nullable=True),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    with op.batch_alter_table('meeting_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_facts_order_id'), ['order_id'], unique=False)
    op.create_table('action_item_facts',
    sa.Column('action_item_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('action_item_id')
    )
    with op.batch_alter_table('action_item_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_facts_order_id'), ['order_id'], unique=False)
    op.create_table('status_report_facts',
    sa.Column('status_report_id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=False),
    sa.Column('published_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('status_report_id')
    )
    with op.batch_alter_table('status_report_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_report_facts_order_id'), ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_table('status_report_facts')
    op.drop_table('action_item_facts')
    op.drop_table('meeting_facts')
