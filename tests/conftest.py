"""Shared fixtures. Service-bound tests skip without their service, except under
TETHER_REQUIRE_SERVICES=1 (CI), where a missing service fails them instead."""

import contextlib
import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections
from django.test import TestCase
from rest_framework.test import APIClient

from accounts.sms import memory
from chats.services import chat_get_or_create
from core import async_db, throttling
from core.redis import get_redis
from tests.factories import UserFactory
from tests.helpers import sign_in

REQUIRE_SERVICES = os.environ.get("TETHER_REQUIRE_SERVICES") == "1"


def require(available: bool, what: str) -> None:
    """Skip (or, in CI, fail) a test whose service is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required here (TETHER_REQUIRE_SERVICES=1) but unavailable")
    pytest.skip(f"{what} is not available")


def redis_available() -> bool:
    client = get_redis()
    if client is None:
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture(scope="session", autouse=True)
def _close_pools_at_the_end(django_db_setup, django_db_blocker):
    """Worker threads (sockets' database work) borrow pooled connections that outlive the
    tests; close the pools so the test database can be dropped."""
    yield
    async_db.close_all_pools_now()
    with django_db_blocker.unblock():
        for conn in connections.all():
            if getattr(conn, "pool", None) is not None:
                conn.close_pool()
        if connections["default"].vendor == "postgresql":
            # Event loops of finished tests may still hold a connection of their own pools.
            import psycopg

            with (
                contextlib.suppress(psycopg.Error),
                psycopg.connect(**{**async_db.connection_kwargs(), "connect_timeout": 5}) as conn,
            ):
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _isolated_state(settings, request):
    """Codes go to memory; rate-limit windows start empty in every test."""
    settings.TETHER_SMS_BACKEND = "memory"
    # The loop's own pool (the one-round-trip send) sees committed data only: tests whose
    # data stays in the test's transaction send the ORM way; transactional tests both ways.
    db_marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        db_marker and db_marker.kwargs.get("transaction")
    )
    settings.TETHER_ASYNC_DB = transactional
    settings.TETHER_DB_ASYNC_POOL_MIN = 0  # test client requests run on short-lived loops
    # Staff passwords are checked in many admin tests: a fast hasher (production keeps PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    memory.outbox.clear()
    throttling.reset_local_state()
    if redis_available():
        client = get_redis()
        keys = list(client.scan_iter("tether:rate:*", count=1000))
        if keys:
            client.delete(*keys)
    with contextlib.suppress(Exception):  # a Redis outage test may have left it down
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Attachments of each test go to a folder of their own, never the project's media/."""
    root = tmp_path_factory.mktemp("media")
    storages = dict(settings.STORAGES)
    if storages["attachments"]["BACKEND"].endswith("FileSystemStorage"):
        storages["attachments"] = {**storages["attachments"], "OPTIONS": {"location": str(root)}}
        settings.STORAGES = storages
        settings.TETHER_MEDIA_ROOT = root
    return root


class CommittingAPIClient(APIClient):
    """Runs each request's on-commit callbacks when it returns, as a real commit would.

    Tests run inside a transaction that never commits, so without this no code would be
    "texted" and no event published.
    """

    def request(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**kwargs)


@pytest.fixture
def api() -> APIClient:
    return CommittingAPIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def client_for():
    """``client_for(user)``: an APIClient signed in as ``user`` through a real session."""

    def make(user) -> APIClient:
        client = CommittingAPIClient()
        tokens = sign_in(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.access}")
        client.tokens = tokens
        return client

    return make


@pytest.fixture
def postgres(db):
    require(
        django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "PostgreSQL (DATABASE_URL)",
    )


@pytest.fixture
def redis_server():
    require(redis_available(), "Redis (REDIS_URL)")
    return get_redis()


@pytest.fixture
def redis_down(settings):
    """Point the request-path Redis client at a port where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{dead_port}/0"
    get_redis.cache_clear()
    yield settings.REDIS_URL
    get_redis.cache_clear()


# --- Two people with a chat, and a third outside it (messaging, safety, moderation) ---


@pytest.fixture
def alice(db):
    return UserFactory(display_name="Alice")


@pytest.fixture
def bob(db):
    return UserFactory(display_name="Bob")


@pytest.fixture
def carol(db):
    return UserFactory(display_name="Carol")


@pytest.fixture
def chat(alice, bob):
    return chat_get_or_create(user=alice, peer=bob)[0]


@pytest.fixture
def as_alice(client_for, alice):
    return client_for(alice)


@pytest.fixture
def as_bob(client_for, bob):
    return client_for(bob)


@pytest.fixture
def as_carol(client_for, carol):
    return client_for(carol)


@pytest.fixture
def send():
    """``send(client, chat, content, client_id=None)``: POST /api/messages."""

    def _send(client, chat, content="hello", client_id=None):
        body = {"chat_id": str(chat.pk), "content": content}
        if client_id is not None:
            body["client_id"] = client_id
        return client.post("/api/messages", body, format="json")

    return _send


@pytest.fixture
def published(monkeypatch):
    """Events the services publish, as ``(recipient ids, event)`` in order, instead of going
    to the channel layer. They are recorded when published: after commit, as in production
    (run the callbacks with ``django_capture_on_commit_callbacks(execute=True)``)."""
    from messaging import events

    sent: list[tuple[set, dict]] = []
    monkeypatch.setattr(events, "publish_now", lambda ids, event: sent.append((set(ids), event)))

    async def record(ids, event) -> bool:
        sent.append((set(ids), event))
        return True

    monkeypatch.setattr(events, "apublish_now", record)
    return sent


@pytest.fixture
def cut_offs():
    """The user ids of every ``user_cut_off`` sent (after commit): sockets told to close."""
    from accounts.signals import user_cut_off

    sent: list = []

    def record(sender, user_id, **kwargs):
        sent.append(user_id)

    user_cut_off.connect(record, weak=False, dispatch_uid="test_cut_offs")
    yield sent
    user_cut_off.disconnect(dispatch_uid="test_cut_offs")


@pytest.fixture
def admin_client(db):
    """A superuser's browser, signed in to /admin/ with the password (``client.staff``)."""
    from accounts.models import User
    from tests.helpers import admin_client_for

    staff = User.objects.create_superuser(
        username="moderator", phone="+79990000001", display_name="Mod", password="x-Strong-pass-1"
    )
    client = admin_client_for(staff)
    client.staff = staff
    return client
