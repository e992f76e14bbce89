"""``/api/auth/*``: ask for a code, prove the phone, refresh, log out."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import (
    CodeSentSerializer,
    LoginSerializer,
    RefreshSerializer,
    RegisterSerializer,
    SignInSerializer,
    TokenPairSerializer,
    VerifyCodeSerializer,
)
from accounts.services.auth import auth_request_sign_in, auth_request_sign_up, auth_verify
from accounts.services.sessions import session_end, session_refresh
from core.api.request import client_ip, user_agent
from core.api.schema import errors


class PublicAPIView(APIView):
    """No credentials needed; a stale token in the header must not get in the way."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Without this DRF turns a bad refresh token's 401 into a 403 (no authenticator here
        # to name a WWW-Authenticate scheme).
        return 'Bearer realm="api"'


class RegisterView(PublicAPIView):
    throttle_scope = "code_request"

    @extend_schema(
        request=RegisterSerializer,
        responses={201: CodeSentSerializer, **errors(400, 409, 415, 429)},
        summary="Send a sign-up code",
    )
    def post(self, request: Request) -> Response:
        data = _valid(RegisterSerializer, request)
        sent = auth_request_sign_up(
            phone=data["phone"], display_name=data["display_name"], ip=client_ip(request)
        )
        return Response(CodeSentSerializer(sent).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView):
    throttle_scope = "code_request"

    @extend_schema(
        request=LoginSerializer,
        responses={200: CodeSentSerializer, **errors(400, 404, 415, 429)},
        summary="Send a sign-in code",
    )
    def post(self, request: Request) -> Response:
        data = _valid(LoginSerializer, request)
        sent = auth_request_sign_in(phone=data["phone"], ip=client_ip(request))
        return Response(CodeSentSerializer(sent).data)


class VerifyCodeView(PublicAPIView):
    throttle_scope = "code_verify"

    @extend_schema(
        request=VerifyCodeSerializer,
        responses={200: SignInSerializer, **errors(400, 409, 415, 429)},
        summary="Prove the phone with its code and sign in (creating the account)",
    )
    def post(self, request: Request) -> Response:
        data = _valid(VerifyCodeSerializer, request)
        sign_in = auth_verify(
            phone=data["phone"],
            code=data["code"],
            user_agent=user_agent(request),
            ip=client_ip(request),
        )
        body = {
            "access": sign_in.tokens.access,
            "refresh": sign_in.tokens.refresh,
            "user": sign_in.user,
            "created": sign_in.created,
        }
        context = {"online_ids": set(), "hidden_ids": set()}  # one's own: all shown
        return Response(SignInSerializer(body, context=context).data)


class RefreshView(PublicAPIView):
    @extend_schema(
        request=RefreshSerializer,
        responses={200: TokenPairSerializer, **errors(400, 401)},
        summary="Rotate a refresh token",
    )
    def post(self, request: Request) -> Response:
        data = _valid(RefreshSerializer, request)
        pair = session_refresh(raw_refresh=data["refresh"])
        return Response(TokenPairSerializer(pair).data)


class LogoutView(PublicAPIView):
    @extend_schema(
        request=RefreshSerializer,
        responses={200: None, **errors(400, 401)},
        summary="End this sign-in: its refresh and access tokens stop working",
    )
    def post(self, request: Request) -> Response:
        data = _valid(RefreshSerializer, request)
        session_end(raw_refresh=data["refresh"])
        return Response({})


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
