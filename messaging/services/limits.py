"""The send limit: 30 messages in 10 s per person, shared by every process and door."""

from core.throttling import person_limit_check


def send_limit_check(*, user) -> None:
    """Count one send (or edit) by ``user``; Throttled when over the limit.

    Retries of a stored ``client_id`` never get here: they are answered before any rule.
    """
    person_limit_check("message_send", user.pk)
