"""Messages that a send points at: the one it answers (``reply_to_id``) and the one it passes
on (``forward_of_id``). Both must be visible to the sender (in one of their chats, else 404)
and, being visible, must keep the contract's rules (else 400 on the field).
"""

from chats.models import ChatMember
from core.errors import NotFound, ValidationFailed
from messaging.models import Message


def _visible(*, user, message_id, field: str) -> Message:
    message = (
        Message.objects.filter(pk=message_id, chat__memberships__user=user)
        .select_related("sender")
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    if message.kind == Message.Kind.SYSTEM:
        raise ValidationFailed.on(field, "System messages cannot be answered or passed on.")
    if message.deleted:
        raise ValidationFailed.on(field, "This message was deleted.")
    return message


def reply_target(*, user, message_id, chat_id) -> Message:
    """The message a reply in ``chat_id`` answers: a text message of that chat, not deleted."""
    message = _visible(user=user, message_id=message_id, field="reply_to_id")
    if str(message.chat_id) != str(chat_id):
        if not ChatMember.objects.filter(chat_id=chat_id, user=user).exists():
            raise NotFound("No such chat.")  # as a send to a chat not one's own
        raise ValidationFailed.on("reply_to_id", "A reply answers a message of the same chat.")
    return message


def forward_source(*, user, message_id) -> Message:
    """The message a forward passes on: a text message of any of the sender's chats."""
    return _visible(user=user, message_id=message_id, field="forward_of_id")


def forwarded_author(original: Message) -> tuple:
    """``(user_id, name)`` a forward of ``original`` credits: its first author, as they were
    named when first forwarded."""
    if original.forwarded_from_user_id is not None:
        return original.forwarded_from_user_id, original.forwarded_from_name
    return original.sender_id, original.sender.display_name
