"""Register, log in, verify, log out: classic CSRF-protected forms over the auth services.

The phone travels from the first step to /verify/ in the Django session, with what a resend
needs (purpose, name) and when the next code may be asked for.
"""

import math
import time

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.authentication import (
    ACCOUNT_DELETED_COOKIE,
    WEB_SESSION_KEY,
    account_deleted_here,
    account_deleted_mark,
)
from accounts.models import User
from accounts.services.auth import auth_request_sign_in, auth_request_sign_up, auth_verify
from accounts.services.sessions import session_revoke
from core.api.request import client_ip
from core.errors import CodeThrottled, DomainError, Throttled
from tether.pages.forms import CodeForm, PhoneForm, RegisterForm
from tether.pages.strings import countdown_strings
from tether.pages.web import live_web_session, rate_limited

PENDING_KEY = "tether_pages_pending"
SIGN_UP, SIGN_IN = "sign_up", "sign_in"


def _wait_message(seconds: float | None) -> str:
    return _("Too many attempts. Try again in %(seconds)s s.") % {
        "seconds": max(1, math.ceil(seconds or 1))
    }


def _error_message(exc: DomainError) -> str:
    if isinstance(exc, CodeThrottled):
        return _("A code was sent to this number recently. Ask again in %(seconds)s s.") % {
            "seconds": max(1, math.ceil(exc.wait or 1))
        }
    if isinstance(exc, Throttled):
        return _wait_message(exc.wait)
    messages = {
        "phone_taken": _("This number is already registered."),
        "not_found": _("There is no account with this number."),
        "invalid_code": _("Wrong code. Check the SMS and try again."),
        "code_expired": _("This code has expired. Ask for a new one."),
        "too_many_attempts": _("Too many wrong attempts. Ask for a new code."),
    }
    return messages.get(exc.code, _("Something went wrong. Please try again."))


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/chats/"


def _send_code(request: HttpRequest, pending: dict):
    """Ask the services for a code; remember when the next one may be asked for."""
    ip = client_ip(request)
    if pending["purpose"] == SIGN_UP:
        issued = auth_request_sign_up(
            phone=pending["phone"], display_name=pending["display_name"], ip=ip
        )
    else:
        issued = auth_request_sign_in(phone=pending["phone"], ip=ip)
    pending["resend_at"] = time.time() + issued.resend_in
    request.session[PENDING_KEY] = pending


def _start(request: HttpRequest, form, purpose: str, template: str) -> HttpResponse:
    """The first step of both flows: validate, send a code, go to /verify/."""
    error = hint = None
    if form.is_valid():
        pending = {
            "phone": form.cleaned_data["phone"],
            "purpose": purpose,
            "display_name": form.cleaned_data.get("display_name", ""),
            "next": _safe_next(request, request.POST.get("next") or request.GET.get("next")),
        }
        wait = rate_limited(request, "code_request")
        if wait is not None:
            error = _wait_message(wait)
        else:
            try:
                _send_code(request, pending)
            except DomainError as exc:
                error = _error_message(exc)
                code = exc.code
                if isinstance(exc, Throttled) and _same_pending(request, pending):
                    # A code for this number is already on its way: go back to entering it.
                    return redirect("/verify/")
                if code in {"phone_taken", "not_found"}:
                    form.add_error("phone", error)
                    error, hint = None, code
            else:
                return redirect("/verify/")
    context = {"form": form, "error": error, "hint": hint, "next": _next(request)}
    return render(request, template, context)


def _same_pending(request: HttpRequest, pending: dict) -> bool:
    current = request.session.get(PENDING_KEY) or {}
    return current.get("phone") == pending["phone"] and current.get("purpose") == pending["purpose"]


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if live_web_session(request):
        return redirect("/chats/")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, "pages/register.html", {"form": form, "next": _next(request)})
    return _start(request, form, SIGN_UP, "pages/register.html")


@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    if live_web_session(request):
        return redirect(_safe_next(request, request.GET.get("next")))
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        deleted = request.GET.get("deleted") == "1" and account_deleted_here(request)
        context = {"form": form, "next": _next(request), "account_deleted": deleted}
        response = render(request, "pages/login.html", context)
        if deleted:
            response.delete_cookie(ACCOUNT_DELETED_COOKIE)  # said once
        return response
    return _start(request, form, SIGN_IN, "pages/login.html")


def _next(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next", "")
    return value if _safe_next(request, value) == value else ""


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("/login/")
    form, error, notice = CodeForm(), None, None
    if request.method == "POST" and request.POST.get("action") == "resend":
        wait = rate_limited(request, "code_request")
        try:
            if wait is not None:
                raise Throttled(wait=wait)
            _send_code(request, pending)
            notice = _("A new code is on its way.")
        except DomainError as exc:
            error = _error_message(exc)
    elif request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            wait = rate_limited(request, "code_verify")
            try:
                if wait is not None:
                    raise Throttled(wait=wait)
                return _finish(request, pending, form.cleaned_data["code"])
            except DomainError as exc:
                form.add_error("code", _error_message(exc))
    resend_in = max(0, math.ceil(pending.get("resend_at", 0) - time.time()))
    context = {
        "form": form,
        "error": error,
        "notice": notice,
        "phone": pending["phone"],
        "purpose": pending["purpose"],
        "resend_in": resend_in,
        "strings": countdown_strings(),
    }
    return render(request, "pages/verify.html", context)


def _finish(request: HttpRequest, pending: dict, code: str) -> HttpResponse:
    sign_in = auth_verify(
        phone=pending["phone"],
        code=code,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=client_ip(request),
    )
    request.session.pop(PENDING_KEY, None)
    login(request, sign_in.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[WEB_SESSION_KEY] = str(sign_in.session.id)
    return redirect(pending.get("next") or "/chats/")


@never_cache
@require_http_methods(["GET", "POST"])
def logout_page(request: HttpRequest) -> HttpResponse:
    """End this sign-in and the Django session on POST (CSRF-protected), then say so on /login/.

    A GET never logs out, so a link from another site cannot: with a live sign-in it shows
    a page whose button makes the POST; without one there is nothing to end, and it goes to
    /login/ (saying so if the account was deleted).
    """
    deleted = _account_deleted(request)
    if request.method == "GET":
        if live_web_session(request) is not None:
            return render(request, "pages/logout.html", {"display_name": request.user.display_name})
        return _to_login_deleted() if deleted else redirect("/login/")
    session = live_web_session(request)
    if session is not None:
        session_revoke(session=session)
    logout(request)
    if deleted:
        return _to_login_deleted()
    messages.info(request, _("You are logged out."))
    return redirect("/login/")


def _to_login_deleted() -> HttpResponse:
    """To /login/, which says that the account is gone: on the page itself rather than by a
    one-time message, which another tab of the browser (its socket closed by the deletion,
    landing on /login/ at the same moment) could take first. The signed cookie (renewed
    here, whether the deletion or the session told) keeps a crafted link from saying it."""
    response = redirect("/login/?deleted=1")
    account_deleted_mark(response)
    return response


def _account_deleted(request: HttpRequest) -> bool:
    """This browser's account was just deleted (the profile page comes here afterwards).

    The deletion's signed cookie says so even when the Django session is gone."""
    if account_deleted_here(request):
        return True
    user_id = request.session.get(SESSION_KEY)
    try:
        return (
            user_id is not None
            and User.objects.filter(pk=user_id, deleted_at__isnull=False).exists()
        )
    except (ValueError, ValidationError):
        return False
