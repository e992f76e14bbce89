"""Who the API believes the caller is: bearer tokens, the web session, and cut-off users."""

import uuid
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.authentication import WEB_SESSION_KEY
from accounts.models import User
from accounts.services.deletion import account_delete_code_request
from accounts.services.sessions import session_revoke, session_start
from accounts.services.users import user_deactivate
from tests.helpers import envelope_data, envelope_error, last_code, sign_in

pytestmark = pytest.mark.django_db


def me(api, authorization=None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return api.get("/api/users/me", **headers)


def test_no_credentials_is_401_not_authenticated_with_a_challenge(api):
    response = me(api)
    envelope_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer garbage", "Bearer a.b.c", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA", "Bearer x y"],
)
def test_a_garbage_token_is_401_invalid_token(api, authorization):
    envelope_error(me(api, authorization), 401, "invalid_token")


def test_a_token_signed_with_another_key_is_invalid(api, user):
    claims = RefreshToken(sign_in(user).refresh).access_token.payload
    forged = jwt.encode(dict(claims), "not-the-secret-key-" * 3, algorithm="HS256")
    envelope_error(me(api, f"Bearer {forged}"), 401, "invalid_token")


def test_an_expired_access_token_is_invalid(api, user):
    access = RefreshToken(sign_in(user).refresh).access_token
    access.set_exp(from_time=timezone.now() - timedelta(hours=1))
    envelope_error(me(api, f"Bearer {access}"), 401, "invalid_token")


def test_an_access_token_lives_15_minutes(user):
    access = RefreshToken(sign_in(user).refresh).access_token
    assert access["exp"] - access["iat"] == 15 * 60
    assert settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] == timedelta(days=30)


def test_a_token_of_an_unknown_session_is_invalid(api, user):
    refresh = RefreshToken(sign_in(user).refresh)
    refresh["sid"] = str(uuid.uuid4())
    envelope_error(me(api, f"Bearer {refresh.access_token}"), 401, "invalid_token")
    refresh["sid"] = "not-a-uuid"
    envelope_error(me(api, f"Bearer {refresh.access_token}"), 401, "invalid_token")


def test_a_refresh_token_is_not_an_access_token(api, user):
    envelope_error(me(api, f"Bearer {sign_in(user).refresh}"), 401, "invalid_token")


def test_a_valid_token_identifies_the_user(api, user):
    assert envelope_data(me(api, f"Bearer {sign_in(user).access}"))["id"] == str(user.id)


def test_a_deactivated_users_access_token_stops_at_once_however_deactivated(api, user):
    # Even a bare save() from the shell: authentication reads is_active with the session.
    tokens = sign_in(user)
    envelope_data(me(api, f"Bearer {tokens.access}"))
    User.objects.filter(pk=user.pk).update(is_active=False)
    envelope_error(me(api, f"Bearer {tokens.access}"), 401, "invalid_token")


def test_deactivation_through_the_service_stops_every_session(api, user, other_user):
    first, second = sign_in(user, "one"), sign_in(user, "two")
    bystander = sign_in(other_user)
    user_deactivate(user=user)
    for tokens in (first, second):
        envelope_error(me(api, f"Bearer {tokens.access}"), 401, "invalid_token")
    envelope_data(me(api, f"Bearer {bystander.access}"))


def test_a_revoked_sessions_access_token_stops_at_once(api, user):
    tokens = sign_in(user)
    session = user.auth_sessions.get()
    session_revoke(session=session)
    envelope_error(me(api, f"Bearer {tokens.access}"), 401, "invalid_token")


@pytest.fixture
def web_client(user):
    """A browser signed in through the pages: a Django session tied to a live sign-in."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    auth_session = session_start(user=user, user_agent="browser")
    django_session = client.session
    django_session[WEB_SESSION_KEY] = str(auth_session.id)
    django_session.save()
    client.auth_session = auth_session
    return client


def test_the_web_session_reads_the_api(web_client, user):
    assert envelope_data(web_client.get("/api/users/me"))["id"] == str(user.id)


def test_the_web_session_needs_csrf_for_unsafe_calls(web_client, user):
    response = web_client.patch("/api/users/me", {"bio": "x"}, format="json")
    envelope_error(response, 403, "permission_denied")
    user.refresh_from_db()
    assert user.bio == ""

    token = "t" * 32  # what the pages' CSRF cookie holds, echoed in the header
    web_client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = web_client.patch(
        "/api/users/me", {"bio": "x"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert envelope_data(response)["bio"] == "x"


def test_a_web_session_whose_sign_in_ended_is_anonymous(web_client):
    session_revoke(session=web_client.auth_session)
    envelope_error(web_client.get("/api/users/me"), 401, "not_authenticated")


def test_a_django_login_without_a_sign_in_is_anonymous(user):
    client = APIClient()
    client.force_login(user)
    envelope_error(client.get("/api/users/me"), 401, "not_authenticated")


def test_a_web_deletion_is_told_on_logout_even_after_another_tab_flushed_the_session(
    web_client, user, django_capture_on_commit_callbacks
):
    """The profile page goes to /logout/ after the deletion; another tab of the same browser,
    its socket closed with 4001, may load /login/ at the same moment: the notice is not a
    one-time message that it could take, and a crafted link shows nothing."""
    token = "t" * 32
    web_client.cookies[settings.CSRF_COOKIE_NAME] = token
    with django_capture_on_commit_callbacks(execute=True):
        account_delete_code_request(user=user, ip=None)
    response = web_client.delete(
        "/api/users/me", {"code": last_code(user.phone)}, format="json",
        HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.cookies["tether_account_deleted"]["httponly"]
    leaving = web_client.get("/logout/")
    assert leaving.status_code == 302 and leaving["Location"] == "/login/?deleted=1"
    other_tab = web_client.get("/login/")  # its socket closed: it lands on /login/ too
    said = "Your account has been deleted, and you are logged out."
    assert said not in other_tab.content.decode()
    assert said in web_client.get(leaving["Location"]).content.decode()
    assert web_client.cookies["tether_account_deleted"].value == ""  # said once
    assert said not in web_client.get("/login/?deleted=1").content.decode()


def test_a_token_deletion_sets_no_cookie(api, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_delete_code_request(user=user, ip=None)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {sign_in(user).access}")
    response = api.delete("/api/users/me", {"code": last_code(user.phone)}, format="json")
    assert response.status_code == 200 and "tether_account_deleted" not in response.cookies
