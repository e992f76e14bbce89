"""Moderating accounts in /admin/: finding people, cutting them off, auditing codes."""

import pytest
from django.test import Client

from accounts.models import AuthSession, VerificationCode
from tests.factories import UserFactory
from tests.helpers import envelope_data, envelope_error, sign_in

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def people(db):
    return {
        "anna": UserFactory(username="anna_k", display_name="Anna Karenina", phone="+79035550901"),
        "boris": UserFactory(
            username="boris_g", display_name="Boris Godunov", phone="+79035550902"
        ),
        "gone": UserFactory(
            username="gone_user", display_name="Gone", phone="+79035550903", is_active=False
        ),
    }


def listed(admin_client, query: str = "") -> set[str]:
    page = admin_client.get(f"{CHANGELIST}{query}")
    assert page.status_code == 200
    text = page.content.decode()
    if 'id="result_list"' not in text:
        return set()
    text = text.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return {name for name in ("anna_k", "boris_g", "gone_user", "moderator") if name in text}


def test_the_admin_needs_staff(client, people):
    assert Client().get(CHANGELIST).status_code == 302
    plain = Client()
    plain.force_login(people["anna"])
    assert plain.get(CHANGELIST).status_code == 302


@pytest.mark.parametrize(
    ("query", "expected"),
    [("?q=%2B79035550901", {"anna_k"}), ("?q=boris_g", {"boris_g"}), ("?q=Karenina", {"anna_k"}),
     ("?q=godunov", {"boris_g"})],
)  # fmt: skip
def test_users_are_found_by_phone_username_or_name(admin_client, people, query, expected):
    assert listed(admin_client, query) == expected


def test_users_are_filtered_by_activity_and_staff(admin_client, people):
    assert listed(admin_client, "?is_active__exact=0") == {"gone_user"}
    assert listed(admin_client, "?is_active__exact=1") == {"anna_k", "boris_g", "moderator"}
    assert listed(admin_client, "?is_staff__exact=1") == {"moderator"}


def test_a_users_page_shows_their_sessions(admin_client, people):
    sign_in(people["anna"], user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
    page = admin_client.get(f"{CHANGELIST}{people['anna'].pk}/change/")
    assert page.status_code == 200
    assert b"Firefox" in page.content


def test_the_deactivate_action_cuts_the_users_tokens_off_at_once(admin_client, api, people):
    anna, boris = people["anna"], people["boris"]
    anna_tokens, boris_tokens = sign_in(anna), sign_in(boris)
    envelope_data(api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {anna_tokens.access}"))

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "deactivate_users",
            "_selected_action": [str(anna.pk)],
            "apply": "yes",
            "reason": "abuse",
        },
        follow=True,
    )
    assert response.status_code == 200 and b"1 user(s) deactivated" in response.content

    anna.refresh_from_db()
    assert anna.is_active is False
    assert not AuthSession.objects.filter(user=anna, revoked_at__isnull=True).exists()
    me = api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {anna_tokens.access}")
    envelope_error(me, 401, "invalid_token")
    refresh = api.post("/api/auth/refresh", {"refresh": anna_tokens.refresh}, format="json")
    envelope_error(refresh, 401, "invalid_token")
    envelope_data(api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {boris_tokens.access}"))


def test_unticking_active_on_the_change_form_cuts_the_user_off(
    admin_client, api, people, cut_offs, django_capture_on_commit_callbacks
):
    anna = people["anna"]
    tokens = sign_in(anna)
    page = admin_client.get(f"{CHANGELIST}{anna.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and not isinstance(value, list)
    }
    data.update(
        is_active="", **{"auth_sessions-TOTAL_FORMS": "1", "auth_sessions-INITIAL_FORMS": "1"}
    )
    data.update(
        {
            "auth_sessions-MIN_NUM_FORMS": "0",
            "auth_sessions-MAX_NUM_FORMS": "1000",
            "auth_sessions-0-id": str(anna.auth_sessions.get().pk),
            "auth_sessions-0-user": str(anna.pk),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{CHANGELIST}{anna.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    anna.refresh_from_db()
    assert anna.is_active is False
    me = api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {tokens.access}")
    envelope_error(me, 401, "invalid_token")
    # Through the cut-off service: sessions ended, every socket told to close, once.
    assert not anna.auth_sessions.filter(revoked_at__isnull=True).exists()
    assert cut_offs == [anna.pk]


@pytest.fixture
def a_code(api):
    envelope_data(
        api.post(
            "/api/auth/register", {"phone": "+79035550904", "display_name": "New"}, format="json"
        ),
        201,
    )
    return VerificationCode.objects.get(phone="+79035550904")


def test_verification_codes_are_listed_and_read_only(admin_client, a_code):
    listing = admin_client.get("/admin/accounts/verificationcode/?q=%2B79035550904")
    assert listing.status_code == 200 and b"+79035550904" in listing.content
    page = admin_client.get(f"/admin/accounts/verificationcode/{a_code.pk}/change/")
    assert page.status_code == 200
    assert b'name="attempts"' not in page.content  # shown, not editable
    assert admin_client.get("/admin/accounts/verificationcode/add/").status_code == 403
    response = admin_client.post(
        f"/admin/accounts/verificationcode/{a_code.pk}/change/", {"attempts": "0"}
    )
    assert response.status_code == 403


def test_the_code_hash_is_never_shown(admin_client, a_code):
    for url in (
        "/admin/accounts/verificationcode/",
        f"/admin/accounts/verificationcode/{a_code.pk}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert a_code.code_hash.encode() not in page.content
        assert b"code_hash" not in page.content and b"Code hash" not in page.content
