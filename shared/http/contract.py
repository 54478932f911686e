"""The HTTP contract: what each operation's OpenAPI entry promises, derived from its view.

flask-smorest documents what a view's decorators say (arguments, the success response); this
module adds what the app factory and the views' markers make true of every request, so that
an endpoint added with the usual decorators documents itself:

- `operationId` `<resource>.<verb>` from the path (`orders.list`, `orders.create`,
  `orders.get`, `orders.update`, `orders.cancel`, `requirements.revisions`, `lessons.create`
  for an `@idempotent` POST under a row); a view that reads better otherwise says
  `@blp.doc(operationId=...)`.
- errors as one `Problem` schema served as `application/problem+json`, with the codes the
  request can really meet: 401/403/429 where a bearer token is needed (`roles_required`,
  everything not `@public`), 401/410/429 on a link (a public path with a `<token>`), 404
  where the path or the body names a row (`*_id`, `*_ids`), 409 on writes (a guarded
  transition or a concurrent write), 412 (and 428 when required) where `If-Match` is read,
  400/413/415/422 where a body is parsed, 422 where any parameter is (text no database
  stores), 400/422 for a bad `Idempotency-Key`, 400 for a bad list `cursor`, 503 everywhere
  (a request stopped at its deadline).
- headers: `If-Match` on updates (`PATCH`/`PUT`, required) and on actions marked
  `@if_match_optional`/`@if_match_required`; `Idempotency-Key` on `@idempotent` creates;
  `Location` on 201; `ETag` on every success whose body carries the row's `version`.
- `security: []` on `@public` views.
- decimals serialised as strings publish `type: string` and a pattern (their bounds as
  `x-minimum`/`x-maximum`), since a string `maximum` is no valid OpenAPI.
"""

from __future__ import annotations

import http
import re
from typing import Any

from apispec import BasePlugin
from flask import Flask
from marshmallow import INCLUDE, Schema, fields

from shared.http.errors import PROBLEM_JSON

WRITE_METHODS = ("post", "put", "patch", "delete")
VERBS = {"get": "get", "patch": "update", "put": "replace", "delete": "delete", "post": "post"}
COLLECTION_VERBS = {"get": "list", "post": "create", "put": "replace"}


class ProblemSchema(Schema):
    """RFC 9457 problem details, with the members Ordo adds where they apply."""

    class Meta:
        unknown = INCLUDE  # further members (a cycle's tasks, a bound) may appear

    type = fields.String(metadata={"description": "A URI naming the kind; about:blank here"})
    title = fields.String(metadata={"description": "The status's phrase"})
    status = fields.Integer(metadata={"description": "The HTTP status code"})
    detail = fields.String(metadata={"description": "What went wrong, in words for a person"})
    instance = fields.String()
    errors = fields.Dict(
        metadata={"description": "Messages per field (422), or per location: `_json`, `_query`"}
    )
    allowed_actions = fields.List(
        fields.String(), metadata={"description": "409: the actions the current status allows"}
    )
    current_status = fields.String(metadata={"description": "409: the aggregate's status"})
    current_version = fields.Integer(
        metadata={"description": "412/428: the version to send in If-Match"}
    )
    retry_after = fields.Integer(metadata={"description": "429: seconds to wait"})
    max_bytes = fields.Integer(metadata={"description": "413: the largest body accepted"})
    attempts_left = fields.Integer()
    checks = fields.Dict(metadata={"description": "503: each dependency's state"})


def problem_response(status: int) -> dict:
    """The component response for an error status: the Problem schema as problem+json."""
    response: dict[str, Any] = {
        "description": http.HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds until the budget is renewed",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
    return response


HEADERS = {
    "ETag": {
        "description": "The row's version, to send back in If-Match",
        "schema": {"type": "string", "example": '"3"'},
        "required": True,
    },
    "Location": {
        "description": "Where the created row is read",
        "schema": {"type": "string"},
        "required": True,
    },
}


def if_match_parameter(required: bool) -> dict:
    when = "required: 428 without it" if required else "optional: sent, it must be current"
    return {
        "name": "If-Match",
        "in": "header",
        "required": required,
        "description": f"The ETag last read; 412 when the row has moved on ({when})",
        "schema": {"type": "string"},
    }


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Repeating a create with the same key answers the first response again and creates "
        "nothing twice (1 to 200 characters; 422 when reused for a different request)"
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


def if_match_required(view):
    """The view reads `if_match()`: a missing If-Match is 428, a stale one 412."""
    view._ordo_if_match = "required"
    return view


def if_match_optional(view):
    """The view reads `if_match(required=False)`: a stale If-Match is 412, none is fine."""
    view._ordo_if_match = "optional"
    return view


def responds(*statuses: int):
    """Further error statuses a view answers that nothing else tells (e.g. readiness: 503)."""

    def mark(view):
        view._ordo_statuses = (*getattr(view, "_ordo_statuses", ()), *statuses)
        return view

    return mark


def _marker(view, function, name: str, default=None):
    for candidate in (function, view):
        if candidate is not None and hasattr(candidate, name):
            return getattr(candidate, name)
    return default


class ContractPlugin(BasePlugin):
    """An apispec plugin completing each operation from its view (see the module's docstring)."""

    def __init__(self, app: Flask):
        self.app = app
        self.spec = None

    def init_spec(self, spec):
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or operations is None:
            return
        view = self.app.view_functions.get(rule.endpoint)
        view_class = getattr(view, "view_class", None)
        methods_here = {method for method in operations}
        for method, operation in operations.items():
            function = getattr(view_class, method, None) if view_class else view
            complete_operation(
                operation,
                method=method,
                path=path,
                path_arguments=set(rule.arguments),
                methods_here=methods_here,
                public=bool(_marker(view, function, "_ordo_public", False)),
                if_match=_marker(view, function, "_ordo_if_match"),
                idempotent=bool(_marker(view, function, "_ordo_idempotent", False)),
                statuses=_marker(view, function, "_ordo_statuses", ()),
                schemas=self.spec.components.schemas if self.spec else {},
            )


def complete_operation(
    operation: dict,
    *,
    method: str,
    path: str,
    path_arguments: set[str],
    methods_here: set[str],
    public: bool,
    if_match: str | None,
    idempotent: bool,
    statuses: tuple[int, ...],
    schemas: dict,
) -> None:
    operation.setdefault("operationId", operation_id(path, method, methods_here, idempotent))
    parameters = operation.setdefault("parameters", [])
    _multipart_form_into_body(operation, schemas)
    responses = operation.setdefault("responses", {})
    errors: set[int] = set(statuses)
    link = public and "token" in path_arguments
    if public:
        operation["security"] = []
    else:
        errors |= {401, 403, 429}
    if link:
        errors |= {401, 410, 429}
    if path_arguments:
        errors |= {404, 422}
    if any(p.get("in") == "query" for p in parameters if isinstance(p, dict)):
        errors.add(422)
    if any(p.get("name") == "cursor" for p in parameters if isinstance(p, dict)):
        errors.add(400)  # a cursor altered or of another list (shared.http.pages)
    errors.add(503)  # every request: stopped past ORDO_REQUEST_TIMEOUT_S (shared.http.deadline)
    if method in WRITE_METHODS:
        errors.add(409)
    if "requestBody" in operation:
        errors |= {400, 413, 415, 422}
        if _names_rows(operation["requestBody"], schemas):
            errors.add(404)  # a body naming rows by id: one of them may not exist
    if if_match is None and method in ("patch", "put"):
        if_match = "required"
    if if_match:
        parameters.append(if_match_parameter(if_match == "required"))
        errors |= {412, 428} if if_match == "required" else {412}
    if idempotent:
        parameters.append(IDEMPOTENCY_KEY)
        errors |= {400, 422}
    if not parameters:
        del operation["parameters"]
    for status in sorted(errors):
        responses.setdefault(str(status), http.HTTPStatus(status).name)
    for status, response in list(responses.items()):
        if isinstance(response, dict) and str(status).startswith("2"):
            _success_headers(int(status), response, schemas)


def operation_id(path: str, method: str, methods_here: set[str], creates: bool = False) -> str:
    """`<resource>.<verb>` read off the path (the module's docstring says how)."""
    segments = [s for s in path.strip("/").split("/") if s]
    is_param = [s.startswith("{") for s in segments]
    names = [_camel(s) for s, param in zip(segments, is_param, strict=True) if not param]
    if not names:
        return f"root.{method}"
    if is_param[-1]:  # /orders/{id}
        return f"{names[-1]}.{VERBS[method]}"
    noun = names[-1]
    after_row = len(segments) >= 2 and is_param[-2]
    if not after_row:
        if len(names) >= 2 and methods_here == {method} and not creates:
            return f"{names[-2]}.{noun}"  # /resources/load, /kpis/trend, /reminders/run
        return f"{noun}.{COLLECTION_VERBS.get(method, method)}"
    parent = names[-2] if len(names) >= 2 else noun
    if creates or {"get", "post"} <= methods_here:  # a sub-collection
        return f"{noun}.{COLLECTION_VERBS.get(method, method)}"
    if methods_here == {method}:  # an action (POST) or a view of the row (GET)
        return f"{parent}.{noun}"
    return f"{noun}.{VERBS[method]}"  # a row's one sub-resource: calendar.get, calendar.replace


def _camel(segment: str) -> str:
    segment = re.sub(r"\.(svg|pdf|json)$", "", segment)
    head, *rest = re.split(r"[-_]", segment)
    return head + "".join(part.capitalize() for part in rest)


def _success_headers(status: int, response: dict, schemas: dict) -> None:
    headers = response.setdefault("headers", {})
    if status == 201:
        headers.setdefault("Location", HEADERS["Location"])
    if _carries_version(response, schemas):
        headers.setdefault("ETag", HEADERS["ETag"])
    if not headers:
        del response["headers"]


def _carries_version(response: dict, schemas: dict) -> bool:
    for media in (response.get("content") or {}).values():
        schema = _resolve(media.get("schema") or {}, schemas)
        if "version" in (schema.get("properties") or {}):
            return True
    return False


def _names_rows(body: dict, schemas: dict) -> bool:
    for media in (body.get("content") or {}).values():
        properties = _resolve(media.get("schema") or {}, schemas).get("properties") or {}
        if any(name.endswith(("_id", "_ids")) for name in properties):
            return True
    return False


def _resolve(schema: dict | str, schemas: dict) -> dict:
    if isinstance(schema, str):
        return schemas.get(schema, {}) if isinstance(schemas.get(schema), dict) else {}
    reference = schema.get("$ref", "") if isinstance(schema, dict) else ""
    if reference.startswith("#/components/schemas/"):
        return schemas.get(reference.rsplit("/", 1)[1], {})
    return schema if isinstance(schema, dict) else {}


def _multipart_form_into_body(operation: dict, schemas: dict) -> None:
    """Form fields parsed beside an upload (`location="form"` next to `location="files"`)
    belong in the multipart request body, not in OpenAPI 2's `in: formData` parameters."""
    form = [p for p in operation.get("parameters", []) if p.get("in") == "formData"]
    content = (operation.get("requestBody") or {}).get("content") or {}
    if not form or "multipart/form-data" not in content:
        return
    media = content["multipart/form-data"]
    files = _resolve(media.get("schema") or {}, schemas)
    properties = dict(files.get("properties") or {})
    required = list(files.get("required") or [])
    for parameter in form:
        properties[parameter["name"]] = parameter.get("schema", {"type": "string"})
        if parameter.get("required"):
            required.append(parameter["name"])
    media["schema"] = {"type": "object", "properties": properties, "required": sorted(required)}
    operation["parameters"] = [p for p in operation["parameters"] if p.get("in") != "formData"]


def decimal_as_string(self, field, ret: dict, **kwargs) -> dict:
    """apispec attribute function: a Decimal serialised as a string is a string with a
    pattern; its bounds move to `x-minimum`/`x-maximum` (a string bound is no valid OpenAPI)."""
    if not (isinstance(field, fields.Decimal) and field.as_string):
        return {}
    types = ret.get("type")
    ret["type"] = ["string", "null"] if isinstance(types, list) and "null" in types else "string"
    for bound in ("minimum", "maximum"):
        if bound in ret:
            ret[f"x-{bound}"] = str(ret.pop(bound))
    if field.places is not None:
        places = -field.places.as_tuple().exponent
        ret["pattern"] = rf"^-?[0-9]+(\.[0-9]{{1,{places}}})?$"
    else:
        ret["pattern"] = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
    return {}
