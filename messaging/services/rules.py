"""What every change to a sent message checks, in one place: edits, deletions, reactions and
pins all find the message the same way and refuse it for the same reasons."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from accounts.selectors import block_exists_with
from accounts.services.blocks import blocks_hold_steady
from chats.models import Chat, ChatMember
from chats.selectors import chat_read_seqs
from core.errors import Blocked, NotFound, ValidationFailed
from core.locks import lock_through_commit
from messaging.models import Message
from messaging.payloads import message_data


@contextmanager
def message_changing(message_id) -> Iterator[None]:
    """A transaction for changing one message, its lock held through the commit and the
    ``message.updated`` it publishes: two changes at once (two people reacting on two
    processes) reach every client in the order they committed, the last one complete."""
    with lock_through_commit("message", str(message_id)), transaction.atomic():
        yield


def locked_message_of_member(*, user, message_id) -> Message:
    """The message, row-locked, if ``user`` is a member of its chat; else NotFound."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("chat")
        .filter(pk=message_id, chat__memberships__user=user)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def not_system(message: Message, doing: str, field: str = "message_id") -> None:
    """System messages state what happened to the group: nobody changes or marks them."""
    if message.kind == Message.Kind.SYSTEM:
        raise ValidationFailed.on(field, f"System messages cannot be {doing}.")


def no_block_in_direct_chat(chat: Chat, user) -> None:
    """In a direct chat a block either way stops edits, reactions and pins, as it stops
    sends; in groups blocks do not hide messages."""
    if chat.kind != Chat.Kind.DIRECT:
        return
    blocks_hold_steady(user_id=user.pk)
    peers = ChatMember.objects.filter(chat_id=chat.pk).exclude(user_id=user.pk)
    if peers.annotate(blocked=block_exists_with(user.pk)).filter(blocked=True).exists():
        raise Blocked()


def message_payload(message: Message) -> dict:
    """The message as clients see it now (reads, reply, reactions: a few queries)."""
    return message_data(message, {message.chat_id: chat_read_seqs(message.chat_id)})
