"""Who is online: read side used by the user serializer (written by the socket layer)."""

from collections.abc import Iterable

_readers = []


def register_reader(reader) -> None:
    """The real-time layer installs the function that answers ``online_ids``."""
    _readers[:] = [reader]


def online_ids(user_ids: Iterable) -> set:
    """The subset of ``user_ids`` with at least one live connection, in one round trip."""
    ids = list(user_ids)
    if not ids or not _readers:
        return set()
    return _readers[0](ids)
