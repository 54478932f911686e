"""An upload retried with its Idempotency-Key: the same bytes replay the first answer."""

import io

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.services.delivery.delivery_flow import LOGISTICS


def upload(flow, order_id: str, content: bytes, key: str):
    form = MultiDict(
        {"kind": "other", "file": FileStorage(io.BytesIO(content), "notes.txt", "text/plain")}
    )
    boundary, body = encode_multipart(form, boundary="ordo-test-boundary")
    headers = {
        **LOGISTICS,
        "Idempotency-Key": key,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    return flow.client.post(f"/orders/{order_id}/documents", data=body, headers=headers)


def test_the_same_upload_retried_with_its_key_replays_the_first_answer(flow):
    order = flow.confirm()
    first = upload(flow, order["order_id"], b"hello world\n", "upload-1")
    again = upload(flow, order["order_id"], b"hello world\n", "upload-1")
    other = upload(flow, order["order_id"], b"something else\n", "upload-1")

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    assert other.status_code == 422
    listed = flow.client.get(f"/orders/{order['order_id']}/documents", headers=LOGISTICS).json
    assert len(listed["items"]) == 1
