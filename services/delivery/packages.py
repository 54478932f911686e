"""Delivery packages: freezing the content handed over, the customer's decision, the certificate."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain import (
    CertificateCriterion,
    CertificateData,
    CertificateDeliverable,
    CriterionAnswer,
    Decision,
    DeliverableStatus,
    SignatureBlock,
    Verdict,
    decide_acceptance,
    package_digest,
    transition_deliverable,
)
from services.delivery.domain import PunchItem as PunchItemRule
from services.delivery.models import Acceptance, Delivery, OrderRecord, PunchItem
from shared.config import Settings
from shared.db import utcnow
from shared.events.envelope import to_primitives
from shared.events.outbox import record
from shared.links import sign_link

LINK_PURPOSE = "acceptance"


def frozen_content(delivery: Delivery, order: OrderRecord) -> dict:
    """What the customer is asked to accept, as plain JSON: the digest is taken over this."""
    return to_primitives(
        {
            "delivery_id": delivery.id,
            "order_id": order.order_id,
            "order_number": order.number,
            "package_version": delivery.package_version,
            "deliverables": [
                {
                    "deliverable_id": deliverable.id,
                    "requirement_id": deliverable.requirement_id,
                    "requirement_revision": deliverable.requirement_revision,
                    "title": deliverable.title,
                    "criteria": [
                        {
                            "criterion_id": criterion.criterion_id,
                            "text": criterion.text,
                            "position": criterion.position,
                        }
                        for criterion in deliverable.active_criteria
                    ],
                }
                for deliverable in delivery.deliverables
            ],
            "documents": [
                {
                    "document_id": document.id,
                    "kind": document.kind,
                    "name": document.name,
                    "document_version": document.document_version,
                    "filename": document.filename,
                    "media_type": document.media_type,
                    "size": document.size,
                    "sha256": document.sha256,
                }
                for document in delivery.documents
            ],
        }
    )


def submit(session: Session, delivery: Delivery, order: OrderRecord, settings: Settings) -> str:
    """Hand the package over: freeze its content, deliver its deliverables, issue the link.

    Returns the acceptance URL (the link is the customer's only credential; it is not stored).
    """
    delivery.package_version = version_to_submit(session, delivery)
    for deliverable in delivery.deliverables:
        deliverable.status = transition_deliverable(deliverable.status, DeliverableStatus.DELIVERED)
    delivery.content = frozen_content(delivery, order)
    delivery.content_sha256 = package_digest(delivery.content)
    delivery.status = "submitted"
    delivery.submitted_at = utcnow()
    url = issue_link(delivery, settings)
    session.flush()
    record(
        session,
        "ordo.delivery.submitted",
        {
            "order_id": delivery.order_id,
            "delivery_id": delivery.id,
            "package_version": delivery.package_version,
            "acceptance_url": url,
            "expires_at": delivery.link_expires_at,
            "deliverables": [
                {"deliverable_id": d.id, "requirement_id": d.requirement_id}
                for d in delivery.deliverables
            ],
        },
    )
    return url


def version_to_submit(session: Session, delivery: Delivery) -> int:
    """The package version a draft goes out as: its own, unless a later version was handed over
    already; then the next after every package of the order, so that the versions the customer
    (and the orders service) sees only ever grow."""
    of_order = sa.select(sa.func.max(Delivery.package_version)).where(
        Delivery.order_id == delivery.order_id, Delivery.id != delivery.id
    )
    handed_over = session.scalar(of_order.where(Delivery.status != "draft"))
    if handed_over is None or handed_over < delivery.package_version:
        return delivery.package_version
    return session.scalar(of_order) + 1


def issue_link(delivery: Delivery, settings: Settings) -> str:
    """A new acceptance link for the package; any earlier link stops working."""
    expires_at = utcnow() + timedelta(hours=settings.link_ttl_hours)
    token = sign_link(settings.jwt_secret, LINK_PURPOSE, delivery.id, expires_at)
    delivery.link_expires_at = expires_at
    # Only the digest of the one link that may still decide is kept: reissuing replaces it.
    delivery.link_sha256 = link_digest(token)
    return f"{settings.public_base_url.rstrip('/')}/acceptance/{token}"


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def criteria_of(content: dict) -> dict[str, dict]:
    """The frozen content's criteria by id, with the deliverable and requirement each serves."""
    return {
        criterion["criterion_id"]: {
            "criterion_id": criterion["criterion_id"],
            "deliverable_id": deliverable["deliverable_id"],
            "requirement_id": deliverable["requirement_id"],
        }
        for deliverable in content["deliverables"]
        for criterion in deliverable["criteria"]
    }


def decide(
    session: Session,
    delivery: Delivery,
    data: dict,
    *,
    via: str,
    decided_by: str,
    client_address: str,
) -> Acceptance:
    """Record the customer's signed decision on a submitted package and announce it.

    Raises RuleViolation (nothing written) when the decision breaks an acceptance rule.
    """
    criteria = criteria_of(delivery.content)
    decision = decide_acceptance(
        criteria,
        data["decision"],
        [
            CriterionAnswer(
                str(answer["criterion_id"]),
                Verdict.MET if answer["met"] else Verdict.NOT_MET,
                answer["comment"],
            )
            for answer in data["answers"]
        ],
        reasons=data["reasons"],
        punch_list=[
            PunchItemRule(item["description"], item["due_date"]) for item in data["punch_list"]
        ],
    )
    signed_at = utcnow()
    results = [
        {
            **criteria[answer.criterion_id],
            "met": answer.verdict is Verdict.MET,
            "comment": answer.comment or None,
        }
        for answer in decision.answers
    ]
    acceptance = Acceptance(
        delivery_id=delivery.id,
        decision=decision.decision.value,
        results=results,
        reasons=list(decision.reasons),
        signer_name=data["signer_name"],
        signer_title=data["signer_title"],
        organisation=data["organisation"],
        signed_at=signed_at,
        client_address=client_address[:64],
        content_sha256=delivery.content_sha256,  # the digest frozen at submission
        via=via,
        decided_by=decided_by,
    )
    session.add(acceptance)
    for position, item in enumerate(decision.punch_list):
        session.add(
            PunchItem(
                delivery_id=delivery.id,
                order_id=delivery.order_id,
                position=position,
                description=item.description,
                due_date=item.due_date,
            )
        )
    verdict = DeliverableStatus.ACCEPTED if decision.accepted else DeliverableStatus.REJECTED
    for deliverable in delivery.deliverables:
        if deliverable.status == DeliverableStatus.DELIVERED:
            deliverable.status = transition_deliverable(deliverable.status, verdict)
    delivery.status = decision.decision.value
    delivery.decided_at = signed_at
    delivery.link_sha256 = None
    session.flush()
    announced = {
        "order_id": delivery.order_id,
        "delivery_id": delivery.id,
        "package_version": delivery.package_version,
        "results": results,
    }
    if decision.accepted:
        record(
            session,
            "ordo.delivery.accepted",
            {
                **announced,
                "decision": decision.decision.value,
                "punch_list_count": len(decision.punch_list),
                "signed_by": acceptance.signer_name,
                "signed_at": signed_at,
            },
        )
    else:
        record(session, "ordo.delivery.rejected", {**announced, "reasons": list(decision.reasons)})
    session.refresh(delivery, ["acceptance", "punch_items"])
    return acceptance


def certificate_data(delivery: Delivery, order: OrderRecord) -> CertificateData:
    """The certificate of a decided package, from its frozen content and the sign-off."""
    acceptance = delivery.acceptance
    answers = {result["criterion_id"]: result for result in acceptance.results}
    deliverables = [
        CertificateDeliverable(
            deliverable["title"],
            [
                CertificateCriterion(
                    criterion["text"],
                    Verdict.MET if answers[criterion["criterion_id"]]["met"] else Verdict.NOT_MET,
                    answers[criterion["criterion_id"]]["comment"] or "",
                )
                for criterion in deliverable["criteria"]
            ],
        )
        for deliverable in delivery.content["deliverables"]
    ]
    return CertificateData(
        order_number=order.number,
        customer_name=order.customer_name
        or acceptance.organisation
        or f"Customer {order.customer_id}",
        package_version=delivery.package_version,
        package_date=delivery.submitted_at.date(),
        decision=Decision(acceptance.decision),
        deliverables=deliverables,
        signature=SignatureBlock(
            acceptance.signer_name,
            acceptance.signer_title,
            acceptance.signed_at,
            acceptance.client_address,
        ),
        content_sha256=acceptance.content_sha256,
        punch_list=[
            PunchItemRule(item.description, item.due_date, item.status)
            for item in delivery.punch_items
        ],
        reasons=list(acceptance.reasons),
    )
