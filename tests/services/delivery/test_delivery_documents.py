"""Delivery documents: multipart upload, limits, media types, checksums, versions, download."""

import hashlib
import io
import uuid

from delivery_flow import CUSTOMER, LOGISTICS, Flow

from services.delivery.domain.media import MAX_DOCUMENT_BYTES
from services.delivery.models import Document, DocumentContent
from tests.helpers import auth, problem

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"


def upload(flow, order_id, content=PDF, media_type="application/pdf", name="manual.pdf", **form):
    data = {"kind": "user_manual", "file": (io.BytesIO(content), name, media_type), **form}
    return flow.client.post(
        f"/orders/{order_id}/documents",
        data=data,
        content_type="multipart/form-data",
        headers=LOGISTICS,
    )


def stored_documents(app) -> int:
    with app.extensions["ordo"].db.sessions() as session:
        return len(session.query(Document).all()) + len(session.query(DocumentContent).all())


def test_an_uploaded_document_keeps_its_checksum_and_downloads_with_its_content_type(flow):
    order = flow.confirm()

    response = upload(flow, order["order_id"])

    assert response.status_code == 201, response.json
    document = response.json
    assert document["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (document["size"], document["media_type"]) == (len(PDF), "application/pdf")
    assert (document["name"], document["document_version"]) == ("manual.pdf", 1)
    download = flow.client.get(
        f"/documents/{document['id']}/content", headers=auth("customer", CUSTOMER)
    )
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data == PDF
    assert download.headers["ETag"] == f'"{document["sha256"]}"'
    assert "attachment" in download.headers["Content-Disposition"]


def test_uploading_the_same_name_again_makes_a_new_version(flow):
    order = flow.confirm()
    upload(flow, order["order_id"], name="summary.md", media_type="text/markdown", content=b"# v1")

    second = upload(
        flow, order["order_id"], name="summary.md", media_type="text/markdown", content=b"# v2"
    )

    assert second.json["document_version"] == 2
    listed = flow.client.get(f"/orders/{order['order_id']}/documents", headers=LOGISTICS).json
    assert [d["document_version"] for d in listed["items"]] == [2, 1]


def test_an_oversized_document_is_refused_with_413_and_nothing_is_stored(flow):
    order = flow.confirm()

    response = upload(flow, order["order_id"], content=b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES)

    assert response.status_code == 413
    assert problem(response)["max_bytes"] == MAX_DOCUMENT_BYTES
    assert stored_documents(flow.app) == 0


def test_a_body_far_beyond_the_limit_is_refused_before_it_is_read(flow):
    order = flow.confirm()

    response = upload(flow, order["order_id"], content=b"%PDF-" + b"0" * (MAX_DOCUMENT_BYTES * 2))

    assert response.status_code == 413
    assert problem(response)["status"] == 413


def test_ordo_max_body_bytes_overrides_the_upload_limit(make_app, monkeypatch):
    monkeypatch.setenv("ORDO_MAX_BODY_BYTES", "2048")
    flow = Flow(make_app("delivery"))
    order = flow.confirm()

    small = upload(flow, order["order_id"], content=b"# notes", media_type="text/markdown")
    response = upload(flow, order["order_id"])

    assert small.status_code == 201, small.json
    assert len(PDF) < MAX_DOCUMENT_BYTES and response.status_code == 413
    assert problem(response)["status"] == 413
    assert stored_documents(flow.app) == 2


def test_a_file_whose_bytes_do_not_match_its_declared_type_is_refused(flow):
    order = flow.confirm()

    response = upload(flow, order["order_id"], content=b"MZ\x90\x00 not a pdf")

    assert response.status_code == 422
    assert "content" in problem(response)["errors"]
    assert stored_documents(flow.app) == 0


def test_a_media_type_that_is_not_accepted_is_refused_with_415(flow):
    order = flow.confirm()

    response = upload(flow, order["order_id"], media_type="application/x-msdownload", name="a.exe")

    assert response.status_code == 415
    assert "media_type" in problem(response)["errors"]


def test_an_unknown_kind_or_a_missing_file_is_refused(flow):
    order = flow.confirm()

    wrong_kind = upload(flow, order["order_id"], kind="brochure")
    no_file = flow.client.post(
        f"/orders/{order['order_id']}/documents",
        data={"kind": "other"},
        content_type="multipart/form-data",
        headers=LOGISTICS,
    )

    assert wrong_kind.status_code == 422 and "kind" in problem(wrong_kind)["errors"]
    assert no_file.status_code == 422 and "file" in problem(no_file)["errors"]


def test_documents_of_an_unknown_order_cannot_be_uploaded(flow):
    response = upload(flow, uuid.uuid4())

    assert response.status_code == 404


def test_a_customer_cannot_download_another_customers_document(flow):
    order = flow.confirm()
    document = upload(flow, order["order_id"]).json

    response = flow.client.get(
        f"/documents/{document['id']}/content", headers=auth("customer", uuid.uuid4())
    )

    assert response.status_code == 403
