"""A socket's message frames leave in seq order per chat (messaging/ordering.py): what comes
past a gap waits for the missing seq, at most the hold, and nothing is lost or repeated."""

import asyncio

import pytest

from messaging.ordering import SeqOrder

HOLD = 0.2
A, B = "chat-a", "chat-b"


def new(seq: int, chat: str = A) -> dict:
    return {"type": "message.new", "message": {"chat_id": chat, "seq": seq}}


def updated(seq: int, chat: str = A) -> dict:
    return {"type": "message.updated", "message": {"chat_id": chat, "seq": seq}}


class Socket:
    def __init__(self):
        self.sent: list[tuple[str, str, int | None]] = []

    async def send(self, event: dict) -> None:
        message = event.get("message", {})
        self.sent.append((event["type"], message.get("chat_id"), message.get("seq")))

    def seqs(self, chat: str = A, kind: str = "message.new") -> list[int]:
        return [seq for type_, chat_id, seq in self.sent if type_ == kind and chat_id == chat]


def run(coroutine):
    return asyncio.run(coroutine)


def test_frames_in_order_go_at_once():
    async def scenario():
        socket = Socket()
        order = SeqOrder(socket.send, hold=HOLD)
        for seq in (5, 6, 7):
            await order.deliver(new(seq))
        await order.deliver({"type": "chat.read", "chat_id": A})
        return socket

    socket = run(scenario())
    assert socket.seqs() == [5, 6, 7]  # the first seq heard starts the count
    assert socket.sent[-1][0] == "chat.read"


def test_a_message_past_a_gap_waits_for_the_missing_one():
    async def scenario():
        socket = Socket()
        order = SeqOrder(socket.send, hold=HOLD)
        await order.deliver(new(1))
        await order.deliver(new(3))
        await order.deliver(new(4))
        held = socket.seqs()
        await order.deliver(new(2))
        return held, socket.seqs()

    held, sent = run(scenario())
    assert held == [1]
    assert sent == [1, 2, 3, 4]


def test_a_gap_that_never_fills_holds_only_for_the_hold():
    async def scenario():
        socket = Socket()
        order = SeqOrder(socket.send, hold=HOLD)
        await order.deliver(new(1))
        await order.deliver(new(3))
        loop = asyncio.get_running_loop()
        began = loop.time()
        while socket.seqs() != [1, 3]:
            assert loop.time() - began < 5 * HOLD, socket.sent
            await asyncio.sleep(0.01)
        waited = loop.time() - began
        await order.deliver(new(4))  # in order after the released one: at once
        after = socket.seqs()
        await order.deliver(new(2))  # too late to be in order, but never lost
        return waited, after, socket.seqs()

    waited, after, sent = run(scenario())
    assert HOLD * 0.8 <= waited < HOLD * 3
    assert after == [1, 3, 4]
    assert sent == [1, 3, 4, 2]


def test_an_edit_of_a_held_message_waits_behind_it():
    async def scenario():
        socket = Socket()
        order = SeqOrder(socket.send, hold=HOLD)
        await order.deliver(new(1))
        await order.deliver(new(3))
        await order.deliver(updated(3))
        await order.deliver(updated(1))  # its message is out: at once
        before = list(socket.sent)
        await order.deliver(new(2))
        return before, socket.sent

    before, sent = run(scenario())
    assert [(t, s) for t, _, s in before] == [("message.new", 1), ("message.updated", 1)]
    assert [(t, s) for t, _, s in sent] == [
        ("message.new", 1),
        ("message.updated", 1),
        ("message.new", 2),
        ("message.new", 3),
        ("message.updated", 3),
    ]


def test_chats_are_ordered_apart_and_a_left_chat_is_forgotten():
    async def scenario():
        socket = Socket()
        order = SeqOrder(socket.send, hold=HOLD)
        await order.deliver(new(1, A))
        await order.deliver(new(3, A))  # held
        await order.deliver(new(10, B))
        await order.deliver(new(11, B))
        order.forget(A)  # chat.removed: what was held of A goes, and A starts afresh
        await asyncio.sleep(HOLD * 2)
        await order.deliver(new(7, A))
        order.close()
        return socket

    socket = run(scenario())
    assert socket.seqs(B) == [10, 11]
    assert socket.seqs(A) == [1, 7]


@pytest.mark.parametrize("arrival", [[2, 1, 3, 5, 4, 6], [3, 2, 1, 4, 6, 5], [1, 2, 3, 4, 5, 6]])
def test_shuffled_arrivals_within_the_hold_come_out_sorted(arrival):
    async def scenario():
        socket = Socket()
        order = SeqOrder(socket.send, hold=HOLD)
        await order.deliver(new(1, B))  # the chat's count starts at 1 for this socket
        for seq in arrival:
            await order.deliver(new(seq + 1, B))
        return socket

    socket = run(scenario())
    assert socket.seqs(B) == [1, 2, 3, 4, 5, 6, 7]
