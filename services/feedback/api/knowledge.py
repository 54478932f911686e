"""The knowledge base: lessons and archived documents of every order, searchable."""

import sqlalchemy as sa
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain.knowledge import search_terms
from services.feedback.models import KnowledgeEntry
from services.feedback.schemas import KnowledgeEntrySchema, KnowledgeQueryArgsSchema
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session, filter_by, page_of, paginate

blp = Blueprint(
    "knowledge",
    __name__,
    url_prefix="/knowledge",
    description="Lessons learned and archived documents of all orders",
)

# The searched text as PostgreSQL sees it: the same expression as the GIN index of migration
# 0002, literally (no bound parameters), so that the planner can use the index.
DOCUMENT = sa.literal_column(
    "to_tsvector('english'::regconfig,"
    " knowledge_entries.title || ' ' || knowledge_entries.body || knowledge_entries.tag_words)"
)


def _document():
    return KnowledgeEntry.title + " " + KnowledgeEntry.body + KnowledgeEntry.tag_words


def full_text(query: sa.Select, text: str) -> sa.Select:
    """PostgreSQL: web-search syntax over the English text search configuration, by rank."""
    wanted = sa.func.websearch_to_tsquery(sa.literal_column("'english'::regconfig"), text)
    return query.where(DOCUMENT.op("@@")(wanted)).order_by(sa.func.ts_rank(DOCUMENT, wanted).desc())


def every_word(query: sa.Select, text: str) -> sa.Select:
    """The fallback (SQLite): every word of the query appears, case-insensitively."""
    document = sa.func.lower(_document())
    for term in search_terms(text):
        query = query.where(document.contains(term, autoescape=True))
    return query


@blp.route("")
class Knowledge(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(KnowledgeQueryArgsSchema, location="query")
    @blp.response(200, page_of(KnowledgeEntrySchema))
    def get(self, args):
        """Search lessons and archived documents by text and tag, per customer or kind"""
        query = sa.select(KnowledgeEntry)
        query = filter_by(
            query,
            args,
            KnowledgeEntry.customer_id,
            KnowledgeEntry.requirement_kind,
            KnowledgeEntry.entry_type,
        )
        if "tag" in args:
            tag = f" {args['tag'].strip().lower()} "
            query = query.where(KnowledgeEntry.tag_words.contains(tag, autoescape=True))
        if "q" in args:
            search = full_text if current_app.extensions["ordo"].db.is_postgres else every_word
            query = search(query, args["q"])
        query = query.order_by(KnowledgeEntry.created_at.desc(), KnowledgeEntry.id)
        return paginate(db_session(), query, args)
