"""The customer's acceptance link: review the package and decide, with the token as credential."""

from __future__ import annotations

from flask import redirect, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.support import document_response, settings
from services.delivery.schemas import (
    AcceptanceCodeSentSchema,
    DeliverySchema,
    LinkDecisionSchema,
    PackageReviewSchema,
)
from services.delivery.usecases.acceptance import (
    decide_by_link,
    linked_document,
    review_by_link,
    send_code_by_link,
)
from services.delivery.usecases.packages import ACCEPTANCE_PAGE
from shared.http.auth import public
from shared.http.requests import db_session, wants_page

blp = Blueprint(
    "acceptance",
    __name__,
    url_prefix="/acceptance",
    description="Customer acceptance by signed, single-use, expiring link",
)

# The decision's body, documented here because the use case has it parsed after the link check.
DECISION_BODY = {
    "required": True,
    "content": {"application/json": {"schema": LinkDecisionSchema}},
}


@blp.route("/<string:token>")
class AcceptanceByLink(MethodView):
    @public
    @blp.doc(operationId="acceptance.review")
    @blp.response(200, PackageReviewSchema)
    def get(self, token):
        """Review the package the link opens: deliverables, criteria and documents

        A browser (preferring text/html) is sent to the acceptance page of the same link.
        """
        if wants_page():
            return redirect(ACCEPTANCE_PAGE + token, 303)
        return review_by_link(db_session(), token, settings())

    @public
    @blp.doc(operationId="acceptance.decide", requestBody=DECISION_BODY)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.response(201, DeliverySchema)
    def post(self, token):
        """Decide the package criterion by criterion and sign; the link then stops working

        The link is checked before the decision: a forged link is 401, an expired, used,
        replaced or locked one 410, whatever the body; only then is a bad decision 422. When
        the review says `code_required`, the decision carries the mailed `code`: without one,
        or with an expired one, 422; a wrong one 422 with `attempts_left`; the third wrong
        one locks the link (410 from then on, until staff re-issue it).
        """
        # Not @blp.arguments, which would parse the body before the link is checked.
        return decide_by_link(
            db_session(),
            token,
            lambda: blp.ARGUMENTS_PARSER.parse(LinkDecisionSchema, location="json"),
            settings(),
            client_address=request.remote_addr or "unknown",
        )


@blp.route("/<string:token>/code")
class AcceptanceCode(MethodView):
    @public
    @blp.doc(operationId="acceptance.sendCode")
    @blp.response(202, AcceptanceCodeSentSchema)
    def post(self, token):
        """Mail a code for signing the decision to the address the link went to

        Only when the review says `code_required` (else 409). The code works 10 minutes and
        replaces any earlier one; the answer says where it went (masked) and until when, never
        the code.
        """
        return send_code_by_link(db_session(), token, settings())


@blp.route("/<string:token>/documents/<uuid:document_id>")
class AcceptanceDocument(MethodView):
    @public
    @blp.doc(operationId="acceptance.document")
    @blp.response(200, content_type="application/octet-stream")
    def get(self, token, document_id):
        """Download a document of the package the link opens"""
        return document_response(linked_document(db_session(), token, document_id, settings()))
