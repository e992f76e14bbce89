"""OpenAPI: the envelope, and every error status each operation can answer.

Views declare their own bodies and the errors only they produce (``errors(409)``: a taken
username); ``wrap_success_in_envelope`` (a drf-spectacular post-processing hook, named in
SPECTACULAR_SETTINGS) then writes down what holds for every operation alike:

- every 2xx JSON body is ``{"success": true, "data": ...}`` (``data`` is ``{}`` where a view
  declares no body), with ``meta`` only where the view declares it (``extensions=HAS_MORE``);
- every 4xx/5xx body is the ``Error`` envelope (a view that declares a body for an error
  status, like the health check's 503, gets it as the envelope's ``data``);
- the statuses any operation can meet: 401 where credentials are needed, 400, 413 and 415
  where a JSON body is read, 404 where the path carries an id, 403 on unsafe methods open to
  the web session (CSRF), 405 for the path's other methods, 503 when the database is away;
- ``Retry-After`` on 429, ``WWW-Authenticate`` on 401 and ``Allow`` on 405.

Two serializer-level marks (``extend_schema_serializer(extensions=...)``) say what a plain
serializer cannot:

- ``{"x-exactly-one-of": ["a", "b"]}``: the input takes exactly one of these fields (``oneOf``);
- ``{"x-repeatable-by": "client_id"}``: a body that repeats an earlier request's key is
  answered with the original whatever else it carries, so such a body is also accepted
  (``anyOf`` the body and ``{"client_id"}`` alone).
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from core.api.fields import StrictCharField

# The contract's error codes ("Envelope").
ERROR_CODES = [
    "validation_error", "invalid_code", "code_expired", "not_authenticated", "invalid_token",
    "permission_denied", "blocked", "not_found", "method_not_allowed", "phone_taken",
    "username_taken", "too_large", "unsupported_media_type", "throttled", "too_many_attempts",
    "server_error", "unavailable",
]  # fmt: skip

ERROR_SCHEMA = {
    "type": "object",
    "description": "The error envelope: `fields` only for validation errors.",
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "error": {"type": "string", "minLength": 1, "description": "For people."},
        "code": {"type": "string", "enum": ERROR_CODES, "description": "For programs."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["success", "error", "code"],
    "additionalProperties": False,
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}

# Kept for views that name the schema of their error bodies; the hook replaces it by the
# ``Error`` component above.
ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "success": serializers.BooleanField(default=False),
        "error": serializers.CharField(),
        "code": serializers.CharField(),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)

_DESCRIPTIONS = {
    400: "Invalid input: `validation_error` (malformed JSON, wrong types and broken rules "
    "alike, with `fields`), `invalid_code`, `code_expired`.",
    401: "`not_authenticated` (no credentials) or `invalid_token` (bad, expired or revoked).",
    403: "`permission_denied` (a CSRF failure on the web session included) or `blocked`.",
    404: "`not_found`: no such resource, or not one the caller may see (a malformed id too).",
    405: "`method_not_allowed`: `Allow` lists the path's methods.",
    409: "Conflict: `phone_taken`, `username_taken`.",
    413: "`too_large`: a body over 1 MiB.",
    415: "`unsupported_media_type`: the body is not `application/json`.",
    429: "`throttled` (with `Retry-After`) or `too_many_attempts`.",
    503: "`unavailable`: the database is unreachable.",
}

_HEADERS = {
    401: {
        "WWW-Authenticate": {
            "required": True,
            "schema": {"type": "string"},
            "description": '`Bearer realm="api"`',
        }
    },
    405: {
        "Allow": {
            "required": True,
            "schema": {"type": "string"},
            "description": "The methods this path answers.",
        }
    },
    429: {
        "Retry-After": {
            "required": False,
            "schema": {"type": "integer", "minimum": 1},
            "description": "Whole seconds until a new try may pass (with `throttled`).",
        }
    },
}

# ``extend_schema(extensions=HAS_MORE)``: the answer's envelope carries ``meta.has_more``.
HAS_MORE = {
    "x-envelope-meta": {
        "type": "object",
        "properties": {
            "has_more": {
                "type": "boolean",
                "description": "More exist past this page in its direction.",
            }
        },
        "required": ["has_more"],
        "additionalProperties": False,
    }
}

_EMPTY = {"type": "object", "properties": {}, "additionalProperties": False}
_UNSAFE = {"post", "put", "patch", "delete"}
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema(responses=...)``."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in statuses
    }


class StrictCharFieldExtension(OpenApiSerializerFieldExtension):
    """Strict strings say what else they refuse: NUL (and, some, blank text)."""

    target_class = StrictCharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema.setdefault("pattern", self.target.openapi_pattern)
        return schema


class WholeBodyPatchSchema(AutoSchema):
    """For a view whose PATCH takes the same body as its PUT, required fields and all
    (drf-spectacular otherwise documents every field of a PATCH as optional)."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        if self.method != "PATCH":
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"


class DeleteBodySchema(AutoSchema):
    """For a view whose DELETE reads the JSON body it declares (``extend_schema(request=)``);
    drf-spectacular otherwise documents bodies for POST, PUT and PATCH only."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


def _success(schema: dict | None, meta: dict | None) -> dict:
    envelope = {
        "type": "object",
        "properties": {
            "success": {"type": "boolean", "enum": [True]},
            "data": schema if schema is not None else _EMPTY,
        },
        "required": ["success", "data"],
        "additionalProperties": False,
    }
    if meta is not None:
        envelope["properties"]["meta"] = meta
        envelope["required"].append("meta")
    return envelope


def _failure(schema: dict | None) -> dict:
    """The error envelope; with ``data`` when the view declared a body for this status."""
    if schema is None or schema == _ERROR_REF or schema.get("$ref") == _ERROR_REF["$ref"]:
        return _ERROR_REF
    properties = {**ERROR_SCHEMA["properties"], "data": schema}
    properties.pop("fields")
    return {
        **ERROR_SCHEMA,
        "properties": properties,
        "required": [*ERROR_SCHEMA["required"], "data"],
    }


def _json_schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def _statuses_for(method: str, operation: dict) -> set[int]:
    """The statuses that this operation can answer whatever its view does."""
    security = operation.get("security") or [{}]
    authenticated = {} not in security
    statuses = {405, 503}
    if authenticated:
        statuses.add(401)
        if method in _UNSAFE and any("cookieAuth" in scheme for scheme in security):
            statuses.add(403)
    if "requestBody" in operation:
        statuses |= {400, 413, 415}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    return statuses


def _complete(method: str, operation: dict) -> None:
    meta = operation.pop("x-envelope-meta", None)
    raw = operation.pop("x-raw-body", False)  # a file of JSON (the export): as it is
    responses = operation.setdefault("responses", {})
    for status in _statuses_for(method, operation):
        responses.setdefault(str(status), {})
    completed = {}
    for status in sorted(responses, key=int):
        response = responses[status]
        code = int(status)
        schema = _json_schema(response)
        if 300 <= code < 400:  # a redirect (to an attachment's signed URL): no body
            response.pop("content", None)
            completed[status] = response
            continue
        if code < 300 and raw:
            completed[status] = response
            continue
        if code < 300 and schema and schema.get("format") == "binary":
            # Bytes (an attachment), whatever their type: not in the envelope.
            response["content"] = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
            completed[status] = response
            continue
        if code < 400:
            if schema is None:
                response["description"] = "Done: `data` is `{}`."
            body = _success(schema, meta if code < 300 else None)
        else:
            if not response.get("description"):
                response["description"] = _DESCRIPTIONS.get(code, "Error.")
            body = _failure(schema)
            if code in _HEADERS:
                response["headers"] = {**_HEADERS[code], **response.get("headers", {})}
        response["content"] = {"application/json": {"schema": body}}
        completed[status] = response
    operation["responses"] = completed


def _exactly_one_of(schema: dict) -> None:
    names = schema.pop("x-exactly-one-of", None)
    if names:
        schema["oneOf"] = [{"required": [name]} for name in names]


def _repeats(schemas: dict) -> dict[str, dict]:
    """``{ref of a repeatable body: the schema of the bodies it accepts}``; adds the
    components of the repeats."""
    accepted = {}
    for name, schema in list(schemas.items()):
        key = schema.pop("x-repeatable-by", None)
        if not key:
            continue
        repeat_name = name.removesuffix("Request") + "RepeatRequest"
        key_schema = {k: v for k, v in schema["properties"][key].items() if k != "nullable"}
        schemas[repeat_name] = {
            "type": "object",
            "description": f"A repeat of an earlier request with this `{key}`: answered with "
            "what that request made, whatever else the body carries.",
            "properties": {key: key_schema},
            "required": [key],
        }
        ref = f"#/components/schemas/{name}"
        accepted[ref] = {"anyOf": [{"$ref": ref}, {"$ref": f"#/components/schemas/{repeat_name}"}]}
    return accepted


def _accept_repeats(operation: dict, accepted: dict[str, dict]) -> None:
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media and media.get("schema", {}).get("$ref") in accepted:
        media["schema"] = accepted[media["schema"]["$ref"]]


def wrap_success_in_envelope(result, generator, request, public):
    """Spectacular post-processing hook: the envelope and the shared error statuses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for schema in schemas.values():
        _exactly_one_of(schema)
    accepted = _repeats(schemas)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in _METHODS and isinstance(operation, dict):
                _accept_repeats(operation, accepted)
                _complete(method, operation)
    return result
