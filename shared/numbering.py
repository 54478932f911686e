"""Numbers handed out in sequence: order numbers per year, package and document versions.

Every numbered thing asks `next_number(session, counter)`; the counter is a row of the
service's `counters` table, named for what it counts and its scope (`order_number:2026`,
`package_version:<order id>`), created by the first number it hands out. One statement does
it, `INSERT … ON CONFLICT (name) DO UPDATE SET last = last + 1 RETURNING last`, so the first
numbers of a year never race (the conflict makes the second insert an update) and nothing
is read and then written.

On PostgreSQL the statement runs in a transaction of its own (autocommit), beside the caller's:
the counter's row is locked for that one statement, not until the caller commits, so
concurrent creates never queue behind each other. The price is that a number taken by a
create that then fails is not handed out again: numbers are unique and increasing, not
gapless. SQLite (embedded mode) has one writer at a time anyway, so there the statement
joins the caller's transaction and a refused create gives its number back.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.db import tables_of


def next_number(session: Session, counter: str) -> int:
    """The next number of `counter` (1 the first time)."""
    table = tables_of(session).counters
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(name=counter, last=1)
        .on_conflict_do_update(index_elements=[table.c.name], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    if dialect is sqlite:
        return session.execute(statement).scalar_one()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    with engine.connect() as connection:  # one statement, its own transaction: autocommit
        return (
            connection.execution_options(isolation_level="AUTOCOMMIT")
            .execute(statement)
            .scalar_one()
        )
