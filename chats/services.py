"""Writes for chats that tell nobody: opening a direct chat."""

from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.selectors import blocked_between
from chats.models import Chat, ChatMember
from chats.signals import direct_chat_created
from core.errors import Blocked, NotFound, ValidationFailed


def chat_get_or_create(*, user: User, peer: User) -> tuple[Chat, bool]:
    """The direct chat of ``user`` and ``peer``, created if new: ``(chat, created)``.

    The peer must be an active account (else NotFound, as for no account at all), not
    ``user``, and no block may stand between them. Race-safe: two people opening the chat
    with each other at the same moment both get the one chat, because ``direct_key`` is
    unique and the loser of the insert reads the winner's.
    """
    if peer.pk == user.pk:
        raise ValidationFailed.on("user_id", "You cannot open a chat with yourself.")
    if not peer.is_active:
        raise NotFound("No such user.")
    if blocked_between(user.pk, [peer.pk]):
        raise Blocked()
    key = Chat.direct_key_for(user.pk, peer.pk)
    chat = Chat.objects.filter(direct_key=key).first()
    if chat is not None:
        return chat, False
    try:
        with transaction.atomic():
            chat = Chat.objects.create(kind=Chat.Kind.DIRECT, direct_key=key)
            ChatMember.objects.bulk_create(
                [ChatMember(chat=chat, user=user), ChatMember(chat=chat, user=peer)]
            )
            ids = [user.pk, peer.pk]
            transaction.on_commit(lambda: direct_chat_created.send(sender=Chat, user_ids=ids))
            return chat, True
    except IntegrityError:
        return Chat.objects.get(direct_key=key), False
