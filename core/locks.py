"""Serialising work on one key across every process, inside a transaction."""

import hashlib

from django.db import connection


def lock_key(namespace: str, value: str) -> None:
    """Hold a transaction-scoped lock on ``namespace:value`` until the transaction ends.

    PostgreSQL takes an advisory lock; SQLite needs nothing more, since Tether opens its
    transactions there with BEGIN IMMEDIATE, which already admits one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
