"""A member's own settings of a chat: the draft that follows them across devices, and mute."""

from django.db import transaction
from django.utils import timezone

from chats.models import ChatMember
from core.errors import NotFound, ValidationFailed
from messaging import events
from messaging.chat_list_cache import chat_lists_invalidate
from messaging.content import MAX_CONTENT
from messaging.payloads import iso


def _membership(*, user, chat_id) -> ChatMember:
    membership = ChatMember.objects.select_for_update().filter(chat_id=chat_id, user=user).first()
    if membership is None:
        raise NotFound("No such chat.")
    return membership


def draft_data(membership: ChatMember) -> dict | None:
    """The chat object's ``draft``: null when there is none."""
    if not membership.draft:
        return None
    return {"content": membership.draft, "updated_at": iso(membership.draft_updated_at)}


def chat_draft_save(*, user, chat_id, content: str) -> dict:
    """Keep ``content`` as the draft of ``user`` in the chat ("" clears it) and tell their
    other connections (``draft.updated``). ``{"content", "updated_at"}``."""
    if not isinstance(content, str):
        raise ValidationFailed.on("content", "Must be a string.")
    if "\x00" in content:
        raise ValidationFailed.on("content", "Must not contain the NUL character.")
    if len(content) > MAX_CONTENT:
        raise ValidationFailed.on(
            "content", f"Ensure this field has no more than {MAX_CONTENT} characters."
        )
    with transaction.atomic():
        membership = _membership(user=user, chat_id=chat_id)
        now = timezone.now()
        if membership.draft == content:
            return {"content": content, "updated_at": iso(membership.draft_updated_at or now)}
        membership.draft, membership.draft_updated_at = content, now
        membership.save(update_fields=["draft", "draft_updated_at"])
        events.draft_updated(user_id=user.pk, chat_id=chat_id, content=content, updated_at=iso(now))
    return {"content": content, "updated_at": iso(now)}


def chat_draft_clear_on_send(*, user, chat_id) -> None:
    """Sending to a chat clears the sender's draft there (inside the send's transaction; the
    caller knows whether there was one, so a send without a draft costs nothing)."""
    now = timezone.now()
    ChatMember.objects.filter(chat_id=chat_id, user=user).update(draft="", draft_updated_at=now)
    events.draft_updated(user_id=user.pk, chat_id=chat_id, content="", updated_at=iso(now))


def chat_mute(*, user, chat_id, muted: bool) -> None:
    """Mute or unmute the chat for ``user`` (their own setting; nobody else hears of it)."""
    if not isinstance(muted, bool):
        raise ValidationFailed.on("muted", "Must be true or false.")
    with transaction.atomic():
        membership = _membership(user=user, chat_id=chat_id)
        if membership.muted != muted:
            membership.muted = muted
            membership.save(update_fields=["muted"])
            # No event tells anyone of a mute, so the member's cached list is dropped here.
            transaction.on_commit(lambda: chat_lists_invalidate([user.pk]))
