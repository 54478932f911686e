"""retention indexes

Revision ID: 0004_retention_indexes
Revises: 0003
Create Date: 2026-12-02 00:40:00

The retention job (shared/retention.py) deletes processed inbox rows, expired idempotency keys
and sent mail older than their retention, a batch at a time: these indexes let each batch find
its rows by range instead of scanning the whole table.
The same change in every service: shared.upgrades.add_retention_indexes.
"""

from shared.upgrades import add_retention_indexes, drop_retention_indexes

revision = "0004_retention_indexes"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_retention_indexes()


def downgrade() -> None:
    drop_retention_indexes()
