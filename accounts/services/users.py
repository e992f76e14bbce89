"""Creating, changing and cutting off users."""

import secrets
import string

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.services.sessions import session_revoke_all
from accounts.signals import user_cut_off
from core.api.exceptions import PhoneTaken, UsernameTaken

_USERNAME_ALPHABET = string.ascii_lowercase + string.digits
PROFILE_FIELDS = ("display_name", "username", "bio", "avatar_url")


def username_generate() -> str:
    """A free ``user_xxxxxxxx`` name; people change it later if they like."""
    while True:
        candidate = "user_" + "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(8))
        if not User.objects.filter(username=candidate).exists():
            return candidate


def user_create(*, phone: str, display_name: str) -> User:
    """Create the account for a phone that a code has just proved."""
    for _ in range(3):
        try:
            with transaction.atomic():
                return User.objects.create_user(
                    phone=phone, username=username_generate(), display_name=display_name
                )
        except IntegrityError as exc:
            if User.objects.filter(phone=phone).exists():
                raise PhoneTaken() from exc
    raise PhoneTaken()


def user_update(*, user: User, **changes) -> User:
    """Apply profile ``changes`` (already validated); 409 if the username is taken."""
    fields = [name for name in PROFILE_FIELDS if name in changes]
    for name in fields:
        value = changes[name]
        setattr(user, name, value.lower() if name == "username" else value)
    if "username" in changes and (
        User.objects.filter(username=user.username).exclude(pk=user.pk).exists()
    ):
        raise UsernameTaken()
    try:
        with transaction.atomic():
            user.save(update_fields=fields or None)
    except IntegrityError as exc:
        raise UsernameTaken() from exc
    return user


def user_deactivate(*, user: User) -> User:
    """Cut ``user`` off: tokens stop at once, sessions end, sockets close (after commit)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        session_revoke_all(user=user)
        transaction.on_commit(lambda: user_cut_off.send(sender=User, user_id=user.pk))
    return user
