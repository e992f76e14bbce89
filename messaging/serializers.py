"""Shapes of messages and chats (contract: "Objects"), and the inputs that make them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserSerializer
from chats.models import Chat
from core.api.fields import StrictCharField, StrictIntegerField, StrictUUIDField
from core.api.prepared import annotated, from_context, prefetched
from messaging.content import MAX_CONTENT
from messaging.models import Message
from messaging.payloads import message_data, read_seqs_of


class MessageSerializer(serializers.ModelSerializer):
    """``is_read`` needs ``context["read_seqs"][chat_id] = {user_id: last_read_seq}``."""

    chat_id = serializers.UUIDField(read_only=True)
    sender_id = serializers.UUIDField(read_only=True)
    deleted = serializers.BooleanField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Message
        fields = [
            "id", "chat_id", "seq", "sender_id", "content", "client_id",
            "created_at", "edited_at", "deleted", "is_read",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, message: Message) -> dict:
        # The fields above describe the shape (and the OpenAPI schema); the dict itself is
        # built by messaging.payloads, which every door shares.
        return message_data(message, from_context(self, "read_seqs"))


_CHAT_SELECTOR = "messaging.selectors.chat_list"


class ChatSerializer(serializers.ModelSerializer):
    """A chat from the viewer's side (``context["viewer"]``), memberships prefetched."""

    members = serializers.SerializerMethodField()
    peer = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    unread_count = serializers.SerializerMethodField()
    last_read_seq = serializers.SerializerMethodField()
    peer_last_read_seq = serializers.SerializerMethodField()

    class Meta:
        model = Chat
        fields = [
            "id", "kind", "members", "peer", "last_message", "unread_count",
            "last_read_seq", "peer_last_read_seq", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _viewer_id(self):
        return from_context(self, "viewer").pk

    def _memberships(self, chat: Chat) -> list:
        return prefetched(chat, "memberships", _CHAT_SELECTOR)

    def _peer_membership(self, chat: Chat):
        others = [m for m in self._memberships(chat) if m.user_id != self._viewer_id()]
        return others[0] if others else None

    def _user_data(self, user) -> dict:
        return UserSerializer(user, context=self.context).data

    def get_members(self, chat: Chat) -> list[dict]:
        return [self._user_data(m.user) for m in self._memberships(chat)]

    def get_peer(self, chat: Chat) -> dict | None:
        peer = self._peer_membership(chat)
        return self._user_data(peer.user) if peer else None

    def get_last_message(self, chat: Chat) -> dict | None:
        last = annotated(chat, "last_messages", _CHAT_SELECTOR)
        return message_data(last[0], read_seqs_of(chat)) if last else None

    def get_unread_count(self, chat: Chat) -> int:
        return annotated(chat, "unread_count", _CHAT_SELECTOR)

    def get_last_read_seq(self, chat: Chat) -> int:
        mine = [m for m in self._memberships(chat) if m.user_id == self._viewer_id()]
        return mine[0].last_read_seq if mine else 0

    def get_peer_last_read_seq(self, chat: Chat) -> int:
        peer = self._peer_membership(chat)
        return peer.last_read_seq if peer else 0


class ChatOpenSerializer(serializers.Serializer):
    user_id = StrictUUIDField(required=False)
    username = StrictCharField(required=False, max_length=64)

    def validate(self, attrs):
        if ("user_id" in attrs) == ("username" in attrs):
            raise serializers.ValidationError("Give exactly one of user_id or username.")
        return attrs


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": MAX_CONTENT})
class ContentField(StrictCharField):
    """A string; what it may hold is the services' rule (``messaging.content``)."""

    def __init__(self, **kwargs):
        kwargs.update(allow_blank=True)
        super().__init__(**kwargs)


class MessageSendSerializer(serializers.Serializer):
    chat_id = StrictUUIDField()
    content = ContentField()
    client_id = StrictCharField(required=False, allow_null=True, min_length=1, max_length=64)


def client_id_of(data) -> str | None:
    """The ``client_id`` of a raw send request if it is a valid one, else None (read before
    the rest of the request is validated)."""
    if not isinstance(data, dict):
        return None
    try:
        return MessageSendSerializer().fields["client_id"].run_validation(data.get("client_id"))
    except serializers.ValidationError:
        return None


class MessageEditSerializer(serializers.Serializer):
    content = ContentField()


class ReadSerializer(serializers.Serializer):
    up_to_seq = StrictIntegerField(min_value=0)


class HistoryQuerySerializer(serializers.Serializer):
    before_seq = serializers.IntegerField(required=False, min_value=0)
    after_seq = serializers.IntegerField(required=False, min_value=0)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=50)

    def validate(self, attrs):
        if "before_seq" in attrs and "after_seq" in attrs:
            raise serializers.ValidationError("Use before_seq or after_seq, not both.")
        return attrs


class ReadResultSerializer(serializers.Serializer):
    last_read_seq = serializers.IntegerField()
