"""Messaging's answers to account events: ended sign-ins and cut-off users lose their
sockets on every process, a cut-off owner's groups pass to their next owner, and cached chat
lists go stale where a change reaches them without an event (messaging/chat_list_cache.py)."""

from django.db import transaction
from django.db.models.signals import post_save

from accounts.models import User
from accounts.signals import blocks_changed, last_seen_changed, sessions_revoked, user_cut_off
from chats.signals import direct_chat_created
from messaging import events
from messaging.chat_list_cache import chat_lists_invalidate, chat_lists_invalidate_sharing
from messaging.services.groups import groups_hand_over_from

# What others are shown of a user, in chat lists: profile, privacy and presence fields.
_SHOWN_FIELDS = frozenset(
    {
        "username", "display_name", "bio", "avatar_url", "last_seen", "last_seen_visibility",
        "read_receipts", "deleted_at",
    }
)  # fmt: skip


def _close_revoked(sender, user_id, session_ids, **kwargs) -> None:
    events.close_sockets(user_id=user_id, session_ids=session_ids)


def _close_all(sender, user_id, **kwargs) -> None:
    events.close_sockets(user_id=user_id)
    groups_hand_over_from(user_id=user_id)


def _forget_typing_recipients(sender, user_ids, **kwargs) -> None:
    events.blocks_changed(user_ids=user_ids)


def _blocks_changed_lists(sender, user_ids, **kwargs) -> None:
    chat_lists_invalidate(user_ids)  # whom each side sees online


def _user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """Profile edits, privacy settings, deletion, the admin: every save of what others see."""
    if created or (update_fields is not None and not _SHOWN_FIELDS & set(update_fields)):
        return
    user_id = instance.pk
    transaction.on_commit(lambda: chat_lists_invalidate_sharing(user_id))


def _last_seen_stamped(sender, user_id, **kwargs) -> None:
    chat_lists_invalidate_sharing(user_id)


def _direct_chat_created(sender, user_ids, **kwargs) -> None:
    chat_lists_invalidate(user_ids)


blocks_changed.connect(_blocks_changed_lists, weak=False, dispatch_uid="messaging_blocks_lists")
blocks_changed.connect(_forget_typing_recipients, weak=False, dispatch_uid="messaging_blocks")
sessions_revoked.connect(_close_revoked, weak=False, dispatch_uid="messaging_close_revoked")
user_cut_off.connect(_close_all, weak=False, dispatch_uid="messaging_close_all")
post_save.connect(_user_saved, sender=User, weak=False, dispatch_uid="messaging_user_saved")
last_seen_changed.connect(_last_seen_stamped, weak=False, dispatch_uid="messaging_last_seen")
direct_chat_created.connect(
    _direct_chat_created, weak=False, dispatch_uid="messaging_direct_chat_created"
)
