"""Every write that clients hear about, one function per business action.

The REST views, the WebSocket consumer and the admin all call these; each checks its rules
itself and hands its events to ``messaging.events``, which sends them only after commit.
"""

from messaging.services.changes import message_delete, message_edit
from messaging.services.limits import send_limit_check
from messaging.services.pins import chat_pin, chat_unpin
from messaging.services.reactions import message_react, message_unreact
from messaging.services.reading import chat_mark_read
from messaging.services.sending import SendResult, message_find_repeat, message_send

__all__ = [
    "SendResult",
    "chat_mark_read",
    "chat_pin",
    "chat_unpin",
    "message_delete",
    "message_edit",
    "message_find_repeat",
    "message_react",
    "message_send",
    "message_unreact",
    "send_limit_check",
]
