"""Every API failure, whatever raised it, becomes the contract's error envelope."""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

logger = logging.getLogger("tether.api")

# DRF's own exception classes, mapped to the contract's codes (most specific first).
_CODES: list[tuple[type[Exception], str]] = [
    (exceptions.ValidationError, "validation_error"),
    (exceptions.ParseError, "validation_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "invalid_token"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]
_MESSAGES = {
    "validation_error": "Invalid input.",
    "not_found": "Not found.",
    "server_error": "Something went wrong on our side.",
    "too_large": "The request body is too large.",
}
# Plain Django responses under /api/ (unknown routes, CSRF failures, crashes) by status.
STATUS_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"success": False, "error": message, "code": code}
    if fields is not None:
        body["fields"] = fields
    return body


def error_json(status_code: int, code: str, message: str | None = None) -> JsonResponse:
    """An envelope error outside DRF (middleware, URL fallbacks)."""
    return JsonResponse(
        error_body(code, message or _MESSAGES.get(code, code.replace("_", " ").capitalize())),
        status=status_code,
    )


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    fields[f"{name}.{sub}"] = messages
            else:
                fields[str(name)] = [str(m) for m in _as_list(value)]
        return fields
    return {"non_field_errors": [str(m) for m in _as_list(detail)]}


def _as_list(value) -> list:
    if isinstance(value, list):
        flat = []
        for item in value:
            flat.extend(_as_list(item) if isinstance(item, (list, dict)) else [item])
        return flat
    if isinstance(value, dict):
        return [m for messages in _flatten(value).values() for m in messages]
    return [value]


def _code_for(exc: exceptions.APIException) -> str:
    for klass, code in _CODES:
        if isinstance(exc, klass):
            return code
    return str(exc.default_code)


def _normalise(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def envelope_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception gets the envelope, 500s are logged."""
    exc = _normalise(exc)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("too_large", _MESSAGES["too_large"]),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        return Response(
            error_body("server_error", _MESSAGES["server_error"]),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    code = _code_for(exc)
    headers = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header

    if code == "validation_error":
        if isinstance(exc, exceptions.ParseError):
            body = error_body(code, f"Malformed request body: {exc.detail}")
        else:
            body = error_body(code, _MESSAGES[code], _flatten(exc.detail))
    elif code == "throttled":
        wait = headers.get("Retry-After")
        message = "Too many requests."
        body = error_body(code, f"{message} Try again in {wait} s." if wait else message)
    else:
        detail = exc.detail
        if isinstance(detail, dict):
            message = str(detail.get("detail", exc.default_detail))
        elif isinstance(detail, list):
            message = " ".join(str(d) for d in detail)
        else:
            message = str(detail)
        body = error_body(code, message)
    return Response(body, status=exc.status_code, headers=headers)
