"""The acceptance suite: API.md driven over HTTP and WebSocket against two real daphne
processes that share PostgreSQL and Redis, as a client would see them.

One pair of servers (request-rate limits off, a short code resend delay) serves the whole
package; the limits and the 60 s between two codes get a second pair configured as in
production (``throttled_servers``). Every test signs up fresh people with fresh numbers, so
tests never see each other's data.
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
# The shared pair lets a phone have a second code after this many seconds instead of the
# contract's 60, so that flows needing one (sign-in, deletion) never wait a minute. Long
# enough that "a second code right away" is still refused on a slow machine.
CODE_RESEND_SECONDS = 5


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
# them (sign-in, deletion), the resend delay since their sign-up code has long passed.
VETERANS = 2


@pytest.fixture(scope="package")
def servers():
    """Two processes, one database, one Redis; TETHER_THROTTLE=off, a short resend delay."""
    _require_services()
    env = {
        **SERVER_ENV,
        "TETHER_THROTTLE": "off",
        "TETHER_CODE_RESEND_SECONDS": str(CODE_RESEND_SECONDS),
    }
    with tether_servers(2, env=env) as started:
        started.veterans = [
            make_person(started, f"Veteran {n}", fresh_phone(), via=n) for n in range(VETERANS)
        ]
        started.veterans_coded_by = time.monotonic()  # every veteran's code went out before
        yield started


@pytest.fixture
def veteran(servers, postgres, redis_server):
    """A person who may be sent a new code now (waits out the resend delay if need be)."""
    assert servers.veterans, "every veteran is used up: raise VETERANS"
    wait = servers.veterans_coded_by + servers.code_resend_seconds - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    return servers.veterans.pop()


@pytest.fixture(scope="package")
def throttled_servers():
    """Two processes as in production: request-rate limits on, and the server's own default
    of 60 s between two codes to one phone (DEBUG on, as in development)."""
    _require_services()
    env = {"TETHER_THROTTLE": "on", "TETHER_CODE_RESEND_SECONDS": None}
    with tether_servers(2, env=env) as started:
        yield started


@pytest.fixture
def fresh_limits(throttled_servers, redis_server):
    """``throttled_servers`` with empty rate-limit windows (every test comes from one IP)."""
    keys = list(redis_server.scan_iter("tether:rate:*", count=1000))
    if keys:
        redis_server.delete(*keys)
    return throttled_servers


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
    """Tests that need a veteran run last in this package, so their resend delay has passed."""
    here = Path(__file__).parent
    inside = [n for n, item in enumerate(items) if here in Path(item.path).parents]
    if not inside:
        return
    first, last = inside[0], inside[-1] + 1
    block = items[first:last]
    later = [item for item in block if "veteran" in getattr(item, "fixturenames", ())]
    items[first:last] = [item for item in block if item not in later] + later
