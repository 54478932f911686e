"""A body gets the same checks whatever its framing: sent with a Content-Length or with
`Transfer-Encoding: chunked`, each bad body gets the same 4xx problem and nothing is written."""

import http.client
import io
import json
import threading

import pytest
from werkzeug.serving import make_server

from tests.helpers import auth, published
from tests.services.foundation.test_bad_input_everywhere import row_counts

LIMIT = 256 * 1024

#: (body bytes, content type, expected status)
CASES = {
    "nul character": (b'{"name": "a\\u0000b"}', "application/json", 422),
    "lone surrogate": (b'{"name": "a\\ud800b"}', "application/json", 422),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    "huge number": (b'{"name": "x", "n": ' + b"9" * 5000 + b"}", "application/json", 400),
    "text/plain": (b'{"name": "Acme"}', "text/plain", 415),
    "3 MiB": (b'{"name": "' + b"x" * 3 * 1024 * 1024 + b'"}', "application/json", 413),
    "just over the limit": (b'"' + b"x" * (LIMIT - 1) + b'"', "application/json", 413),
    "malformed json": (b"{'not': json", "application/json", 400),
}


@pytest.fixture
def app(make_app):
    return make_app("orders", max_body_bytes=LIMIT)


def send(client, data: bytes, content_type: str, chunked: bool):
    headers = auth("sales")
    if not chunked:
        return client.post("/customers", data=data, content_type=content_type, headers=headers)
    # As gunicorn hands a chunked body over: no Content-Length, the stream ends where the
    # body does (wsgi.input_terminated).
    return client.post(
        "/customers",
        input_stream=io.BytesIO(data),
        content_type=content_type,
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def essence(response) -> tuple:
    body = json.loads(response.get_data())
    body.pop("instance", None)
    return response.status_code, response.mimetype, body


@pytest.mark.parametrize("case", CASES)
def test_each_bad_body_gets_the_same_problem_chunked_or_not(app, case):
    data, content_type, status = CASES[case]
    client = app.test_client()
    before = row_counts(app)
    framed = send(client, data, content_type, chunked=False)
    chunked = send(client, data, content_type, chunked=True)
    assert framed.status_code == status, framed.get_data(as_text=True)[:300]
    assert essence(chunked) == essence(framed)
    assert framed.mimetype == "application/problem+json"
    assert row_counts(app) == before
    assert published(app) == []


def test_a_good_body_is_taken_chunked_or_not(app):
    client = app.test_client()
    for chunked in (False, True):
        data = json.dumps({"name": f"Acme {chunked}"}).encode()
        response = send(client, data, "application/json", chunked=chunked)
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.json["name"] == f"Acme {chunked}"
    # A body of exactly the limit is not too large, however it is framed.
    exact = b'{"name": "' + b"x" * (LIMIT - 12) + b'"}'
    assert len(exact) == LIMIT
    for chunked in (False, True):
        response = send(client, exact, "application/json", chunked=chunked)
        assert response.status_code == 422, response.get_data(as_text=True)[:300]  # name length


def test_a_real_chunked_request_over_a_socket(app):
    """Through a real HTTP server, the framing done by http.client, not by the test client."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for case in ("nul character", "deeply nested", "text/plain", "3 MiB"):
            data, content_type, status = CASES[case]
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            pieces = (data[i : i + 8192] for i in range(0, len(data), 8192))
            connection.request(
                "POST",
                "/customers",
                body=pieces,
                headers={**auth("sales"), "Content-Type": content_type},
                encode_chunked=True,
            )
            try:
                answer = connection.getresponse()
                assert answer.status == status, (case, answer.read()[:300])
                assert answer.getheader("Content-Type") == "application/problem+json"
            except ConnectionError:
                # A server may close the connection instead of reading the rest of an
                # oversized body; the client then cannot always read the 413.
                assert status == 413
            finally:
                connection.close()
    finally:
        server.shutdown()
