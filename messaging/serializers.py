"""Shapes of messages and chats (contract: "Objects"), and the inputs that make them."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.serializers import UsernameField, UserSerializer, user_data
from chats.models import Chat
from chats.selectors import read_seqs_shown
from core.api.fields import (
    NOT_BLANK,
    QueryIntegerField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictUUIDField,
    documented,
)
from core.api.prepared import annotated, from_context, prefetched, selected
from messaging.content import MAX_CONTENT
from messaging.models import Message
from messaging.payloads import iso, message_data
from messaging.services.settings import draft_data

_SEQ = {"type": "integer", "minimum": 0}
_SYSTEM = {
    "type": "object",
    "nullable": True,
    "description": "System messages only: what happened to the group.",
    "properties": {
        "event": {
            "type": "string",
            "enum": [
                "group_created", "members_added", "member_removed", "member_left",
                "title_changed", "role_changed", "owner_changed",
            ],
        },
        "actor_id": {"type": "string", "format": "uuid"},
        "user_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "title": {"type": "string", "nullable": True},
        "role": {"type": "string", "enum": ["owner", "admin", "member"], "nullable": True},
    },
    "required": ["event", "actor_id", "user_ids", "title", "role"],
}  # fmt: skip


class MessageSerializer(serializers.ModelSerializer):
    """``is_read`` needs ``context["read_seqs"][chat_id] = {user_id: last_read_seq}``."""

    chat_id = serializers.UUIDField(read_only=True)
    seq = documented(
        {"type": "integer", "minimum": 1, "description": "1, 2, 3... in each chat, no gaps."}
    )
    sender_id = serializers.UUIDField(read_only=True)
    content = documented(
        {"type": "string", "maxLength": MAX_CONTENT, "description": '`""` once deleted.'}
    )
    client_id = documented({"type": "string", "minLength": 1, "maxLength": 64, "nullable": True})
    deleted = serializers.BooleanField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)
    kind = documented({"type": "string", "enum": ["text", "system"]})
    reply_to = documented({"type": "object", "nullable": True})
    forwarded_from = documented({"type": "object", "nullable": True})
    reactions = documented({"type": "array", "items": {"type": "object"}})
    attachments = documented({"type": "array", "items": {"type": "object"}})
    system = documented(_SYSTEM)

    class Meta:
        model = Message
        fields = [
            "id", "chat_id", "seq", "kind", "sender_id", "content", "client_id",
            "created_at", "edited_at", "deleted", "is_read", "reply_to", "forwarded_from",
            "reactions", "attachments", "system",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, message: Message) -> dict:
        # The fields above describe the shape (and the OpenAPI schema); the dict itself is
        # built by messaging.payloads, which every door shares.
        return message_data(message, from_context(self, "read_seqs"))


_CHAT_SELECTOR = "messaging.selectors.chat_list"


class ChatSerializer(serializers.ModelSerializer):
    """A chat from the viewer's side (``context["viewer"]``), memberships prefetched."""

    title = documented({"type": "string", "maxLength": Chat.TITLE_MAX, "nullable": True})
    members = UserSerializer(many=True, read_only=True)
    member_count = documented({"type": "integer", "minimum": 1, "maximum": Chat.MAX_MEMBERS})
    role = documented({"type": "string", "enum": ["owner", "admin", "member"]})
    peer = UserSerializer(allow_null=True, read_only=True)
    last_message = MessageSerializer(allow_null=True, read_only=True)
    unread_count = documented({"type": "integer", "minimum": 0})
    last_read_seq = documented(_SEQ)
    peer_last_read_seq = documented({**_SEQ, "nullable": True})
    pinned_message = MessageSerializer(allow_null=True, read_only=True)
    draft = documented(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "content": {"type": "string", "maxLength": MAX_CONTENT},
                "updated_at": {"type": "string", "format": "date-time"},
            },
            "required": ["content", "updated_at"],
        }
    )
    muted = documented({"type": "boolean"})

    class Meta:
        model = Chat
        fields = [
            "id", "kind", "title", "members", "member_count", "role", "peer", "last_message",
            "unread_count", "last_read_seq", "peer_last_read_seq", "pinned_message", "draft",
            "muted", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, chat: Chat) -> dict:
        # The fields above describe the shape (and the OpenAPI schema); the dict is built by
        # chat_data, without DRF's copies of every field for every chat and member.
        memberships = prefetched(chat, "memberships", _CHAT_SELECTOR)
        return chat_data(
            chat,
            memberships,
            viewer_id=from_context(self, "viewer").pk,
            online_ids=from_context(self, "online_ids"),
            hidden_ids=from_context(self, "hidden_ids"),
        )


def chat_data(chat: Chat, memberships: list, *, viewer_id, online_ids, hidden_ids) -> dict:
    """The contract's chat object as ``viewer_id`` sees it, from a chat ``chat_list`` loaded
    (its ``memberships`` with their users, last message, unread count and pin)."""
    mine = peer = None
    for membership in memberships:
        if membership.user_id == viewer_id:
            mine = membership
        elif peer is None:
            peer = membership
    direct = chat.kind == Chat.Kind.DIRECT
    group = chat.kind == Chat.Kind.GROUP
    if not direct:
        peer = None
    read_seqs = {chat.id: read_seqs_shown(chat.kind, _read_rows(memberships))}
    last = annotated(chat, "last_messages", _CHAT_SELECTOR)
    pin = selected(chat, "pin", _CHAT_SELECTOR)
    peer_read = None
    if direct:
        peer_read = 0 if peer is None else read_seqs[chat.id][peer.user_id]
    return {
        "id": str(chat.id),
        "kind": chat.kind,
        "title": chat.title if group else None,
        "members": [user_data(m.user, online_ids, hidden_ids) for m in memberships],
        "member_count": len(memberships),
        "role": mine.role if mine is not None and group else "member",
        "peer": user_data(peer.user, online_ids, hidden_ids) if peer is not None else None,
        "last_message": message_data(last[0], read_seqs) if last else None,
        "unread_count": annotated(chat, "unread_count", _CHAT_SELECTOR),
        "last_read_seq": mine.last_read_seq if mine is not None else 0,
        "peer_last_read_seq": peer_read,
        "pinned_message": message_data(pin.message, read_seqs) if pin else None,
        "draft": draft_data(mine) if mine is not None else None,
        "muted": bool(mine is not None and mine.muted),
        "created_at": iso(chat.created_at),
        "updated_at": iso(chat.updated_at),
    }


def _read_rows(memberships: list) -> list:
    return [(m.user_id, m.last_read_seq, m.user.read_receipts) for m in memberships]


@extend_schema_serializer(extensions={"x-exactly-one-of": ["user_id", "username"]})
class ChatOpenSerializer(serializers.Serializer):
    """Exactly one of ``user_id`` and ``username`` (the schema says so with ``oneOf``)."""

    user_id = StrictUUIDField(required=False)
    username = UsernameField(required=False)

    def validate(self, attrs):
        if ("user_id" in attrs) == ("username" in attrs):
            raise serializers.ValidationError("Give exactly one of user_id or username.")
        return attrs


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": MAX_CONTENT, "pattern": NOT_BLANK}
)
class ContentField(StrictCharField):
    """A string; what it may hold is the services' rule (``messaging.content``)."""

    def __init__(self, **kwargs):
        kwargs.update(allow_blank=True)
        super().__init__(**kwargs)


# The contract's idempotency: the same client_id again is answered with the original message,
# "checked before any rule but authentication", so the rest of such a body is not read.
@extend_schema_serializer(extensions={"x-repeatable-by": "client_id"})
class MessageSendSerializer(serializers.Serializer):
    chat_id = StrictUUIDField()
    content = ContentField(
        required=False,
        default="",
        help_text='Required but for a forward (absent or "") or with attachments (may be "").',
    )
    client_id = StrictCharField(required=False, allow_null=True, min_length=1, max_length=64)
    reply_to_id = StrictUUIDField(
        required=False, allow_null=True, default=None, help_text="A text message of this chat."
    )
    forward_of_id = StrictUUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A text message of any of the caller's chats, passed on here.",
    )
    attachment_ids = serializers.ListField(
        child=StrictUUIDField(),
        required=False,
        allow_null=True,
        default=None,
        min_length=1,
        max_length=10,
        help_text="1 to 10 distinct uploads of the caller's, not yet sent.",
    )


class AttachmentUploadSerializer(serializers.Serializer):
    """For the schema: the upload is read by the view (one part ``file``)."""

    file = serializers.FileField(help_text="The image or file; at most TETHER_MAX_UPLOAD_MB.")


class AttachmentSerializer(serializers.Serializer):
    """The contract's attachment object (built by messaging.payloads; this is its schema)."""

    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=["image", "file"])
    name = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=1)
    content_type = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True)


class ReactionSerializer(serializers.Serializer):
    # Exactly one emoji is the service's rule (messaging.emoji), for every door.
    emoji = StrictCharField(help_text="Exactly one emoji (one grapheme cluster).")


class DraftSerializer(serializers.Serializer):
    content = StrictCharField(
        allow_blank=True, max_length=MAX_CONTENT, help_text='Up to 4096 characters; "" clears it.'
    )


class DraftResultSerializer(serializers.Serializer):
    content = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ChatSettingsSerializer(serializers.Serializer):
    muted = StrictBooleanField()


class PinSerializer(serializers.Serializer):
    message_id = StrictUUIDField()


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
    before_seq = QueryIntegerField(
        required=False, min_value=0, help_text="Older than this seq (not with after_seq)."
    )
    after_seq = QueryIntegerField(
        required=False, min_value=0, help_text="Newer than this seq (not with before_seq)."
    )
    limit = QueryIntegerField(required=False, min_value=1, max_value=100, default=50)

    def validate(self, attrs):
        if "before_seq" in attrs and "after_seq" in attrs:
            raise serializers.ValidationError("Use before_seq or after_seq, not both.")
        return attrs


class ReadResultSerializer(serializers.Serializer):
    last_read_seq = serializers.IntegerField(min_value=0)
