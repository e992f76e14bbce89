"""The ``/ws/`` stack: origin check, cookie session, then token-or-session authentication.

Channels' AllowedHostsOriginValidator refuses handshakes without an ``Origin`` header; the
contract accepts those (apps, scripts) on their token alone, so the validator only judges
connections that send one, and connections without one never get their cookies read.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.sessions import SessionMiddlewareStack
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import WEB_SESSION_KEY
from accounts.services.sessions import SESSION_CLAIM, session_get_live
from messaging.routing import websocket_urlpatterns


class OptionalOriginValidator:
    def __init__(self, application):
        self.application = application
        self.validated = AllowedHostsOriginValidator(application)

    async def __call__(self, scope, receive, send):
        if any(name == b"origin" for name, _ in scope.get("headers", [])):
            return await self.validated(scope, receive, send)
        headers = [(name, value) for name, value in scope["headers"] if name != b"cookie"]
        return await self.application(dict(scope, headers=headers), receive, send)


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


class TokenOrSessionAuthMiddleware:
    """Puts the live sign-in (``auth_session``) and its ``user`` into the scope, or None.

    A token in the query string wins over the cookie; a bad token is not rescued by a cookie.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        if tokens:
            session = await _session_for_token(tokens[0])
        elif scope.get("session") is not None:
            session = await _session_for_cookie(scope["session"])
        else:
            session = None
        scope = dict(scope, auth_session=session, user=session.user if session else None)
        return await self.application(scope, receive, send)


websocket_application = OptionalOriginValidator(
    SessionMiddlewareStack(TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)))
)
