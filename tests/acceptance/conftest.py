"""The acceptance suite: API.md driven over HTTP and WebSocket against two real daphne
processes that share PostgreSQL and Redis, as a client would see them.

One pair of servers (request-rate limits off) serves the whole package; the limits
themselves get a second pair with throttling on (``throttled_servers``). Every test signs up
fresh people with fresh numbers, so tests never see each other's data.
"""

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import redis_available, require
from tests.realtime.clients import Listener, sign_up
from tests.servers import Response, Server, Servers, http, tether_servers

# +7926 5xx xxxx: numbers no other test in tests/ uses (the throttled pair takes 6xx xxxx).
_numbers = itertools.count(5_000_000)
_throttled_numbers = itertools.count(6_000_000)

SERVER_ENV = {"DEBUG": "0", "SECRET_KEY": "acceptance-suite-secret-key-" + "x" * 40}


def fresh_phone() -> str:
    return f"+7926{next(_numbers):07d}"


def fresh_throttled_phone() -> str:
    return f"+7926{next(_throttled_numbers):07d}"


def _require_services() -> None:
    require(
        django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "PostgreSQL (DATABASE_URL)",
    )
    require(redis_available(), "Redis (REDIS_URL)")


# People signed up as soon as the servers start: by the time a test needs a second code for
# them (sign-in, deletion), the 60 s since their sign-up code have mostly passed.
VETERANS = 2
CODE_RESEND_SECONDS = 60


@pytest.fixture(scope="package")
def servers():
    """Two processes, one database, one Redis; TETHER_THROTTLE=off."""
    _require_services()
    with tether_servers(2, env={**SERVER_ENV, "TETHER_THROTTLE": "off"}) as started:
        started.veterans_since = time.monotonic()
        started.veterans = [
            make_person(started, f"Veteran {n}", fresh_phone(), via=n) for n in range(VETERANS)
        ]
        yield started


@pytest.fixture
def veteran(servers, postgres, redis_server):
    """A person whose last code went out at least 60 s ago (waits for it if need be)."""
    assert servers.veterans, "every veteran is used up: raise VETERANS"
    wait = servers.veterans_since + CODE_RESEND_SECONDS + 1 - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    return servers.veterans.pop()


@pytest.fixture(scope="package")
def throttled_servers():
    """Two processes with the request-rate limits on (DEBUG on, as in development)."""
    _require_services()
    with tether_servers(2, env={"TETHER_THROTTLE": "on"}) as started:
        yield started


@dataclass
class Person:
    """A signed-up user and the servers they talk to (``via`` picks the process)."""

    phone: str
    access: str
    refresh: str
    user: dict
    servers: Servers

    @property
    def id(self) -> str:
        return self.user["id"]

    def server(self, via: int = 0) -> Server:
        return self.servers[via % len(self.servers)]

    def call(self, method: str, path: str, json=None, via: int = 0, **kwargs) -> Response:
        kwargs.setdefault("token", self.access)
        return http(method, f"{self.server(via).url}{path}", json, **kwargs)

    def listen(self, via: int = 0, ready: bool = True) -> Listener:
        listener = Listener(self.server(via), self.access)
        if ready:
            listener.ready()
        return listener

    def open_chat(self, other: "Person", via: int = 0) -> str:
        answer = self.call("POST", "/api/chats", {"user_id": other.id}, via=via)
        assert answer.status in (200, 201), answer.json()
        return answer.data["id"]

    def send(self, chat_id: str, content: str, via: int = 0, **extra) -> Response:
        return self.call(
            "POST", "/api/messages", {"chat_id": chat_id, "content": content, **extra}, via=via
        )


def make_person(servers: Servers, name: str, phone: str, via: int = 0) -> Person:
    data = sign_up(servers, servers[via % len(servers)], phone, name)
    return Person(phone, data["access"], data["refresh"], data["user"], servers)


@pytest.fixture
def person(servers, postgres, redis_server):
    """``person("Alice")``: a freshly signed-up user on the shared servers."""
    return lambda name="Someone", via=0: make_person(servers, name, fresh_phone(), via)


def url(servers: Servers, path: str, via: int = 0) -> str:
    return f"{servers[via % len(servers)].url}{path}"


def error(response: Response, status: int, code: str) -> dict:
    """Assert the error envelope with ``status`` and ``code``; returns the body."""
    body = response.json()
    assert response.status == status, (response.status, body)
    assert body["success"] is False and body["code"] == code, body
    assert isinstance(body["error"], str) and body["error"], body
    assert set(body) <= {"success", "error", "code", "fields"}, body
    return body


def ok(response: Response, status: int = 200):
    """Assert the success envelope with ``status``; returns ``data``."""
    body = response.json()
    assert response.status == status, (response.status, body)
    assert body["success"] is True and "data" in body, body
    return body["data"]


def pytest_collection_modifyitems(items):
    """Tests that need a veteran run last in this package, so their 60 s have passed."""
    here = Path(__file__).parent
    inside = [n for n, item in enumerate(items) if here in Path(item.path).parents]
    if not inside:
        return
    first, last = inside[0], inside[-1] + 1
    block = items[first:last]
    later = [item for item in block if "veteran" in getattr(item, "fixturenames", ())]
    items[first:last] = [item for item in block if item not in later] + later
