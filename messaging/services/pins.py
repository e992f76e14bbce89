"""Pins: one pinned message per chat. Any member of a direct chat may pin, the owner and
admins of a group; members hear ``chat.updated`` and read the chat again."""

from django.db import transaction
from django.utils import timezone

from chats.models import Chat, ChatMember
from chats.selectors import chat_member_ids
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.throttling import person_limit_check
from messaging import events
from messaging.models import ChatPin, Message
from messaging.services.rules import no_block_in_direct_chat, not_system

_PINNERS = {ChatMember.Role.OWNER, ChatMember.Role.ADMIN}


def _chat_to_pin_in(*, user, chat_id) -> Chat:
    """The chat, row-locked, if ``user`` may pin there; NotFound, PermissionDenied, Blocked."""
    chat = (
        Chat.objects.select_for_update(of=("self",))
        .filter(pk=chat_id, memberships__user=user)
        .first()
    )
    if chat is None:
        raise NotFound("No such chat.")
    if chat.kind == Chat.Kind.GROUP:
        role = ChatMember.objects.filter(chat=chat, user=user).values_list("role", flat=True)
        if role.first() not in _PINNERS:
            raise PermissionDenied("Only the group's owner and admins can pin messages.")
    no_block_in_direct_chat(chat, user)
    return chat


def chat_pin(*, user, chat_id, message_id) -> None:
    """Pin the message (a text message of this chat, not deleted) in place of any other."""
    with transaction.atomic():
        chat = _chat_to_pin_in(user=user, chat_id=chat_id)
        # Locked too: a deletion of it (which unpins) either comes first or waits.
        message = (
            Message.objects.select_for_update(of=("self",))
            .filter(pk=message_id, chat__memberships__user=user)
            .first()
        )
        if message is None:
            raise NotFound("No such message.")
        if message.chat_id != chat.pk:
            raise ValidationFailed.on("message_id", "Pin a message of this chat.")
        not_system(message, "pinned")
        if message.deleted:
            raise ValidationFailed.on("message_id", "This message was deleted.")
        current = ChatPin.objects.filter(chat=chat).first()
        if current is not None and current.message_id == message.pk:
            return
        person_limit_check("message_mark", user.pk)
        ChatPin.objects.update_or_create(
            chat=chat,
            defaults={"message": message, "pinned_by": user, "pinned_at": timezone.now()},
        )
        events.chat_updated(chat_id=chat.pk, member_ids=chat_member_ids(chat.pk))


def chat_unpin(*, user, chat_id) -> None:
    """Unpin whatever is pinned; nothing pinned: nothing changes, nothing is published."""
    with transaction.atomic():
        chat = _chat_to_pin_in(user=user, chat_id=chat_id)
        if not ChatPin.objects.filter(chat=chat).exists():
            return
        person_limit_check("message_mark", user.pk)
        ChatPin.objects.filter(chat=chat).delete()
        events.chat_updated(chat_id=chat.pk, member_ids=chat_member_ids(chat.pk))
