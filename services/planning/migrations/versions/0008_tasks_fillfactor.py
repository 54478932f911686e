"""tasks leave room on each page for their next version

Revision ID: 0008_tasks_fillfactor
Revises: 0007_one_head

A replan rewrites the dates and floats of every task it moves, none of them indexed: with a
fifth of each page left free (fillfactor 70) PostgreSQL writes the new version on the same page
without touching the indexes (a HOT update), which made rewriting a 2,000-task chain several
times cheaper here. Pages filled before this take it as they are rewritten. Nothing on SQLite.
"""

from alembic import op

revision = "0008_tasks_fillfactor"
down_revision = "0007_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE tasks SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE tasks RESET (fillfactor)")
