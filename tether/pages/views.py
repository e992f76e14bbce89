"""The signed-in pages: the messenger itself and one's profile."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.serializers import ProfileUpdateSerializer
from accounts.services.users import PROFILE_FIELDS, user_update
from core.errors import UsernameTaken
from tether.pages.strings import js_strings, profile_strings
from tether.pages.web import avatar, live_web_session, web_login_required


def home(request: HttpRequest) -> HttpResponse:
    return redirect("/chats/" if live_web_session(request) else "/login/")


@web_login_required
def chats(request: HttpRequest, chat_id=None) -> HttpResponse:
    """One shell for the list and an open chat; static/js/chat.js fills it from the API."""
    user = request.user
    me = {
        "id": str(user.pk),
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
    }
    context = {
        "me": me,
        "me_avatar": avatar(user),
        "open_chat_id": str(chat_id) if chat_id else "",
        "strings": js_strings(),
        "max_upload_bytes": settings.TETHER_MAX_UPLOAD_BYTES,
    }
    return render(request, "pages/chats.html", context)


def _field_messages() -> dict[str, str]:
    return {
        "display_name": _("Enter a name of 1 to 100 characters."),
        "username": _("5 to 32 characters: lowercase latin letters, digits and underscores."),
        "bio": _("At most 500 characters."),
        "avatar_url": _("Enter an http:// or https:// address, or leave it empty."),
    }


@web_login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    values = {name: getattr(user, name) for name in PROFILE_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in PROFILE_FIELDS}
        serializer = ProfileUpdateSerializer(data=values)
        if serializer.is_valid():
            try:
                user_update(user=user, **serializer.validated_data)
            except UsernameTaken:
                errors["username"] = _("This username is taken. Try another one.")
            else:
                messages.success(request, _("Profile saved."))
                return redirect("/profile/")
        else:
            messages_by_field = _field_messages()
            errors = {
                name: messages_by_field.get(name, _("Check this field."))
                for name in serializer.errors
            }
        user.refresh_from_db()
    context = {
        "values": values,
        "errors": errors,
        "avatar": avatar(user),
        "phone": user.phone,
        "username_now": user.username,
        "strings": profile_strings(),
    }
    return render(request, "pages/profile.html", context)
