"""The OpenAPI documents are a contract an integrator can generate a client from: valid
OpenAPI 3, stable operation ids, problem+json errors, headers, public operations, offline docs."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from openapi_spec_validator import validate

SERVICES = ("orders", "planning", "delivery", "feedback")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """Each service's /openapi.json, read over HTTP from a fresh app."""
    import importlib
    import uuid

    from tests.helpers import JWT_SECRET

    found = {}
    for service in SERVICES:
        folder = tmp_path_factory.mktemp(service)
        app = importlib.import_module(f"services.{service}.app").create_app(
            {
                "database_url": f"sqlite:///{folder}/{service}.db",
                "broker_url": "memory://",
                "jwt_secret": JWT_SECRET,
                "namespace": f"t{uuid.uuid4().hex[:8]}",
            }
        )
        found[service] = app.test_client().get("/openapi.json").json
        app.extensions["ordo"].db.dispose()
    return found


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.mark.parametrize("service", SERVICES)
def test_each_document_is_valid_openapi_3(documents, service):
    document = documents[service]
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on the first error


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_a_unique_readable_operation_id_a_summary_and_a_tag(documents, service):
    found = list(operations(documents[service]))
    ids = [operation.get("operationId") for _, _, operation in found]
    assert all(ids), [f"{m} {p}" for p, m, o in found if not o.get("operationId")]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z][A-Za-z]*\.[a-z][A-Za-z]*", i) for i in ids), ids
    assert all(o.get("summary") and o.get("tags") for _, _, o in found)


def test_operation_ids_read_like_resource_and_verb(documents):
    ids = {(p, m): o["operationId"] for p, m, o in operations(documents["orders"])}
    assert ids[("/orders", "post")] == "orders.create"
    assert ids[("/orders", "get")] == "orders.list"
    assert ids[("/orders/{order_id}", "get")] == "orders.get"
    assert ids[("/orders/{order_id}", "patch")] == "orders.update"
    assert ids[("/orders/{order_id}/cancel", "post")] == "orders.cancel"
    plans = {(p, m): o["operationId"] for p, m, o in operations(documents["planning"])}
    assert plans[("/plans/{plan_id}/activate", "post")] == "plans.activate"


@pytest.mark.parametrize("service", SERVICES)
def test_errors_are_problems_in_problem_json_and_no_default_error_schema(documents, service):
    document = documents[service]
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "errors", "allowed_actions"} <= set(
        problem["properties"]
    )
    assert problem["properties"]["status"]["type"] == "integer"
    assert problem.get("additionalProperties", True) is not False
    assert "Error" not in document["components"]["schemas"]
    for name, response in document["components"]["responses"].items():
        assert list(response["content"]) == ["application/problem+json"], name
    for path, method, operation in operations(document):
        assert "default" not in operation["responses"], (method, path)


def codes(document, path, method):
    return {int(code) for code in document["paths"][path][method]["responses"]}


def test_each_operation_documents_the_codes_it_can_answer(documents):
    orders = documents["orders"]
    assert {201, 400, 401, 403, 409, 413, 415, 422, 429} <= codes(orders, "/orders", "post")
    assert {200, 401, 403, 404, 412, 428, 422} <= codes(orders, "/orders/{order_id}", "patch")
    assert {409, 412} <= codes(orders, "/orders/{order_id}/submit", "post")
    assert 428 not in codes(orders, "/orders/{order_id}/submit", "post")
    assert {401, 403, 404} <= codes(orders, "/orders/{order_id}", "get")
    assert 409 not in codes(orders, "/orders/{order_id}", "get")
    assert {401, 410, 429} <= codes(documents["feedback"], "/surveys/by-token/{token}", "post")
    assert 403 not in codes(documents["feedback"], "/surveys/by-token/{token}", "get")
    assert 503 in codes(orders, "/readyz", "get")
    upload = codes(documents["delivery"], "/orders/{order_id}/documents", "post")
    assert {413, 415, 422} <= upload


def test_headers_are_documented(documents):
    orders = documents["orders"]["paths"]
    create = orders["/orders"]["post"]
    assert {"Location", "ETag"} <= set(create["responses"]["201"]["headers"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    read = orders["/orders/{order_id}"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]
    update = orders["/orders/{order_id}"]["patch"]
    assert {"name": "If-Match", "required": True}.items() <= next(
        p for p in update["parameters"] if p["name"] == "If-Match"
    ).items()
    submit = orders["/orders/{order_id}/submit"]["post"]
    assert next(p for p in submit["parameters"] if p["name"] == "If-Match")["required"] is False


def test_public_operations_need_no_security_and_the_rest_need_a_bearer(documents):
    for service, document in documents.items():
        assert document["security"] == [{"bearerAuth": []}]
        for path, method, operation in operations(document):
            public = path in ("/healthz", "/readyz", "/metrics") or "{token}" in path
            assert (operation.get("security") == []) == public, (service, method, path)


def test_uploads_are_multipart_bodies_with_a_binary_file(documents):
    upload = documents["delivery"]["paths"]["/orders/{order_id}/documents"]["post"]
    schema = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert {"file", "kind"} <= set(schema["required"])
    assert all(p["in"] != "formData" for p in upload.get("parameters", []))


def test_money_and_measures_are_decimal_strings_with_a_pattern(documents):
    money = documents["orders"]["components"]["schemas"]["Money"]["properties"]["amount"]
    assert money["type"] == "string" and "pattern" in money
    assert "maximum" not in money and money["x-maximum"] == "999999999999.99"
    assert re.fullmatch(money["pattern"], "1234.50")
    assert not re.fullmatch(money["pattern"], "12.345")


def test_the_docs_page_and_its_assets_load_from_the_service_itself(make_app):
    client = make_app("orders").test_client()
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"https?://", html)
    assets = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
    assert {a.rsplit("/", 1)[1] for a in assets} >= {"swagger-ui.css", "swagger-ui-bundle.js"}
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and len(response.data) > 1000, asset
