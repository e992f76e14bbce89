"""A server process dies with a user's only connection: its peers hear "offline" anyway."""

import time

import pytest

from tests.realtime.clients import Listener, sign_up
from tests.servers import http, tether_servers

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]


def test_a_killed_process_takes_its_users_offline_within_the_ttl():
    # Short heartbeat and TTL so the test waits seconds; production keeps 10 s + 30 s.
    env = {"TETHER_PRESENCE_HEARTBEAT": "1", "TETHER_PRESENCE_TTL": "3"}
    with tether_servers(2, env=env) as servers:
        surviving, doomed = servers
        alice = sign_up(servers, surviving, "+79160000400", "Alice")
        bob = sign_up(servers, doomed, "+79160000401", "Bob")
        http("POST", f"{surviving.url}/api/chats", {"user_id": bob["user"]["id"]},
             token=alice["access"])  # fmt: skip
        watcher = Listener(surviving, alice["access"])
        watcher.ready()
        Listener(doomed, bob["access"]).ready()
        online = watcher.wait_for("presence")
        assert online["user_id"] == bob["user"]["id"] and online["online"] is True
        assert http("GET", f"{surviving.url}/api/users/{bob['user']['id']}",
                    token=alice["access"]).data["online"] is True  # fmt: skip

        killed_at = time.monotonic()
        doomed.kill()
        offline = watcher.wait_for("presence", timeout=20)
        assert offline["user_id"] == bob["user"]["id"] and offline["online"] is False
        assert offline["last_seen"]
        assert time.monotonic() - killed_at < 10
        profile = http(
            "GET", f"{surviving.url}/api/users/{bob['user']['id']}", token=alice["access"]
        ).data
        assert profile["online"] is False and profile["last_seen"]
        watcher.close()
