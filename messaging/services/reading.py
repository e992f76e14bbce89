"""Read state: the only writer of ``ChatMember.last_read_seq``."""

from django.db import transaction

from chats.models import Chat, ChatMember
from chats.selectors import chat_member_ids
from core.errors import NotFound
from messaging import events


def chat_mark_read(*, user, chat_id, up_to_seq: int) -> int:
    """Move the reader's ``last_read_seq`` forward (never back, never past the last message);
    ``chat.read`` goes out only when it moves, and in a direct chat where read receipts are
    off, only to the reader's own connections. Returns the resulting ``last_read_seq``."""
    with transaction.atomic():
        chat = Chat.objects.filter(pk=chat_id, memberships__user=user).first()
        if chat is None:
            raise NotFound("No such chat.")
        target = min(up_to_seq, chat.last_seq)
        moved = ChatMember.objects.filter(
            chat_id=chat_id, user=user, last_read_seq__lt=target
        ).update(last_read_seq=target)
        if not moved:
            return ChatMember.objects.get(chat_id=chat_id, user=user).last_read_seq
        members = chat_member_ids(chat_id)
        if chat.kind == Chat.Kind.DIRECT and not receipts_shown(chat_id):
            members = [user.pk]  # their own other devices only: the peer learns nothing
        events.chat_read(chat_id=chat_id, user_id=user.pk, last_read_seq=target, member_ids=members)
        return target


def receipts_shown(chat_id) -> bool:
    """Every member of the chat keeps read receipts on (the direct-chat rule)."""
    return not ChatMember.objects.filter(chat_id=chat_id, user__read_receipts=False).exists()
