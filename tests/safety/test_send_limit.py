"""30 messages in 10 s per user, over the API and the socket alike."""

import pytest

from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def test_the_31st_message_in_10_seconds_is_throttled(as_alice, chat, send):
    for n in range(30):
        envelope_data(send(as_alice, chat, f"m{n}", client_id=f"c{n}"), 201)
    response = send(as_alice, chat, "one too many", client_id="c30")
    envelope_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 10
    # A retry of a stored client_id is not counted and still answers.
    envelope_data(send(as_alice, chat, "m0", client_id="c0"), 200)


def test_the_limit_is_per_user(as_alice, as_bob, chat, send):
    for n in range(30):
        send(as_alice, chat, f"m{n}")
    envelope_data(send(as_bob, chat, "my turn"), 201)


def test_throttle_off_lifts_the_send_limit(settings, as_alice, chat, send):
    settings.TETHER_THROTTLE = False
    for n in range(35):
        envelope_data(send(as_alice, chat, f"m{n}"), 201)
