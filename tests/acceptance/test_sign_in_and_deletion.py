"""Flows that need a second code for one phone, so they run with people signed up when the
servers started (the resend delay has passed for them): sign-in, several sessions, account
deletion."""

import pytest

from tests.acceptance.conftest import error, ok, url
from tests.servers import http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_sign_in_starts_a_second_session_and_revoke_others_ends_the_first(servers, veteran):
    sent = ok(http("POST", url(servers, "/api/auth/login"), {"phone": veteran.phone}))
    resend_in = servers.code_resend_seconds
    assert sent == {"phone": veteran.phone, "expires_in": 300, "resend_in": resend_in}
    code = servers.sms_code(veteran.phone)
    # A sign-in code does not delete an account.
    error(veteran.call("DELETE", "/api/users/me", {"code": code}), 400, "invalid_code")
    signed_in = ok(
        http(
            "POST",
            url(servers, "/api/auth/verify-code", 1),
            {"phone": veteran.phone, "code": code},
            headers={"User-Agent": FIREFOX},
        )
    )
    assert signed_in["created"] is False and signed_in["user"]["id"] == veteran.id
    assert signed_in["user"]["phone"] == veteran.phone
    token = signed_in["access"]
    sessions = ok(http("GET", url(servers, "/api/auth/sessions"), token=token))
    assert len(sessions) == 2
    current = [s for s in sessions if s["current"]]
    assert len(current) == 1 and "Firefox" in current[0]["device"]
    listener = veteran.listen(via=1)  # the first session's socket
    revoked = ok(http("POST", url(servers, "/api/auth/sessions/revoke-others"), token=token))
    assert revoked == {"revoked": 1}
    error(veteran.call("GET", "/api/users/me"), 401, "invalid_token")
    listener.thread.join(5)
    assert listener.close_code == 4001
    assert ok(http("GET", url(servers, "/api/users/me", 1), token=token))["id"] == veteran.id
    assert len(ok(http("GET", url(servers, "/api/auth/sessions"), token=token))) == 1


def test_deleting_an_account_anonymises_it_and_frees_the_phone(servers, veteran, person):
    alice, bob = veteran, person("Bob")
    chat_id = bob.open_chat(alice)
    ok(alice.send(chat_id, "remember me"), 201)
    ok(bob.send(chat_id, "i will"), 201)
    socket = alice.listen(via=1)
    sent = ok(alice.call("POST", "/api/users/me/delete-code"))
    resend_in = servers.code_resend_seconds
    assert sent == {"phone": alice.phone, "expires_in": 300, "resend_in": resend_in}
    code = servers.sms_code(alice.phone)
    # A deletion code does not sign in.
    answer = http(
        "POST", url(servers, "/api/auth/verify-code"), {"phone": alice.phone, "code": code}
    )
    error(answer, 400, "invalid_code")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    error(alice.call("DELETE", "/api/users/me", {"code": wrong}), 400, "invalid_code")
    error(alice.call("DELETE", "/api/users/me", {"code": 123456}), 400, "validation_error")
    assert ok(alice.call("DELETE", "/api/users/me", {"code": code}, via=1)) == {}

    socket.thread.join(5)
    assert socket.close_code == 4001
    error(alice.call("GET", "/api/users/me"), 401, "invalid_token")
    refreshed = http("POST", url(servers, "/api/auth/refresh"), {"refresh": alice.refresh})
    error(refreshed, 401, "invalid_token")
    profile = ok(bob.call("GET", f"/api/users/{alice.id}"))
    assert profile["display_name"] == "Deleted account"
    assert profile["bio"] == "" and profile["avatar_url"] == ""
    history = ok(bob.call("GET", f"/api/chats/{chat_id}/messages", via=1))
    assert [(m["seq"], m["content"]) for m in history] == [(1, "remember me"), (2, "i will")]
    assert history[0]["sender_id"] == alice.id
    chat = ok(bob.call("GET", f"/api/chats/{chat_id}"))
    assert chat["peer"]["display_name"] == "Deleted account"
    phone = alice.phone.replace("+", "%2B")
    assert ok(bob.call("GET", f"/api/users?phone={phone}")) == []
    # The phone is free again (not 409), and its code rules still hold (the deletion code).
    again = http(
        "POST", url(servers, "/api/auth/register"), {"phone": alice.phone, "display_name": "New"}
    )
    error(again, 429, "throttled")
    error(http("POST", url(servers, "/api/auth/login"), {"phone": alice.phone}), 404, "not_found")
