"""Sending a message: check every rule, then store it and publish ``message.new``.

The REST view, the WebSocket consumer and the admin all come here. The checks that depend
on other people (membership, blocks) run inside the send's transaction, after it holds the
chat row and a shared lock on the sender's blocks: a block that commits while a send is in
flight either waits for the send or is seen by it, never overtaken.
"""

from dataclasses import dataclass

import psycopg
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils import timezone

from accounts.selectors import block_exists_with
from accounts.services.blocks import blocks_hold_steady
from chats.models import Chat, ChatMember
from chats.selectors import chat_read_seqs
from core import async_db, metrics, throttling
from core.errors import Blocked, InvalidToken, NotFound, Unavailable, ValidationFailed
from messaging import events
from messaging.content import content_check
from messaging.models import Message
from messaging.payloads import iso, message_data
from messaging.send_statement import send_plain
from messaging.services.limits import send_limit_check
from messaging.services.references import forward_source, forwarded_author, reply_target
from messaging.services.seqs import seq_allocate
from messaging.services.settings import chat_draft_clear_on_send
from messaging.services.uploads import (
    attachments_claim,
    attachments_exist,
    attachments_share,
    attachments_to_send,
)


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool
    data: dict


def message_find_repeat(*, sender, client_id: str | None) -> SendResult | None:
    """The message ``sender`` already sent with ``client_id``, as a send's answer; or None.

    The contract checks this before any rule but authentication: a retry gets the original
    whatever else it carries.
    """
    if not client_id:
        return None
    found = next(
        iter(Message.objects.filter(sender=sender, client_id=client_id).order_by()[:1]), None
    )
    if found is None:
        return None
    return SendResult(
        found, False, message_data(found, {found.chat_id: chat_read_seqs(found.chat_id)})
    )


def _members_and_blocks(chat_id, sender_id, *, with_blocks: bool) -> tuple[dict, bool, bool]:
    """``({user_id: last_read_seq}, is any member blocked with the sender, has the sender a
    draft there)``, one query."""
    members = ChatMember.objects.filter(chat_id=chat_id)
    if with_blocks:
        members = members.annotate(blocked=block_exists_with(sender_id))
    else:
        members = members.annotate(blocked=Value(False))
    has_draft = ExpressionWrapper(~Q(draft=""), output_field=BooleanField())
    rows = members.annotate(has_draft=has_draft).values_list(
        "user_id", "last_read_seq", "blocked", "has_draft"
    )
    reads, blocked, drafted = {}, False, False
    for user_id, last_read_seq, is_blocked, has_draft in rows:
        reads[user_id] = last_read_seq
        blocked = blocked or is_blocked
        drafted = drafted or (has_draft and str(user_id) == str(sender_id))
    return reads, blocked, drafted


def message_send(
    *,
    sender,
    chat_id,
    content: str = "",
    client_id: str | None = None,
    reply_to_id=None,
    forward_of_id=None,
    attachment_ids: list | None = None,
) -> SendResult:
    """Store a message in ``chat_id`` from ``sender`` and publish ``message.new``.

    A ``client_id`` already used by this sender (any chat, any content) returns the original
    message with ``created=False``: nothing new is stored or sent. Otherwise the content
    rules, the messages answered or forwarded (404 unseen, 400 against the rules),
    membership (404), blocks (403) and the send limit (429) apply, in that order. A forward
    carries the original's content and attachments, so it brings none of its own; with
    attachments (``attachment_ids``: one's own unsent uploads) the content may be "".
    """
    repeated = message_find_repeat(sender=sender, client_id=client_id)
    if repeated is not None:
        return repeated
    forwarded, uploads = None, []
    if forward_of_id is not None:
        if content != "":
            raise ValidationFailed.on("content", "A forward carries the original's content.")
        if attachment_ids:
            raise ValidationFailed.on("attachment_ids", "A forward carries the original's.")
        forwarded = forward_source(user=sender, message_id=forward_of_id)
        content = forwarded.content
    else:
        if attachment_ids is not None:
            uploads = attachments_to_send(sender=sender, ids=attachment_ids)
        if content or not uploads:
            content_check(content)
    original = None
    if reply_to_id is not None:
        original = reply_target(user=sender, message_id=reply_to_id, chat_id=chat_id)
        original.has_attachments = attachments_exist(original)
    credited_id, credited_name = forwarded_author(forwarded) if forwarded else (None, "")
    try:
        with transaction.atomic():
            now = timezone.now()
            allocated = seq_allocate(chat_id, now, member_id=sender.pk)
            if allocated is None:
                raise NotFound("No such chat.")
            seq, kind = allocated
            direct = kind == Chat.Kind.DIRECT  # in groups, blocks hide no messages
            if direct:
                blocks_hold_steady(user_id=sender.pk)
            reads, blocked, drafted = _members_and_blocks(chat_id, sender.pk, with_blocks=direct)
            if blocked:
                raise Blocked()
            send_limit_check(user=sender)
            message = Message.objects.create(
                chat_id=chat_id,
                seq=seq,
                sender=sender,
                content=content,
                client_id=client_id or None,
                reply_to=original,
                forwarded_from_user_id=credited_id,
                forwarded_from_name=credited_name,
                created_at=now,
            )
            if forwarded is not None:
                uploads = attachments_share(message=message, original=forwarded)
            elif uploads:
                attachments_claim(message=message, attachments=uploads)
            data = message_data(
                message, {message.chat_id: reads}, reactions=(), attachments=uploads
            )
            events.message_new(data, list(reads))
            if drafted:
                chat_draft_clear_on_send(user=sender, chat_id=chat_id)
    except IntegrityError:
        # The same client_id raced in from another request: that one won.
        repeated = message_find_repeat(sender=sender, client_id=client_id)
        if repeated is None:
            raise
        return repeated
    metrics.message_sent()
    return SendResult(message, True, data)


async def amessage_send_plain(
    *, sender_id, session_id, chat_id, content: str, client_id: str | None
) -> SendResult | None:
    """``message_send`` of a plain text message, from the event loop, in one round trip.

    Returns None when it stored nothing for a reason the ORM path answers (a repeated
    ``client_id``, not a member, blocked, a ``client_id`` racing in): the caller then calls
    ``message_send``, the reference for every rule and error. Raises InvalidToken when the
    session has ended, Throttled over the send limit. ``content`` and ``client_id`` must
    have passed the input checks.
    """
    counted = await throttling.aperson_limit_check("message_send", sender_id)
    try:
        stored = await send_plain(
            sender_id=sender_id,
            session_id=session_id,
            chat_id=chat_id,
            content=content,
            client_id=client_id,
        )
    except psycopg.errors.UniqueViolation:
        stored = None
    except psycopg.OperationalError as exc:
        # A connection the database dropped (a restart): the pool replaces it, and the
        # client retries with its client_id, as after any outage.
        if counted:
            await throttling.aperson_limit_refund("message_send", sender_id)
        await async_db.check_pool()
        raise Unavailable() from exc
    if stored is None or stored.seq is None:
        if counted:
            await throttling.aperson_limit_refund("message_send", sender_id)
        if stored is not None and not stored.session_live:
            raise InvalidToken()
        return None
    message = Message(
        id=stored.id,
        chat_id=chat_id,
        seq=stored.seq,
        sender_id=sender_id,
        content=content,
        client_id=client_id,
        created_at=stored.created_at,
    )
    data = message_data(message, {}, reactions=(), attachments=())
    await events.amessage_new(data, stored.member_ids)
    if stored.draft_cleared:
        await events.adraft_updated(
            user_id=sender_id, chat_id=chat_id, content="", updated_at=iso(stored.created_at)
        )
    metrics.message_sent()
    return SendResult(message, True, data)
