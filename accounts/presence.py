"""Who is online: read side used by the user serializer (written by the socket layer)."""

from collections.abc import Iterable

from accounts.selectors import blocked_between

_readers = []


def register_reader(reader) -> None:
    """The real-time layer installs the function that answers ``online_ids``."""
    _readers[:] = [reader]


def online_ids(user_ids: Iterable, viewer_id=None) -> set:
    """The subset of ``user_ids`` with at least one live connection, in one round trip.

    Seen by ``viewer_id``, users with a block between them and the viewer are never online:
    neither side of a block gets the other's presence.
    """
    ids = list(user_ids)
    if not ids or not _readers:
        return set()
    online = _readers[0](ids)
    if viewer_id is not None and online:
        online -= blocked_between(viewer_id, online)
    return online
