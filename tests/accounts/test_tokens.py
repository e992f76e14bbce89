"""Refresh rotation and logout: a sign-in's tokens, and when they stop working."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import AuthSession
from tests.helpers import at_once, envelope_data, envelope_error, sign_in

pytestmark = pytest.mark.django_db


def refresh(api, token):
    return api.post("/api/auth/refresh", {"refresh": token}, format="json")


def logout(api, token):
    return api.post("/api/auth/logout", {"refresh": token}, format="json")


def me(api, access):
    return api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_refresh_rotates_the_pair_and_the_old_refresh_stops_working(api, user):
    tokens = sign_in(user)
    pair = envelope_data(refresh(api, tokens.refresh))
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != tokens.refresh and pair["access"] != tokens.access
    assert envelope_data(me(api, pair["access"]))["id"] == str(user.id)
    # The new refresh token carries on the same sign-in.
    again = envelope_data(refresh(api, pair["refresh"]))
    assert (
        RefreshToken(again["refresh"])["sid"] == RefreshToken(tokens.refresh, verify=False)["sid"]
    )
    assert AuthSession.objects.filter(user=user).count() == 1


def test_a_rotated_refresh_token_presented_again_ends_its_whole_session(api, user):
    tokens = sign_in(user)
    stolen = tokens.refresh
    pair = envelope_data(refresh(api, tokens.refresh))  # the owner rotates
    envelope_error(refresh(api, stolen), 401, "invalid_token")  # the old copy comes back
    # Whoever holds the newer tokens is cut off too: the family can no longer be trusted.
    envelope_error(me(api, pair["access"]), 401, "invalid_token")
    envelope_error(refresh(api, pair["refresh"]), 401, "invalid_token")
    assert AuthSession.objects.get(user=user).revoked_at is not None


def test_another_sessions_tokens_survive_a_reuse(api, user):
    mine, other = sign_in(user), sign_in(user)
    envelope_data(refresh(api, mine.refresh))
    envelope_error(refresh(api, mine.refresh), 401, "invalid_token")
    envelope_data(me(api, other.access))


def test_no_session_outlives_90_days_however_often_refreshed(api, user, settings):
    tokens = sign_in(user)
    session = AuthSession.objects.get(user=user)
    # 89 days and 23 hours old: the new tokens expire with the session, not 30 days later.
    session.created_at = timezone.now() - timedelta(days=89, hours=23)
    session.save(update_fields=["created_at"])
    pair = envelope_data(refresh(api, tokens.refresh))
    left = RefreshToken(pair["refresh"])["exp"] - timezone.now().timestamp()
    assert 0 < left <= 3600 + 5
    session.created_at = timezone.now() - timedelta(days=90, seconds=1)
    session.save(update_fields=["created_at"])
    envelope_error(me(api, pair["access"]), 401, "invalid_token")
    envelope_error(refresh(api, pair["refresh"]), 401, "invalid_token")


def test_refresh_keeps_the_sessions_access_tokens_working(api, user):
    tokens = sign_in(user)
    envelope_data(refresh(api, tokens.refresh))
    envelope_data(me(api, tokens.access))


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.x"])
def test_a_garbage_refresh_token_is_invalid(api, token):
    envelope_error(refresh(api, token), 401, "invalid_token")
    envelope_error(logout(api, token), 401, "invalid_token")


def test_an_access_token_is_not_a_refresh_token(api, user):
    envelope_error(refresh(api, sign_in(user).access), 401, "invalid_token")


@pytest.mark.parametrize("payload", [{}, {"refresh": 5}, {"refresh": None}, {"refresh": ["x"]}])
def test_a_missing_or_mistyped_refresh_is_a_validation_error(api, payload):
    body = envelope_error(
        api.post("/api/auth/refresh", payload, format="json"), 400, "validation_error"
    )
    assert "refresh" in body["fields"]


def test_refresh_of_a_deactivated_user_is_invalid(api, user):
    tokens = sign_in(user)
    user.is_active = False
    user.save()
    envelope_error(refresh(api, tokens.refresh), 401, "invalid_token")


def test_logout_ends_the_refresh_and_access_tokens_at_once(api, user):
    tokens = sign_in(user)
    assert envelope_data(logout(api, tokens.refresh)) == {}
    envelope_error(me(api, tokens.access), 401, "invalid_token")
    envelope_error(refresh(api, tokens.refresh), 401, "invalid_token")
    envelope_error(logout(api, tokens.refresh), 401, "invalid_token")
    assert AuthSession.objects.get(user=user).revoked_at is not None


def test_logout_ends_the_access_tokens_minted_by_earlier_refreshes(api, user):
    tokens = sign_in(user)
    pair = envelope_data(refresh(api, tokens.refresh))
    envelope_data(logout(api, pair["refresh"]))
    envelope_error(me(api, tokens.access), 401, "invalid_token")
    envelope_error(me(api, pair["access"]), 401, "invalid_token")


def test_logout_leaves_the_users_other_sessions_alone(api, user):
    phone, laptop = sign_in(user, "phone"), sign_in(user, "laptop")
    envelope_data(logout(api, phone.refresh))
    envelope_data(me(api, laptop.access))
    envelope_data(refresh(api, laptop.refresh))


def test_logout_by_a_rotated_out_refresh_token_is_refused_and_ends_the_session(api, user):
    tokens = sign_in(user)
    pair = envelope_data(refresh(api, tokens.refresh))
    envelope_error(logout(api, tokens.refresh), 401, "invalid_token")
    envelope_error(me(api, pair["access"]), 401, "invalid_token")


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_token_at_once_exactly_one_succeeds(postgres, user):
    for _ in range(3):  # a race is a matter of chance: run it a few times
        tokens = sign_in(user)
        responses = at_once([lambda raw=tokens.refresh: refresh(APIClient(), raw)] * 2)
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200, 401], [r.json() for r in responses]
        envelope_error(next(r for r in responses if r.status_code == 401), 401, "invalid_token")
        # The loser presented a token that was rotated by then: the session ends with it.
        winner = envelope_data(next(r for r in responses if r.status_code == 200))
        envelope_error(me(APIClient(), winner["access"]), 401, "invalid_token")
