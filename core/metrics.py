"""Prometheus metrics of this process, served by ``GET /metrics`` (one scrape target per
process: no multiprocess mode).

Every metric object lives here; the code that moves them calls the small functions below
(``socket_opened``, ``message_sent``, ...) so that the apps never touch prometheus-client.
"""

import sys
import time

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from prometheus_client import Counter, Gauge, Histogram
from psycopg_pool import PoolTimeout

HTTP_REQUESTS = Counter(
    "tether_http_requests",
    "HTTP requests answered, by view (route name, else the view's dotted path), method and status.",
    ["view", "method", "status"],
)
HTTP_DURATION = Histogram(
    "tether_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by view and method.",
    ["view", "method"],
)
WEBSOCKETS_OPEN = Gauge(
    "tether_websockets_open", "WebSockets open on this process (authenticated and joined)."
)
MESSAGES_SENT = Counter("tether_messages_sent", "Messages stored (and committed) by a send.")
EVENTS_PUBLISHED = Counter(
    "tether_events_published", "Events handed to the channel layer, by event type.", ["type"]
)
EVENTS_FAILED = Counter(
    "tether_events_failed",
    "Events not delivered to the channel layer (it failed, or was skipped while backing off).",
    ["type"],
)
CHANNEL_LAYER_ERRORS = Counter(
    "tether_channel_layer_errors", "Failed calls to the channel layer (publishes, closes)."
)
DATABASE_ERRORS = Counter(
    "tether_database_errors",
    "Requests and socket frames that failed on the database (unreachable, connection lost, "
    "no pooled connection to be had).",
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"


def socket_opened() -> None:
    WEBSOCKETS_OPEN.inc()


def socket_closed() -> None:
    WEBSOCKETS_OPEN.dec()


def message_sent() -> None:
    MESSAGES_SENT.inc()


def event_published(event_type: str) -> None:
    EVENTS_PUBLISHED.labels(event_type).inc()


def event_failed(event_type: str) -> None:
    EVENTS_FAILED.labels(event_type).inc()


def channel_layer_error() -> None:
    CHANNEL_LAYER_ERRORS.inc()


def count_failure(exc: BaseException) -> None:
    """Count ``exc`` if it is a database failure (the database is down or went away)."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        DATABASE_ERRORS.inc()


def count_request_exception(sender, request=None, **kwargs) -> None:
    """Receiver of Django's ``got_request_exception``: errors outside DRF's handler (pages,
    middleware); connected when MIDDLEWARE loads this module."""
    count_failure(sys.exc_info()[1])


got_request_exception.connect(count_request_exception, dispatch_uid="tether.metrics.exception")


def view_label(request: HttpRequest) -> str:
    """The route's name, else the view's dotted path; ``<unmatched>`` when nothing matched.

    A route written with and without its trailing slash (``core.api.routes.api_path``) names
    only the first: the slash twin is labelled like it.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    path = request.path_info
    if match.url_name is None and len(path) > 1 and path.endswith("/"):
        try:
            twin = resolve(path[:-1], urlconf=getattr(request, "urlconf", None))
        except Resolver404:
            twin = None
        if twin is not None and twin.url_name and twin._func_path == match._func_path:
            return twin.view_name
    return match.view_name


class MetricsMiddleware:
    """Counts and times every HTTP request Django answers (near the top of MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - start
        view = view_label(request)
        method = request.method if request.method in _METHODS else "other"
        HTTP_REQUESTS.labels(view, method, str(response.status_code)).inc()
        HTTP_DURATION.labels(view, method).observe(elapsed)
        return response
