"""The privacy rules (contract: "Search and settings"), in one place for every door.

Last seen and online work both ways: A sees B's only if B's setting lets A see it and A's
setting would let B see A's. "chats" means "people I share a chat with"; sharing a chat is
the chats app's knowledge, so it registers how to ask (``use_chat_sharing``) when it loads,
and accounts never imports it.
"""

from collections.abc import Callable, Iterable

from accounts.models import Discovery, User, Visibility

# (viewer_id, user_ids) -> the ids among user_ids that share a chat with viewer_id.
ChatSharing = Callable[[object, list], set]
_sharing: ChatSharing | None = None


def use_chat_sharing(sharing: ChatSharing) -> None:
    global _sharing
    _sharing = sharing


def share_a_chat(viewer_id, user_ids: Iterable) -> set:
    ids = list(user_ids)
    if not ids or _sharing is None:
        return set()
    return _sharing(viewer_id, ids)


def _allows(setting: str, shared: bool) -> bool:
    return setting == Visibility.EVERYONE or (setting == Visibility.CHATS and shared)


def last_seen_hidden(viewer: User | None, users: Iterable[User]) -> set:
    """The ids of ``users`` whose last seen and online ``viewer`` may not see (one query at
    most: whether they share a chat, asked only where a setting says "chats")."""
    users = [u for u in users if viewer is None or u.pk != viewer.pk]
    if viewer is None or not users:
        return set()
    mine = viewer.last_seen_visibility
    if mine == Visibility.NOBODY:
        return {u.pk for u in users}
    needs_sharing = [
        u.pk
        for u in users
        if u.last_seen_visibility == Visibility.CHATS
        or (mine == Visibility.CHATS and u.last_seen_visibility != Visibility.NOBODY)
    ]
    shared = share_a_chat(viewer.pk, needs_sharing)
    return {
        u.pk
        for u in users
        if not (_allows(u.last_seen_visibility, u.pk in shared) and _allows(mine, u.pk in shared))
    }


def presence_shown_between(user: User, watcher_setting: str) -> bool:
    """Whether a ``presence`` event about ``user`` may reach a watcher (who shares a chat
    with them, by definition) whose own setting is ``watcher_setting``."""
    return user.last_seen_visibility != Visibility.NOBODY and watcher_setting != Visibility.NOBODY


def found_by_phone(user: User, searcher_id) -> bool:
    """``?phone=`` finds ``user``: unless they said nobody, and then only people who already
    share a chat with them."""
    if user.phone_discovery != Discovery.NOBODY:
        return True
    return bool(share_a_chat(searcher_id, [user.pk]))
