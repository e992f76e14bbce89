"""``/api/chats*``: the chat list, opening a chat, one chat, its history, reading it, its pin."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import presence
from accounts.privacy import last_seen_hidden
from accounts.selectors import blocked_between, user_find
from accounts.serializers import MeSerializer
from chats.services import chat_get_or_create
from core.api.schema import HAS_MORE, errors
from core.errors import NotFound
from core.throttling import person_limit_check
from messaging import chat_list_cache, selectors
from messaging.api import groups
from messaging.api.responses import chat_context, chat_response
from messaging.export import export_chunks, streamed
from messaging.payloads import read_seqs_of
from messaging.serializers import (
    ChatOpenSerializer,
    ChatSerializer,
    ChatSettingsSerializer,
    DraftResultSerializer,
    DraftSerializer,
    HistoryQuerySerializer,
    MessageSerializer,
    PinSerializer,
    ReadResultSerializer,
    ReadSerializer,
)
from messaging.services import chat_mark_read, chat_pin, chat_unpin
from messaging.services.settings import chat_draft_save, chat_mute


class ChatListView(APIView):
    @extend_schema(responses={200: ChatSerializer(many=True), **errors(401)}, summary="My chats")
    def get(self, request: Request) -> Response:
        return Response(chat_list_data(request.user))

    @extend_schema(
        request=ChatOpenSerializer,
        responses={200: ChatSerializer, 201: ChatSerializer, **errors(400, 401, 403, 404, 415)},
        summary="Open the direct chat with a user (201 new, 200 existing)",
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.data, dict) and request.data.get("kind") == "group":
            return groups.group_create_response(request)
        data = _valid(ChatOpenSerializer, request.data)
        peer = user_find(user_id=data.get("user_id"), username=data.get("username"))
        if peer is None:
            raise NotFound("No such user.")
        chat, created = chat_get_or_create(user=request.user, peer=peer)
        return chat_response(
            request.user, chat.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ChatDetailView(APIView):
    @extend_schema(responses={200: ChatSerializer, **errors(401, 404)}, summary="One chat")
    def get(self, request: Request, chat_id) -> Response:
        return chat_response(request.user, chat_id)

    @extend_schema(
        request=groups.GroupTitleSerializer,
        responses={200: ChatSerializer, **errors(400, 401, 403, 404, 415)},
        summary="Rename a group (owner or admin)",
    )
    def patch(self, request: Request, chat_id) -> Response:
        return groups.group_rename_response(request, chat_id)


class ChatMessagesView(APIView):
    @extend_schema(
        parameters=[HistoryQuerySerializer],
        responses={200: MessageSerializer(many=True), **errors(400, 401, 404)},
        extensions=HAS_MORE,
        summary="History, ascending seq, with meta.has_more",
    )
    def get(self, request: Request, chat_id) -> Response:
        chat = selectors.chat_for_member(viewer=request.user, chat_id=chat_id)
        if chat is None:
            raise NotFound("No such chat.")
        query = _valid(HistoryQuerySerializer, request.query_params)
        page = selectors.message_history(chat=chat, **query)
        context = {"read_seqs": read_seqs_of(chat)}
        response = Response(MessageSerializer(page.messages, many=True, context=context).data)
        response.envelope_meta = {"has_more": page.has_more}
        return response


class ChatReadView(APIView):
    @extend_schema(
        request=ReadSerializer,
        responses={200: ReadResultSerializer, **errors(400, 401, 404, 415)},
        summary="Mark the chat read up to a seq",
    )
    def post(self, request: Request, chat_id) -> Response:
        data = _valid(ReadSerializer, request.data)
        last_read = chat_mark_read(user=request.user, chat_id=chat_id, up_to_seq=data["up_to_seq"])
        return Response({"last_read_seq": last_read})


def chat_list_data(viewer) -> list:
    """The viewer's chat list: from the cache (``online`` looked up now), else computed and
    stored under the generation read before the database was."""
    lookup = chat_list_cache.chat_list_lookup(viewer.pk)
    if lookup.chats is not None:
        return lookup.chats
    chats = list(selectors.chat_list(viewer=viewer))
    users = {m.user_id: m.user for chat in chats for m in chat.memberships.all()}
    # The viewer's own row as loaded now: request.user was read before the generation was,
    # and their privacy settings may have changed in between.
    me = users.get(viewer.pk, viewer)
    if lookup.ticket is None:
        context = {"viewer": viewer, **presence.seen_by(me, users.values())}
        return ChatSerializer(chats, many=True, context=context).data
    # What presence.seen_by answers, with the blocks kept for the reads that hit the entry.
    hidden = last_seen_hidden(me, users.values())
    shown = [user_id for user_id in users if user_id not in hidden]
    blocked = blocked_between(viewer.pk, shown)
    context = {
        "viewer": viewer,
        "online_ids": presence.online_ids(shown) - blocked,
        "hidden_ids": hidden,
    }
    data = ChatSerializer(chats, many=True, context=context).data
    chat_list_cache.chat_list_store(viewer.pk, lookup.ticket, data, shown=shown, blocked=blocked)
    return data


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ChatPinView(APIView):
    @extend_schema(
        request=PinSerializer,
        responses={200: ChatSerializer, **errors(400, 401, 403, 404, 415, 429)},
        summary="Pin a message (any member of a direct chat; owner or admin of a group)",
    )
    def put(self, request: Request, chat_id) -> Response:
        data = _valid(PinSerializer, request.data)
        chat_pin(user=request.user, chat_id=chat_id, message_id=data["message_id"])
        return chat_response(request.user, chat_id)

    @extend_schema(
        responses={200: ChatSerializer, **errors(401, 403, 404, 429)},
        summary="Unpin the chat's pinned message",
    )
    def delete(self, request: Request, chat_id) -> Response:
        chat_unpin(user=request.user, chat_id=chat_id)
        return chat_response(request.user, chat_id)


class ChatDraftView(APIView):
    @extend_schema(
        request=DraftSerializer,
        responses={200: DraftResultSerializer, **errors(400, 401, 404, 415)},
        summary='Keep my unsent text of this chat ("" clears it), on every device',
    )
    def put(self, request: Request, chat_id) -> Response:
        data = _valid(DraftSerializer, request.data)
        return Response(chat_draft_save(user=request.user, chat_id=chat_id, **data))


class ChatSettingsView(APIView):
    @extend_schema(
        request=ChatSettingsSerializer,
        responses={200: ChatSerializer, **errors(400, 401, 404, 415)},
        summary="Mute or unmute this chat (for me)",
    )
    def patch(self, request: Request, chat_id) -> Response:
        data = _valid(ChatSettingsSerializer, request.data)
        chat_mute(user=request.user, chat_id=chat_id, muted=data["muted"])
        return chat_response(request.user, chat_id)


EXPORT_SCHEMA = {
    "type": "object",
    "properties": {
        "exported_at": {"type": "string", "format": "date-time"},
        "user": {"$ref": "#/components/schemas/Me"},
        "chats": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "chat": {"$ref": "#/components/schemas/Chat"},
                    "messages": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Message"},
                    },
                },
                "required": ["chat", "messages"],
            },
        },
    },
    "required": ["exported_at", "user", "chats"],
}


class ExportView(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(EXPORT_SCHEMA, description="A JSON file, not in the envelope."),
            **errors(401, 429),
        },
        extensions={"x-raw-body": True},
        summary="Download my profile, chats and messages as one JSON file (one an hour)",
    )
    def get(self, request: Request):
        person_limit_check("export", request.user.pk)
        chats = list(selectors.chat_list(viewer=request.user))
        context = chat_context(request.user, chats)
        shown = ChatSerializer(chats, many=True, context=context).data
        profile = MeSerializer(request.user, context=presence.seen_by(request.user, [request.user]))
        chunks = export_chunks(
            user=request.user, profile=profile.data, chats=list(zip(chats, shown, strict=True))
        )
        response = StreamingHttpResponse(streamed(chunks), content_type="application/json")
        stamp = timezone.now().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="tether-export-{stamp}.json"'
        response["Cache-Control"] = "private, no-store"
        return response
