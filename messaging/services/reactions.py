"""Reactions: one emoji per person per message, replaced or taken back; the chat hears
``message.updated`` with the new counts."""

from django.utils import timezone

from chats.selectors import chat_member_ids
from core.errors import NotFound
from core.throttling import person_limit_check
from messaging import events
from messaging.emoji import emoji_check
from messaging.models import Message, Reaction
from messaging.services.rules import (
    locked_message_of_member,
    message_changing,
    message_payload,
    no_block_in_direct_chat,
    not_system,
)


def _reactable(*, user, message_id) -> Message:
    message = locked_message_of_member(user=user, message_id=message_id)
    if message.deleted:
        raise NotFound("This message was deleted.")
    not_system(message, "reacted to")
    no_block_in_direct_chat(message.chat, user)
    return message


def message_react(*, user, message_id, emoji: str) -> dict:
    """``user``'s reaction to the message becomes ``emoji`` (a new one replaces the old).

    Counts stay right when many react at once: each change holds the message's lock through
    its commit and its event, so the last event anyone gets has every reaction in it.
    """
    emoji_check(emoji)
    with message_changing(message_id):
        message = _reactable(user=user, message_id=message_id)
        mine = Reaction.objects.filter(message=message, user=user).first()
        if mine is not None and mine.emoji == emoji:
            return message_payload(message)
        person_limit_check("message_mark", user.pk)
        if mine is None:
            Reaction.objects.create(message=message, user=user, emoji=emoji)
        else:
            mine.emoji, mine.created_at = emoji, timezone.now()
            mine.save(update_fields=["emoji", "created_at"])
        data = message_payload(message)
        events.message_updated(data, chat_member_ids(message.chat_id))
    return data


def message_unreact(*, user, message_id) -> dict:
    """Take ``user``'s reaction back; none there: the message as it is, nothing published."""
    with message_changing(message_id):
        message = _reactable(user=user, message_id=message_id)
        mine = Reaction.objects.filter(message=message, user=user)
        if not mine.exists():
            return message_payload(message)
        person_limit_check("message_mark", user.pk)
        mine.delete()
        data = message_payload(message)
        events.message_updated(data, chat_member_ids(message.chat_id))
    return data
