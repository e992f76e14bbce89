"""Editing and deleting sent messages; members hear ``message.updated`` / ``message.deleted``."""

from django.utils import timezone

from chats.selectors import chat_member_ids
from core.errors import NotFound, PermissionDenied
from messaging import events
from messaging.content import content_check
from messaging.models import ChatPin, Message, Reaction
from messaging.services.limits import send_limit_check
from messaging.services.rules import (
    locked_message_of_member,
    message_changing,
    message_payload,
    no_block_in_direct_chat,
    not_system,
)
from messaging.services.uploads import attachments_exist, attachments_unlink


def message_edit(*, user, message_id, content: str) -> dict:
    """Change the text of one's own message; ``message.updated`` to the chat.

    Blocks stop it like a send, and it counts against the send limit. A message with
    attachments may be edited to "".
    """
    if content != "":
        content_check(content)
    with message_changing(message_id):
        message = locked_message_of_member(user=user, message_id=message_id)
        if message.deleted:
            raise NotFound("This message was deleted.")
        not_system(message, "edited")
        if message.sender_id != user.pk:
            raise PermissionDenied("Only the sender can edit a message.")
        if content == "" and not attachments_exist(message):
            content_check(content)  # only a message with attachments may have no text
        no_block_in_direct_chat(message.chat, user)
        send_limit_check(user=user)
        message.content = content
        message.edited_at = timezone.now()
        message.save(update_fields=["content", "edited_at"])
        data = message_payload(message)
        events.message_updated(data, chat_member_ids(message.chat_id))
    return data


def message_delete(*, actor, message_id, as_moderator: bool = False) -> dict:
    """Soft-delete: the seq stays; the content, attachments, reactions and any pin go;
    ``message.deleted`` to the chat (and ``chat.updated`` if it was pinned).

    Deleting an already deleted message answers the same message again. Moderators
    (``as_moderator``) may delete any message, in any chat.
    """
    with message_changing(message_id):
        if as_moderator:
            message = Message.objects.select_for_update().filter(pk=message_id).first()
            if message is None:
                raise NotFound("No such message.")
        else:
            message = locked_message_of_member(user=actor, message_id=message_id)
            not_system(message, "deleted")
            if message.sender_id != actor.pk:
                raise PermissionDenied("Only the sender can delete a message.")
        if message.deleted:
            return message_payload(message)
        message.deleted_at = timezone.now()
        message.content = ""
        message.save(update_fields=["deleted_at", "content"])
        Reaction.objects.filter(message=message).delete()
        attachments_unlink(message)
        unpinned, _ = ChatPin.objects.filter(message=message).delete()
        data = message_payload(message)
        members = chat_member_ids(message.chat_id)
        events.message_deleted(data, members)
        if unpinned:
            events.chat_updated(chat_id=message.chat_id, member_ids=members)
    return data
