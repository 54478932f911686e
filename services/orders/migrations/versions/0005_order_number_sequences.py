"""order numbers from a sequence per year

Revision ID: 0005_order_number_sequences
Revises: 0004_scale

On PostgreSQL order numbers come from a sequence per year (`order_number_<year>`,
shared.numbering.next_in_sequence), which takes no lock and needs no commit of its own: each
year's row of the `counters` table becomes its sequence, continuing where the row stopped.
Later years' sequences are created by their first order. SQLite keeps the counters rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_order_number_sequences"
down_revision = "0004_scale"
branch_labels = None
depends_on = None

PREFIX = "order_number:"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    rows = bind.execute(
        sa.text("SELECT name, last FROM counters WHERE name LIKE :prefix"),
        {"prefix": PREFIX + "%"},
    ).all()
    for name, last in rows:
        sequence = "order_number_" + str(int(name[len(PREFIX) :]))
        op.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence}")
        op.execute(f"SELECT setval('{sequence}', {int(last)})")
    op.execute(f"DELETE FROM counters WHERE name LIKE '{PREFIX}%'")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    sequences = bind.execute(
        sa.text(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() AND sequencename ~ '^order_number_[0-9]+$'"
        )
    ).all()
    for sequence, last in sequences:
        if last is not None:  # a sequence never used has handed out nothing
            bind.execute(
                sa.text("INSERT INTO counters (name, last) VALUES (:name, :last)"),
                {"name": PREFIX + sequence.removeprefix("order_number_"), "last": last},
            )
        op.execute(f"DROP SEQUENCE {sequence}")
