"""Signals that let higher layers (messaging's cached chat lists) react to chat events that
no client event announces."""

from django.dispatch import Signal

# Sent after commit with ``user_ids`` (both people) when a direct chat is created.
direct_chat_created = Signal()
