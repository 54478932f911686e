"""How long the shared tables keep rows, and the worker's job that prunes them.

Published outbox rows (`ORDO_OUTBOX_RETENTION_DAYS`), processed inbox rows
(`ORDO_INBOX_RETENTION_DAYS`), sent mail (`ORDO_MAIL_RETENTION_DAYS`) and idempotency keys
(`ORDO_IDEMPOTENCY_TTL_HOURS`) are deleted once older than their retention, in batches
(`shared.db.prune`). Rows that still need an operator — failed or dead events, mail not yet
sent — are never pruned, however old.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from shared.config import Settings
from shared.db import Database, prune, utcnow
from shared.events.inbox import PROCESSED
from shared.mail import SENT

logger = logging.getLogger(__name__)

#: How often the worker prunes; a backlog is deleted in batches at the next run.
PRUNE_EVERY_SECONDS = 600.0


def expired_conditions(db: Database, settings: Settings, now: datetime) -> dict[str, list]:
    """Per table, what makes a row old enough to delete."""
    tables = db.tables
    outbox, inbox, keys, mail = tables.outbox, tables.inbox, tables.idempotency, tables.mail
    return {
        "outbox": [
            outbox.c.published_at.is_not(None),
            outbox.c.published_at < now - timedelta(days=settings.outbox_retention_days),
        ],
        "inbox": [
            inbox.c.status == PROCESSED,
            inbox.c.processed_at < now - timedelta(days=settings.inbox_retention_days),
        ],
        "idempotency_keys": [idempotency_cutoff(keys, settings, now)],
        "mail_outbox": [
            mail.c.status == SENT,
            mail.c.sent_at < now - timedelta(days=settings.mail_retention_days),
        ],
    }


def idempotency_cutoff(table: sa.Table, settings: Settings, now: datetime):
    """True for a key past its lifetime: it is treated as new, and pruned."""
    return table.c.created_at < now - timedelta(hours=settings.idempotency_ttl_hours)


def prune_expired(db: Database, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Delete every expired row of the shared tables; returns the count per table."""
    conditions = expired_conditions(db, settings, now or utcnow())
    pruned = {
        name: prune(db, db.metadata.tables[name], *where) for name, where in conditions.items()
    }
    if any(pruned.values()):
        logger.info("retention: pruned %s", ", ".join(f"{n} {c}" for n, c in pruned.items() if c))
    return pruned
