"""``/api/users/me`` (read and change one's profile) and ``/api/users/{id}``."""

import json
import uuid

import pytest

from tests.factories import UserFactory
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db
PUBLIC_FIELDS = {"id", "username", "display_name", "bio", "avatar_url", "last_seen", "online"}


def patch_me(client, payload):
    return client.patch("/api/users/me", payload, format="json")


def test_me_is_the_callers_own_user_with_the_phone(client_for, user):
    data = envelope_data(client_for(user).get("/api/users/me"))
    assert set(data) == PUBLIC_FIELDS | {"phone"}
    assert data["id"] == str(user.id) and data["phone"] == user.phone
    assert data["username"] == user.username and data["online"] is False


def test_me_needs_credentials(api):
    envelope_error(api.get("/api/users/me"), 401, "not_authenticated")
    envelope_error(patch_me(api, {"bio": "x"}), 401, "not_authenticated")


def test_patch_changes_only_the_fields_given(client_for, user):
    client = client_for(user)
    data = envelope_data(patch_me(client, {"bio": "Hello there", "display_name": "  Ann B  "}))
    assert data["bio"] == "Hello there" and data["display_name"] == "Ann B"
    assert data["username"] == user.username and data["phone"] == user.phone
    user.refresh_from_db()
    assert (user.bio, user.display_name) == ("Hello there", "Ann B")


def test_an_empty_patch_changes_nothing(client_for, user):
    data = envelope_data(patch_me(client_for(user), {}))
    assert data["display_name"] == user.display_name


def test_the_phone_cannot_be_changed_through_the_profile(client_for, user):
    data = envelope_data(patch_me(client_for(user), {"phone": "+79169999999", "bio": "b"}))
    assert data["phone"] == user.phone
    user.refresh_from_db()
    assert user.phone != "+79169999999"


@pytest.mark.parametrize("name", ["A", "x" * 100, "Имя Фамилия"])
def test_display_names_of_1_to_100_characters_are_accepted(client_for, user, name):
    assert envelope_data(patch_me(client_for(user), {"display_name": name}))["display_name"] == name


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, None])
def test_display_names_outside_1_to_100_characters_are_refused(client_for, user, name):
    body = envelope_error(
        patch_me(client_for(user), {"display_name": name}), 400, "validation_error"
    )
    assert "display_name" in body["fields"]
    user.refresh_from_db()
    assert user.display_name.startswith("Person")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("New_Name1", "new_name1"),
        ("abcde", "abcde"),
        ("a" * 32, "a" * 32),
        ("ALL_CAPS", "all_caps"),
    ],
)
def test_usernames_are_lowercased(client_for, user, typed, stored):
    assert envelope_data(patch_me(client_for(user), {"username": typed}))["username"] == stored
    user.refresh_from_db()
    assert user.username == stored


@pytest.mark.parametrize(
    "name", ["abcd", "a" * 33, "with-dash", "with space", "ünïcode", "", "a.b.c.d"]
)
def test_usernames_outside_the_pattern_are_refused(client_for, user, name):
    body = envelope_error(patch_me(client_for(user), {"username": name}), 400, "validation_error")
    assert "username" in body["fields"]


def test_a_taken_username_is_409_whatever_its_case(client_for, user, other_user):
    client = client_for(user)
    envelope_error(patch_me(client, {"username": other_user.username}), 409, "username_taken")
    envelope_error(
        patch_me(client, {"username": other_user.username.upper()}), 409, "username_taken"
    )
    user.refresh_from_db()
    assert user.username != other_user.username


def test_keeping_ones_own_username_is_fine(client_for, user):
    data = envelope_data(patch_me(client_for(user), {"username": user.username.upper()}))
    assert data["username"] == user.username


def test_a_bio_may_have_500_characters_and_no_more(client_for, user):
    client = client_for(user)
    assert envelope_data(patch_me(client, {"bio": "b" * 500}))["bio"] == "b" * 500
    assert envelope_data(patch_me(client, {"bio": ""}))["bio"] == ""
    body = envelope_error(patch_me(client, {"bio": "b" * 501}), 400, "validation_error")
    assert "bio" in body["fields"]


def test_an_avatar_url_is_an_http_address_or_empty(client_for, user):
    client = client_for(user)
    url = "https://example.com/avatars/ann.png"
    assert envelope_data(patch_me(client, {"avatar_url": url}))["avatar_url"] == url
    assert envelope_data(patch_me(client, {"avatar_url": ""}))["avatar_url"] == ""
    for bad in ["not a url", "ftp://example.com/a.png", "javascript:alert(1)"]:
        body = envelope_error(patch_me(client, {"avatar_url": bad}), 400, "validation_error")
        assert "avatar_url" in body["fields"]


@pytest.mark.parametrize(
    "payload",
    [{"display_name": 5}, {"username": 12345}, {"bio": True}, {"avatar_url": 5},
     {"display_name": ["Ann"]}, {"bio": {"text": "x"}}, {"username": None}],
)  # fmt: skip
def test_wrong_json_types_are_validation_errors_with_fields(client_for, user, payload):
    body = envelope_error(patch_me(client_for(user), payload), 400, "validation_error")
    assert list(body["fields"]) == list(payload)
    assert all(isinstance(message, str) for message in body["fields"][next(iter(payload))])


@pytest.mark.parametrize("payload", [[], "text", 5, None])
def test_a_body_that_is_not_an_object_is_a_validation_error(client_for, user, payload):
    response = client_for(user).patch(
        "/api/users/me", json.dumps(payload), content_type="application/json"
    )
    envelope_error(response, 400, "validation_error")


def test_put_on_me_is_not_allowed(client_for, user):
    client = client_for(user)
    envelope_error(
        client.put("/api/users/me", {"bio": "x"}, format="json"), 405, "method_not_allowed"
    )


def test_another_user_is_public_without_the_phone(client_for, user, other_user):
    data = envelope_data(client_for(user).get(f"/api/users/{other_user.id}"))
    assert set(data) == PUBLIC_FIELDS
    assert data["id"] == str(other_user.id) and data["display_name"] == other_user.display_name


def test_a_users_values_are_the_contracts_types(client_for, user, other_user):
    from datetime import UTC, datetime

    from accounts.models import User

    seen = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    User.objects.filter(pk=other_user.pk).update(bio="Hi", last_seen=seen)
    data = envelope_data(client_for(user).get(f"/api/users/{other_user.id}"))
    assert data == {
        "id": str(other_user.id),
        "username": other_user.username,
        "display_name": other_user.display_name,
        "bio": "Hi",
        "avatar_url": "",
        "last_seen": "2024-05-06T07:08:09.123456Z",
        "online": False,
    }


def test_a_user_by_id_accepts_a_trailing_slash(client_for, user, other_user):
    data = envelope_data(client_for(user).get(f"/api/users/{other_user.id}/"))
    assert data["id"] == str(other_user.id)


@pytest.mark.parametrize("user_id", [uuid.uuid4(), "not-a-uuid", "12345", f"{uuid.uuid4()}x"])
def test_an_unknown_or_malformed_user_id_is_404(client_for, user, user_id):
    envelope_error(client_for(user).get(f"/api/users/{user_id}"), 404, "not_found")


def test_a_deactivated_user_is_404(client_for, user):
    gone = UserFactory(is_active=False)
    envelope_error(client_for(user).get(f"/api/users/{gone.id}"), 404, "not_found")


def test_users_by_id_need_credentials(api, other_user):
    envelope_error(api.get(f"/api/users/{other_user.id}"), 401, "not_authenticated")
