"""Groups over the API: create, rename, members, roles, and who read a message."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import presence
from accounts.serializers import UserSerializer
from chats.models import Chat, ChatMember
from core.api.fields import StrictCharField, StrictUUIDField
from core.api.schema import errors
from core.errors import NotFound
from messaging import selectors
from messaging.api.responses import chat_response
from messaging.services.groups import (
    group_add_members,
    group_change_role,
    group_create,
    group_remove_member,
    group_rename,
)


class UserIdsField(serializers.ListField):
    def __init__(self, **kwargs):
        kwargs.update(child=StrictUUIDField(), allow_empty=False, max_length=Chat.MAX_MEMBERS)
        super().__init__(**kwargs)


class GroupCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["group"])
    title = StrictCharField(max_length=Chat.TITLE_MAX)
    user_ids = UserIdsField()


class GroupTitleSerializer(serializers.Serializer):
    title = StrictCharField(max_length=Chat.TITLE_MAX)


class MembersAddSerializer(serializers.Serializer):
    user_ids = UserIdsField()


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ChatMember.Role.values)


class MemberSerializer(serializers.Serializer):
    """The contract's member: ``{"user", "role", "joined_at", "last_read_seq"}``."""

    user = UserSerializer()
    role = serializers.ChoiceField(choices=ChatMember.Role.values)
    joined_at = serializers.DateTimeField()
    last_read_seq = serializers.IntegerField(min_value=0)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _members_response(viewer, members: list, many: bool = True) -> Response:
    context = presence.seen_by(viewer, [m.user for m in members])
    return Response(
        MemberSerializer(members if many else members[0], many=many, context=context).data
    )


def group_create_response(request: Request) -> Response:
    """POST /api/chats with ``"kind": "group"`` (the direct-chat view hands over)."""
    data = _valid(GroupCreateSerializer, request.data)
    chat = group_create(owner=request.user, title=data["title"], user_ids=data["user_ids"])
    return chat_response(request.user, chat.pk, status.HTTP_201_CREATED)


def group_rename_response(request: Request, chat_id) -> Response:
    """PATCH /api/chats/{id}."""
    data = _valid(GroupTitleSerializer, request.data)
    group_rename(actor=request.user, chat_id=chat_id, title=data["title"])
    return chat_response(request.user, chat_id)


class GroupMembersView(APIView):
    @extend_schema(
        responses={200: MemberSerializer(many=True), **errors(401, 404)},
        summary="A chat's members, the earliest joined first",
    )
    def get(self, request: Request, chat_id) -> Response:
        members = selectors.group_members(viewer=request.user, chat_id=chat_id)
        if members is None:
            raise NotFound("No such chat.")
        return _members_response(request.user, members)

    @extend_schema(
        request=MembersAddSerializer,
        responses={200: None, **errors(400, 401, 403, 404, 415)},
        summary="Add people to a group (owner or admin)",
    )
    def post(self, request: Request, chat_id) -> Response:
        data = _valid(MembersAddSerializer, request.data)
        group_add_members(actor=request.user, chat_id=chat_id, user_ids=data["user_ids"])
        return chat_response(request.user, chat_id)


class GroupMemberView(APIView):
    @extend_schema(
        responses={200: None, **errors(401, 403, 404)},
        summary="Remove a member (or leave, for oneself)",
    )
    def delete(self, request: Request, chat_id, user_id) -> Response:
        group_remove_member(actor=request.user, chat_id=chat_id, user_id=user_id)
        return Response({})

    @extend_schema(
        request=RoleSerializer,
        responses={200: MemberSerializer, **errors(400, 401, 403, 404, 415)},
        summary="Change a member's role, or hand the group over (owner only)",
    )
    def patch(self, request: Request, chat_id, user_id) -> Response:
        data = _valid(RoleSerializer, request.data)
        group_change_role(actor=request.user, chat_id=chat_id, user_id=user_id, role=data["role"])
        members = [
            m
            for m in selectors.group_members(viewer=request.user, chat_id=chat_id) or []
            if str(m.user_id) == str(user_id)
        ]
        if not members:
            raise NotFound("No such member.")
        return _members_response(request.user, members, many=False)


class MessageReadersView(APIView):
    @extend_schema(
        responses={200: UserSerializer(many=True), **errors(401, 404)},
        summary="Who read a message: members other than the sender who reached its seq",
    )
    def get(self, request: Request, message_id) -> Response:
        readers = selectors.message_readers(viewer=request.user, message_id=message_id)
        if readers is None:
            raise NotFound("No such message.")
        context = presence.seen_by(request.user, readers)
        return Response(UserSerializer(readers, many=True, context=context).data)
