"""``/api/messages*``: send, edit, delete, react."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import WholeBodyPatchSchema, errors
from messaging.api.send_fast import with_fast_send
from messaging.inputs import message_send_from_input
from messaging.serializers import (
    MessageEditSerializer,
    MessageSendSerializer,
    MessageSerializer,
    ReactionSerializer,
)
from messaging.services import message_delete, message_edit, message_react, message_unreact


class MessageSendView(APIView):
    @extend_schema(
        request=MessageSendSerializer,
        responses={
            201: MessageSerializer,
            200: MessageSerializer,
            **errors(400, 401, 403, 404, 413, 415, 429),
        },
        summary="Send a message (200 and the original for a repeated client_id)",
    )
    def post(self, request: Request) -> Response:
        result = message_send_from_input(sender=request.user, data=request.data)
        return Response(
            result.data, status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @classmethod
    def as_view(cls, **initkwargs):
        """Plain sends with a bearer token are answered on the event loop in one round
        trip (``messaging.api.send_fast``); this view answers the rest."""
        return with_fast_send(super().as_view(**initkwargs))


class MessageDetailView(APIView):
    schema = WholeBodyPatchSchema()  # PATCH, like PUT, needs "content"

    @extend_schema(
        request=MessageEditSerializer,
        responses={200: MessageSerializer, **errors(400, 401, 403, 404, 429)},
        summary="Edit one's own message",
    )
    def put(self, request: Request, message_id) -> Response:
        serializer = MessageEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = message_edit(user=request.user, message_id=message_id, **serializer.validated_data)
        return Response(data)

    @extend_schema(
        request=MessageEditSerializer,
        responses={200: MessageSerializer, **errors(400, 401, 403, 404, 429)},
        summary="Edit one's own message",
    )
    def patch(self, request: Request, message_id) -> Response:
        return self.put(request, message_id)

    @extend_schema(
        responses={200: MessageSerializer, **errors(401, 403, 404)},
        summary="Delete one's own message (soft: the seq stays)",
    )
    def delete(self, request: Request, message_id) -> Response:
        return Response(message_delete(actor=request.user, message_id=message_id))


class MessageReactionView(APIView):
    @extend_schema(
        request=ReactionSerializer,
        responses={200: MessageSerializer, **errors(400, 401, 403, 404, 415, 429)},
        summary="React to a message (one emoji per person; a new one replaces the old)",
    )
    def put(self, request: Request, message_id) -> Response:
        serializer = ReactionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = message_react(user=request.user, message_id=message_id, **serializer.validated_data)
        return Response(data)

    @extend_schema(
        responses={200: MessageSerializer, **errors(401, 403, 404, 429)},
        summary="Take one's reaction back (none: 200 all the same)",
    )
    def delete(self, request: Request, message_id) -> Response:
        return Response(message_unreact(user=request.user, message_id=message_id))
