"""Changes that more than one service's migrations make: data changes, and the schema changes
of the infrastructure tables every service has (shared.db.infrastructure_tables).

Kept small and stable: an Alembic revision that calls one of these runs it as it reads when
the revision is applied.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from shared.events.outbox import NOTIFY_CHANNEL, WAKEUP_TRIGGER

#: What the outbox's wake-up trigger runs (add_outbox_wakeup_trigger).
WAKEUP_FUNCTION = "ordo_outbox_wakes_relay"

#: Links are credentials seen only by the customer: earlier versions put them in these events.
LINK_FIELDS = ("acceptance_url", "survey_url")
LINK_EVENTS = ("ordo.delivery.submitted", "ordo.survey.sent")


def without_links(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in LINK_FIELDS}


def scrub_links_from_stored_events(connection: sa.Connection) -> None:
    """Drop the link fields from the outbox and inbox bodies of the events that carried one."""
    for name, binary in (("outbox", False), ("inbox", True)):
        table = sa.table(
            name,
            sa.column("id", sa.String),
            sa.column("type", sa.String),
            sa.column("body", sa.LargeBinary if binary else sa.Text),
        )
        rows = connection.execute(
            sa.select(table.c.id, table.c.body).where(table.c.type.in_(LINK_EVENTS))
        ).all()
        for row in rows:
            text = row.body.decode() if binary else row.body
            try:
                document = json.loads(text)
            except ValueError:
                continue
            if isinstance(document.get("data"), dict):
                document["data"] = without_links(document["data"])
            scrubbed = json.dumps(document, separators=(",", ":"))
            if scrubbed != text:
                body = scrubbed.encode() if binary else scrubbed
                connection.execute(sa.update(table).where(table.c.id == row.id).values(body=body))


def add_mail_attachments() -> None:
    """mail_outbox.attachments (shared/mail.py): a mail's files as JSON, content base64."""
    with op.batch_alter_table("mail_outbox") as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))


def drop_mail_attachments() -> None:
    with op.batch_alter_table("mail_outbox") as batch_op:
        batch_op.drop_column("attachments")


#: The retention job (shared/retention.py) deletes a batch at a time: each batch finds its rows
#: by range through these indexes instead of scanning the table.
RETENTION_INDEXES = (
    ("inbox", "ix_inbox_processed", ["status", "processed_at"]),
    ("idempotency_keys", "ix_idempotency_keys_created_at", ["created_at"]),
    ("mail_outbox", "ix_mail_outbox_sent", ["status", "sent_at"]),
)


def add_retention_indexes() -> None:
    for table, index, columns in RETENTION_INDEXES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(index, columns, unique=False)


def drop_retention_indexes() -> None:
    for table, index, _ in reversed(RETENTION_INDEXES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(index)


def add_outbox_wakeup_trigger() -> None:
    """On PostgreSQL, an INSERT into the outbox NOTIFYs the relay itself (one notification per
    statement, delivered at commit like any NOTIFY): recording an event then needs no NOTIFY
    round trip of its own (shared.events.outbox.wake_relay). SQLite has no NOTIFY: its relay
    polls."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE OR REPLACE FUNCTION {WAKEUP_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('{NOTIFY_CHANNEL}', ''); RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {WAKEUP_TRIGGER} AFTER INSERT ON outbox "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {WAKEUP_FUNCTION}()"
    )


def drop_outbox_wakeup_trigger() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {WAKEUP_TRIGGER} ON outbox")
    op.execute(f"DROP FUNCTION IF EXISTS {WAKEUP_FUNCTION}()")
