"""Retrospectives: opened on an order's end, lessons and archive filed in the knowledge base,
improvement actions planned and carried out, completion told to the orders service."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.follow_through import improvement_action_status
from services.feedback.domain.lessons import (
    completed_status,
    lesson_body,
    lesson_text,
    lesson_title,
    normalise_tags,
    opened_on,
    require_open,
)
from services.feedback.models import (
    ArchiveItem,
    ImprovementAction,
    KnowledgeEntry,
    Lesson,
    Order,
    Retrospective,
)
from services.feedback.usecases import publish
from services.feedback.usecases.orders import fold
from shared.db import filter_by
from shared.errors import NotFound
from shared.events.contracts.feedback import RetrospectiveCompleted
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find


def open_retrospective(session: Session, order: Order) -> None:
    """One retrospective per order, once it is accepted (or cancelled)."""
    opened = opened_on(order.status)
    if opened is None:
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
            opened_on=opened,
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


def list_retrospectives(filters: Mapping[str, Any]) -> sa.Select:
    """Retrospectives, newest first."""
    query = sa.select(Retrospective).order_by(
        Retrospective.opened_at.desc(), Retrospective.id.desc()
    )
    return filter_by(
        query, filters, Retrospective.status, Retrospective.order_id, Retrospective.customer_id
    )


def read_retrospective(session: Session, retrospective_id: uuid.UUID) -> Retrospective:
    return find(session, Retrospective, retrospective_id, "retrospective")


def record_lesson(
    session: Session,
    retrospective_id: uuid.UUID,
    lesson: Mapping[str, Any],
    actor: Principal = SYSTEM,
) -> Lesson:
    """Record a lesson learned (at least one of its four parts) and file it in the knowledge
    base; a lesson naming a requirement of the confirmed order gets that requirement's kind."""
    text = lesson_text(lesson)
    retrospective = find(session, Retrospective, retrospective_id, "retrospective")
    require_open(retrospective.status, "record_lesson")
    requirement_kind = lesson["requirement_kind"]
    order = session.get(Order, retrospective.order_id)
    if lesson["requirement_id"] and order and not requirement_kind:
        requirement_kind = order.requirement_kinds.get(str(lesson["requirement_id"]))
    row = Lesson(
        **text,
        retrospective_id=retrospective.id,
        tags=normalise_tags(lesson["tags"]),
        requirement_id=lesson["requirement_id"],
        requirement_kind=requirement_kind,
        created_by=actor.sub,
    )
    session.add(row)
    session.flush()
    _file(
        session,
        retrospective,
        id=row.id,
        entry_type="lesson",
        title=lesson_title(row.problem, row.went_well, row.suggestion),
        body=lesson_body(text),
        tags=row.tags,
        requirement_kind=row.requirement_kind,
    )
    return row


def archive_document(
    session: Session,
    retrospective_id: uuid.UUID,
    document: Mapping[str, Any],
    actor: Principal = SYSTEM,
) -> ArchiveItem:
    """Archive a delivery document by reference and file it in the knowledge base."""
    retrospective = find(session, Retrospective, retrospective_id, "retrospective")
    require_open(retrospective.status, "archive_document")
    item = ArchiveItem(**document, retrospective_id=retrospective.id, created_by=actor.sub)
    session.add(item)
    session.flush()
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
    return item


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


def plan_action(
    session: Session, retrospective_id: uuid.UUID, action: Mapping[str, Any]
) -> ImprovementAction:
    """Plan an improvement action with an owner and a due date (also after completion)."""
    retrospective = find(session, Retrospective, retrospective_id, "retrospective")
    row = ImprovementAction(
        **action, retrospective_id=retrospective.id, order_id=retrospective.order_id
    )
    session.add(row)
    session.flush()
    return row


def update_action(
    session: Session,
    retrospective_id: uuid.UUID,
    action_id: uuid.UUID,
    changes: Mapping[str, Any],
    if_match: IfMatch = ANY_VERSION,
) -> ImprovementAction:
    """Change an improvement action's title, owner, due date or status."""
    action = find(session, ImprovementAction, action_id, "improvement action")
    if action.retrospective_id != retrospective_id:
        raise NotFound("improvement action", f"{action_id} in this retrospective")
    if_match.check(action.version)
    changes = dict(changes)
    if "status" in changes:
        changes["status"] = improvement_action_status(action.status, changes["status"])
    for name, value in changes.items():
        setattr(action, name, value)
    session.flush()
    return action


def list_actions(filters: Mapping[str, Any]) -> sa.Select:
    """Improvement actions of every retrospective, soonest due first."""
    query = sa.select(ImprovementAction).order_by(
        ImprovementAction.due_date.is_(None),
        ImprovementAction.due_date,
        ImprovementAction.created_at,
    )
    return filter_by(query, filters, ImprovementAction.status, ImprovementAction.owner)


def complete_retrospective(
    session: Session,
    retrospective_id: uuid.UUID,
    summary: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Retrospective:
    """Complete the retrospective (409 without a lesson) and tell the orders service, which
    closes the order."""
    retrospective = find(session, Retrospective, retrospective_id, "retrospective")
    if_match.check(retrospective.version)
    lessons = session.scalar(
        sa.select(sa.func.count()).where(Lesson.retrospective_id == retrospective.id)
    )
    retrospective.status = completed_status(retrospective.status, lessons)
    if summary:
        retrospective.summary = summary.strip()
    now = datetime.now(UTC)
    retrospective.completed_at = now
    retrospective.completed_by = actor.sub
    session.flush()
    completed = {
        "order_id": retrospective.order_id,
        "version": retrospective.version,
        "retrospective_id": retrospective.id,
        "lesson_count": lessons,
    }
    publish(session, RetrospectiveCompleted, completed)
    fold(session, RetrospectiveCompleted, completed, now)
    return retrospective
