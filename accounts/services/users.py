"""Creating, changing and cutting off users."""

import secrets
import string
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Discovery, User, Visibility
from accounts.services.sessions import session_revoke_all
from accounts.signals import last_seen_changed, user_cut_off
from core.errors import PhoneTaken, UsernameTaken, ValidationFailed

_USERNAME_ALPHABET = string.ascii_lowercase + string.digits
PROFILE_FIELDS = ("display_name", "username", "bio", "avatar_url")
_URL_SCHEMES = ("https://", "http://")


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


def _profile_check(changes: dict) -> dict:
    """The contract's profile rules, whoever asks: cleaned values, or ValidationFailed."""
    cleaned, problems = {}, {}
    for name in PROFILE_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if not isinstance(value, str):
            problems[name] = ["Must be a string."]
            continue
        if name == "username":
            value = User.normalize_username(value)
        if name == "display_name":
            value = value.strip()
        try:
            value = User._meta.get_field(name).clean(value, None)
        except DjangoValidationError as exc:
            problems[name] = list(exc.messages)
            continue
        if name == "avatar_url" and value and not value.lower().startswith(_URL_SCHEMES):
            problems[name] = ["Must be an http or https address."]
            continue
        cleaned[name] = value
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def user_update(*, user: User, **changes) -> User:
    """Apply profile ``changes`` under the profile rules; 409 if the username is taken."""
    cleaned = _profile_check(changes)
    for name, value in cleaned.items():
        setattr(user, name, value)
    if "username" in cleaned and (
        User.objects.filter(username=user.username).exclude(pk=user.pk).exists()
    ):
        raise UsernameTaken()
    try:
        with transaction.atomic():
            user.save(update_fields=list(cleaned) or None)
    except IntegrityError as exc:
        raise UsernameTaken() from exc
    return user


def user_deactivate(*, user: User) -> User:
    """The one way to cut a user off, whoever does it (a moderator, the admin, deletion).

    The account stops at once: its sessions end (so its tokens stop working), and after
    commit every process closes its sockets.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        session_revoke_all(user=user, announce=False)
        user_id = user.pk
        transaction.on_commit(lambda: user_cut_off.send(sender=User, user_id=user_id))
    return user


def user_mark_seen(*, user_id) -> datetime:
    """Stamp ``last_seen`` now (the user's last connection just closed); the time."""
    now = timezone.now()
    User.objects.filter(pk=user_id).update(last_seen=now)
    transaction.on_commit(lambda: last_seen_changed.send(sender=User, user_id=user_id))
    return now


PRIVACY_FIELDS = {
    "last_seen": "last_seen_visibility",
    "read_receipts": "read_receipts",
    "phone_discovery": "phone_discovery",
}


def user_privacy(user: User) -> dict:
    """The contract's privacy settings of ``user``."""
    return {name: getattr(user, field) for name, field in PRIVACY_FIELDS.items()}


def user_privacy_update(*, user: User, **changes) -> dict:
    """Change any of ``last_seen`` ("everyone", "chats", "nobody"), ``read_receipts``
    (bool) and ``phone_discovery`` ("everyone", "nobody"); the settings after it."""
    rules = {
        "last_seen": set(Visibility.values),
        "read_receipts": {True, False},
        "phone_discovery": set(Discovery.values),
    }
    for name, value in changes.items():
        if (
            name not in rules
            or value not in rules[name]
            or (name == "read_receipts" and not isinstance(value, bool))
        ):
            raise ValidationFailed.on(name, "Not one of the allowed values.")
    fields = [PRIVACY_FIELDS[name] for name in changes]
    for name, value in changes.items():
        setattr(user, PRIVACY_FIELDS[name], value)
    if fields:
        user.save(update_fields=fields)
    return user_privacy(user)
