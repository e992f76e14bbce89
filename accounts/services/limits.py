"""Per-person request limits of the accounts area, shared by every process."""

from core.throttling import person_limit_check


def phone_lookup_check(*, user) -> None:
    """Count one ``?phone=`` lookup by ``user``: 30 a minute, so nobody walks the number
    space to learn who uses Tether."""
    person_limit_check("phone_lookup", user.pk)
