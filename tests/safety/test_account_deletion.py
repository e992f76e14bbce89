"""Deleting an account with a fresh code: anonymised, cut off, phone free, history kept."""

from datetime import timedelta

import pytest

from accounts.models import User, VerificationCode
from tests.helpers import envelope_data, envelope_error, last_code

pytestmark = pytest.mark.django_db


def age_codes(phone, seconds=61):
    for code in VerificationCode.objects.filter(phone=phone):
        code.created_at -= timedelta(seconds=seconds)
        code.expires_at -= timedelta(seconds=seconds)
        code.save()


def test_delete_with_a_deletion_code(api, as_alice, as_bob, alice, bob, chat, send):
    envelope_data(send(as_alice, chat, "remember me"), 201)
    phone = alice.phone
    sent = envelope_data(as_alice.post("/api/users/me/delete-code"))
    assert sent == {"phone": phone, "expires_in": 300, "resend_in": 60}
    response = as_alice.delete("/api/users/me", {"code": last_code(phone)}, format="json")
    assert envelope_data(response) == {}

    envelope_error(as_alice.get("/api/users/me"), 401, "invalid_token")
    profile = envelope_data(as_bob.get(f"/api/users/{alice.pk}"))
    assert profile["display_name"] == "Deleted account"
    assert profile["bio"] == "" and profile["avatar_url"] == ""
    history = envelope_data(as_bob.get(f"/api/chats/{chat.pk}/messages"))
    assert [(m["seq"], m["content"]) for m in history] == [(1, "remember me")]

    # The phone registers anew, once the per-phone code rules allow a new code.
    response = api.post(
        "/api/auth/register", {"phone": phone, "display_name": "New"}, format="json"
    )
    envelope_error(response, 429, "throttled")
    age_codes(phone)
    envelope_data(
        api.post("/api/auth/register", {"phone": phone, "display_name": "New"}, format="json"), 201
    )
    again = envelope_data(
        api.post("/api/auth/verify-code", {"phone": phone, "code": last_code(phone)}, format="json")
    )
    assert again["created"] is True and again["user"]["id"] != str(alice.pk)
    assert User.objects.get(pk=alice.pk).phone is None


def test_a_sign_in_code_does_not_delete_and_a_deletion_code_does_not_sign_in(api, as_alice, alice):
    api.post("/api/auth/login", {"phone": alice.phone}, format="json")
    sign_in_code = last_code(alice.phone)
    envelope_error(
        as_alice.delete("/api/users/me", {"code": sign_in_code}, format="json"), 400, "invalid_code"
    )
    age_codes(alice.phone)
    envelope_data(as_alice.post("/api/users/me/delete-code"))
    deletion_code = last_code(alice.phone)
    body = {"phone": alice.phone, "code": deletion_code}
    response = api.post("/api/auth/verify-code", body, format="json")
    assert response.status_code == 400
    assert User.objects.get(pk=alice.pk).is_active


def test_wrong_and_malformed_deletion_codes(as_alice, alice):
    envelope_data(as_alice.post("/api/users/me/delete-code"))
    code = last_code(alice.phone)
    wrong = "000000" if code != "000000" else "111111"
    envelope_error(
        as_alice.delete("/api/users/me", {"code": wrong}, format="json"), 400, "invalid_code"
    )
    envelope_error(
        as_alice.delete("/api/users/me", {"code": 123456}, format="json"), 400, "validation_error"
    )
    envelope_error(as_alice.delete("/api/users/me", {}, format="json"), 400, "validation_error")
    assert User.objects.get(pk=alice.pk).is_active


def test_the_deletion_code_obeys_the_60_second_rule(as_alice):
    envelope_data(as_alice.post("/api/users/me/delete-code"))
    envelope_error(as_alice.post("/api/users/me/delete-code"), 429, "throttled")
