"""What every page needs: who is signed in through the web, and how to draw them."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect
from rest_framework.throttling import BaseThrottle

from accounts.authentication import WEB_SESSION_KEY
from accounts.models import AuthSession, User
from accounts.services.sessions import session_get_live
from core.throttling import hit


def live_web_session(request: HttpRequest) -> AuthSession | None:
    """The sign-in behind this browser's Django session, while it is live."""
    if not request.user.is_authenticated:
        return None
    session = session_get_live(request.session.get(WEB_SESSION_KEY))
    if session is None or session.user_id != request.user.pk:
        return None
    return session


def web_login_required(view):
    """Send people without a live web sign-in to /login/, and back here afterwards."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        session = live_web_session(request)
        if session is None:
            return redirect(f"/login/?{urlencode({'next': request.get_full_path()})}")
        request.auth_session = session
        return view(request, *args, **kwargs)

    return wrapper


# Defence in depth for the pages: scripts only from our own files, no inline script at all.
# Inline style attributes are allowed (the generated avatars' colour), style elements are not.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' https: http: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def page(view):
    """Every page: its Content-Security-Policy."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return wrapper


def rate_limited(request: HttpRequest, scope: str) -> float | None:
    """Count a hit against the API's per-IP ``scope``: the pages share the API's limits."""
    if not settings.TETHER_THROTTLE:
        return None
    limit, window = settings.TETHER_RATE_LIMITS[scope]
    return hit(f"{scope}:ip:{BaseThrottle().get_ident(request)}", limit, window)


def avatar_hue(key: str) -> int:
    """A stable colour for a generated avatar (the same formula as static/js/dom.js)."""
    value = 0
    for char in key:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value % 360


def initials(name: str) -> str:
    words = [word for word in name.split() if word]
    letters = "".join(word[0] for word in words[:2]) or "?"
    return letters.upper()


def avatar(user: User) -> dict:
    return {
        "url": user.avatar_url,
        "initials": initials(user.display_name),
        "hue": avatar_hue(str(user.pk)),
        "name": user.display_name,
    }
