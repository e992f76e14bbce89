"""``/api/health``: the database and the channel layer, and what each outage answers."""

import pytest
from django.db import OperationalError

from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db


def test_health_is_ok_and_public(api):
    data = envelope_data(api.get("/api/health"))
    assert data == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_health_ignores_a_stale_token(api):
    response = api.get("/api/health", HTTP_AUTHORIZATION="Bearer expired.or.garbage")
    assert envelope_data(response)["status"] == "ok"


def test_health_checks_the_real_redis(api, redis_server):
    assert envelope_data(api.get("/api/health"))["channel_layer"] == "ok"
    redis_server.set("tether:health-probe", "1", ex=5)  # the same server the app talks to
    assert redis_server.get("tether:health-probe") == b"1"


def test_with_redis_unreachable_health_is_degraded_but_200(api, redis_down):
    data = envelope_data(api.get("/api/health"))
    assert data == {"status": "degraded", "database": "ok", "channel_layer": "down"}


class _BrokenConnection:
    def ensure_connection(self):
        raise OperationalError("connection refused")

    def cursor(self):
        raise OperationalError("connection refused")


def test_with_the_database_down_health_is_503_unavailable_with_data(api, monkeypatch):
    monkeypatch.setattr("tether.health.connection", _BrokenConnection())
    response = api.get("/api/health")
    body = envelope_error(response, 503, "unavailable")
    assert body["data"] == {"status": "down", "database": "down", "channel_layer": "ok"}


def test_with_everything_down_both_are_reported(api, monkeypatch, redis_down):
    monkeypatch.setattr("tether.health.connection", _BrokenConnection())
    body = envelope_error(api.get("/api/health"), 503, "unavailable")
    assert body["data"]["database"] == "down" and body["data"]["channel_layer"] == "down"
