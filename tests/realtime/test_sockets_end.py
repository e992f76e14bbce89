"""Sockets end when their sign-in ends: logout, revocation, deactivation; cookies count
only with an allowed Origin."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import TestCase

from accounts.authentication import WEB_SESSION_KEY
from accounts.services.sessions import session_end, session_start
from accounts.services.users import user_deactivate
from tests.helpers import sign_in
from tests.realtime.conftest import connect, ready

pytestmark = pytest.mark.django_db(transaction=True)


def _committed(call, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(**kwargs)


async def test_logout_closes_that_sessions_sockets_only(pair):
    alice = pair["alice"]
    ending = await database_sync_to_async(sign_in)(alice)
    _, kept = await connect(pair["alice_token"])
    _, closed = await connect(ending.access)
    await ready(kept)
    await ready(closed)
    await database_sync_to_async(_committed)(session_end, raw_refresh=ending.refresh)
    assert (await closed.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4001}
    await ready(kept)  # another sign-in of the same user stays connected
    await kept.disconnect()


async def test_deactivation_closes_every_socket_of_the_user(pair):
    _, first = await connect(pair["bob_token"])
    second_token = (await database_sync_to_async(sign_in)(pair["bob"])).access
    _, second = await connect(second_token)
    await ready(first)
    await ready(second)
    await database_sync_to_async(_committed)(user_deactivate, user=pair["bob"])
    for ws in (first, second):
        output = await ws.receive_output(timeout=5)
        while output["type"] != "websocket.close":
            output = await ws.receive_output(timeout=5)
        assert output["code"] == 4001


@database_sync_to_async
def web_session_cookie(user) -> bytes:
    sign_in_session = session_start(user=user, user_agent="browser")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[WEB_SESSION_KEY] = str(sign_in_session.pk)
    store.save()
    return f"sessionid={store.session_key}".encode()


async def test_the_session_cookie_authenticates_with_an_allowed_origin(pair):
    cookie = await web_session_cookie(pair["alice"])
    connected, ws = await connect(
        headers=[
            (b"host", b"localhost:8000"),
            (b"origin", b"http://localhost:8000"),
            (b"cookie", cookie),
        ]
    )
    assert connected
    await ready(ws)
    await ws.disconnect()


async def test_the_session_cookie_is_ignored_without_an_origin(pair):
    cookie = await web_session_cookie(pair["alice"])
    connected, ws = await connect(headers=[(b"cookie", cookie)])
    assert connected
    assert (await ws.receive_output(timeout=5))["code"] == 4001
