"""The knowledge base: lessons and archived documents of every order, searchable."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import KnowledgeEntrySchema, KnowledgeQueryArgsSchema
from services.feedback.usecases.knowledge import search_knowledge
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session, page_of, paginate

blp = Blueprint(
    "knowledge",
    __name__,
    url_prefix="/knowledge",
    description="Lessons learned and archived documents of all orders",
)


@blp.route("")
class Knowledge(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(KnowledgeQueryArgsSchema(), location="query")
    @blp.response(200, page_of(KnowledgeEntrySchema))
    def get(self, args):
        """Search lessons and archived documents by text and tag, per customer or kind"""
        session = db_session()
        return paginate(session, search_knowledge(session, args), args)
