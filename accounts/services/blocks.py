"""Blocking and unblocking people."""

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from accounts.models import Block, User
from accounts.signals import blocks_changed


def _announce(user: User, other: User) -> None:
    ids = [user.pk, other.pk]
    transaction.on_commit(lambda: blocks_changed.send(sender=Block, user_ids=ids))


def user_block(*, user: User, target: User) -> None:
    """``user`` blocks ``target`` (again is fine)."""
    if target.pk == user.pk:
        raise ValidationError({"user_id": ["You cannot block yourself."]})
    try:
        with transaction.atomic():
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
