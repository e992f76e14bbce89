"""OpenAPI helpers: the envelope and the error statuses each operation can answer."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

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
    400: "Invalid input (validation_error, invalid_code, code_expired).",
    401: "Not authenticated or invalid token.",
    403: "Permission denied or blocked.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "Conflict (phone_taken, username_taken).",
    413: "Request body too large.",
    415: "Unsupported media type.",
    429: "Throttled (Retry-After) or too many attempts.",
    503: "Unavailable.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema(responses=...)``."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in statuses
    }


def wrap_success_in_envelope(result, generator, request, public):
    """Spectacular post-processing hook: 2xx JSON bodies are ``{"success", "data"}``."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if not str(status).startswith("2"):
                    continue
                content = response.get("content", {}).get("application/json")
                if not content or "schema" not in content:
                    continue
                content["schema"] = {
                    "type": "object",
                    "required": ["success", "data"],
                    "properties": {
                        "success": {"type": "boolean"},
                        "data": content["schema"],
                        "meta": {
                            "type": "object",
                            "properties": {"has_more": {"type": "boolean"}},
                        },
                    },
                }
    return result
