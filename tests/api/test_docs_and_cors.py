"""The API docs load nothing from other sites; web clients on other origins get CORS."""

import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_only_tethers_own_files():
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: ['\"]([^'\"]+)", html)
    assert urls, html
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "cdn" not in html.lower()
    for url in urls:
        if url.startswith("/static/"):
            assert Client().get(url).status_code == 200, url


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_a_listed_web_client_gets_cors_on_the_api():
    client = Client()
    preflight = client.options(
        "/api/chats",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in preflight["Access-Control-Allow-Headers"].lower()
    answer = client.get("/api/health", HTTP_ORIGIN="https://app.example.com")
    assert answer["Access-Control-Allow-Origin"] == "https://app.example.com"


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_any_other_origin_gets_no_cors():
    answer = Client().get("/api/health", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in answer
    page = Client().get("/login/", HTTP_ORIGIN="https://app.example.com")
    assert "Access-Control-Allow-Origin" not in page  # only the API is shared
