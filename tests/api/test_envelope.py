"""Every answer under /api/ has the envelope, however the request goes wrong."""

import json
import logging

import pytest
from rest_framework.test import APIClient

from tests.helpers import envelope_data, envelope_error

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def assert_json(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]


def test_a_success_has_success_and_data(client_for, user):
    body = client_for(user).get("/api/users/me").json()
    assert set(body) == {"success", "data"} and body["success"] is True


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/nope"), ("post", "/api/nope/deeper/"), ("get", "/api/users/me/extra"),
     ("delete", "/api/")],
)  # fmt: skip
def test_unknown_api_routes_are_a_json_404(api, method, path):
    response = getattr(api, method)(path)
    assert_json(response)
    body = envelope_error(response, 404, "not_found")
    assert set(body) == {"success", "error", "code"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_on_unknown_routes_are_a_404_not_a_csrf_403(method):
    # Real clients get CSRF checks; the test client skips them unless told not to.
    client = APIClient(enforce_csrf_checks=True)
    for path in ("/api/nope", "/api/auth/sessions/not-a-uuid", "/api/messages/1/report"):
        envelope_error(getattr(client, method)(path), 404, "not_found")


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000], ids=["list", "object"])
def test_json_nested_too_deep_is_a_validation_error(client_for, user, body):
    response = client_for(user).post("/api/messages", body, content_type="application/json")
    envelope_error(response, 400, "validation_error")


def test_malformed_json_is_a_validation_error(api):
    response = api.post("/api/auth/register", '{"phone": "+7916', content_type="application/json")
    assert_json(response)
    envelope_error(response, 400, "validation_error")


def test_malformed_json_is_a_validation_error_on_authenticated_routes_too(client_for, user):
    response = client_for(user).patch("/api/users/me", "{nope", content_type="application/json")
    envelope_error(response, 400, "validation_error")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/auth/register"), ("put", "/api/auth/login"), ("put", "/api/users/me"),
     ("post", "/api/health")],
)  # fmt: skip
def test_a_wrong_method_is_405_with_allow(client_for, user, method, path):
    response = getattr(client_for(user), method)(path)
    assert_json(response)
    envelope_error(response, 405, "method_not_allowed")
    assert response["Allow"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
     "application/xml"],
)  # fmt: skip
def test_bodies_other_than_json_are_415(api, content_type):
    response = api.post("/api/auth/register", "phone=%2B79161234567", content_type=content_type)
    assert_json(response)
    envelope_error(response, 415, "unsupported_media_type")


def _json_body_of(size: int) -> str:
    """A JSON object of exactly ``size`` bytes."""
    skeleton = json.dumps({"phone": "+79161234567", "display_name": ""})
    body = json.dumps({"phone": "+79161234567", "display_name": "x" * (size - len(skeleton))})
    assert len(body) == size
    return body


def test_a_body_over_1_mib_is_413(api):
    response = api.post(
        "/api/auth/register", _json_body_of(MIB + 1), content_type="application/json"
    )
    assert_json(response)
    envelope_error(response, 413, "too_large")


def test_a_body_of_1_mib_is_read_and_judged(api):
    response = api.post("/api/auth/register", _json_body_of(MIB), content_type="application/json")
    body = envelope_error(response, 400, "validation_error")
    assert "display_name" in body["fields"]


def test_a_body_over_1_mib_is_413_on_any_api_route(client_for, user):
    big = json.dumps({"bio": "b" * (2 * MIB)})
    response = client_for(user).patch("/api/users/me", big, content_type="application/json")
    envelope_error(response, 413, "too_large")
    envelope_error(
        APIClient().post("/api/nope", big, content_type="application/json"), 413, "too_large"
    )


@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/register/"])
def test_paths_work_with_and_without_the_trailing_slash(api, path):
    data = envelope_data(
        api.post(path, {"phone": "+79161234567", "display_name": "A"}, format="json"), 201
    )
    assert data["phone"] == "+79161234567"


def test_health_and_me_accept_the_trailing_slash(client_for, user):
    client = client_for(user)
    assert envelope_data(client.get("/api/health/"))["database"] == "ok"
    assert envelope_data(client.get("/api/users/me/"))["id"] == str(user.id)


def test_an_unexpected_exception_in_a_view_is_a_logged_500_envelope(
    client_for, user, monkeypatch, caplog
):
    def explode(**kwargs):
        raise RuntimeError("boom in the service")

    monkeypatch.setattr("accounts.api.users.user_update", explode)
    client = client_for(user)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.patch("/api/users/me", {"bio": "x"}, format="json")
    assert_json(response)
    body = envelope_error(response, 500, "server_error")
    assert "boom" not in body["error"]  # no internals leak to the client
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert logged and "boom in the service" in str(logged[0].exc_info[1])


@pytest.mark.urls("tests.api.crash_urls")
def test_an_exception_outside_drf_is_a_logged_500_envelope(caplog):
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/crash")
    assert_json(response)
    envelope_error(response, 500, "server_error")
    assert any(r.exc_info and "fell over" in str(r.exc_info[1]) for r in caplog.records)


def test_a_request_for_an_unknown_host_is_a_400_envelope(api):
    response = api.get("/api/health", HTTP_HOST="evil.example.com")
    assert_json(response)
    envelope_error(response, 400, "validation_error")


def test_pages_outside_the_api_are_not_turned_into_json(api):
    response = api.get("/no-such-page-anywhere/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
