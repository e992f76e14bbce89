"""Sign-up, sign-in, codes and tokens (API.md "Endpoints" and "Verification codes")."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.acceptance.conftest import error, fresh_phone, fresh_throttled_phone, ok, url
from tests.servers import http

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def register(servers, phone, name="Someone", via=0):
    return http(
        "POST", url(servers, "/api/auth/register", via), {"phone": phone, "display_name": name}
    )


def verify(servers, phone, code, via=0):
    return http("POST", url(servers, "/api/auth/verify-code", via), {"phone": phone, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_sign_up_texts_a_code_that_creates_the_account_on_another_process(servers):
    phone = fresh_phone()
    sent = ok(register(servers, phone, "  Ann  "), 201)
    assert sent == {"phone": phone, "expires_in": 300, "resend_in": servers.code_resend_seconds}
    code = servers.sms_code(phone)
    assert re.fullmatch(r"\d{6}", code)
    data = ok(verify(servers, phone, code, via=1))
    assert set(data) == {"access", "refresh", "user", "created"} and data["created"] is True
    user = data["user"]
    assert set(user) == {
        "id",
        "username",
        "display_name",
        "bio",
        "avatar_url",
        "last_seen",
        "online",
        "phone",
    }
    assert user["phone"] == phone and user["display_name"] == "Ann"
    assert re.fullmatch(r"[a-z0-9_]{5,32}", user["username"])
    me = ok(http("GET", url(servers, "/api/users/me"), token=data["access"]))
    assert me["id"] == user["id"] and me["phone"] == phone


def test_national_forms_are_normalised_to_e164(servers):
    phone = fresh_phone()
    national = "8 (" + phone[2:5] + ") " + phone[5:8] + "-" + phone[8:10] + "-" + phone[10:]
    assert ok(register(servers, national), 201)["phone"] == phone
    assert servers.sms_code(phone)


@pytest.mark.parametrize("phone", ["+7916123", "not a phone", "", "+7000000000000000000"])
def test_an_invalid_phone_is_a_validation_error(servers, phone):
    body = error(register(servers, phone), 400, "validation_error")
    assert "phone" in body["fields"]


def test_a_registered_phone_is_409_before_any_code_rule(servers, person):
    alice = person("Alice")
    error(register(servers, alice.phone), 409, "phone_taken")


def test_sign_in_of_an_existing_user_and_404_for_a_stranger(servers, person):
    alice = person("Alice")
    error(http("POST", url(servers, "/api/auth/login"), {"phone": fresh_phone()}), 404, "not_found")
    # Sign-up texted a code a moment ago: the resend delay counts every code to the phone.
    refused = http("POST", url(servers, "/api/auth/login", 1), {"phone": alice.phone})
    error(refused, 429, "throttled")
    assert 1 <= int(refused.headers["Retry-After"]) <= servers.code_resend_seconds


def test_a_second_code_within_60_seconds_is_throttled_with_retry_after(fresh_limits):
    servers = fresh_limits  # the contract's 60 s, as in production
    phone = fresh_throttled_phone()
    sent = ok(register(servers, phone), 201)
    assert sent == {"phone": phone, "expires_in": 300, "resend_in": 60}
    again = register(servers, phone, via=1)
    error(again, 429, "throttled")
    assert 55 <= int(again.headers["Retry-After"]) <= 60
    assert len(servers.sms_codes(phone)) == 1


def test_two_code_requests_at_once_send_one_code(servers):
    phone = fresh_phone()
    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(lambda n: register(servers, phone, via=n).status, range(6)))
    assert statuses == [201] + [429] * 5
    assert len(servers.sms_codes(phone)) == 1


def test_wrong_guesses_then_too_many_attempts_even_with_the_right_code(servers):
    phone = fresh_phone()
    ok(register(servers, phone), 201)
    code = servers.sms_code(phone)
    for attempt in range(4):
        error(verify(servers, phone, wrong(code), via=attempt), 400, "invalid_code")
    error(verify(servers, phone, wrong(code)), 429, "too_many_attempts")
    error(verify(servers, phone, code, via=1), 429, "too_many_attempts")


def test_a_used_code_and_a_never_sent_code_are_invalid(servers, person):
    phone = fresh_phone()
    error(verify(servers, phone, "123456"), 400, "invalid_code")
    ok(register(servers, phone), 201)
    code = servers.sms_code(phone)
    ok(verify(servers, phone, code))
    error(verify(servers, phone, code, via=1), 400, "invalid_code")


@pytest.mark.parametrize("code", [123456, "12345", "1234567", "abcdef", None])
def test_a_malformed_code_is_a_validation_error(servers, code):
    error(verify(servers, fresh_phone(), code), 400, "validation_error")


def test_the_right_code_verified_at_once_on_both_processes_signs_up_once(servers):
    phone = fresh_phone()
    ok(register(servers, phone), 201)
    code = servers.sms_code(phone)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: verify(servers, phone, code, via=n), range(4)))
    assert sorted(a.status for a in answers) == [200, 400, 400, 400]


def test_refresh_rotates_and_the_new_refresh_token_carries_on(servers, person):
    alice = person("Alice")
    pair = ok(http("POST", url(servers, "/api/auth/refresh"), {"refresh": alice.refresh}))
    assert set(pair) == {"access", "refresh"}
    ok(http("GET", url(servers, "/api/users/me", 1), token=pair["access"]))
    again = ok(http("POST", url(servers, "/api/auth/refresh", 1), {"refresh": pair["refresh"]}))
    ok(http("GET", url(servers, "/api/users/me"), token=again["access"]))


def test_a_rotated_refresh_token_presented_again_ends_its_whole_session(servers, person):
    alice = person("Alice")
    pair = ok(http("POST", url(servers, "/api/auth/refresh"), {"refresh": alice.refresh}))
    reused = http("POST", url(servers, "/api/auth/refresh", 1), {"refresh": alice.refresh})
    error(reused, 401, "invalid_token")
    error(http("GET", url(servers, "/api/users/me"), token=pair["access"]), 401, "invalid_token")
    refreshed = http("POST", url(servers, "/api/auth/refresh", 1), {"refresh": pair["refresh"]})
    error(refreshed, 401, "invalid_token")


def test_two_refreshes_of_one_token_at_once_succeed_once(servers, person):
    alice = person("Alice")
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda n: http(
                    "POST", url(servers, "/api/auth/refresh", n % 2), {"refresh": alice.refresh}
                ),
                range(4),
            )
        )
    assert sorted(a.status for a in answers) == [200, 401, 401, 401]


def test_logout_stops_the_refresh_and_access_tokens_at_once(servers, person):
    alice = person("Alice")
    ok(http("POST", url(servers, "/api/auth/logout", 1), {"refresh": alice.refresh}))
    error(alice.call("GET", "/api/users/me"), 401, "invalid_token")
    error(alice.call("GET", "/api/users/me", via=1), 401, "invalid_token")
    refreshed = http("POST", url(servers, "/api/auth/refresh"), {"refresh": alice.refresh})
    error(refreshed, 401, "invalid_token")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic YWxpY2U6c2VjcmV0"}],
)
def test_no_credentials_are_401_not_authenticated(servers, headers):
    error(http("GET", url(servers, "/api/users/me"), headers=headers), 401, "not_authenticated")


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "Bearer"])
def test_a_bad_token_is_401_invalid_token(servers, token):
    error(http("GET", url(servers, "/api/chats"), token=token), 401, "invalid_token")


def test_a_refresh_token_is_no_access_token(servers, person):
    alice = person("Alice")
    error(http("GET", url(servers, "/api/users/me"), token=alice.refresh), 401, "invalid_token")
