"""Request-rate limits with throttling on, counted across both processes (API.md "Verification
codes" and "Safety": 60 code requests and 120 verification attempts a minute per IP, 30
messages in 10 s per user)."""

import time

import pytest

from tests.acceptance.conftest import error, fresh_throttled_phone, make_person, ok, url
from tests.servers import http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def test_the_31st_message_in_10_seconds_is_throttled_over_the_api_and_the_socket(fresh_limits):
    servers = fresh_limits
    alice = make_person(servers, "Alice", fresh_throttled_phone())
    bob = make_person(servers, "Bob", fresh_throttled_phone(), via=1)
    chat_id = alice.open_chat(bob)
    socket = alice.listen(1)
    for n in range(29):
        ok(alice.send(chat_id, f"m{n}", via=n, client_id=f"c{n}"), 201)
    socket.send({"type": "message.send", "chat_id": chat_id, "content": "30th", "client_id": "w"})
    assert socket.wait_for("message.ack")["message"]["seq"] == 30
    refused = alice.send(chat_id, "31st", via=1, client_id="c31")
    error(refused, 429, "throttled")
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 10
    socket.send({"type": "message.send", "chat_id": chat_id, "content": "32", "client_id": "w2"})
    found = socket.wait_for("error")
    assert found["code"] == "throttled" and found["client_id"] == "w2"
    # A retry of a stored client_id is not counted and still answers; others are not limited.
    assert ok(alice.send(chat_id, "again", client_id="c0"), 200)["seq"] == 1
    ok(bob.send(chat_id, "my turn"), 201)
    # Retry-After is honest: after waiting it, sending works again.
    time.sleep(wait)
    ok(alice.send(chat_id, "later", client_id="c32"), 201)
    socket.close()


def test_the_61st_code_request_from_one_ip_in_a_minute_is_throttled(fresh_limits):
    servers = fresh_limits
    for n in range(60):
        phone = fresh_throttled_phone()
        answer = http(
            "POST",
            url(servers, "/api/auth/register", n % 2),
            {"phone": phone, "display_name": "Many"},
        )
        assert answer.status == 201, answer.json()
    refused = http("POST", url(servers, "/api/auth/login"), {"phone": fresh_throttled_phone()})
    error(refused, 429, "throttled")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    phone = fresh_throttled_phone()
    refused = http(
        "POST", url(servers, "/api/auth/register", 1), {"phone": phone, "display_name": "One more"}
    )
    error(refused, 429, "throttled")
    assert servers.sms_codes(phone) == []


def test_the_121st_verification_attempt_from_one_ip_in_a_minute_is_throttled(fresh_limits):
    servers = fresh_limits
    alice = make_person(servers, "Alice", fresh_throttled_phone())
    for n in range(118):
        answer = http(
            "POST",
            url(servers, "/api/auth/verify-code", n % 2),
            {"phone": fresh_throttled_phone(), "code": "123456"},
        )
        error(answer, 400, "invalid_code")
    # Confirming a deletion is a verification attempt too.
    error(alice.call("DELETE", "/api/users/me", {"code": "123456"}, via=1), 400, "invalid_code")
    refused = http(
        "POST",
        url(servers, "/api/auth/verify-code"),
        {"phone": fresh_throttled_phone(), "code": "123456"},
    )
    error(refused, 429, "throttled")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    error(alice.call("DELETE", "/api/users/me", {"code": "123456"}), 429, "throttled")
