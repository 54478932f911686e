"""Delivery packages: put together, handed over (the acceptance link mailed to the customer),
decided, certified."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain.decisions import (
    CriterionAnswer,
    Decision,
    Verdict,
    decide_acceptance,
    package_digest,
)
from services.delivery.domain.decisions import PunchItem as PunchItemRule
from services.delivery.domain.handover import (
    PackedDeliverable,
    require_all_found,
    require_content,
    require_listed_once,
    require_passed,
    require_recipient,
    version_to_submit,
)
from services.delivery.domain.status import (
    AWAITING_DECISION,
    DELIVERABLE_STATUS,
    PACKAGE_STATUS,
    PUNCH_ITEM_STATUS,
    PackageStatus,
    require_package,
)
from services.delivery.models import (
    Acceptance,
    Deliverable,
    Delivery,
    Document,
    OrderRecord,
    PunchItem,
)
from services.delivery.render.certificate import (
    CertificateCriterion,
    CertificateData,
    CertificateDeliverable,
    CertificateDocument,
    SignatureBlock,
    render_certificate,
)
from services.delivery.render.mail import acceptance_request
from services.delivery.usecases import publish
from services.delivery.usecases.increments import increment_news, increment_of_package
from services.delivery.usecases.orders import open_order, readable_order, visible_to
from shared.config import Settings
from shared.db import utcnow
from shared.errors import Conflict, Gone, NotFound
from shared.events.contracts.delivery import (
    DeliveryAccepted,
    DeliveryLinkReissued,
    DeliveryRejected,
    DeliverySubmitted,
)
from shared.events.envelope import to_primitives
from shared.links import link_digest, page_link, sign_link
from shared.mail import queue_mail
from shared.numbering import next_number
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find

LINK_PURPOSE = "acceptance"
#: Where the mailed link opens the acceptance page (its JSON API is /acceptance/<token>).
ACCEPTANCE_PAGE = "/portal/acceptance/"


def create_package(session: Session, data: dict, actor: Principal = SYSTEM) -> Delivery:
    """A draft package of passed deliverables and documents of one open order, numbered next."""
    order = open_order(session, data["order_id"], actor)
    deliverables = rows_of_order(session, Deliverable, data["deliverable_ids"], order.order_id)
    documents = rows_of_order(session, Document, data["document_ids"], order.order_id)
    require_passed(packed(deliverables))
    increment_id = increment_of_package(order, deliverables)
    delivery = Delivery(
        order_id=order.order_id,
        package_version=next_number(session, package_counter(order.order_id)),
        increment_id=increment_id,
        note=data["note"],
        created_by=actor.sub,
        deliverables=deliverables,
        documents=documents,
    )
    session.add(delivery)
    session.flush()
    return delivery


def rows_of_order(session: Session, model, ids: list, order_id: uuid.UUID) -> list:
    """The rows with these ids, in the order given; RuleViolation naming any unknown, repeated
    or of another order."""
    field = "deliverable_ids" if model is Deliverable else "document_ids"
    require_listed_once(ids, field)
    found = {
        row.id: row
        for row in session.scalars(sa.select(model).where(model.id.in_(ids)))
        if row.order_id == order_id
    }
    require_all_found(ids, found, field, order_id)
    return [found[id_] for id_ in ids]


def packed(deliverables: list[Deliverable]) -> list[PackedDeliverable]:
    return [PackedDeliverable(d.id, d.title, d.status) for d in deliverables]


def packages_visible_to(actor: Principal) -> sa.Select:
    """Every package `actor` may see, newest first (customers: their own, once submitted)."""
    query = visible_to(
        actor,
        sa.select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id.desc()),
        Delivery.order_id,
    )
    if actor.is_customer:
        query = query.where(Delivery.status != PackageStatus.DRAFT)
    return query


def readable_package(
    session: Session, delivery_id: uuid.UUID, actor: Principal = SYSTEM, *, lock: bool = False
) -> Delivery:
    """The package, if `actor` may see it; customers see packages once submitted."""
    delivery = session.get(Delivery, delivery_id, with_for_update=lock)
    if delivery is None or (actor.is_customer and delivery.status == PackageStatus.DRAFT):
        raise NotFound("delivery", delivery_id)
    readable_order(session, delivery.order_id, actor)
    return delivery


def submit_package(
    session: Session,
    delivery_id: uuid.UUID,
    settings: Settings,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Delivery:
    """Hand the package over: freeze its content, deliver its deliverables, mail the acceptance
    link to the customer's contact and publish where it went. Refused (409, nothing written)
    while delivery knows no address for the customer."""
    delivery = readable_package(session, delivery_id, actor, lock=True)
    if_match.check(delivery.version)
    require_package(
        delivery.status,
        "submit",
        f"A {delivery.status} delivery package cannot be submitted; it must be draft.",
    )
    order = open_order(session, delivery.order_id, actor)
    waiting = session.scalar(
        sa.select(Delivery.package_version).where(
            Delivery.order_id == order.order_id, Delivery.status == AWAITING_DECISION
        )
    )
    if waiting is not None:
        raise Conflict(
            f"Package version {waiting} of this order still awaits the customer's decision.",
            current_status=delivery.status,
        )
    require_content(delivery.deliverables)
    require_passed(packed(delivery.deliverables))
    recipient = require_recipient(order.customer_email, order.number)
    hand_over(session, delivery, order, recipient, settings)
    return delivery


def reissue_link(
    session: Session, delivery_id: uuid.UUID, settings: Settings, actor: Principal = SYSTEM
) -> Delivery:
    """Mail the customer a fresh acceptance link (the earlier one stops working), e.g. after
    expiry or when the mail went astray, and publish where it went."""
    delivery = readable_package(session, delivery_id, actor, lock=True)
    require_package(
        delivery.status,
        "reissue_link",
        f"A {delivery.status} delivery package cannot be given a new link; "
        f"it must be {AWAITING_DECISION}.",
    )
    order = readable_order(session, delivery.order_id, actor)
    recipient = require_recipient(order.customer_email, order.number)
    mail_link(session, delivery, order, recipient, settings)
    session.flush()
    publish(
        session,
        DeliveryLinkReissued,
        {
            "order_id": delivery.order_id,
            "delivery_id": delivery.id,
            "package_version": delivery.package_version,
            "link_sent_to": delivery.link_sent_to,
            "link_expires_at": delivery.link_expires_at,
        },
    )
    return delivery


def decide_package(
    session: Session,
    delivery_id: uuid.UUID,
    data: dict,
    *,
    client_address: str,
    actor: Principal = SYSTEM,
) -> Delivery:
    """The customer's signed decision, criterion by criterion, with the customer's own token."""
    delivery = readable_package(session, delivery_id, actor, lock=True)
    return record_decision(
        session, delivery, data, via="token", decided_by=actor.sub, client_address=client_address
    )


def record_decision(
    session: Session,
    delivery: Delivery,
    data: dict,
    *,
    via: str,
    decided_by: str,
    client_address: str,
) -> Delivery:
    """Decide a package awaiting the customer (a decided one is Gone) and announce it.

    Raises RuleViolation (nothing written) when the decision breaks an acceptance rule.
    """
    if delivery.status != AWAITING_DECISION:
        raise Gone(
            f"This delivery package is {delivery.status}; it can no longer be decided.",
            current_status=delivery.status,
        )
    sign_off(session, delivery, data, via=via, decided_by=decided_by, client_address=client_address)
    return delivery


def certificate_of(
    session: Session, delivery_id: uuid.UUID, actor: Principal = SYSTEM
) -> tuple[bytes, str]:
    """The certificate of a decided package as PDF, and its file name."""
    delivery = readable_package(session, delivery_id, actor)
    if delivery.acceptance is None:
        raise Conflict("Only a decided package has a certificate.", current_status=delivery.status)
    return certificate_pdf(delivery, readable_order(session, delivery.order_id, actor))


def certificate_pdf(delivery: Delivery, order: OrderRecord) -> tuple[bytes, str]:
    """A decided package's certificate as PDF, and its file name."""
    pdf = render_certificate(certificate_data(delivery, order))
    return pdf, f"acceptance-{order.number}-v{delivery.package_version}.pdf"


@dataclass(frozen=True)
class PackagePage:
    """What a package's page shows: the package, its order, and whether deciding needs a code."""

    delivery: Delivery
    order: OrderRecord
    code_required: bool = False

    @property
    def decided(self) -> bool:
        return self.delivery.acceptance is not None


def own_package(
    session: Session, delivery_id: uuid.UUID, customer_id: uuid.UUID, *, lock: bool = False
) -> PackagePage:
    """A package the customer was handed, for its portal page; NotFound for a draft or another
    customer's (its existence does not leak)."""
    delivery = session.get(Delivery, delivery_id, with_for_update=lock)
    order = session.get(OrderRecord, delivery.order_id) if delivery else None
    if order is None or delivery.status == PackageStatus.DRAFT or order.customer_id != customer_id:
        raise NotFound("delivery", delivery_id)
    return PackagePage(delivery, order)


def package_document(
    session: Session, delivery_id: uuid.UUID, document_id: uuid.UUID, customer_id: uuid.UUID
) -> Document:
    """A document of the customer's own package."""
    delivery = own_package(session, delivery_id, customer_id).delivery
    return document_of(session, delivery, document_id)


def document_of(session: Session, delivery: Delivery, document_id: uuid.UUID) -> Document:
    """A document of the package; NotFound for any other."""
    document = session.get(Document, document_id)
    if document is None or document not in delivery.documents:
        raise NotFound("document", f"{document_id} in this package")
    return document


def own_certificate(
    session: Session, delivery_id: uuid.UUID, customer_id: uuid.UUID
) -> tuple[bytes, str]:
    """The certificate of the customer's own decided package, and its file name."""
    page = own_package(session, delivery_id, customer_id)
    if not page.decided:
        raise NotFound("certificate", f"of package {delivery_id}")
    return certificate_pdf(page.delivery, page.order)


def decide_own_package(
    session: Session,
    delivery_id: uuid.UUID,
    customer_id: uuid.UUID,
    read_decision: Callable[[], dict],
    *,
    client_address: str,
    if_match: IfMatch = ANY_VERSION,
) -> Delivery:
    """The signed-in customer's decision on its package from the portal (as by link, without
    one): the package version the page showed first (StaleVersion), then the body."""
    delivery = own_package(session, delivery_id, customer_id, lock=True).delivery
    if_match.check(delivery.version)
    decision = read_decision()
    decision.pop("code", None)
    return record_decision(
        session,
        delivery,
        decision,
        via="portal",
        decided_by=f"customer:{customer_id}",
        client_address=client_address,
    )


def update_punch_item(
    session: Session,
    punch_item_id: uuid.UUID,
    status: str,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> PunchItem:
    """Close a punch item when the work is done (or reopen it)."""
    item = find(session, PunchItem, punch_item_id, "punch item")
    if_match.check(item.version)
    if status != item.status:
        item.status = PUNCH_ITEM_STATUS.next_status(
            item.status, PUNCH_ITEM_STATUS.action_to(item.status, status)
        )
        done = item.status == "done"
        item.closed_at = utcnow() if done else None
        item.closed_by = actor.sub if done else None
        session.flush()
    return item


def hand_over(
    session: Session, delivery: Delivery, order: OrderRecord, recipient: str, settings: Settings
) -> None:
    """Hand the package over: freeze its content, deliver its deliverables, mail the link."""
    delivery.package_version = version_to_submit_in(session, delivery)
    for deliverable in delivery.deliverables:
        deliverable.status = DELIVERABLE_STATUS.next_status(deliverable.status, "deliver")
    delivery.content = frozen_content(delivery, order)
    delivery.content_sha256 = package_digest(delivery.content)
    delivery.status = PACKAGE_STATUS.next_status(delivery.status, "submit")
    delivery.submitted_at = utcnow()
    mail_link(session, delivery, order, recipient, settings)
    session.flush()
    publish(
        session,
        DeliverySubmitted,
        {
            "order_id": delivery.order_id,
            "delivery_id": delivery.id,
            "package_version": delivery.package_version,
            "link_sent_to": delivery.link_sent_to,
            "link_expires_at": delivery.link_expires_at,
            "deliverables": [
                {"deliverable_id": d.id, "requirement_id": d.requirement_id}
                for d in delivery.deliverables
            ],
            **increment_news(session, delivery.order_id, delivery.increment_id, "final_delivery"),
        },
    )


def version_to_submit_in(session: Session, delivery: Delivery) -> int:
    """The package version a draft goes out as, among the order's other packages."""
    of_order = sa.select(sa.func.max(Delivery.package_version)).where(
        Delivery.order_id == delivery.order_id, Delivery.id != delivery.id
    )
    handed_over = session.scalar(of_order.where(Delivery.status != PackageStatus.DRAFT))
    own = delivery.package_version
    if version_to_submit(own, handed_over, session.scalar(of_order) or 0) == own:
        return own
    return next_number(session, package_counter(delivery.order_id))  # past every one so far


def package_counter(order_id) -> str:
    """The counter of an order's package versions (shared.numbering)."""
    return f"package_version:{order_id}"


def mail_link(
    session: Session, delivery: Delivery, order: OrderRecord, recipient: str, settings: Settings
) -> None:
    """A new acceptance link for the package, mailed to `recipient` in the same transaction;
    any earlier link stops working, and with it its acceptance code, wrong codes and lock.
    Only the link's digest is kept, never the link."""
    expires_at = utcnow() + timedelta(hours=settings.link_ttl_hours)
    token = sign_link(settings.jwt_secret, LINK_PURPOSE, delivery.id, expires_at)
    delivery.link_expires_at = expires_at
    delivery.link_sha256 = link_digest(token)
    delivery.link_sent_to = recipient
    delivery.code_sha256 = delivery.code_expires_at = delivery.link_locked_at = None
    delivery.wrong_codes = 0
    queue_mail(
        session,
        acceptance_request(
            order_id=order.order_id,
            order_number=order.number,
            order_title=order.title,
            package_version=delivery.package_version,
            deliverable_titles=[deliverable.title for deliverable in delivery.deliverables],
            link=page_link(settings, ACCEPTANCE_PAGE + token, order.customer_locale),
            expires_at=expires_at,
            to=recipient,
            to_name=order.contact_name,
            locale=order.customer_locale,
        ),
    )


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


def sign_off(
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
    verdict = "accept" if decision.accepted else "reject"
    for deliverable in delivery.deliverables:
        if DELIVERABLE_STATUS.allows(deliverable.status, verdict):
            deliverable.status = DELIVERABLE_STATUS.next_status(deliverable.status, verdict)
    delivery.status = PACKAGE_STATUS.next_status(
        delivery.status, PACKAGE_STATUS.action_to(delivery.status, decision.decision.value)
    )
    delivery.decided_at = signed_at
    delivery.link_sha256 = None
    session.flush()
    announced = {
        "order_id": delivery.order_id,
        "delivery_id": delivery.id,
        "package_version": delivery.package_version,
        "results": results,
        **increment_news(session, delivery.order_id, delivery.increment_id, "final_acceptance"),
    }
    if decision.accepted:
        publish(
            session,
            DeliveryAccepted,
            {
                **announced,
                "decision": decision.decision.value,
                "punch_list_count": len(decision.punch_list),
                "signed_by": acceptance.signer_name,
                "signed_at": signed_at,
            },
        )
    else:
        publish(session, DeliveryRejected, {**announced, "reasons": list(decision.reasons)})
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
        documents=[
            CertificateDocument(
                document["name"],
                document["filename"],
                document["document_version"],
                document["sha256"],
            )
            for document in delivery.content["documents"]
        ],
        punch_list=[
            PunchItemRule(item.description, item.due_date, item.status)
            for item in delivery.punch_items
        ],
        reasons=list(acceptance.reasons),
        locale=order.customer_locale or "en",
    )
