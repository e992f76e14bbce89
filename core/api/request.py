"""Facts about the caller that several views need."""

import ipaddress

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle


def client_ip(request: Request) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as NUM_PROXIES says."""
    ident = (BaseThrottle().get_ident(request) or "").strip()
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def user_agent(request: Request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")
