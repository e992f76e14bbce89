"""The phone sign-up and sign-in flows over HTTP, happy and unhappy paths."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuthSession, User, VerificationCode
from accounts.sms import memory
from tests.helpers import envelope_data, envelope_error, last_code

pytestmark = pytest.mark.django_db
PHONE = "+79161234567"
CHROME_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def register(api, phone=PHONE, name="Alice"):
    return api.post("/api/auth/register", {"phone": phone, "display_name": name}, format="json")


def verify(api, code, phone=PHONE):
    return api.post("/api/auth/verify-code", {"phone": phone, "code": code}, format="json")


def age_codes(phone=PHONE, seconds=61):
    """Pretend the codes of ``phone`` were sent ``seconds`` earlier."""
    for code in VerificationCode.objects.filter(phone=phone):
        code.created_at -= timedelta(seconds=seconds)
        code.expires_at -= timedelta(seconds=seconds)
        code.save()


def test_register_sends_a_code_and_verify_creates_the_user(api):
    data = envelope_data(register(api), 201)
    assert data == {"phone": PHONE, "expires_in": 300, "resend_in": 60}
    code = last_code(PHONE)
    assert len(code) == 6 and code.isdigit()

    data = envelope_data(verify(api, code))
    assert data["created"] is True
    assert data["user"]["phone"] == PHONE and data["user"]["display_name"] == "Alice"
    assert 5 <= len(data["user"]["username"]) <= 32
    assert set(data["user"]) == {
        "id", "username", "display_name", "bio", "avatar_url", "last_seen", "online", "phone"
    }  # fmt: skip
    assert User.objects.filter(phone=PHONE).count() == 1

    me = api.get("/api/users/me", HTTP_AUTHORIZATION=f"Bearer {data['access']}")
    assert envelope_data(me)["id"] == data["user"]["id"]


def test_national_numbers_use_the_default_region(api):
    data = envelope_data(register(api, phone="8 (916) 123-45-67"), 201)
    assert data["phone"] == PHONE


@pytest.mark.parametrize("phone", ["12345", "+7000", "not a phone", "", "+1 555 0100"])
def test_invalid_phone_numbers_are_validation_errors(api, phone):
    body = envelope_error(register(api, phone=phone), 400, "validation_error")
    assert "phone" in body["fields"]


@pytest.mark.parametrize(
    "payload",
    [{"phone": 79161234567, "display_name": "A"}, {"phone": PHONE, "display_name": 5},
     {"phone": PHONE, "display_name": ""}, {"phone": PHONE, "display_name": "x" * 101},
     {"phone": PHONE}, [], "text"],
)  # fmt: skip
def test_wrong_types_and_missing_fields_are_validation_errors(api, payload):
    response = api.post("/api/auth/register", payload, format="json")
    envelope_error(response, 400, "validation_error")
    assert memory.outbox == []


def test_registering_a_taken_phone_is_409_before_any_code_rule(api, user):
    envelope_error(register(api, phone=user.phone), 409, "phone_taken")
    envelope_error(register(api, phone=user.phone), 409, "phone_taken")
    assert memory.outbox == []


def test_login_sends_a_code_and_verify_signs_in(api, user):
    data = envelope_data(api.post("/api/auth/login", {"phone": user.phone}, format="json"))
    assert data["phone"] == user.phone and data["resend_in"] == 60
    data = envelope_data(verify(api, last_code(user.phone), phone=user.phone))
    assert data["created"] is False and data["user"]["id"] == str(user.id)


def test_login_of_an_unknown_phone_is_404(api):
    envelope_error(api.post("/api/auth/login", {"phone": PHONE}, format="json"), 404, "not_found")


def test_a_new_code_within_60_seconds_is_throttled_with_retry_after(api, user):
    envelope_data(api.post("/api/auth/login", {"phone": user.phone}, format="json"))
    response = api.post("/api/auth/login", {"phone": user.phone}, format="json")
    envelope_error(response, 429, "throttled")
    assert 55 <= int(response["Retry-After"]) <= 60


def test_the_60_second_rule_counts_codes_of_every_purpose(api):
    envelope_data(register(api), 201)
    envelope_data(verify(api, last_code(PHONE)))
    response = api.post("/api/auth/login", {"phone": PHONE}, format="json")
    envelope_error(response, 429, "throttled")


def test_at_most_five_codes_an_hour(api):
    for _ in range(5):
        envelope_data(register(api), 201)
        age_codes(seconds=61)
    response = register(api)
    envelope_error(response, 429, "throttled")
    # The oldest of the five was sent 5 * 61 s ago: it leaves the hour in 3600 - 305 s.
    assert 3290 <= int(response["Retry-After"]) <= 3300


def test_a_new_code_kills_the_previous_one(api):
    register(api)
    first = last_code(PHONE)
    age_codes()
    register(api)
    second = last_code(PHONE)
    if first != second:
        envelope_error(verify(api, first), 400, "invalid_code")
    envelope_data(verify(api, second))


def test_codes_are_single_use(api):
    register(api)
    code = last_code(PHONE)
    envelope_data(verify(api, code))
    envelope_error(verify(api, code), 400, "invalid_code")


def test_a_never_sent_code_is_invalid(api):
    envelope_error(verify(api, "123456"), 400, "invalid_code")


def test_an_expired_code_is_code_expired(api):
    register(api)
    age_codes(seconds=301)
    envelope_error(verify(api, last_code(PHONE)), 400, "code_expired")


def test_five_wrong_guesses_burn_the_code_even_for_the_right_digits(api):
    register(api)
    code = last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        envelope_error(verify(api, wrong), 400, "invalid_code")
    envelope_error(verify(api, wrong), 429, "too_many_attempts")
    envelope_error(verify(api, code), 429, "too_many_attempts")
    # A new code starts afresh.
    age_codes()
    register(api)
    envelope_data(verify(api, last_code(PHONE)))


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", 123456, None])
def test_malformed_codes_are_validation_errors_and_cost_no_attempt(api, code):
    register(api)
    envelope_error(verify(api, code), 400, "validation_error")
    assert VerificationCode.objects.get(phone=PHONE).attempts == 0


def test_the_code_is_stored_only_as_a_keyed_hash(api):
    register(api)
    stored = VerificationCode.objects.get(phone=PHONE)
    assert last_code(PHONE) not in stored.code_hash and len(stored.code_hash) == 64


def test_a_sign_in_code_cannot_be_used_by_another_phone(api, user, other_user):
    api.post("/api/auth/login", {"phone": user.phone}, format="json")
    envelope_error(verify(api, last_code(user.phone), phone=other_user.phone), 400, "invalid_code")


def test_verify_records_a_session_with_device_and_ip(api):
    register(api)
    api.post(
        "/api/auth/verify-code",
        {"phone": PHONE, "code": last_code(PHONE)},
        format="json",
        HTTP_USER_AGENT=CHROME_ON_LINUX,
    )
    session = AuthSession.objects.get(user__phone=PHONE)
    assert session.ip == "127.0.0.1" and "Chrome" in session.device


def test_a_deactivated_user_cannot_ask_for_a_sign_in_code(api, user):
    user.is_active = False
    user.save()
    envelope_error(
        api.post("/api/auth/login", {"phone": user.phone}, format="json"), 404, "not_found"
    )


def test_expiry_is_five_minutes(api):
    register(api)
    code = VerificationCode.objects.get(phone=PHONE)
    assert code.expires_at - code.created_at == timedelta(minutes=5)
    assert code.expires_at > timezone.now()
