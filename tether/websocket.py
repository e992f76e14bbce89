"""The ``/ws/`` stack: origin check, then the token's sign-in, or the cookie session's.

Channels' AllowedHostsOriginValidator judges the host alone (any port or scheme passes) and
refuses handshakes without an ``Origin``; the contract wants scheme, host and port, and
accepts connections without ``Origin`` (apps, scripts) on their token alone.
"""

from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import WebsocketDenier
from channels.sessions import SessionMiddlewareStack
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import WEB_SESSION_KEY
from accounts.services.sessions import SESSION_CLAIM, session_get_live
from messaging.routing import websocket_urlpatterns

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an origin, the port made explicit; None if malformed."""
    try:
        parts = urlsplit(origin)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def _own_origin(scope, headers: dict[bytes, bytes]) -> tuple[str, str, int] | None:
    """The site's own origin as this handshake reached it: its Host (one of ALLOWED_HOSTS)
    with the scheme the client used (https behind a TLS proxy that says so)."""
    host = headers.get(b"host", b"").decode("latin-1")
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1").lower()
    secure = scope.get("scheme") == "wss" or (settings.TETHER_HTTPS and forwarded == "https")
    return _origin_key(f"{'https' if secure else 'http'}://{host}")


class OriginValidator:
    """A browser's ``Origin`` must be the site's own (scheme, host and port) or one of
    TETHER_CORS_ORIGINS; anything else is refused at the handshake (403).

    A connection without ``Origin`` (apps, scripts) passes, authenticated by its token alone:
    its cookies are never read.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        # Decided in a function of its own: its temporaries (a dict of the headers) are not
        # kept alive by this frame, which lasts as long as the socket.
        application, scope = self._route(scope)
        return await application(scope, receive, send)

    def _route(self, scope):
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin")
        if origin is None:
            cookieless = [(k, v) for k, v in scope.get("headers", []) if k != b"cookie"]
            return self.application, dict(scope, headers=cookieless)
        if self._allowed(origin.decode("latin-1"), scope, headers):
            return self.application, scope
        return WebsocketDenier(), scope

    @staticmethod
    def _allowed(origin: str, scope, headers) -> bool:
        key = _origin_key(origin)
        if key is None:
            return False
        if key == _own_origin(scope, headers):
            return True
        return key in {_origin_key(o) for o in settings.TETHER_CORS_ORIGINS}


@database_sync_to_async
def _session_for_token(raw: str):
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    return session_get_live(token.get(SESSION_CLAIM))


@database_sync_to_async
def _session_for_cookie(django_session):
    session_id = django_session.get(WEB_SESSION_KEY)
    return session_get_live(session_id) if session_id else None


def _query_token(scope) -> str | None:
    tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return tokens[0] if tokens else None


class TokenOrSessionAuthMiddleware:
    """Puts the live sign-in (``auth_session``) and its ``user`` into the scope, or None.

    A token in the query string wins over the cookie; a bad token is not rescued by a cookie.
    A socket with a token skips the cookie and session layers altogether (``cookie_stack``):
    apps hold thousands of sockets, and each layer's frame and scope copy last as long as
    the socket does.
    """

    def __init__(self, application, cookie_stack=SessionMiddlewareStack):
        self.application = application
        self.with_cookies = cookie_stack(_CookieAuth(application))

    async def __call__(self, scope, receive, send):
        token = _query_token(scope)
        if token is None:
            return await self.with_cookies(scope, receive, send)
        session = await _session_for_token(token)
        scope = dict(scope, auth_session=session, user=session.user if session else None)
        return await self.application(scope, receive, send)


class _CookieAuth:
    """The web pages' sockets: the sign-in of the Django session's cookie."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        session = None
        if scope.get("session") is not None:
            session = await _session_for_cookie(scope["session"])
        scope = dict(scope, auth_session=session, user=session.user if session else None)
        return await self.application(scope, receive, send)


websocket_application = OriginValidator(
    TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns))
)
