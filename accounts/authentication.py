"""Authentication that checks the sign-in behind every request, not just the signature.

A JWT stays valid until it expires; Tether's contract ends a sign-in "at once", so each
request loads the live session with its user in one query (the query simplejwt would spend on
the user alone) and refuses a revoked session or a deactivated user.
"""

from rest_framework.authentication import SessionAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.services.sessions import SESSION_CLAIM, session_get_live, session_touch
from core.api.exceptions import InvalidToken

# Key in the Django session of the AuthSession a web sign-in started.
WEB_SESSION_KEY = "tether_session_id"
# A signed cookie set when a web session deletes its account: it outlives the Django
# session, which another tab's request may flush first, so /logout/ can still say so.
ACCOUNT_DELETED_COOKIE = "tether_account_deleted"
ACCOUNT_DELETED_SALT = "tether.account-deleted"
ACCOUNT_DELETED_MAX_AGE = 300


class SessionJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        validated = self.get_validated_token(raw_token)
        session = session_get_live(validated.get(SESSION_CLAIM))
        if session is None:
            raise InvalidToken()
        session_touch(session=session)
        request.auth_session = session
        return session.user, validated


class CsrfSessionAuthentication(SessionAuthentication):
    """The web pages' Django session (CSRF enforced), valid while its sign-in lives."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        session = session_get_live(request._request.session.get(WEB_SESSION_KEY))
        if session is None or session.user_id != result[0].pk:
            return None
        session_touch(session=session)
        request.auth_session = session
        return session.user, None
