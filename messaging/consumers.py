"""The ``/ws/`` consumer: authenticate, join the user's group, turn frames into service
calls, forward group events. Thin on purpose: rules live in the services, payloads in
``messaging.events``; database work runs in threads, never on the event loop.
"""

import asyncio
import json
import logging

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import DatabaseError
from rest_framework.exceptions import ValidationError

from accounts.services.sessions import session_is_live
from chats.selectors import chat_last_seqs
from core import async_db, metrics
from core.api.errors import SERVER_ERROR, error_reply
from core.api.fields import StrictUUIDField
from core.errors import InvalidToken
from messaging import events
from messaging.inputs import amessage_send_from_input, plain_send
from messaging.ordering import SeqOrder
from messaging.presence import presence_connect, presence_disconnect
from messaging.serializers import ReadSerializer
from messaging.services import chat_mark_read
from messaging.services.typing import typing_forget, typing_forget_chat, typing_notify
from messaging.worker_threads import in_thread

logger = logging.getLogger("tether.ws")

_MEMBERSHIP_EVENTS = {"chat.updated", "chat.removed"}
CLOSE_UNAUTHENTICATED = 4001
CLOSE_TRY_AGAIN_LATER = 1013
JOIN_TIMEOUT = 2.0


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def __call__(self, scope, receive, send) -> None:
        """Channels opens the connection's own channel before the handshake; when the layer
        is down that raises, and the client would see an HTTP 500. Answer 1013 instead."""
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            if getattr(self, "channel_name", None) is not None:
                raise
            logger.warning("Channel layer unavailable for a new socket: %s", type(exc).__name__)
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})

    async def dispatch(self, message) -> None:
        """Channels' own dispatch closes the loop thread's stale Django connections (a thread
        hop) before every frame and every group event; this consumer never uses a Django
        connection on the loop (its database work runs in worker threads that close their
        own, or on the loop's pool), so it goes straight to the handler."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        await self.accept()
        session = self.scope.get("auth_session")
        if session is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = str(session.user_id)
        self.session_id = str(session.id)
        self.group = events.user_group(self.user_id)
        self.in_order = SeqOrder(self.send_json)
        try:
            await asyncio.wait_for(
                self.channel_layer.group_add(self.group, self.channel_name), JOIN_TIMEOUT
            )
        except Exception as exc:
            logger.warning("Channel layer unavailable for a new socket: %s", type(exc).__name__)
            self.group = None
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        self.joined = True
        try:
            self.in_order.start(await in_thread(chat_last_seqs)(self.user_id))
        except DatabaseError:
            logger.warning("Could not read the chats' seqs for a new socket")
        metrics.socket_opened()
        await presence_connect(user_id=self.user_id, connection=self.channel_name)

    async def disconnect(self, code) -> None:
        if not getattr(self, "joined", False):
            return
        self.joined = False
        self.in_order.close()
        metrics.socket_closed()
        # Presence first: were this task cut short, the user must not stay "online".
        await presence_disconnect(user_id=self.user_id, connection=self.channel_name)
        try:
            await asyncio.wait_for(
                self.channel_layer.group_discard(self.group, self.channel_name), JOIN_TIMEOUT
            )
        except Exception:
            logger.warning("Could not leave the user's group on disconnect")

    # --- client frames ------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if not getattr(self, "joined", False):
            return
        try:
            frame = json.loads(text_data if text_data is not None else bytes_data)
        except (TypeError, ValueError, RecursionError):  # RecursionError: nested too deep
            await self.send_error("validation_error", "Frames are JSON objects.")
            return
        if not isinstance(frame, dict):
            await self.send_error("validation_error", "Frames are JSON objects.")
            return
        # Echoed whatever its type: a client that sent a malformed one still learns which
        # frame the error answers.
        client_id = frame.get("client_id")
        handler = self.HANDLERS.get(frame.get("type"))
        if handler is None:
            await self.send_error("validation_error", "Unknown frame type.", client_id)
            return
        # A plain send checks the session in its own statement (one round trip in all).
        checked_by_send = (
            frame.get("type") == "message.send"
            and async_db.available()
            and plain_send(frame) is not None
        )
        if not checked_by_send and not await self._session_still_live():
            return
        try:
            await handler(self, frame)
        except Exception as exc:
            reply = error_reply(exc)
            if reply is None:
                logger.exception("Unexpected error handling a %s frame", frame.get("type"))
                reply = SERVER_ERROR
            await self.send_error(reply.code, reply.message, client_id, reply.fields)

    async def on_send(self, frame: dict) -> None:
        try:
            result = await amessage_send_from_input(
                sender=await self._user(), session_id=self.session_id, data=frame,
                run_sync=in_thread,
            )  # fmt: skip
        except InvalidToken:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.send_json(
            {"type": "message.ack", "client_id": result.message.client_id, "message": result.data}
        )

    async def on_read(self, frame: dict) -> None:
        chat_id = _valid_chat_id(frame)
        up_to_seq = _valid(ReadSerializer, frame)["up_to_seq"]
        await in_thread(chat_mark_read)(
            user=await self._user(), chat_id=chat_id, up_to_seq=up_to_seq
        )

    async def on_typing(self, frame: dict) -> None:
        await typing_notify(user_id=self.user_id, chat_id=str(_valid_chat_id(frame)))

    async def on_ping(self, frame: dict) -> None:
        await self.send_json({"type": "pong"})

    HANDLERS = {
        "message.send": on_send,
        "read": on_read,
        "typing": on_typing,
        "ping": on_ping,
    }

    async def send_error(self, code, message, client_id=None, fields=None) -> None:
        frame = {"type": "error", "code": code, "error": message}
        if client_id is not None:
            frame["client_id"] = client_id
        if fields:
            frame["fields"] = fields
        await self.send_json(frame)

    async def _session_still_live(self) -> bool:
        """Checked before acting on any frame: were the close message for a revoked session
        lost, the socket still stops here (4001) instead of acting for it."""
        try:
            live = await in_thread(session_is_live)(self.session_id)
        except DatabaseError:
            return True  # unknown, not refused: the frame's own work meets the same outage
        if not live:
            await self.close(code=CLOSE_UNAUTHENTICATED)
        return live

    async def _user(self):
        """The connection's user, loaded with the session at the handshake."""
        return self.scope["auth_session"].user

    # --- group events -------------------------------------------------------------------

    async def tether_event(self, message: dict) -> None:
        event = message["event"]
        if event.get("type") in _MEMBERSHIP_EVENTS:
            typing_forget_chat(chat_id=event["chat_id"])  # who may see typing there changed
        if event.get("type") == "chat.removed":
            self.in_order.forget(event["chat_id"])
        await self.in_order.deliver(event)

    async def tether_blocks(self, message: dict) -> None:
        typing_forget(user_id=self.user_id)

    async def tether_close(self, message: dict) -> None:
        sessions = message.get("session_ids")
        if sessions is None or self.session_id in sessions:
            await self.close(code=CLOSE_UNAUTHENTICATED)


def _valid(serializer_class, frame: dict) -> dict:
    serializer = serializer_class(data=frame)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _valid_chat_id(frame: dict):
    field = StrictUUIDField()
    try:
        return field.run_validation(frame.get("chat_id"))
    except ValidationError as exc:
        raise ValidationError({"chat_id": exc.detail}) from exc
