"""The OpenAPI document, its browsable docs, and Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/schema", "/api/docs/", "/api/docs"])
def test_schema_and_docs_are_public(api, path):
    response = api.get(path, HTTP_AUTHORIZATION="Bearer stale.token.here")
    assert response.status_code == 200
    assert response.content


def test_the_schema_is_json_by_default_and_yaml_on_request(api):
    default = api.get("/api/schema/", HTTP_ACCEPT="*/*")
    assert default["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert default.json()["openapi"].startswith("3.")
    yaml = api.get("/api/schema/", {"format": "yaml"})
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.content.startswith(b"openapi: 3.")


def test_the_docs_page_points_at_the_schema(api):
    assert b"/api/schema/" in api.get("/api/docs/").content


def test_the_schema_lists_each_route_once_without_its_slash_twin(schema):
    paths = set(schema["paths"])
    assert {"/api/auth/register", "/api/auth/verify-code", "/api/users/me", "/api/health"} <= paths
    assert not [path for path in paths if path.endswith("/")]
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_success_bodies_are_documented_inside_the_envelope(schema):
    ok = schema["paths"]["/api/users/me"]["get"]["responses"]["200"]
    envelope = ok["content"]["application/json"]["schema"]
    assert envelope["required"] == ["success", "data"]
    assert envelope["properties"]["data"] == {"$ref": "#/components/schemas/Me"}


def test_bearer_tokens_and_the_web_session_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert schema["paths"]["/api/auth/register"]["post"].get("security") in (None, [{}], [])


def test_every_authenticated_operation_documents_401(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if {"jwtAuth": []} in operation.get("security", []) and "401" not in operation["responses"]
    ]
    assert missing == []


def test_manage_check_deploy_has_nothing_to_say():
    env = {
        **os.environ,
        "DEBUG": "0",
        "TETHER_HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "tether.example.com",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output.upper(), output
