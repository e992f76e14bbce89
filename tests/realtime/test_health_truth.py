"""``"channel_layer": "ok"`` means that an event published now goes out.

Redis stops and comes back (a private redis-server). During the outage every process says
``degraded``; the moment both say ``ok`` again, one message, sent once, reaches a socket on
the other process live: no retry, no waiting out a back-off.
"""

import time

import pytest

from tests.conftest import require
from tests.realtime.clients import Listener, new_message, sign_up
from tests.realtime.redis_process import PrivateRedis
from tests.servers import http, tether_servers

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres")]


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    require(server.binary is not None, "redis-server")
    yield server.start()
    server.stop()


def test_once_health_says_ok_the_very_next_message_is_delivered_live(private_redis):
    env = {"REDIS_URL": private_redis.url, "TETHER_THROTTLE": "off"}
    with tether_servers(2, env=env) as servers:
        near, far = servers
        alice = sign_up(servers, far, "+79160000600", "Alice")
        bob = sign_up(servers, near, "+79160000601", "Bob")
        chat_id = http(
            "POST", f"{far.url}/api/chats", {"user_id": bob["user"]["id"]}, token=alice["access"]
        ).data["id"]
        listener = Listener(near, bob["access"])
        listener.ready()

        def send(text: str) -> None:
            answer = http(
                "POST", f"{far.url}/api/messages", {"chat_id": chat_id, "content": text},
                token=alice["access"],
            )  # fmt: skip
            assert answer.status == 201, answer.body[:300]

        def health(server) -> dict:
            answer = http("GET", f"{server.url}/api/health", timeout=10)
            assert answer.status == 200, answer.body[:300]  # the API serves throughout
            return answer.data

        send("before")
        listener.until(new_message("before"))

        private_redis.stop()
        for server in servers:
            assert health(server) == {
                "status": "degraded", "database": "ok", "channel_layer": "down",
            }  # fmt: skip
        for n in range(3):
            send(f"during {n}")  # stored; their publishes fail, and the sender holds back

        private_redis.start()
        send("during 3")  # the hold is fresh on the sender as Redis returns
        seen = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            states = [health(server)["channel_layer"] for server in servers]
            seen.append(states)
            if states == ["ok", "ok"]:
                break
            time.sleep(0.05)
        assert seen[-1] == ["ok", "ok"], f"health never said ok on both processes: {seen[-5:]}"
        ok_at = time.monotonic()

        send("after")  # once: no retry
        listener.until(new_message("after"), timeout=5)
        print(
            f"health polls until ok on both processes: {len(seen)}; "
            f"'after' delivered {time.monotonic() - ok_at:.3f} s after health said ok"
        )

        # Nothing was lost either: the history has every message in order.
        history = http("GET", f"{near.url}/api/chats/{chat_id}/messages", token=bob["access"]).data
        assert [m["content"] for m in history] == [
            "before", "during 0", "during 1", "during 2", "during 3", "after",
        ]  # fmt: skip
        listener.close()
