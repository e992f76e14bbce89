"""Serialising work on one key across every process, inside a transaction."""

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection


def advisory_key(namespace: str, value: str) -> int:
    """The 64-bit key of PostgreSQL's advisory locks for ``namespace:value``."""
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_key(namespace: str, value: str) -> None:
    """Hold an exclusive transaction-scoped lock on ``namespace:value`` until it ends.

    PostgreSQL takes an advisory lock; SQLite needs nothing more, since Tether opens its
    transactions there with BEGIN IMMEDIATE, which already admits one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key(namespace, value)])


def lock_keys(namespace: str, values: list[str]) -> None:
    """``lock_key`` on several values, always in the same order (so two callers never wait
    for each other in a circle)."""
    for value in sorted(set(values)):
        lock_key(namespace, value)


def lock_key_shared(namespace: str, value: str) -> None:
    """A shared lock on ``namespace:value``: any number of holders at once, but none while
    someone holds ``lock_key`` on it (a reader-writer lock across processes)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [advisory_key(namespace, value)])


_local_locks = [threading.Lock() for _ in range(64)]


@contextmanager
def lock_through_commit(namespace: str, value: str) -> Iterator[None]:
    """An exclusive lock on ``namespace:value`` held around a whole transaction, its commit
    and its on-commit callbacks (the events it publishes), so that what two callers publish
    about one thing goes out in the order they committed it.

    Take it outside ``transaction.atomic()``. PostgreSQL: a session advisory lock, always
    released (the server releases it too if the connection dies). Elsewhere (SQLite, one
    process): one of a few process-wide locks.
    """
    if connection.vendor != "postgresql":
        with _local_locks[hash((namespace, value)) % len(_local_locks)]:
            yield
        return
    key = advisory_key(namespace, value)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        except DatabaseError:
            pass  # the connection is gone, and the server let the lock go with it
