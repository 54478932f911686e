"""A new plan's rows, stored with one Core INSERT per table instead of the ORM's unit of work.

A confirmed order's plan is built and scheduled in memory as transient ORM objects (so that
`replan` schedules it as it schedules any plan), then written here: the plan, its tasks and
its links, each table in one statement (an executemany for the tasks and the links). The
unit of work cost more than building and scheduling the plan: three flushes, identity-map
bookkeeping and a version-checked UPDATE of the plan just inserted. The objects are never
added to the session: what a later handler in the same transaction reads of the plan, it reads
from the database.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.models import Dependency, Plan, Task


def row_of(item: object, table: sa.Table) -> dict:
    """The row a transient ORM object stands for: its attributes as set, and for each column
    it has not set the column's default (NULL where there is none), as a flush would write."""
    given = item.__dict__
    row = {}
    for column in table.columns:
        if column.key in given:
            row[column.key] = given[column.key]
        elif column.default is None:
            row[column.key] = None
        elif column.default.is_callable:
            row[column.key] = column.default.arg(None)
        else:
            row[column.key] = column.default.arg
    return row


def insert_rows(session: Session, table: sa.Table, items: Iterable[object]) -> None:
    rows = [row_of(item, table) for item in items]
    if rows:
        session.execute(_INSERTS[table.name], rows)


# Built once: a statement object keeps its cache key, so each execution skips working it out.
_INSERTS = {
    table.name: sa.insert(table) for table in (Plan.__table__, Task.__table__, Dependency.__table__)
}


def store_new_plan(
    session: Session, plan: Plan, tasks: list[Task], links: list[Dependency]
) -> None:
    """Insert a scheduled new plan, then its tasks (parents first), then its links."""
    insert_rows(session, Plan.__table__, [plan])
    insert_rows(session, Task.__table__, tasks)
    insert_rows(session, Dependency.__table__, links)
