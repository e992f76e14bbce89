"""Per-IP request limits on codes and verification, and what turning them off leaves."""

import logging

import pytest

from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def phone(n: int) -> str:
    return f"+7903{n:07d}"


def login(api, number, ip="127.0.0.1"):
    return api.post("/api/auth/login", {"phone": number}, format="json", REMOTE_ADDR=ip)


def register(api, number, ip="127.0.0.1"):
    body = {"phone": number, "display_name": "Someone"}
    return api.post("/api/auth/register", body, format="json", REMOTE_ADDR=ip)


def verify(api, number, ip="127.0.0.1"):
    body = {"phone": number, "code": "123456"}
    return api.post("/api/auth/verify-code", body, format="json", REMOTE_ADDR=ip)


def test_the_61st_code_request_from_one_ip_in_a_minute_is_throttled(api):
    for n in range(30):
        envelope_data(register(api, phone(n)), 201)
        envelope_error(login(api, phone(1000 + n)), 404, "not_found")
    response = register(api, phone(99))
    envelope_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    envelope_error(login(api, phone(98)), 429, "throttled")
    # Another address has its own allowance.
    envelope_data(register(api, phone(97), ip="10.1.2.3"), 201)


def test_the_121st_verification_attempt_from_one_ip_in_a_minute_is_throttled(api):
    for n in range(120):
        envelope_error(verify(api, phone(n)), 400, "invalid_code")
    response = verify(api, phone(500))
    envelope_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    envelope_error(verify(api, phone(501), ip="10.1.2.3"), 400, "invalid_code")


def test_confirming_a_deletion_counts_as_a_verification_attempt(api, client_for, user):
    as_user = client_for(user)
    for n in range(119):
        envelope_error(verify(api, phone(n)), 400, "invalid_code")
    envelope_error(as_user.delete("/api/users/me", {"code": "123456"}, format="json"), 400,
                   "invalid_code")  # fmt: skip
    envelope_error(verify(api, phone(500)), 429, "throttled")
    response = as_user.delete("/api/users/me", {"code": "123456"}, format="json")
    envelope_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    envelope_data(as_user.get("/api/users/me"))  # reading one's profile is no attempt


def test_throttle_off_lifts_the_per_ip_limits(api, settings):
    settings.TETHER_THROTTLE = False
    for n in range(70):
        envelope_error(login(api, phone(n)), 404, "not_found")
    for n in range(130):
        envelope_error(verify(api, phone(n)), 400, "invalid_code")


def test_throttle_off_never_lifts_the_per_phone_code_rules(api, settings):
    settings.TETHER_THROTTLE = False
    envelope_data(register(api, phone(1)), 201)
    response = register(api, phone(1))
    envelope_error(response, 429, "throttled")
    assert 55 <= int(response["Retry-After"]) <= 60
    for _ in range(4):
        envelope_error(verify(api, phone(1)), 400, "invalid_code")
    envelope_error(verify(api, phone(1)), 429, "too_many_attempts")


def test_with_redis_unreachable_the_limits_fail_open_and_say_so(api, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.throttling"):
        for n in range(65):
            envelope_error(login(api, phone(n)), 404, "not_found")
    assert any("unreachable" in record.getMessage() for record in caplog.records)


def test_with_redis_unreachable_the_per_phone_rules_still_hold(api, redis_down):
    envelope_data(register(api, phone(1)), 201)
    envelope_error(register(api, phone(1)), 429, "throttled")


def test_the_wait_is_never_shorter_than_what_is_left_of_the_window(redis_server):
    import math
    import time

    from core import throttling

    assert throttling.hit("wait-test:shared", 1, 10) is None
    time.sleep(0.6)  # 9.4 s left: Redis TTL would round that down to 9
    wait = throttling.hit("wait-test:shared", 1, 10)
    left = redis_server.pttl("tether:rate:wait-test:shared") / 1000
    assert math.ceil(wait) >= left > 9


def test_the_31st_phone_lookup_by_one_person_in_a_minute_is_throttled(client_for, user, other_user):
    mine, theirs = client_for(user), client_for(other_user)
    for n in range(30):
        envelope_data(mine.get(f"/api/users?phone=%2B7916555{n:04d}"))
    refused = mine.get("/api/users?phone=%2B79165559999")
    envelope_error(refused, 429, "throttled")
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Per person: someone else, and searching by name, are not limited by it.
    envelope_data(theirs.get("/api/users?phone=%2B79165559999"))
    envelope_data(mine.get("/api/users?q=someone"))
