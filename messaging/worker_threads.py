"""Database work from async code, in the worker pool rather than on the event loop."""

from channels.db import database_sync_to_async
from django.db import connections


def in_thread(function):
    """Run ``function`` (sync, database work) in the worker pool, not in the one thread that
    Channels shares by default among all the process's sockets: sockets' work overlaps.

    The thread hands its connection back to the pool when the work is done: a worker thread
    may sit idle, or end with its event loop, still holding one otherwise.
    """

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            for connection in connections.all(initialized_only=True):
                connection.close()

    return database_sync_to_async(run, thread_sensitive=False)
