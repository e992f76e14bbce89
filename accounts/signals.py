"""Signals that let higher layers (messaging's sockets) react to account events.

``accounts`` sits below ``messaging`` and never imports it; it announces, and whoever cares
listens.
"""

from django.dispatch import Signal

# Sent after commit with ``user_id`` and ``session_ids`` whenever sign-ins end.
sessions_revoked = Signal()
# Sent after commit with ``user_id`` when an account is deactivated or deleted.
user_cut_off = Signal()
# Sent after commit with ``user_ids`` (both sides) when a block is made or lifted.
blocks_changed = Signal()
# Sent after commit with ``user_id`` when ``last_seen`` is stamped (a bulk update, which sends
# no ``post_save``; every other change of what others see of a user saves the row).
last_seen_changed = Signal()
