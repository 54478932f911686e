"""Every write endpoint of every service answers bad bodies with a 4xx problem, writing nothing."""

import uuid

import pytest
import sqlalchemy as sa

from shared.config import SERVICES
from tests.helpers import auth, published

BODY_METHODS = ("POST", "PUT", "PATCH")
# The portal's pages answer bad forms with pages (see test_portal_mechanism.py).
SKIPPED = ("/openapi.json", "/docs", "/static", "/portal/")


def write_routes(app):
    """(method, path, whether it reads a body) for every write endpoint, ids made up."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(SKIPPED):
            continue
        for method in sorted(set(rule.methods) & set(BODY_METHODS)):
            values = {
                name: uuid.uuid4() if "uuid" in type(converter).__name__.lower() else "x"
                for name, converter in rule._converters.items()
            }
            path = rule.build(values, append_unknown=False)[1]
            yield method, path, reads_body(app.view_functions[rule.endpoint], method)


def reads_body(view, method: str) -> bool:
    handler = getattr(getattr(view, "view_class", None), method.lower(), view)
    arguments = getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(argument["in"] in ("json", "form", "files") for argument in arguments)


#: Bad for every endpoint, whether or not it reads a body.
ALWAYS_BAD = {
    "not json": {"data": "a=1&b=2", "content_type": "text/plain"},
    "oversized": {"data": '"' + "x" * 11 * 1024 * 1024 + '"', "content_type": "application/json"},
}
#: Bad for endpoints that read a JSON body.
BAD_JSON = {
    "malformed json": {"data": "{'not': json", "content_type": "application/json"},
    "wrong type": {"json": [1, "two", {"three": None}]},
    "wrong field types": {"json": {"name": 7, "title": [], "status": {}, "decision": 3}},
    # What no database stores, in any string, and JSON no parser should chew on.
    "nul character": {"json": {"name": "a\u0000b", "title": "a\u0000b", "reason": "a\u0000"}},
    "lone surrogate": {"data": '{"name": "a\\ud800b"}', "content_type": "application/json"},
    "deeply nested": {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
    "huge number": {"data": '{"amount": ' + "9" * 5000 + "}", "content_type": "application/json"},
}


def row_counts(app) -> dict[str, int]:
    db = app.extensions["ordo"].db
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


@pytest.mark.parametrize("service", SERVICES)
def test_bad_bodies_get_a_4xx_problem_and_write_nothing(make_app, service):
    app = make_app(service)
    client = app.test_client()
    before = row_counts(app)
    routes = list(write_routes(app))
    assert routes, f"{service} has no write endpoints to check"
    for method, path, body_read in routes:
        for name, body in {**ALWAYS_BAD, **(BAD_JSON if body_read else {})}.items():
            response = client.open(path, method=method, headers=auth("admin"), **body)
            text = response.get_data(as_text=True)
            where = (
                f"{method} {path} with a {name} body answered {response.status_code}: {text[:300]}"
            )
            assert 400 <= response.status_code < 500, where
            assert response.mimetype == "application/problem+json", where
            assert "Traceback" not in text, where
    assert row_counts(app) == before
    assert published(app) == []
