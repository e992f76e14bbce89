"""Blocks, reports, sessions and account deletion (API.md "Safety")."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.acceptance.conftest import error, ok, url
from tests.servers import http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def test_a_block_either_way_stops_chats_and_sends_but_not_history(person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    ok(bob.send(chat_id, "before"), 201)
    assert ok(alice.call("POST", f"/api/users/{bob.id}/block")) == {"blocked": True}
    assert ok(alice.call("POST", f"/api/users/{bob.id}/block", via=1)) == {"blocked": True}
    for sender, receiver in ((alice, bob), (bob, alice)):
        error(sender.send(chat_id, "hi", via=1), 403, "blocked")
        error(sender.call("POST", "/api/chats", {"user_id": receiver.id}), 403, "blocked")
        history = ok(sender.call("GET", f"/api/chats/{chat_id}/messages"))
        assert [m["content"] for m in history] == ["before"]
        ok(sender.call("POST", f"/api/chats/{chat_id}/read", {"up_to_seq": 1}))
    blocked = ok(alice.call("GET", "/api/users/blocked"))
    assert [u["id"] for u in blocked] == [bob.id] and "phone" not in blocked[0]
    assert ok(bob.call("GET", "/api/users/blocked")) == []
    assert ok(alice.call("DELETE", f"/api/users/{bob.id}/block")) == {"blocked": False}
    assert ok(alice.call("DELETE", f"/api/users/{bob.id}/block")) == {"blocked": False}
    assert ok(alice.call("GET", "/api/users/blocked")) == []
    ok(bob.send(chat_id, "after"), 201)


def test_a_block_stops_a_chat_that_does_not_exist_yet(person):
    alice, bob = person("Alice"), person("Bob")
    ok(bob.call("POST", f"/api/users/{alice.id}/block"))
    error(alice.call("POST", "/api/chats", {"user_id": bob.id}), 403, "blocked")
    assert ok(alice.call("GET", "/api/chats")) == []


def test_blocking_oneself_is_400_and_nobody_404(person):
    alice = person("Alice")
    error(alice.call("POST", f"/api/users/{alice.id}/block"), 400, "validation_error")
    error(alice.call("POST", f"/api/users/{uuid.uuid4()}/block"), 404, "not_found")
    error(alice.call("DELETE", f"/api/users/{uuid.uuid4()}/block"), 404, "not_found")


def test_reports_of_messages_and_users(person):
    alice, bob, eve = person("Alice"), person("Bob"), person("Eve")
    chat_id = alice.open_chat(bob)
    message = ok(bob.send(chat_id, "spam spam"), 201)
    path = f"/api/messages/{message['id']}/report"
    report = ok(alice.call("POST", path, {"reason": "spam", "text": "t" * 1000}), 201)
    assert set(report) == {"id", "status", "reason", "created_at"}
    assert report["status"] == "open" and report["reason"] == "spam"
    assert ok(alice.call("POST", path, {"reason": "abuse"}, via=1), 200) == report
    user_report = ok(eve.call("POST", f"/api/users/{bob.id}/report", {"reason": "other"}), 201)
    assert user_report["id"] != report["id"] and user_report["status"] == "open"
    again = eve.call("POST", f"/api/users/{bob.id}/report", {"reason": "illegal"}, via=1)
    assert ok(again, 200)["id"] == user_report["id"]
    for bad in (
        {},
        {"reason": "boring"},
        {"reason": 1},
        {"reason": "spam", "text": "t" * 1001},
        {"reason": "spam", "text": 5},
    ):
        error(eve.call("POST", f"/api/users/{bob.id}/report", bad), 400, "validation_error")
    error(
        eve.call("POST", f"/api/users/{uuid.uuid4()}/report", {"reason": "spam"}), 404, "not_found"
    )
    error(
        eve.call("POST", f"/api/messages/{uuid.uuid4()}/report", {"reason": "spam"}),
        404,
        "not_found",
    )


def test_the_same_report_at_once_on_both_processes_is_made_once(person):
    alice, bob = person("Alice"), person("Bob")
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda n: alice.call(
                    "POST", f"/api/users/{bob.id}/report", {"reason": "spam"}, via=n
                ),
                range(4),
            )
        )
    assert sorted(a.status for a in answers) == [200, 200, 200, 201]
    assert len({a.data["id"] for a in answers}) == 1


def test_sessions_list_marks_the_current_one_and_revoking_ends_it_at_once(servers, person):
    alice = person("Alice")
    sessions = ok(alice.call("GET", "/api/auth/sessions"))
    assert len(sessions) == 1
    only = sessions[0]
    assert set(only) == {"id", "device", "ip", "created_at", "last_used_at", "current"}
    assert only["current"] is True and only["ip"] == "127.0.0.1"
    ok(alice.call("DELETE", f"/api/auth/sessions/{only['id']}", via=1))
    error(alice.call("GET", "/api/auth/sessions"), 401, "invalid_token")
    refreshed = http("POST", url(servers, "/api/auth/refresh"), {"refresh": alice.refresh})
    error(refreshed, 401, "invalid_token")


def test_another_users_session_is_404(person):
    alice, bob = person("Alice"), person("Bob")
    bobs = ok(bob.call("GET", "/api/auth/sessions"))[0]["id"]
    error(alice.call("DELETE", f"/api/auth/sessions/{bobs}"), 404, "not_found")
    error(alice.call("DELETE", f"/api/auth/sessions/{uuid.uuid4()}"), 404, "not_found")
    ok(bob.call("GET", "/api/users/me"))
    assert ok(alice.call("POST", "/api/auth/sessions/revoke-others")) == {"revoked": 0}


def test_account_deletion_with_a_deletion_code(servers, person):
    alice, bob = person("Alice"), person("Bob")
    chat_id = alice.open_chat(bob)
    ok(alice.send(chat_id, "remember me"), 201)
    ok(bob.send(chat_id, "i will"), 201)
    # The sign-up code went out a moment ago: the code rules hold for deletion codes too.
    refused = alice.call("POST", "/api/users/me/delete-code")
    error(refused, 429, "throttled")
    assert 1 <= int(refused.headers["Retry-After"]) <= servers.code_resend_seconds
    # A sign-up (or sign-in) code does not delete an account.
    sign_up_code = servers.sms_code(alice.phone)
    error(alice.call("DELETE", "/api/users/me", {"code": sign_up_code}), 400, "invalid_code")
    error(alice.call("DELETE", "/api/users/me", {}), 400, "validation_error")
    ok(alice.call("GET", "/api/users/me"))
