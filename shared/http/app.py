"""The app factory every service uses: flask-smorest Api, problem details, auth, operations."""

from __future__ import annotations

import http
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import swagger_ui_bundle
from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, g, request, send_from_directory
from flask_smorest import Api, Blueprint
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import LimitedStream

from shared import tracing
from shared.config import Settings, load_settings
from shared.context import begin_cause, end_cause
from shared.db import Database
from shared.errors import DomainError
from shared.events.inbox import Handler, Inbox
from shared.events.telemetry import ObservedHandler
from shared.http import operations
from shared.http.auth import authenticate, is_page, public
from shared.http.contract import ContractPlugin, ProblemSchema, decimal_as_string, problem_response
from shared.http.deadline import RequestDeadline
from shared.http.errors import (
    Problem,
    handle_concurrent_write,
    handle_database_unavailable,
    handle_domain_error,
    handle_http_exception,
    handle_unexpected,
)
from shared.http.headers import security_headers
from shared.http.limits import install_rate_limits
from shared.http.requests import discard_transaction, finish_transaction, request_ids
from shared.logs import configure_logging

# Swagger UI's assets come with the swagger-ui-bundle package and are served by the service
# itself, so /docs works offline and behind a strict proxy.
SWAGGER_UI_URL = "/docs/assets/"
BODY_METHODS = ("POST", "PUT", "PATCH")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass
class ServiceContext:
    """What a request needs of its service: settings, database, inbox (for admin replay), the
    broker's last known state (for /healthz and /metrics)."""

    settings: Settings
    db: Database
    inbox: Inbox
    broker: operations.BrokerProbe


class OrdoApi(Api):
    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists the errors it can answer

    def handle_http_exception(self, error):
        return handle_http_exception(error)

    def _register_responses(self):
        """Every error status as the Problem schema in application/problem+json (referenced
        by name, e.g. NOT_FOUND; only the ones used appear in the document)."""
        self.spec.components.schema("Problem", schema=ProblemSchema)
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, problem_response(status), lazy=True)


docs_assets = FlaskBlueprint("docs-assets", __name__)


@docs_assets.route(f"{SWAGGER_UI_URL}<path:filename>")
@public
def swagger_ui_asset(filename: str):
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


def create_service_app(
    service: str,
    *,
    metadata: sa.MetaData,
    blueprints: Iterable[Blueprint],
    handle: Handler,
    config: dict[str, Any] | None = None,
    title: str,
    description: str = "",
    max_body_bytes: int | None = None,
) -> Flask:
    """`max_body_bytes`: this service's request body limit where neither ORDO_MAX_BODY_BYTES
    nor `config` sets one (a service that takes files needs more than the 1 MiB default)."""
    if max_body_bytes is not None and not os.environ.get("ORDO_MAX_BODY_BYTES"):
        config = {"max_body_bytes": max_body_bytes, **(config or {})}
    settings = load_settings(service, config)
    configure_logging(service)
    tracing.setup_tracing(service)
    app = Flask(f"ordo.{service}")
    app.config.update(
        API_TITLE=title,
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_URL,
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},  # no call to an online validator
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
        },
    )
    if settings.trusted_proxies:
        # Behind N reverse proxies, take the client address and scheme from X-Forwarded-*.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    app.wsgi_app = RequestDeadline(app.wsgi_app, settings.request_timeout_seconds)
    db = Database(settings.database_url, metadata, service, settings)
    app.extensions["ordo"] = ServiceContext(
        settings,
        db,
        Inbox(db, settings, ObservedHandler(handle, service)),
        operations.BrokerProbe(settings),
    )

    api = OrdoApi(app, spec_kwargs={"extra_plugins": [ContractPlugin(app)]})
    api.ma_plugin.converter.add_attribute_function(decimal_as_string)
    app.register_blueprint(docs_assets)
    for blueprint in (operations.health, operations.admin, *blueprints):
        api.register_blueprint(blueprint)

    app.before_request(operations.start_timer)
    app.before_request(_begin_request)
    install_rate_limits(app, settings)  # before the body is looked at or a token checked
    app.before_request(_check_body)
    app.before_request(_check_text)
    app.before_request(authenticate)
    app.after_request(finish_transaction)
    app.after_request(operations.observe)
    app.after_request(_echo_ids)
    app.after_request(security_headers)
    app.teardown_request(discard_transaction)
    app.teardown_request(_end_request)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_concurrent_write)
    app.register_error_handler(sa.exc.IntegrityError, handle_concurrent_write)
    # The database is away (restarting, failing over): 503 with Retry-After, not 500.
    app.register_error_handler(sa.exc.OperationalError, handle_database_unavailable)
    app.register_error_handler(sa.exc.InterfaceError, handle_database_unavailable)
    tracing.instrument_app(app)
    app.register_error_handler(Exception, handle_unexpected)
    return app


def _begin_request() -> None:
    g.request_id, g.correlation_id = request_ids()
    g.cause_token = begin_cause(g.correlation_id, g.request_id)


def _end_request(_error=None) -> None:
    token = g.pop("cause_token", None)
    if token is not None:
        end_cause(token)


def _check_body() -> None:
    """Read the body once, bounded, whatever its framing, then refuse one that is too large
    (413) or neither JSON nor a form upload (415).

    A body sent with `Transfer-Encoding: chunked` has no Content-Length: it is read up to the
    limit plus one byte like any other, and the request is then made to look like one sent
    with a Content-Length (the bytes read, their length), so every later check and parser
    sees one kind of request."""
    if request.method not in BODY_METHODS:
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    data = _read_body(limit)
    if data is None:
        raise Problem(413, f"The body is larger than {limit} bytes.", max_bytes=limit)
    environ = request.environ
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    for cached in ("stream", "content_length"):  # werkzeug's cached views of the old framing
        request.__dict__.pop(cached, None)
    request.get_data(cache=True)  # every later reader (parsers, idempotency) gets these bytes
    if not data or request.is_json or request.mimetype == "multipart/form-data":
        return
    if request.mimetype == "application/x-www-form-urlencoded" and is_page():
        return  # a portal page's HTML form
    raise Problem(
        415, f"Send the body as application/json, not {request.mimetype or 'an unnamed type'}."
    )


def _read_body(limit: int | None) -> bytes | None:
    """The request's body, or None when it holds more than `limit` bytes."""
    environ = request.environ
    length = request.content_length  # None when chunked or unframed
    if length is not None:
        if limit and length > limit:
            return None
        stream = LimitedStream(environ["wsgi.input"], length)
        return stream.read() if length else b""
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not chunked or "wsgi.input_terminated" not in environ:
        return b""  # no framing the server vouches for: no body (as werkzeug reads it)
    stream, parts, size = environ["wsgi.input"], [], 0
    while True:
        part = stream.read(65536 if not limit else min(65536, limit + 1 - size))
        if not part:
            return b"".join(parts)
        parts.append(part)
        size += len(part)
        if limit and size > limit:
            return None


# No database stores a NUL character or half of a surrogate pair.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_text() -> None:
    """Refuse input no database can store: a NUL or a lone surrogate in the path, a query or
    form value, a file name or any string of a JSON body (422); and JSON no parser should
    chew on, nested thousands deep or with a number of thousands of digits (400)."""
    texts = [("path", request.path)]
    texts += [("query", text) for item in request.args.items(multi=True) for text in item]
    if request.method in BODY_METHODS and request.mimetype in FORM_TYPES:
        request.get_data(cache=True)  # kept: parsing the form would consume the body otherwise
        texts += [("form", text) for item in request.form.items(multi=True) for text in item]
        texts += [("form", upload.filename or "") for upload in request.files.values()]
    if request.method in BODY_METHODS and request.is_json and request.content_length:
        try:
            body = json.loads(request.get_data(cache=True))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return  # the arguments parser answers 400 with the usual details
        except (RecursionError, ValueError):  # nested too deep, a number too long
            raise Problem(
                400,
                "The JSON body is nested too deeply or holds a number too long to read.",
                errors={"_json": ["Invalid JSON body."]},
            ) from None
        texts += [("json", text) for text in _strings(body)]
    for location, text in texts:
        if UNSTORABLE.search(text):
            raise Problem(
                422,
                "Text may not contain NUL characters or unpaired surrogates.",
                errors={f"_{location}": ["Unstorable character."]},
            )


def _strings(document):
    """Every key and string value of a parsed JSON document, without recursion."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from (key for key in value if isinstance(key, str))
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _echo_ids(response):
    response.headers["X-Request-Id"] = g.get("request_id", "")
    response.headers["X-Correlation-Id"] = g.get("correlation_id", "")
    return response
