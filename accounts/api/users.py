"""``/api/users*``: one's own profile, other people, and finding them."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import presence
from accounts.models import User
from accounts.selectors import user_search
from accounts.serializers import (
    MeSerializer,
    ProfileUpdateSerializer,
    UserSearchQuerySerializer,
    UserSerializer,
)
from accounts.services.users import user_update
from tether.api.schema import errors


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer, **errors(401)}, summary="My profile")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        request=ProfileUpdateSerializer,
        responses={200: MeSerializer, **errors(400, 401, 409, 415)},
        summary="Change my profile",
    )
    def patch(self, request: Request) -> Response:
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)


class UserDetailView(APIView):
    @extend_schema(responses={200: UserSerializer, **errors(401, 404)}, summary="A user")
    def get(self, request: Request, user_id) -> Response:
        user = get_object_or_404(User, pk=user_id, is_active=True)
        return Response(UserSerializer(user).data)


class UserSearchView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Username prefix or display-name words"),
            OpenApiParameter("phone", str, description="Exact phone number"),
        ],
        responses={200: UserSerializer(many=True), **errors(400, 401)},
        summary="Find people",
    )
    def get(self, request: Request) -> Response:
        query = UserSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        users = list(user_search(viewer=request.user, **query.validated_data))
        context = {"online_ids": presence.online_ids(u.pk for u in users)}
        return Response(UserSerializer(users, many=True, context=context).data)
