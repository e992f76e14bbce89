"""Every write that clients hear about: sending, editing, deleting, reading.

The REST views, the WebSocket consumer and the admin all call these functions; events are
handed to ``messaging.events`` inside the transaction and leave only after it commits.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError

from accounts.selectors import block_exists_with
from chats.models import Chat, ChatMember
from chats.selectors import chat_member_ids
from core import throttling
from core.api.exceptions import Blocked
from messaging import events
from messaging.models import Message
from messaging.serializers import MessageSendSerializer, client_id_of, message_data


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool
    data: dict


def _read_state(chat_id) -> dict:
    """``{user_id: last_read_seq}`` of the chat's members: who to tell and ``is_read``."""
    return dict(ChatMember.objects.filter(chat_id=chat_id).values_list("user_id", "last_read_seq"))


def _read_seqs(chat_id) -> dict:
    return {chat_id: _read_state(chat_id)}


def _allocate_seq(chat_id, now) -> int:
    """Raise the chat's ``last_seq`` by one and return it, holding the chat row's lock until
    the transaction ends: concurrent senders queue here, so seqs never gap or clash."""
    table = Chat._meta.db_table
    pk = Chat._meta.pk.get_db_prep_value(chat_id, connection)
    updated_at = Chat._meta.get_field("updated_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1, updated_at = %s "  # noqa: S608
            "WHERE id = %s RETURNING last_seq",
            [updated_at, pk],
        )
        return cursor.fetchone()[0]


def _check_send_rate(sender) -> None:
    """30 messages in 10 s per user, shared by every process (retries are not counted:
    they return before this)."""
    if not settings.TETHER_THROTTLE:
        return
    limit, window = settings.TETHER_RATE_LIMITS["message_send"]
    wait = throttling.hit(f"message_send:user:{sender.pk}", limit, window)
    if wait is not None:
        raise Throttled(wait=math.ceil(wait))


def _existing(sender, client_id: str | None) -> Message | None:
    if not client_id:
        return None
    found = Message.objects.filter(sender=sender, client_id=client_id).order_by()[:1]
    return next(iter(found), None)


def _repeated(sender, client_id: str | None) -> SendResult | None:
    existing = _existing(sender, client_id)
    if existing is None:
        return None
    return SendResult(existing, False, message_data(existing, _read_seqs(existing.chat_id)))


def message_send_from_input(*, sender, data) -> SendResult:
    """Validate a send request (an API body or a socket frame) and send it.

    A ``client_id`` the sender already used answers the original message even when the rest
    of the input is invalid: the contract checks it before any rule but authentication.
    """
    serializer = MessageSendSerializer(data=data)
    if not serializer.is_valid():
        repeated = _repeated(sender, client_id_of(data))
        if repeated is not None:
            return repeated
        raise ValidationError(serializer.errors)
    return message_send(sender=sender, **serializer.validated_data)


def message_send(*, sender, chat_id, content: str, client_id: str | None = None) -> SendResult:
    """Store a message in ``chat_id`` from ``sender`` and publish ``message.new``.

    A ``client_id`` already used by this sender (any chat, any content) returns the original
    message with ``created=False``: nothing new is stored or sent.
    """
    repeated = _repeated(sender, client_id)
    if repeated is not None:
        return repeated
    members = list(
        ChatMember.objects.filter(chat_id=chat_id)
        .annotate(blocked=block_exists_with(sender.pk))
        .values_list("user_id", "last_read_seq", "blocked")
    )
    reads = {user_id: last_read for user_id, last_read, _ in members}
    if sender.pk not in reads:
        raise NotFound("No such chat.")
    if any(blocked for _, _, blocked in members):
        raise Blocked()
    _check_send_rate(sender)
    try:
        with transaction.atomic():
            now = timezone.now()
            seq = _allocate_seq(chat_id, now)
            message = Message.objects.create(
                chat_id=chat_id,
                seq=seq,
                sender=sender,
                content=content,
                client_id=client_id or None,
                created_at=now,
            )
            data = message_data(message, {message.chat_id: reads})
            events.message_new(data, list(reads))
    except IntegrityError:
        # The same client_id raced in from another request: that one won.
        repeated = _repeated(sender, client_id)
        if repeated is None:
            raise
        return repeated
    return SendResult(message, True, data)


def _locked_message_of_member(*, user, message_id) -> Message:
    message = (
        Message.objects.select_for_update()
        .filter(pk=message_id, chat__memberships__user=user)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def message_edit(*, user, message_id, content: str) -> dict:
    """Change the text of one's own message; ``message.updated`` to the chat."""
    with transaction.atomic():
        message = _locked_message_of_member(user=user, message_id=message_id)
        if message.deleted:
            raise NotFound("This message was deleted.")
        if message.sender_id != user.pk:
            raise PermissionDenied("Only the sender can edit a message.")
        message.content = content
        message.edited_at = timezone.now()
        message.save(update_fields=["content", "edited_at"])
        data = message_data(message, _read_seqs(message.chat_id))
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
            if message.sender_id != actor.pk:
                raise PermissionDenied("Only the sender can delete a message.")
        if not message.deleted:
            message.deleted_at = timezone.now()
            message.content = ""
            message.save(update_fields=["deleted_at", "content"])
            data = message_data(message, _read_seqs(message.chat_id))
            events.message_deleted(data, chat_member_ids(message.chat_id))
            return data
    return message_data(message, _read_seqs(message.chat_id))


def chat_mark_read(*, user, chat_id, up_to_seq: int) -> int:
    """Move the reader's ``last_read_seq`` forward (never back, never past the last message);
    ``chat.read`` goes out only when it moves. Returns the resulting ``last_read_seq``."""
    with transaction.atomic():
        chat = Chat.objects.filter(pk=chat_id, memberships__user=user).first()
        if chat is None:
            raise NotFound("No such chat.")
        target = min(up_to_seq, chat.last_seq)
        moved = ChatMember.objects.filter(
            chat_id=chat_id, user=user, last_read_seq__lt=target
        ).update(last_read_seq=target)
        if moved:
            events.chat_read(
                chat_id=chat_id,
                user_id=user.pk,
                last_read_seq=target,
                member_ids=chat_member_ids(chat_id),
            )
            return target
        return ChatMember.objects.get(chat_id=chat_id, user=user).last_read_seq
