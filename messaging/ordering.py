"""Each socket gets a chat's messages in seq order, whichever process published them.

Seqs are given out in commit order, but each send publishes after its own commit, from its own
thread or process, so two sends to one chat a millisecond apart can reach Redis the other way
round. Each connection therefore holds a message that arrives past a gap (seq 9 while the last
one out was 7) until the missing one comes, for at most ``HOLD_SECONDS`` (the longest a
publish may take, ``events.PUBLISH_TIMEOUT``): a publish that never comes (the channel layer
dropped it) only delays what follows, and the client fetches the gap with ``after_seq`` as
the contract says. Updates and deletions of a held message wait behind it.

Nothing here touches the database or Redis: it is a dictionary per connection.
"""

import asyncio
from collections.abc import Awaitable, Callable

from messaging.events import PUBLISH_TIMEOUT

HOLD_SECONDS = PUBLISH_TIMEOUT
_ORDERED = {"message.new", "message.updated", "message.deleted"}


class SeqOrder:
    """One connection's outgoing message frames, released in seq order per chat."""

    def __init__(self, send: Callable[[dict], Awaitable[None]], hold: float = HOLD_SECONDS):
        self._send = send
        self._hold = hold
        self._lock = asyncio.Lock()
        self._last: dict[str, int] = {}  # chat id → highest seq sent out
        # chat id → (seq, arrival number, arrival time, frame) waiting behind a gap
        self._held: dict[str, list[tuple[int, int, float, dict]]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._arrivals = 0

    def start(self, last_seqs: dict[str, int]) -> None:
        """Count from each chat's newest seq when the socket joined (``{chat_id: seq}``), so
        that even its first frames come in order; a chat joined later counts from the first
        frame heard of it."""
        for chat_id, seq in last_seqs.items():
            self._last.setdefault(chat_id, seq)

    async def deliver(self, event: dict) -> None:
        """Send ``event`` now, or hold it until the seqs before it have gone out."""
        if event.get("type") not in _ORDERED:
            await self._send(event)
            return
        message = event["message"]
        chat_id, seq = message["chat_id"], message["seq"]
        async with self._lock:
            new = event["type"] == "message.new"
            last = self._last.get(chat_id)
            if last is None:
                if not new:  # an edit in a chat not heard from yet: nothing to wait for
                    await self._send(event)
                    return
                last = seq - 1  # the first this connection hears of the chat starts the count
            if chat_id in self._held or seq > last + (1 if new else 0):
                self._keep(chat_id, seq, event)
                await self._release(chat_id)
                return
            if new:
                self._last[chat_id] = max(last, seq)
            await self._send(event)

    def forget(self, chat_id: str) -> None:
        """The connection's user left ``chat_id``: nothing of it is waiting any more."""
        self._last.pop(chat_id, None)
        self._held.pop(chat_id, None)
        self._cancel_timer(chat_id)

    def close(self) -> None:
        for chat_id in list(self._timers):
            self._cancel_timer(chat_id)
        self._held.clear()

    def _keep(self, chat_id: str, seq: int, event: dict) -> None:
        self._arrivals += 1
        now = asyncio.get_running_loop().time()
        self._held.setdefault(chat_id, []).append((seq, self._arrivals, now, event))

    async def _release(self, chat_id: str) -> None:
        """Send what is held and in order now, and past a gap what has waited long enough;
        the rest waits for a timer set for the earliest of it."""
        loop = asyncio.get_running_loop()
        held = sorted(self._held.pop(chat_id, []))
        last = self._last.get(chat_id, 0)
        while held:
            seq, _, _, event = held[0]
            new = event["type"] == "message.new"
            if seq > last + (1 if new else 0):
                oldest = min(arrived for _, _, arrived, _ in held)
                if loop.time() - oldest < self._hold:
                    break
            held.pop(0)
            if new and seq > last:
                last = self._last[chat_id] = seq
            await self._send(event)
        self._cancel_timer(chat_id)
        if held:
            self._held[chat_id] = held
            oldest = min(arrived for _, _, arrived, _ in held)
            self._timers[chat_id] = loop.call_at(oldest + self._hold, self._expire, chat_id)

    def _expire(self, chat_id: str) -> None:
        self._timers.pop(chat_id, None)
        asyncio.ensure_future(self._release_locked(chat_id))

    async def _release_locked(self, chat_id: str) -> None:
        async with self._lock:
            await self._release(chat_id)

    def _cancel_timer(self, chat_id: str) -> None:
        timer = self._timers.pop(chat_id, None)
        if timer is not None:
            timer.cancel()
