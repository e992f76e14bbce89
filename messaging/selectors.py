"""Reads that join chats with their messages: each costs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User, Visibility
from accounts.selectors import block_exists_with
from chats.models import Chat, ChatMember
from core.errors import NotFound
from messaging.models import Message, MessageAttachment
from messaging.payloads import with_extras


def chat_list(*, viewer) -> QuerySet:
    """The viewer's chats, most recent activity first, ready for ChatSerializer.

    Six queries whatever the number of chats, nine when one is pinned: chats with the
    viewer's unread count and pinned message, their memberships with users, each chat's
    last message, the reactions and attachments of those, and of the pinned ones (and
    whether what a pinned reply answers has attachments).
    """
    my_read = ChatMember.objects.filter(chat=OuterRef("chat_id"), user=viewer).values(
        "last_read_seq"
    )[:1]
    unread = (
        Message.objects.filter(chat=OuterRef("pk"), deleted_at__isnull=True, kind="text")
        .exclude(sender=viewer)
        .filter(seq__gt=Coalesce(Subquery(my_read), Value(0)))
        .order_by()
        .values("chat")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Chat.objects.filter(memberships__user=viewer)
        .annotate(unread_count=Coalesce(Subquery(unread), Value(0)))
        .prefetch_related(
            Prefetch("memberships", queryset=ChatMember.objects.select_related("user")),
            Prefetch(
                "messages",
                queryset=with_extras(Message.objects.filter(seq=F("chat__last_seq"))),
                to_attr="last_messages",
            ),
            "pin__message__reactions",
            Prefetch(
                "pin__message__attachment_links",
                queryset=MessageAttachment.objects.select_related("attachment"),
            ),
            "pin__message__reply_to__attachment_links",
        )
        .select_related("pin__message__reply_to")
        .order_by("-updated_at", "-id")
    )


def chat_detail(*, viewer, chat_id) -> Chat | None:
    """One chat of the viewer's, prepared like a row of ``chat_list``; None if not theirs."""
    return chat_list(viewer=viewer).filter(pk=chat_id).first()


def chat_for_member(*, viewer, chat_id) -> Chat | None:
    """The chat with its memberships and their users (for read seqs and read receipts), if
    the viewer belongs to it."""
    return (
        Chat.objects.filter(pk=chat_id, memberships__user=viewer)
        .prefetch_related(
            Prefetch("memberships", queryset=ChatMember.objects.select_related("user"))
        )
        .first()
    )


@dataclass(frozen=True)
class HistoryPage:
    messages: list[Message]
    has_more: bool


def message_history(
    *, chat: Chat, before_seq: int | None = None, after_seq: int | None = None, limit: int = 50
) -> HistoryPage:
    """A page in ascending seq; ``has_more``: more exist past it in its direction."""
    messages = with_extras(Message.objects.filter(chat=chat))
    if after_seq is not None:
        rows = list(messages.filter(seq__gt=after_seq).order_by("seq")[: limit + 1])
        return HistoryPage(rows[:limit], len(rows) > limit)
    if before_seq is not None:
        messages = messages.filter(seq__lt=before_seq)
    rows = list(messages.order_by("-seq")[: limit + 1])
    return HistoryPage(list(reversed(rows[:limit])), len(rows) > limit)


def message_for_member(*, viewer, message_id) -> Message | None:
    """A message in one of the viewer's chats, or None."""
    return (
        Message.objects.filter(pk=message_id, chat__memberships__user=viewer)
        .select_related("chat")
        .first()
    )


def chat_typing_recipients(*, chat_id, user_id) -> list:
    """Members of the chat other than ``user_id`` with no block between them and
    ``user_id``. NotFound if ``user_id`` is not a member."""
    members = list(
        ChatMember.objects.filter(chat_id=chat_id)
        .annotate(blocked=block_exists_with(user_id))
        .values_list("user_id", "blocked")
    )
    if all(str(member) != str(user_id) for member, _ in members):
        raise NotFound("No such chat.")
    return [member for member, blocked in members if str(member) != str(user_id) and not blocked]


def presence_watchers(*, user_id) -> list:
    """Who hears ``user_id``'s presence: everyone sharing a chat with them, no block between,
    where both privacy settings allow it (sharing a chat, "chats" allows; "nobody" never, in
    either direction)."""
    hidden = Visibility.NOBODY
    if User.objects.filter(pk=user_id, last_seen_visibility=hidden).exists():
        return []
    return list(
        ChatMember.objects.filter(chat__memberships__user_id=user_id)
        .exclude(user_id=user_id)
        .exclude(user__last_seen_visibility=hidden)
        .annotate(blocked=block_exists_with(user_id))
        .filter(blocked=False)
        .values_list("user_id", flat=True)
        .distinct()
    )


def message_readers(*, viewer, message_id) -> list | None:
    """Members other than the sender who have read up to the message ("read by"), for a
    viewer who is a member; None if the viewer may not see the message."""
    message = message_for_member(viewer=viewer, message_id=message_id)
    if message is None:
        return None
    hidden = ChatMember.objects.filter(chat_id=message.chat_id, user__read_receipts=False)
    if message.chat.kind == Chat.Kind.DIRECT and hidden.exists():
        return []  # read receipts are off in this direct chat
    return list(
        User.objects.filter(
            chat_memberships__chat_id=message.chat_id,
            chat_memberships__last_read_seq__gte=message.seq,
        )
        .exclude(pk=message.sender_id)
        .order_by("username")
    )


def group_members(*, viewer, chat_id) -> list | None:
    """The chat's memberships with their users, the earliest joined first; None if the
    viewer is not a member."""
    if not ChatMember.objects.filter(chat_id=chat_id, user=viewer).exists():
        return None
    return list(
        ChatMember.objects.filter(chat_id=chat_id)
        .select_related("user")
        .order_by("joined_at", "id")
    )
