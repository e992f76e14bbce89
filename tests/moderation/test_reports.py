"""Reporting messages and users over the API."""

import pytest

from messaging.services import message_send
from moderation.models import Report
from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def spam(alice, chat):
    return message_send(sender=alice, chat_id=chat.pk, content="cheap pills").message


def test_reporting_a_message_once_while_open(as_bob, spam, alice):
    url = f"/api/messages/{spam.pk}/report"
    first = envelope_data(as_bob.post(url, {"reason": "spam", "text": "ads"}, format="json"), 201)
    assert set(first) == {"id", "status", "reason", "created_at"}
    assert first["status"] == "open" and first["reason"] == "spam"
    again = envelope_data(as_bob.post(url, {"reason": "abuse"}, format="json"), 200)
    assert again["id"] == first["id"]
    report = Report.objects.get()
    assert report.target_message == spam and report.target_user == alice


def test_a_message_outside_the_reporters_chats_is_404(as_carol, spam):
    url = f"/api/messages/{spam.pk}/report"
    envelope_error(as_carol.post(url, {"reason": "spam"}, format="json"), 404, "not_found")
    envelope_error(as_carol.post("/api/messages/nope/report", {"reason": "spam"}, format="json"),
                   404, "not_found")  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": "boring"}, {"reason": 1}, {"reason": "spam", "text": "x" * 1001},
     {"reason": "spam", "text": 5}],
)  # fmt: skip
def test_bad_reports_are_400(as_bob, spam, body):
    url = f"/api/messages/{spam.pk}/report"
    envelope_error(as_bob.post(url, body, format="json"), 400, "validation_error")


def test_any_user_may_be_reported(as_carol, alice):
    url = f"/api/users/{alice.pk}/report"
    first = envelope_data(as_carol.post(url, {"reason": "abuse"}, format="json"), 201)
    assert (
        envelope_data(as_carol.post(url, {"reason": "other"}, format="json"), 200)["id"]
        == first["id"]
    )
    missing = "/api/users/00000000-0000-0000-0000-000000000000/report"
    envelope_error(as_carol.post(missing, {"reason": "spam"}, format="json"), 404, "not_found")


def test_a_user_report_and_a_message_report_are_separate(as_bob, alice, spam):
    envelope_data(
        as_bob.post(f"/api/users/{alice.pk}/report", {"reason": "spam"}, format="json"), 201
    )
    envelope_data(
        as_bob.post(f"/api/messages/{spam.pk}/report", {"reason": "spam"}, format="json"), 201
    )
    assert Report.objects.count() == 2
