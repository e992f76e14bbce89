"""The admin site: staff sign in with their password, never with a phone code alone.

A page sign-in (SMS code) logs a person into the Django session, which would open Django's
stock admin to any staff account. Here the admin also needs the mark that only its own
password sign-in sets, bound to a Tether sign-in (AuthSession): revoking that sign-in
anywhere (the profile page, the API, deactivation) ends the admin session too. Wrong
passwords are limited per account and per IP across every process.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accounts.authentication import WEB_SESSION_KEY
from accounts.models import User
from accounts.services.sessions import session_revoke, session_start
from core import throttling
from core.api.request import client_ip
from tether.pages.web import live_web_session

# Key in the Django session: the AuthSession id that an admin password sign-in opened.
ADMIN_SESSION_KEY = "tether_admin_session_id"


def _password_buckets(request: HttpRequest, username: str) -> list[str]:
    return [
        f"admin_password:user:{User.normalize_username(username or '')}",
        f"admin_password:ip:{client_ip(request)}",
    ]


class PasswordLimitedAuthenticationForm(AdminAuthenticationForm):
    """Django's admin sign-in, refusing an account or an IP that had too many wrong
    passwords lately (even with the right one) until the window ends."""

    def clean(self):
        limit, window = settings.TETHER_ADMIN_PASSWORD_LIMIT
        buckets = _password_buckets(self.request, self.cleaned_data.get("username"))
        waits = [wait for b in buckets if (wait := throttling.exceeded(b, limit)) is not None]
        if waits:
            self.request.admin_retry_after = max(waits)
            raise ValidationError(
                _("Too many wrong passwords. Try again in %(minutes)s min.")
                % {"minutes": max(1, round(max(waits) / 60))},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            for bucket in buckets:
                throttling.hit(bucket, limit, window)
            raise
        self.request.admin_password_user = self.get_user()
        return cleaned


class TetherAdminSite(admin.AdminSite):
    site_header = "Tether administration"
    site_title = "Tether admin"
    login_form = PasswordLimitedAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        marked = request.session.get(ADMIN_SESSION_KEY)
        session = live_web_session(request)
        return marked is not None and session is not None and str(session.pk) == marked

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().login(request, extra_context)
        user = getattr(request, "admin_password_user", None)
        if user is not None and request.user.is_authenticated and request.user.pk == user.pk:
            _bind_admin_session(request, user)
        wait = getattr(request, "admin_retry_after", None)
        if wait is not None:
            response.status_code = 429
            response["Retry-After"] = str(max(1, int(wait + 0.999)))
        return response

    def logout(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        session = live_web_session(request)
        if session is not None:
            session_revoke(session=session)
        return super().logout(request, extra_context)


def _bind_admin_session(request: HttpRequest, user: User) -> None:
    """Tie this browser's admin access to a Tether sign-in: the page sign-in it already has
    (the same person), or a new one."""
    session = live_web_session(request)
    if session is None:
        session = session_start(
            user=user, user_agent=request.META.get("HTTP_USER_AGENT", ""), ip=client_ip(request)
        )
        request.session[WEB_SESSION_KEY] = str(session.pk)
    request.session[ADMIN_SESSION_KEY] = str(session.pk)
