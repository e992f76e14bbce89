"""Every failure, whatever raised it, becomes the contract's error envelope.

``error_reply`` is the one mapping: the REST exception handler below and the WebSocket
consumer's error frames both use it.
"""

import logging
import math
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from psycopg_pool import PoolTimeout
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from core import metrics
from core.errors import DomainError, Throttled, ValidationFailed

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
    "unavailable": "The service is briefly unavailable. Try again shortly.",
}
# The database unreachable (refused, timed out, no pooled connection to be had, a connection
# lost mid-query): 503, the same on REST and the socket, never a 500.
_DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
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


@dataclass(frozen=True)
class ErrorReply:
    """What a failure says to a client, whichever door it came through."""

    status: int
    code: str
    message: str
    fields: dict[str, list[str]] | None = None
    retry_after: int | None = None

    def body(self) -> dict:
        return error_body(self.code, self.message, self.fields)


def _seconds(wait: float | None) -> int | None:
    return None if wait is None else max(1, math.ceil(wait))


def _throttled_message(message: str, retry_after: int | None) -> str:
    return f"{message} Try again in {retry_after} s." if retry_after else message


def _domain_reply(exc: DomainError) -> ErrorReply:
    if isinstance(exc, ValidationFailed):
        return ErrorReply(exc.status, exc.code, exc.message, _flatten(exc.fields))
    if isinstance(exc, Throttled):
        retry_after = _seconds(exc.wait)
        message = _throttled_message(exc.message.rstrip(".") + ".", retry_after)
        return ErrorReply(exc.status, exc.code, message, retry_after=retry_after)
    return ErrorReply(exc.status, exc.code, exc.message)


def _framework_reply(exc: exceptions.APIException) -> ErrorReply:
    code = _code_for(exc)
    if code == "validation_error":
        if isinstance(exc, exceptions.ParseError):
            return ErrorReply(exc.status_code, code, f"Malformed request body: {exc.detail}")
        return ErrorReply(exc.status_code, code, _MESSAGES[code], _flatten(exc.detail))
    if code == "throttled":
        retry_after = _seconds(exc.wait)
        return ErrorReply(
            exc.status_code, code, _throttled_message("Too many requests.", retry_after),
            retry_after=retry_after,
        )  # fmt: skip
    detail = exc.detail
    if isinstance(detail, dict):
        message = str(detail.get("detail", exc.default_detail))
    elif isinstance(detail, list):
        message = " ".join(str(d) for d in detail)
    else:
        message = str(detail)
    return ErrorReply(exc.status_code, code, message)


def error_reply(exc: Exception) -> ErrorReply | None:
    """The contract's answer to ``exc``; None for an unexpected error (a bug: a 500)."""
    metrics.count_failure(exc)
    if isinstance(exc, DomainError):
        return _domain_reply(exc)
    if isinstance(exc, RequestDataTooBig):
        return ErrorReply(413, "too_large", _MESSAGES["too_large"])
    if isinstance(exc, _DATABASE_UNAVAILABLE):
        logger.warning("Database unavailable: %s", exc.__class__.__name__)
        return UNAVAILABLE
    exc = _normalise(exc)
    if isinstance(exc, exceptions.APIException):
        return _framework_reply(exc)
    return None


SERVER_ERROR = ErrorReply(500, "server_error", _MESSAGES["server_error"])
UNAVAILABLE = ErrorReply(503, "unavailable", _MESSAGES["unavailable"])


def envelope_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception gets the envelope, 500s are logged."""
    reply = error_reply(exc)
    if reply is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        reply = SERVER_ERROR
    headers = {}
    if reply.retry_after is not None:
        headers["Retry-After"] = str(reply.retry_after)
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    elif reply.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(reply.body(), status=reply.status, headers=headers)
