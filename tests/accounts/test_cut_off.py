"""One way to cut a user off (``user_deactivate``), whoever asks; and the profile rules and
username folding in one place each."""

import pytest
from django.contrib.auth import authenticate

from accounts.models import AVATAR_URL_MAX, User
from accounts.services.deletion import account_delete, account_delete_code_request
from accounts.services.users import user_deactivate, user_update
from core.errors import ValidationFailed
from moderation.services import moderation_deactivate_user
from tests.factories import UserFactory
from tests.helpers import assert_queries, last_code, sign_in

pytestmark = pytest.mark.django_db


def test_deactivation_ends_every_session_and_closes_sockets_once(
    alice, cut_offs, django_capture_on_commit_callbacks
):
    sign_in(alice), sign_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=alice)
    assert not alice.auth_sessions.filter(revoked_at__isnull=True).exists()
    assert cut_offs == [alice.pk]


def test_account_deletion_cuts_off_exactly_once(
    alice, cut_offs, django_capture_on_commit_callbacks
):
    sign_in(alice)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete_code_request(user=alice, ip=None)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=alice, code=last_code(alice.phone))
    alice.refresh_from_db()
    assert alice.is_active is False and alice.deleted_at is not None and alice.phone is None
    assert not alice.auth_sessions.filter(revoked_at__isnull=True).exists()
    assert cut_offs == [alice.pk]


def test_a_moderators_deactivation_goes_through_the_same_service(
    alice, cut_offs, django_capture_on_commit_callbacks
):
    moderator = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_deactivate_user(moderator=moderator, user=alice, reason="spam")
    assert cut_offs == [alice.pk]


def test_saving_a_user_costs_one_query_and_cuts_nobody_off(
    alice, cut_offs, django_capture_on_commit_callbacks
):
    alice.display_name = "Renamed"
    with django_capture_on_commit_callbacks(execute=True), assert_queries(1):
        alice.save()
    assert cut_offs == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bio": "x" * 501}, "bio"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 101}, "display_name"),
        ({"username": "no"}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"avatar_url": "ftp://example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://e.com/" + "a" * AVATAR_URL_MAX}, "avatar_url"),
        ({"bio": 7}, "bio"),
    ],
)
def test_the_profile_rules_hold_for_every_caller(alice, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        user_update(user=alice, **changes)
    assert list(refused.value.fields) == [field]
    alice.refresh_from_db()
    assert getattr(alice, field) != changes[field]


def test_an_avatar_url_of_2000_characters_is_accepted(alice):
    url = "https://example.com/" + "a" * (AVATAR_URL_MAX - len("https://example.com/"))
    assert user_update(user=alice, avatar_url=url).avatar_url == url


def test_usernames_are_folded_in_one_place(alice):
    assert User.normalize_username("Anna_K") == "anna_k"
    assert user_update(user=alice, username="Anna_K").username == "anna_k"
    staff = User.objects.create_superuser(
        username="Staff_One", phone="+79990000011", display_name="S", password="x-Strong-pass-1"
    )
    assert staff.username == "staff_one"
    assert authenticate(username="STAFF_ONE", password="x-Strong-pass-1") == staff
