"""``/api/auth/sessions*``: one's sign-ins, and ending them."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AuthSession
from accounts.selectors import session_list_live
from accounts.services.sessions import session_revoke, session_revoke_all
from core.api.fields import documented
from core.api.schema import errors
from core.errors import NotFound


class SessionSerializer(serializers.ModelSerializer):
    device = documented({"type": "string", "maxLength": 200, "description": "From the User-Agent."})
    current = serializers.SerializerMethodField()

    class Meta:
        model = AuthSession
        fields = ["id", "device", "ip", "created_at", "last_used_at", "current"]
        read_only_fields = fields

    def get_current(self, session: AuthSession) -> bool:
        current = self.context.get("current")
        return current is not None and session.pk == current.pk


class SessionListView(APIView):
    @extend_schema(
        responses={200: SessionSerializer(many=True), **errors(401)}, summary="My sign-ins"
    )
    def get(self, request: Request) -> Response:
        context = {"current": getattr(request, "auth_session", None)}
        return Response(
            SessionSerializer(session_list_live(user=request.user), many=True, context=context).data
        )


class SessionDetailView(APIView):
    @extend_schema(responses={200: None, **errors(401, 404)}, summary="End one sign-in")
    def delete(self, request: Request, session_id) -> Response:
        session = session_list_live(user=request.user).filter(pk=session_id).first()
        if session is None:
            raise NotFound("No such session.")
        session_revoke(session=session)
        return Response({})


class RevokeOthersView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("Revoked", {"revoked": serializers.IntegerField()}),
            **errors(401),
        },
        summary="End every sign-in but this one",
    )
    def post(self, request: Request) -> Response:
        count = session_revoke_all(user=request.user, keep=getattr(request, "auth_session", None))
        return Response({"revoked": count})
