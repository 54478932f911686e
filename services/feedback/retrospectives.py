"""Opening retrospectives, filing their lessons and archive in the knowledge base, completing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.retrospectives import check_completable, lesson_title
from services.feedback.models import ArchiveItem, KnowledgeEntry, Lesson, Order, Retrospective
from services.feedback.readmodel import fold
from shared.events.outbox import record

OPENING_STATUSES = {"accepted": "accepted", "closed": "accepted", "cancelled": "cancelled"}


def open_retrospective(session: Session, order: Order) -> None:
    """One retrospective per order, once it is accepted (or cancelled)."""
    opened_on = OPENING_STATUSES.get(order.status)
    if opened_on is None:
        return
    existing = session.scalar(sa.select(Retrospective).where(Retrospective.order_id == order.id))
    if existing is not None:
        # An acceptance can arrive before the order's creation: fill in what came later, on
        # the retrospective and on the knowledge entries filed from it meanwhile.
        if existing.order_number is None and order.number:
            existing.order_number = order.number
            _fill_knowledge(session, order, KnowledgeEntry.order_number, order.number)
        if existing.customer_id is None and order.customer_id:
            existing.customer_id = order.customer_id
            _fill_knowledge(session, order, KnowledgeEntry.customer_id, order.customer_id)
        return
    session.add(
        Retrospective(
            order_id=order.id,
            order_number=order.number,
            customer_id=order.customer_id,
            opened_on=opened_on,
        )
    )
    session.flush()


def _fill_knowledge(session: Session, order: Order, column, value) -> None:
    """Give the order's knowledge entries a fact they were filed without."""
    session.execute(
        sa.update(KnowledgeEntry)
        .where(KnowledgeEntry.order_id == order.id, column.is_(None))
        .values({column.key: value})
        .execution_options(synchronize_session="fetch")
    )


def file_lesson(session: Session, retrospective: Retrospective, lesson: Lesson) -> None:
    body = "\n".join(
        f"{label}: {text}"
        for label, text in (
            ("Went well", lesson.went_well),
            ("Problem", lesson.problem),
            ("Root cause", lesson.root_cause),
            ("Suggestion", lesson.suggestion),
        )
        if text
    )
    _file(
        session,
        retrospective,
        id=lesson.id,
        entry_type="lesson",
        title=lesson_title(lesson.problem, lesson.went_well, lesson.suggestion),
        body=body,
        tags=lesson.tags,
        requirement_kind=lesson.requirement_kind,
    )


def file_archive_item(session: Session, retrospective: Retrospective, item: ArchiveItem) -> None:
    _file(
        session,
        retrospective,
        id=item.id,
        entry_type="archive",
        title=item.title,
        body=item.summary,
        tags=[item.kind],
        requirement_kind=None,
    )


def _file(session: Session, retrospective: Retrospective, **entry) -> None:
    session.add(
        KnowledgeEntry(
            **entry,
            order_id=retrospective.order_id,
            order_number=retrospective.order_number,
            customer_id=retrospective.customer_id,
            tag_words=" " + " ".join(entry["tags"]) + " ",
        )
    )


def complete(session: Session, retrospective: Retrospective, by: str, now: datetime) -> None:
    """Complete (409 via RetrospectiveRefused without a lesson) and tell the orders service."""
    lessons = session.scalar(
        sa.select(sa.func.count()).where(Lesson.retrospective_id == retrospective.id)
    )
    check_completable(retrospective.status, lessons)
    retrospective.status = "completed"
    retrospective.completed_at = now
    retrospective.completed_by = by
    session.flush()
    completed = {
        "order_id": retrospective.order_id,
        "version": retrospective.version,
        "retrospective_id": retrospective.id,
        "lesson_count": lessons,
    }
    record(session, "ordo.retrospective.completed", completed)
    fold(session, "ordo.retrospective.completed", completed, now)
