"""Numbers handed out in sequence: order numbers per year, package and document versions.

Two kinds of counter, both named for what they count and its scope:

- `next_in_sequence(session, "order_number:2026")`, for numbers many creates take at once:
  on PostgreSQL a sequence per counter (`order_number_2026`), created by the first number a
  process asks of it (`CREATE SEQUENCE IF NOT EXISTS` under an advisory lock, in a
  transaction of its own, so concurrent first creates of a year neither race nor fail) and
  remembered per engine. `nextval` runs in the caller's transaction, locks nothing and needs
  no commit of its own, so creates neither queue nor pay a second WAL flush. A number taken
  by a create that then fails is not handed out again: numbers are unique and increasing, not
  gapless.
- `next_number(session, "package_version:<order id>")`, for the many small counters of one
  aggregate each (a sequence per order would be a relation per order): a row of the service's
  `counters` table, created by its first number, taken by one statement, `INSERT … ON CONFLICT
  (name) DO UPDATE SET last = last + 1 RETURNING last`, so a first number never races and
  nothing is read and then written. On PostgreSQL that statement runs in a transaction of its
  own (autocommit) beside the caller's: the row is locked for that one statement, not until
  the caller commits.

SQLite (embedded mode) has one writer at a time anyway: there both kinds are the counters row,
in the caller's transaction, and a refused create gives its number back.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.db import tables_of

#: What a sequence's counter may be called: its sequence name is the counter with `_` for `:`.
SEQUENCE_COUNTER = re.compile(r"[a-z][a-z0-9_:]{0,62}")

_created: weakref.WeakKeyDictionary[sa.Engine, set[str]] = weakref.WeakKeyDictionary()
_creating = threading.Lock()


def next_in_sequence(session: Session, counter: str) -> int:
    """The next number of `counter` (1 the first time), never blocking another caller."""
    if not SEQUENCE_COUNTER.fullmatch(counter):
        raise ValueError(f"not a sequence's counter name: {counter!r}")
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return next_number(session, counter)
    name = counter.replace(":", "_")
    _create_once(bind if isinstance(bind, sa.Engine) else bind.engine, name)
    return session.connection().execute(_next_value(name)).scalar_one()


@functools.cache
def _next_value(name: str) -> sa.Select:
    """SELECT nextval('name'), built once per sequence (a year's numbers share it)."""
    return sa.select(sa.Sequence(name).next_value())


def _create_once(engine: sa.Engine, name: str) -> None:
    """Create the sequence `name` unless this process has seen it already."""
    if name in _created.get(engine, ()):
        return
    with _creating:
        if name in _created.get(engine, ()):
            return
        with engine.begin() as connection:  # committed at once: every caller sees it
            # Two processes' CREATE … IF NOT EXISTS at once would both insert the catalog row.
            connection.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"sequence {name}")))
            )
            connection.execute(sa.text(f"CREATE SEQUENCE IF NOT EXISTS {name}"))
        _created.setdefault(engine, set()).add(name)


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
