"""Messaging's answers to account events: ended sign-ins and cut-off users lose their
sockets on every process, and a cut-off owner's groups pass to their next owner."""

from accounts.signals import blocks_changed, sessions_revoked, user_cut_off
from messaging import events
from messaging.services.groups import groups_hand_over_from


def _close_revoked(sender, user_id, session_ids, **kwargs) -> None:
    events.close_sockets(user_id=user_id, session_ids=session_ids)


def _close_all(sender, user_id, **kwargs) -> None:
    events.close_sockets(user_id=user_id)
    groups_hand_over_from(user_id=user_id)


def _forget_typing_recipients(sender, user_ids, **kwargs) -> None:
    events.blocks_changed(user_ids=user_ids)


blocks_changed.connect(_forget_typing_recipients, weak=False, dispatch_uid="messaging_blocks")
sessions_revoked.connect(_close_revoked, weak=False, dispatch_uid="messaging_close_revoked")
user_cut_off.connect(_close_all, weak=False, dispatch_uid="messaging_close_all")
