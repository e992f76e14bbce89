"""The per-phone code rules when requests arrive at the same moment, in one process on
PostgreSQL and across two server processes."""

import pytest
from rest_framework.test import APIClient

from accounts.models import AuthSession, User, VerificationCode
from accounts.sms import memory
from tests.helpers import at_once, envelope_data, envelope_error, last_code
from tests.servers import http, sms_code, sms_codes, tether_servers

PHONE = "+79035550200"


def register(number=PHONE):
    body = {"phone": number, "display_name": "Racer"}
    return APIClient().post("/api/auth/register", body, format="json")


def verify(code, number=PHONE):
    body = {"phone": number, "code": code}
    return APIClient().post("/api/auth/verify-code", body, format="json")


def codes(response_list):
    return sorted(str(r.json().get("code", r.status_code)) for r in response_list)


def wrong_for(code: str) -> str:
    return "000000" if code != "000000" else "111111"


@pytest.mark.django_db(transaction=True)
def test_two_code_requests_for_one_phone_at_once_send_exactly_one_code(postgres):
    for round_ in range(3):
        number = f"{PHONE[:-1]}{round_}"
        responses = at_once([lambda n=number: register(n)] * 2)
        assert sorted(r.status_code for r in responses) == [201, 429], codes(responses)
        envelope_error(next(r for r in responses if r.status_code == 429), 429, "throttled")
        assert VerificationCode.objects.filter(phone=number).count() == 1
        assert [sms["phone"] for sms in memory.outbox].count(number) == 1


@pytest.mark.django_db(transaction=True)
def test_ten_wrong_guesses_at_once_count_no_more_than_five(postgres):
    envelope_data(register(), 201)
    code = last_code(PHONE)
    responses = at_once([lambda: verify(wrong_for(code))] * 10)
    assert codes(responses) == ["invalid_code"] * 4 + ["too_many_attempts"] * 6
    assert VerificationCode.objects.get(phone=PHONE).attempts == 5
    envelope_error(verify(code), 429, "too_many_attempts")


@pytest.mark.django_db(transaction=True)
def test_the_right_code_among_wrong_guesses_never_succeeds_after_the_fifth(postgres):
    for round_ in range(3):
        number = f"{PHONE[:-1]}{round_}"
        envelope_data(register(number), 201)
        code = last_code(number)
        wrong = wrong_for(code)
        attempts = [lambda n=number, c=wrong: verify(c, n)] * 9
        attempts.insert(round_ * 4, lambda n=number, c=code: verify(c, n))
        responses = at_once(attempts)
        right = responses[round_ * 4]
        counted = VerificationCode.objects.get(phone=number).attempts
        if right.status_code == 200:
            assert counted <= 4
        else:
            envelope_error(right, 429, "too_many_attempts")
            assert counted == 5
        assert [r.status_code for r in responses].count(200) <= 1


@pytest.mark.django_db(transaction=True)
def test_the_right_code_twice_at_once_signs_up_exactly_once(postgres):
    envelope_data(register(), 201)
    code = last_code(PHONE)
    responses = at_once([lambda: verify(code)] * 3)
    assert codes(responses) == ["200", "invalid_code", "invalid_code"]
    assert User.objects.filter(phone=PHONE).count() == 1
    assert AuthSession.objects.filter(user__phone=PHONE).count() == 1


@pytest.mark.servers
def test_one_phone_asking_two_processes_at_once_gets_one_code():
    with tether_servers(2) as servers:
        first, second = servers
        for round_ in range(3):
            number = f"{PHONE[:-1]}{round_}"
            body = {"phone": number, "display_name": "Racer"}
            responses = at_once(
                [
                    lambda s=server, b=body: http("POST", f"{s.url}/api/auth/register", b)
                    for server in (first, second)
                ]
            )
            assert sorted(r.status for r in responses) == [201, 429], [r.json() for r in responses]
            assert next(r for r in responses if r.status == 429).json()["code"] == "throttled"
            assert len(sms_codes(servers, number)) == 1

        # Wrong guesses split across both processes still burn the code after five.
        code = sms_code(servers, f"{PHONE[:-1]}0")
        guess = {"phone": f"{PHONE[:-1]}0", "code": wrong_for(code)}
        responses = at_once(
            [
                lambda s=server: http("POST", f"{s.url}/api/auth/verify-code", guess)
                for server in (first, second) * 4
            ]
        )
        outcomes = sorted(r.json()["code"] for r in responses)
        assert outcomes == ["invalid_code"] * 4 + ["too_many_attempts"] * 4
        right = http("POST", f"{second.url}/api/auth/verify-code", dict(guess, code=code))
        assert right.status == 429 and right.json()["code"] == "too_many_attempts"
