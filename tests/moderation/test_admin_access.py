"""/admin/ needs the staff member's password: a phone code alone never opens it, wrong
passwords are limited, and the admin ends with the sign-in it belongs to."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client, TestCase

from accounts.models import AuthSession, User
from accounts.services.sessions import session_revoke
from core.errors import PermissionDenied
from moderation.groups import MODERATORS
from moderation.services import moderation_deactivate_user
from tests.factories import UserFactory
from tests.helpers import STAFF_PASSWORD, admin_client_for, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser(
        username="root_admin", phone="+79990000100", display_name="Root", password=STAFF_PASSWORD
    )


@pytest.fixture
def moderator():
    user = UserFactory(is_staff=True, password=STAFF_PASSWORD)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def phone_sign_in(user) -> Client:
    """The pages' sign-in: a code texted to the phone."""
    client = Client()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the code is texted on commit
        client.post("/login/", {"phone": user.phone})
    response = client.post("/verify/", {"code": last_code(user.phone)})
    assert response.status_code == 302 and response["Location"] == "/chats/"
    return client


def password_attempt(client: Client, username: str, password: str):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_a_phone_code_alone_never_opens_the_admin(superuser):
    client = phone_sign_in(superuser)
    assert client.get("/chats/").status_code == 200  # signed in to the pages
    page = client.get("/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/user/").status_code == 302


def test_the_password_opens_it_and_ends_with_its_sign_in(superuser):
    client = admin_client_for(superuser)
    assert client.get("/admin/accounts/user/").status_code == 200
    sign_in = AuthSession.objects.get(user=superuser, revoked_at__isnull=True)
    session_revoke(session=sign_in)  # from the profile page, the API, anywhere
    page = client.get("/admin/accounts/user/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")


def test_the_admins_log_out_ends_its_sign_in(superuser):
    client = admin_client_for(superuser)
    client.post("/admin/logout/")
    assert not AuthSession.objects.filter(user=superuser, revoked_at__isnull=True).exists()


def test_a_phone_sign_in_then_the_password_shares_one_sign_in(superuser):
    client = phone_sign_in(superuser)
    assert password_attempt(client, superuser.username, STAFF_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert AuthSession.objects.filter(user=superuser, revoked_at__isnull=True).count() == 1


def test_five_wrong_passwords_lock_the_account_for_the_window(superuser):
    for _ in range(5):
        assert password_attempt(Client(), superuser.username, "wrong").status_code == 200
    # The sixth try is refused even with the right password, from anywhere, in any case.
    refused = password_attempt(Client(REMOTE_ADDR="10.0.0.9"), "ROOT_ADMIN", STAFF_PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60
    assert "Too many wrong passwords" in refused.content.decode()


def test_five_wrong_passwords_from_one_ip_lock_that_ip(superuser):
    for n in range(5):
        password_attempt(Client(), f"nobody_{n}", "wrong")
    assert password_attempt(Client(), superuser.username, STAFF_PASSWORD).status_code == 429
    other_ip = Client(REMOTE_ADDR="10.0.0.7")
    assert password_attempt(other_ip, superuser.username, STAFF_PASSWORD).status_code == 302


def test_the_password_limit_holds_with_throttling_off(superuser, settings):
    settings.TETHER_THROTTLE = False
    for _ in range(5):
        password_attempt(Client(), superuser.username, "wrong")
    assert password_attempt(Client(), superuser.username, STAFF_PASSWORD).status_code == 429


def test_a_moderator_cannot_deactivate_staff_but_a_superuser_can(moderator, superuser):
    other_staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        moderation_deactivate_user(moderator=moderator, user=superuser, reason="coup")
    with pytest.raises(PermissionDenied):
        moderation_deactivate_user(moderator=moderator, user=other_staff, reason="coup")
    moderation_deactivate_user(moderator=superuser, user=other_staff, reason="left the team")
    superuser.refresh_from_db()
    other_staff.refresh_from_db()
    assert superuser.is_active and not other_staff.is_active


def test_the_moderators_deactivate_action_leaves_staff_alone(moderator, superuser):
    plain = UserFactory()
    client = admin_client_for(moderator)
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "deactivate_users",
            "_selected_action": [str(superuser.pk), str(plain.pk)],
            "apply": "yes",
            "reason": "cleanup",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "superusers only" in response.content.decode()
    superuser.refresh_from_db()
    plain.refresh_from_db()
    assert superuser.is_active and not plain.is_active
