"""Two real daphne processes sharing PostgreSQL and Redis behave as one server."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.realtime.clients import Listener, sign_up
from tests.servers import http, tether_servers

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]

SENDERS = 4
PER_SENDER = 50


def test_200_messages_from_4_senders_arrive_once_each_in_seq_order_across_processes():
    with tether_servers(2, env={"TETHER_THROTTLE": "off"}) as servers:
        receiving, sending = servers
        recipient = sign_up(servers, receiving, "+79160000100", "Recipient")
        senders = [
            sign_up(servers, sending, f"+7916000011{n}", f"Sender {n}") for n in range(SENDERS)
        ]
        chats = {}
        for sender in senders:
            opened = http(
                "POST",
                f"{sending.url}/api/chats",
                {"user_id": recipient["user"]["id"]},
                token=sender["access"],
            )
            chats[sender["user"]["id"]] = opened.data["id"]

        listener = Listener(receiving, recipient["access"])
        listener.ready()

        def send_all(sender):
            chat_id = chats[sender["user"]["id"]]
            for n in range(PER_SENDER):
                body = {"chat_id": chat_id, "content": f"m{n}", "client_id": f"{chat_id}-{n}"}
                answer = http("POST", f"{sending.url}/api/messages", body, token=sender["access"])
                assert answer.status == 201, answer.json()

        with ThreadPoolExecutor(SENDERS) as pool:
            list(pool.map(send_all, senders))

        frames = listener.collect("message.new", SENDERS * PER_SENDER, timeout=60)
        listener.close()
        ids = [frame["message"]["id"] for frame in frames]
        assert len(ids) == len(set(ids)) == SENDERS * PER_SENDER
        by_chat: dict[str, list[int]] = {}
        for frame in frames:
            by_chat.setdefault(frame["message"]["chat_id"], []).append(frame["message"]["seq"])
        assert sorted(by_chat) == sorted(chats.values())
        for seqs in by_chat.values():
            assert seqs == list(range(1, PER_SENDER + 1))


def test_one_chat_written_through_both_processes_at_once_keeps_seqs_1_to_n():
    with tether_servers(2, env={"TETHER_THROTTLE": "off"}) as servers:
        first, second = servers
        alice = sign_up(servers, first, "+79160000200", "Alice")
        bob = sign_up(servers, second, "+79160000201", "Bob")
        chat_id = http(
            "POST", f"{first.url}/api/chats", {"user_id": bob["user"]["id"]}, token=alice["access"]
        ).data["id"]

        def send(n):
            server, who = (first, alice) if n % 2 else (second, bob)
            body = {"chat_id": chat_id, "content": f"m{n}"}
            return http("POST", f"{server.url}/api/messages", body, token=who["access"]).status

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(send, range(40)))
        assert statuses == [201] * 40
        history = http(
            "GET", f"{first.url}/api/chats/{chat_id}/messages?limit=100", token=alice["access"]
        ).data
        assert [m["seq"] for m in history] == list(range(1, 41))
