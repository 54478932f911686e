"""the outbox wakes the relay itself

Revision ID: 0009_outbox_wakeup_trigger
Revises: 0008_tasks_fillfactor

On PostgreSQL a statement-level trigger on the outbox NOTIFYs the relay from inside each
INSERT, so recording an event no longer sends NOTIFY as a statement of its own (one round trip
less a transaction). The same change in every service: shared.upgrades.add_outbox_wakeup_trigger.
SQLite has no NOTIFY and keeps polling.
"""

from shared.upgrades import add_outbox_wakeup_trigger, drop_outbox_wakeup_trigger

revision = "0009_outbox_wakeup_trigger"
down_revision = "0008_tasks_fillfactor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_wakeup_trigger()


def downgrade() -> None:
    drop_outbox_wakeup_trigger()
