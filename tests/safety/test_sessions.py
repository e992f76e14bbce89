"""Sign-ins as sessions: list them, end one, end all the others."""

import pytest

from tests.helpers import envelope_data, envelope_error, sign_in

pytestmark = pytest.mark.django_db

PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
)


def bearer(client, tokens):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.access}")
    return client


def test_the_list_shows_each_sign_in_and_marks_the_current(as_alice, alice):
    sign_in(alice, user_agent=PHONE_UA)
    sessions = envelope_data(as_alice.get("/api/auth/sessions"))
    assert len(sessions) == 2
    assert set(sessions[0]) == {"id", "device", "ip", "created_at", "last_used_at", "current"}
    assert sorted(s["current"] for s in sessions) == [False, True]
    other = next(s for s in sessions if not s["current"])
    assert "iOS" in other["device"] or "Safari" in other["device"]
    assert other["ip"] == "127.0.0.1"


def test_ending_one_session_stops_its_tokens_at_once(api, as_alice, alice):
    phone = sign_in(alice, user_agent=PHONE_UA)
    phone_client = bearer(type(api)(), phone)
    envelope_data(phone_client.get("/api/users/me"))
    listed = envelope_data(as_alice.get("/api/auth/sessions"))
    target = next(s for s in listed if not s["current"])
    assert envelope_data(as_alice.delete(f"/api/auth/sessions/{target['id']}")) == {}
    envelope_error(phone_client.get("/api/users/me"), 401, "invalid_token")
    refreshed = api.post("/api/auth/refresh", {"refresh": phone.refresh}, format="json")
    envelope_error(refreshed, 401, "invalid_token")
    envelope_data(as_alice.get("/api/users/me"))  # the caller's own goes on
    envelope_error(as_alice.delete(f"/api/auth/sessions/{target['id']}"), 404, "not_found")


def test_another_users_session_is_404(as_alice, bob):
    tokens = sign_in(bob)
    from accounts.models import AuthSession

    theirs = AuthSession.objects.filter(user=bob).first()
    envelope_error(as_alice.delete(f"/api/auth/sessions/{theirs.pk}"), 404, "not_found")
    assert tokens.access


def test_revoke_others_ends_every_session_but_the_callers(api, as_alice, alice):
    others = [sign_in(alice) for _ in range(3)]
    assert envelope_data(as_alice.post("/api/auth/sessions/revoke-others")) == {"revoked": 3}
    for tokens in others:
        envelope_error(bearer(type(api)(), tokens).get("/api/users/me"), 401, "invalid_token")
    assert len(envelope_data(as_alice.get("/api/auth/sessions"))) == 1
    assert envelope_data(as_alice.post("/api/auth/sessions/revoke-others")) == {"revoked": 0}


def test_sessions_need_authentication(api):
    envelope_error(api.get("/api/auth/sessions"), 401, "not_authenticated")
