"""Redis stops mid-run and comes back: sends keep committing, nothing is lost, and live
events resume by themselves, also for sockets opened before the outage."""

import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.conftest import require
from tests.realtime.clients import Listener, sign_up
from tests.realtime.redis_process import PrivateRedis
from tests.servers import http, tether_servers

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres")]


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    require(server.binary is not None, "redis-server")
    yield server.start()
    server.stop()


def test_sends_survive_a_redis_restart_and_live_events_resume(private_redis):
    env = {"REDIS_URL": private_redis.url, "TETHER_THROTTLE": "off"}
    with tether_servers(2, env=env) as servers:
        near, far = servers
        alice = sign_up(servers, far, "+79160000300", "Alice")
        bob = sign_up(servers, near, "+79160000301", "Bob")
        chat_id = http(
            "POST", f"{far.url}/api/chats", {"user_id": bob["user"]["id"]}, token=alice["access"]
        ).data["id"]
        listener = Listener(near, bob["access"])
        listener.ready()

        def send(text):
            started = time.monotonic()
            answer = http(
                "POST",
                f"{far.url}/api/messages",
                {"chat_id": chat_id, "content": text},
                token=alice["access"],
            )
            return answer, time.monotonic() - started

        answer, _ = send("before")
        assert answer.status == 201
        assert listener.wait_for("message.new")["message"]["content"] == "before"

        private_redis.stop()
        for n in range(5):
            answer, took = send(f"during {n}")
            assert answer.status == 201, answer.json()
            assert took < 3, f"a send took {took:.1f} s while Redis was down"
        health = http("GET", f"{far.url}/api/health")
        assert health.status == 200
        assert health.data == {"status": "degraded", "database": "ok", "channel_layer": "down"}
        # A new socket is accepted, then closed with 1013 (try again later).
        fresh = connect(f"{near.ws_url}?token={bob['access']}", open_timeout=10)
        with fresh, pytest.raises(ConnectionClosed) as closed:
            fresh.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013

        private_redis.start()
        # Until the layer is back, a send is stored but its event may be lost: send again
        # until one arrives (any of them will do), for at most 30 s.
        deadline, resumed = time.monotonic() + 30, False
        attempt = 0
        while not resumed and time.monotonic() < deadline:
            send(f"after {attempt}")
            attempt += 1
            try:
                frame = listener.wait_for("message.new", timeout=0.5)
            except AssertionError:
                continue
            resumed = frame["message"]["content"].startswith("after")
        assert resumed, "live events did not resume on the socket opened before the outage"
        assert http("GET", f"{far.url}/api/health").data["status"] == "ok"

        history = http(
            "GET", f"{near.url}/api/chats/{chat_id}/messages?after_seq=1&limit=100",
            token=bob["access"],
        ).data  # fmt: skip
        contents = [m["content"] for m in history]
        assert contents[:5] == [f"during {n}" for n in range(5)]
        assert [m["seq"] for m in history] == list(range(2, 2 + len(history)))
        listener.close()
