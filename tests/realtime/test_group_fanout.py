"""Groups across two real daphne processes: every member's connections get every event once,
in seq order, and a removed member hears nothing more."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.realtime.clients import Listener, new_message, sign_up
from tests.servers import http, tether_servers

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]

MEMBERS = 6
PER_SENDER = 15


def test_a_group_fans_out_once_each_in_seq_order_and_a_removed_member_hears_no_more():
    with tether_servers(2, env={"TETHER_THROTTLE": "off"}) as servers:
        first, second = servers
        people = [
            sign_up(servers, servers[n % 2], f"+7916000030{n}", f"Member {n}")
            for n in range(MEMBERS)
        ]
        owner = people[0]
        created = http(
            "POST",
            f"{first.url}/api/chats",
            {"kind": "group", "title": "Team", "user_ids": [p["user"]["id"] for p in people[1:]]},
            token=owner["access"],
        )
        assert created.status == 201, created.json()
        chat_id = created.data["id"]
        listeners = [Listener(servers[n % 2], p["access"]) for n, p in enumerate(people)]
        for listener in listeners:
            listener.ready()

        def send_all(n):
            sender, server = people[n], servers[(n + 1) % 2]
            for k in range(PER_SENDER):
                body = {"chat_id": chat_id, "content": f"{n}-{k}", "client_id": f"{n}-{k}"}
                answer = http("POST", f"{server.url}/api/messages", body, token=sender["access"])
                assert answer.status == 201, answer.json()

        with ThreadPoolExecutor(3) as pool:
            list(pool.map(send_all, range(3)))
        total = 3 * PER_SENDER
        for listener in listeners:
            frames = listener.collect("message.new", total, timeout=60)
            seqs = [frame["message"]["seq"] for frame in frames]
            # Each once, and in seq order as they came (seq 1 is group_created).
            assert seqs == list(range(2, total + 2))

        # Remove the last member; what is sent afterwards never reaches them.
        removed = people[-1]
        gone = http(
            "DELETE",
            f"{second.url}/api/chats/{chat_id}/members/{removed['user']['id']}",
            token=owner["access"],
        )
        assert gone.status == 200, gone.json()
        listeners[-1].wait_for("chat.removed", chat_id=chat_id)
        body = {"chat_id": chat_id, "content": "after", "client_id": "after"}
        assert http("POST", f"{first.url}/api/messages", body, token=owner["access"]).status == 201
        for listener in listeners[:-1]:
            listener.until(new_message("after"))
        # The follow-up: a direct message to the removed member, sent after "after".
        direct = http(
            "POST", f"{first.url}/api/chats", {"user_id": removed["user"]["id"]},
            token=owner["access"],
        ).data["id"]  # fmt: skip
        body = {"chat_id": direct, "content": "follow-up", "client_id": "follow-up"}
        assert http("POST", f"{second.url}/api/messages", body, token=owner["access"]).status == 201
        before = listeners[-1].frames_until(new_message("follow-up"))
        leaked = [
            f for f in before if f["type"] == "message.new" and f["message"]["chat_id"] == chat_id
        ]
        assert leaked == [], leaked
        for listener in listeners:
            listener.close()
