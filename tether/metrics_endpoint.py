"""``GET /metrics``: this process's metrics (``core.metrics``) in Prometheus text format.

Loopback clients only, unless TETHER_METRICS_TOKEN is set: then also ``Authorization:
Bearer <token>`` from anywhere. Anyone else gets the site's plain 404, as for a page that
does not exist.
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

# A request relayed by a proxy on this host comes from 127.0.0.1 too; it says so in one of
# these headers (the client may forge them, but only to be refused). They are never read for
# the client's address.
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _from_loopback(request: HttpRequest) -> bool:
    if any(header in request.META for header in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _has_token(request: HttpRequest) -> bool:
    expected = settings.TETHER_METRICS_TOKEN
    if not expected:
        return False
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not (_from_loopback(request) or _has_token(request)):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
