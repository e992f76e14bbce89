"""Blocking and unblocking people.

A block and a send between the same people never overlap: a block holds the exclusive
"blocks" lock of both people until it commits, and a send holds the shared one of its
sender (``blocks_hold_steady``) while it checks and stores, so a block made while a send is
in flight either waits for it or is seen by it.
"""

from django.db import IntegrityError, transaction

from accounts.models import Block, User
from accounts.signals import blocks_changed
from core.errors import ValidationFailed
from core.locks import advisory_key, lock_key_shared, lock_keys

_LOCK = "blocks"


def blocks_hold_steady(*, user_id) -> None:
    """Inside a transaction: no block by or of ``user_id`` commits until it ends."""
    lock_key_shared(_LOCK, str(user_id))


def blocks_lock_id(*, user_id) -> int:
    """The advisory-lock key ``blocks_hold_steady`` takes, for callers that lock in SQL."""
    return advisory_key(_LOCK, str(user_id))


def _announce(user: User, other: User) -> None:
    ids = [user.pk, other.pk]
    transaction.on_commit(lambda: blocks_changed.send(sender=Block, user_ids=ids))


def user_block(*, user: User, target: User) -> None:
    """``user`` blocks ``target`` (again is fine)."""
    if target.pk == user.pk:
        raise ValidationFailed.on("user_id", "You cannot block yourself.")
    try:
        with transaction.atomic():
            lock_keys(_LOCK, [str(user.pk), str(target.pk)])
            _, created = Block.objects.get_or_create(blocker=user, blocked=target)
            if created:
                _announce(user, target)
    except IntegrityError:
        pass  # the same block arrived at the same moment


def user_unblock(*, user: User, target: User) -> None:
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=user, blocked=target).delete()
        if deleted:
            _announce(user, target)
