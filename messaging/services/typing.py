"""Typing: relayed to the other members who may see it (no block either way), at most once
a second per person and chat; anything faster is dropped, since a client repeats it anyway.

The recipients of a person's typing in a chat are remembered briefly in this process, so a
burst of keystrokes costs one query; a block made or lifted forgets them at once
(``typing_forget``, called when the block's news reaches this process's sockets).
"""

import time

from messaging import events
from messaging.selectors import chat_typing_recipients
from messaging.worker_threads import in_thread

MIN_INTERVAL = 1.0
RECIPIENTS_TTL = 30.0
_MAX_ENTRIES = 10_000


class _TypingRelay:
    def __init__(self) -> None:
        self.recipients: dict[tuple[str, str], tuple[float, list]] = {}
        self.last_relayed: dict[tuple[str, str], float] = {}

    async def recipients_of(self, key: tuple[str, str]) -> list:
        now = time.monotonic()
        cached = self.recipients.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        user_id, chat_id = key
        found = await in_thread(chat_typing_recipients)(chat_id=chat_id, user_id=user_id)
        if len(self.recipients) >= _MAX_ENTRIES:
            self.prune(now)
        self.recipients[key] = (now + RECIPIENTS_TTL, found)
        return found

    def too_soon(self, key: tuple[str, str]) -> bool:
        now = time.monotonic()
        if now - self.last_relayed.get(key, -MIN_INTERVAL) < MIN_INTERVAL:
            return True
        self.last_relayed[key] = now
        return False

    def forget(self, user_id: str | None = None, chat_id: str | None = None) -> None:
        for key in list(self.recipients):
            if (user_id is None or key[0] == user_id) and (chat_id is None or key[1] == chat_id):
                del self.recipients[key]

    def prune(self, now: float) -> None:
        self.recipients = {k: v for k, v in self.recipients.items() if v[0] > now}
        self.last_relayed = {k: t for k, t in self.last_relayed.items() if now - t < MIN_INTERVAL}


_relay = _TypingRelay()


async def typing_notify(*, user_id: str, chat_id: str) -> None:
    """``user_id`` types in ``chat_id``: tell the members who may see it.

    NotFound if ``user_id`` is not a member of the chat.
    """
    key = (str(user_id), str(chat_id))
    recipients = await _relay.recipients_of(key)
    if _relay.too_soon(key):
        return
    await events.apublish(recipients, events.typing_event(chat_id=chat_id, user_id=user_id))


def typing_forget(*, user_id: str) -> None:
    """A block by or of ``user_id`` changed who may see them type."""
    _relay.forget(user_id=str(user_id))


def typing_forget_chat(*, chat_id: str) -> None:
    """A chat's members changed: who may see typing there is asked again."""
    _relay.forget(chat_id=str(chat_id))
