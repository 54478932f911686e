"""knowledge search index (PostgreSQL)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:20:00

A GIN index over the text the knowledge search matches, so a search reads the index instead
of computing every entry's tsvector. PostgreSQL only (SQLite searches by substring); the
expression must stay the one `services.feedback.api.knowledge` queries.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEX = "ix_knowledge_entries_search"
DOCUMENT = "to_tsvector('english'::regconfig, title || ' ' || body || tag_words)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            INDEX, "knowledge_entries", [sa.text(DOCUMENT)], postgresql_using="gin"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(INDEX, table_name="knowledge_entries")
