"""Keeps everything under /api/ in JSON, even where Django answers before DRF does."""

import logging
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core import metrics
from core.api.errors import STATUS_CODES, error_json

logger = logging.getLogger("tether.api")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _body_length(request: HttpRequest) -> int:
    """The body's size: Content-Length, or the buffered body's size when there is none.

    A chunked request under ASGI has no Content-Length, and DRF then reads its body as empty;
    daphne has buffered the whole body already, so measure it and say how long it is.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = getattr(request, "_stream", None)
    if length or not (hasattr(stream, "seekable") and stream.seekable()):
        return length
    length = stream.seek(0, os.SEEK_END)
    stream.seek(0)
    if length:
        request.META["CONTENT_LENGTH"] = str(length)
    return length


UPLOAD_PATH = "/api/attachments"
# Room for the multipart framing around an upload of the largest size.
MULTIPART_SLACK = 64 * 1024


def body_limit(path: str) -> int:
    """The largest body ``path`` takes: an upload's size for uploads, else 1 MiB of JSON."""
    if path.rstrip("/") == UPLOAD_PATH:
        return settings.TETHER_MAX_UPLOAD_BYTES + MULTIPART_SLACK
    return settings.TETHER_MAX_BODY_BYTES


class ApiEnvelopeMiddleware:
    """Answers oversize bodies with 413 and turns Django's HTML errors into the envelope.

    Django's 404 for unknown routes, its CSRF 403 and its crash page are rendered outside
    DRF; DRF itself reads JSON bodies without Django's DATA_UPLOAD_MAX_MEMORY_SIZE check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_api(request):
            return self.get_response(request)
        if _body_length(request) > body_limit(request.path):
            return error_json(413, "too_large")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            code = STATUS_CODES.get(response.status_code, "server_error")
            replacement = error_json(response.status_code, code)
            for header in ("Retry-After", "Allow", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not _is_api(request):
            return None
        metrics.count_failure(exception)
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_json(500, "server_error")


class SyncChainMiddleware:
    """Last in MIDDLEWARE: keeps every middleware above it in synchronous mode.

    Under ASGI Django's innermost handler is asynchronous, so each ``MiddlewareMixin``
    middleware adjacent to it switches to its async mode, which runs every
    ``process_request`` and ``process_response`` through its own ``sync_to_async`` hop:
    a dozen thread hops per request for the sessions, locale, common, CSRF, auth, messages
    and clickjacking middleware. Being sync-only, this one makes the switch happen once,
    here, and the chain above it runs in one worker thread as under WSGI.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
