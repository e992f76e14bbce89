"""Editing and deleting sent messages; members hear ``message.updated`` / ``message.deleted``."""

from django.db import transaction
from django.utils import timezone

from accounts.selectors import block_exists_with
from accounts.services.blocks import blocks_hold_steady
from chats.models import Chat, ChatMember
from chats.selectors import chat_member_ids, chat_read_seqs
from core.errors import Blocked, NotFound, PermissionDenied, ValidationFailed
from messaging import events
from messaging.content import content_check
from messaging.models import Message
from messaging.payloads import message_data
from messaging.services.limits import send_limit_check


def _locked_message_of_member(*, user, message_id) -> Message:
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("chat")
        .filter(pk=message_id, chat__memberships__user=user)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def _not_system(message: Message, doing: str) -> None:
    """System messages state what happened to the group: nobody rewrites or removes them."""
    if message.kind == Message.Kind.SYSTEM:
        raise ValidationFailed.on("message_id", f"System messages cannot be {doing}.")


def _payload(message: Message) -> dict:
    return message_data(message, {message.chat_id: chat_read_seqs(message.chat_id)})


def _check_no_block_in_direct_chat(message: Message, user) -> None:
    """In a direct chat a block either way stops edits (and, later, reactions and pins), as
    it stops sends; in groups blocks do not hide messages."""
    if message.chat.kind != Chat.Kind.DIRECT:
        return
    blocks_hold_steady(user_id=user.pk)
    peers = ChatMember.objects.filter(chat_id=message.chat_id).exclude(user_id=user.pk)
    if peers.annotate(blocked=block_exists_with(user.pk)).filter(blocked=True).exists():
        raise Blocked()


def message_edit(*, user, message_id, content: str) -> dict:
    """Change the text of one's own message; ``message.updated`` to the chat.

    Blocks stop it like a send, and it counts against the send limit.
    """
    content_check(content)
    with transaction.atomic():
        message = _locked_message_of_member(user=user, message_id=message_id)
        if message.deleted:
            raise NotFound("This message was deleted.")
        _not_system(message, "edited")
        if message.sender_id != user.pk:
            raise PermissionDenied("Only the sender can edit a message.")
        _check_no_block_in_direct_chat(message, user)
        send_limit_check(user=user)
        message.content = content
        message.edited_at = timezone.now()
        message.save(update_fields=["content", "edited_at"])
        data = _payload(message)
        events.message_updated(data, chat_member_ids(message.chat_id))
    return data


def message_delete(*, actor, message_id, as_moderator: bool = False) -> dict:
    """Soft-delete: the seq stays, the content goes; ``message.deleted`` to the chat.

    Deleting an already deleted message answers the same message again. Moderators
    (``as_moderator``) may delete any message, in any chat.
    """
    with transaction.atomic():
        if as_moderator:
            message = Message.objects.select_for_update().filter(pk=message_id).first()
            if message is None:
                raise NotFound("No such message.")
        else:
            message = _locked_message_of_member(user=actor, message_id=message_id)
            _not_system(message, "deleted")
            if message.sender_id != actor.pk:
                raise PermissionDenied("Only the sender can delete a message.")
        if message.deleted:
            return _payload(message)
        message.deleted_at = timezone.now()
        message.content = ""
        message.save(update_fields=["deleted_at", "content"])
        data = _payload(message)
        events.message_deleted(data, chat_member_ids(message.chat_id))
    return data
