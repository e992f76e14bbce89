"""``/api/users*``: one's own profile, other people, and finding them."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import presence
from accounts.authentication import CsrfSessionAuthentication, account_deleted_mark
from accounts.models import User
from accounts.selectors import blocked_users, user_find, user_search, user_visible
from accounts.serializers import (
    AccountDeleteSerializer,
    BlockStateSerializer,
    CodeSentSerializer,
    MeSerializer,
    PrivacySerializer,
    ProfileUpdateSerializer,
    UserSearchQuerySerializer,
    UserSerializer,
)
from accounts.services.blocks import user_block, user_unblock
from accounts.services.deletion import account_delete, account_delete_code_request
from accounts.services.limits import phone_lookup_check
from accounts.services.users import user_privacy, user_privacy_update, user_update
from core.api.request import client_ip
from core.api.schema import DeleteBodySchema, errors
from core.errors import NotFound


class MeView(APIView):
    schema = DeleteBodySchema()  # DELETE takes {"code"}

    @property
    def throttle_scope(self) -> str | None:
        # Confirming a deletion spends a code: it is a verification attempt like any other.
        request = getattr(self, "request", None)
        return "code_verify" if request is not None and request.method == "DELETE" else None

    @extend_schema(responses={200: MeSerializer, **errors(401)}, summary="My profile")
    def get(self, request: Request) -> Response:
        return Response(_me(request.user))

    @extend_schema(
        request=ProfileUpdateSerializer,
        responses={200: MeSerializer, **errors(400, 401, 409, 415)},
        summary="Change my profile",
    )
    def patch(self, request: Request) -> Response:
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_update(user=request.user, **serializer.validated_data)
        return Response(_me(user))

    @extend_schema(
        request=AccountDeleteSerializer,
        responses={200: None, **errors(400, 401, 415, 429)},
        summary="Delete my account (confirmed by a deletion code)",
    )
    def delete(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account_delete(user=request.user, code=serializer.validated_data["code"])
        response = Response({})
        if isinstance(request.successful_authenticator, CsrfSessionAuthentication):
            account_deleted_mark(response)
        return response


class UserDetailView(APIView):
    @extend_schema(responses={200: UserSerializer, **errors(401, 404)}, summary="A user")
    def get(self, request: Request, user_id) -> Response:
        user = user_visible(user_id=user_id)
        if user is None:
            raise NotFound("No such user.")
        return Response(UserSerializer(user, context=presence.seen_by(request.user, [user])).data)


class UserSearchView(APIView):
    @extend_schema(
        parameters=[UserSearchQuerySerializer],
        responses={200: UserSerializer(many=True), **errors(400, 401, 429)},
        summary="Find people",
    )
    def get(self, request: Request) -> Response:
        query = UserSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "phone" in query.validated_data:
            phone_lookup_check(user=request.user)
        users = list(user_search(viewer=request.user, **query.validated_data))
        context = presence.seen_by(request.user, users)
        return Response(UserSerializer(users, many=True, context=context).data)


class DeleteCodeView(APIView):
    throttle_scope = "code_request"

    @extend_schema(
        request=None,
        responses={200: CodeSentSerializer, **errors(401, 429)},
        summary="Text a code that confirms deleting my account",
    )
    def post(self, request: Request) -> Response:
        sent = account_delete_code_request(user=request.user, ip=client_ip(request))
        return Response(CodeSentSerializer(sent).data)


class BlockView(APIView):
    @extend_schema(
        request=None,
        responses={200: BlockStateSerializer, **errors(400, 401, 404)},
        summary="Block a user",
    )
    def post(self, request: Request, user_id) -> Response:
        user_block(user=request.user, target=_user_or_404(user_id))
        return Response({"blocked": True})

    @extend_schema(
        responses={200: BlockStateSerializer, **errors(401, 404)}, summary="Unblock a user"
    )
    def delete(self, request: Request, user_id) -> Response:
        user_unblock(user=request.user, target=_user_or_404(user_id))
        return Response({"blocked": False})


class BlockedListView(APIView):
    @extend_schema(
        responses={200: UserSerializer(many=True), **errors(401)}, summary="Blocked users"
    )
    def get(self, request: Request) -> Response:
        users = list(blocked_users(user=request.user))
        # No presence for people one blocks; their last seen follows the privacy rules.
        context = {**presence.seen_by(request.user, users), "online_ids": set()}
        return Response(UserSerializer(users, many=True, context=context).data)


def _me(user: User) -> dict:
    return MeSerializer(user, context=presence.seen_by(user, [user])).data


def _user_or_404(user_id) -> User:
    user = user_find(user_id=user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


class PrivacyView(APIView):
    @extend_schema(responses={200: PrivacySerializer, **errors(401)}, summary="My privacy")
    def get(self, request: Request) -> Response:
        return Response(user_privacy(request.user))

    @extend_schema(
        request=PrivacySerializer,
        responses={200: PrivacySerializer, **errors(400, 401, 415)},
        summary="Change my privacy settings (any of them)",
    )
    def patch(self, request: Request) -> Response:
        serializer = PrivacySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(user_privacy_update(user=request.user, **serializer.validated_data))
