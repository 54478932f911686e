"""The knowledge base: lessons and archived documents of every order, searchable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.search import search_terms
from services.feedback.models import KnowledgeEntry
from shared.db import filter_by

# The searched text as PostgreSQL sees it: the same expression as the GIN index of migration
# 0002, literally (no bound parameters), so that the planner can use the index.
DOCUMENT = sa.literal_column(
    "to_tsvector('english'::regconfig,"
    " knowledge_entries.title || ' ' || knowledge_entries.body || knowledge_entries.tag_words)"
)


def full_text(query: sa.Select, text: str) -> sa.Select:
    """PostgreSQL: web-search syntax over the English text search configuration, by rank."""
    wanted = sa.func.websearch_to_tsquery(sa.literal_column("'english'::regconfig"), text)
    return query.where(DOCUMENT.op("@@")(wanted)).order_by(sa.func.ts_rank(DOCUMENT, wanted).desc())


def every_word(query: sa.Select, text: str) -> sa.Select:
    """The fallback (SQLite): every word of the query appears, case-insensitively."""
    document = sa.func.lower(
        KnowledgeEntry.title + " " + KnowledgeEntry.body + KnowledgeEntry.tag_words
    )
    for term in search_terms(text):
        query = query.where(document.contains(term, autoescape=True))
    return query


def search_knowledge(session: Session, filters: Mapping[str, Any]) -> sa.Select:
    """Lessons and archived documents by text (``q``) and tag, per customer, kind or type:
    best match first on PostgreSQL, then newest first."""
    query = filter_by(
        sa.select(KnowledgeEntry),
        filters,
        KnowledgeEntry.customer_id,
        KnowledgeEntry.requirement_kind,
        KnowledgeEntry.entry_type,
    )
    if filters.get("tag") is not None:
        tag = f" {filters['tag'].strip().lower()} "
        query = query.where(KnowledgeEntry.tag_words.contains(tag, autoescape=True))
    if filters.get("q") is not None:
        postgres = session.get_bind().dialect.name == "postgresql"
        query = (full_text if postgres else every_word)(query, filters["q"])
    return query.order_by(KnowledgeEntry.created_at.desc(), KnowledgeEntry.id.desc())
