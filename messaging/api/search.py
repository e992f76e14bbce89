"""``/api/search/messages``: the caller's messages by words, newest first, cursor pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chats.selectors import chats_read_seqs
from core.api.fields import QueryIntegerField, StrictCharField, StrictUUIDField
from core.api.schema import errors
from messaging.search import message_search
from messaging.serializers import MessageSerializer

SEARCH_META = {
    "x-envelope-meta": {
        "type": "object",
        "properties": {
            "has_more": {"type": "boolean", "description": "Older matches exist."},
            "next_cursor": {
                "type": "string",
                "nullable": True,
                "description": "Pass it back as `cursor` for the next page.",
            },
        },
        "required": ["has_more", "next_cursor"],
        "additionalProperties": False,
    }
}


class SearchQuerySerializer(serializers.Serializer):
    q = StrictCharField(max_length=100, help_text="1 to 100 characters, not only white space.")
    chat_id = StrictUUIDField(required=False, help_text="Only this chat (one of yours).")
    limit = QueryIntegerField(required=False, min_value=1, max_value=50, default=20)
    cursor = StrictCharField(required=False, max_length=500, help_text="From meta.next_cursor.")

    def validate_q(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Search for something: not only white space.")
        return value


class MessageSearchView(APIView):
    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses={200: MessageSerializer(many=True), **errors(400, 401, 404)},
        extensions=SEARCH_META,
        summary="Find messages in my chats, newest first",
    )
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = message_search(viewer=request.user, **query.validated_data)
        context = {"read_seqs": chats_read_seqs({m.chat_id for m in page.messages})}
        response = Response(MessageSerializer(page.messages, many=True, context=context).data)
        response.envelope_meta = {"has_more": page.has_more, "next_cursor": page.next_cursor}
        return response
