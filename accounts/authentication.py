"""Authentication that checks the sign-in behind every request, not just the signature.

A JWT stays valid until it expires; Tether's contract ends a sign-in "at once", so each
request loads the live session with its user in one query (the query simplejwt would spend on
the user alone) and refuses a revoked session or a deactivated user.
"""

from django.conf import settings
from rest_framework.authentication import SessionAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.services.sessions import SESSION_CLAIM, session_get_live, session_touch
from core.api.exceptions import InvalidToken

# Key in the Django session of the AuthSession a web sign-in started.
WEB_SESSION_KEY = "tether_session_id"
# A signed cookie set when a web session deletes its account, so that /login/ can say so
# (and a crafted link cannot); see tether.pages.auth.
ACCOUNT_DELETED_COOKIE = "tether_account_deleted"
_ACCOUNT_DELETED_SALT = "tether.account-deleted"
_ACCOUNT_DELETED_MAX_AGE = 300


def account_deleted_mark(response) -> None:
    """Tell this browser, for a few minutes, that its account was deleted."""
    response.set_signed_cookie(
        ACCOUNT_DELETED_COOKIE, "1", salt=_ACCOUNT_DELETED_SALT,
        max_age=_ACCOUNT_DELETED_MAX_AGE, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip


def account_deleted_here(request) -> bool:
    """This browser deleted its account moments ago (``account_deleted_mark``)."""
    value = request.get_signed_cookie(
        ACCOUNT_DELETED_COOKIE, default=None, salt=_ACCOUNT_DELETED_SALT,
        max_age=_ACCOUNT_DELETED_MAX_AGE,
    )  # fmt: skip
    return value == "1"


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
