"""``/api/messages/{id}/report`` and ``/api/users/{id}/report``."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import StrictCharField
from core.api.schema import errors
from moderation.models import Report
from moderation.services import report_message, report_user


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    text = StrictCharField(required=False, allow_blank=True, max_length=1000)


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "status", "reason", "created_at"]
        read_only_fields = fields


def _answer(report, created: bool) -> Response:
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(ReportSerializer(report).data, status=code)


_SCHEMA = {
    "request": ReportInputSerializer,
    "responses": {201: ReportSerializer, 200: ReportSerializer, **errors(400, 401, 404, 415)},
}


class MessageReportView(APIView):
    @extend_schema(**_SCHEMA, summary="Report a message (one open report per message)")
    def post(self, request: Request, message_id) -> Response:
        data = _valid(request)
        return _answer(*report_message(reporter=request.user, message_id=message_id, **data))


class UserReportView(APIView):
    @extend_schema(**_SCHEMA, summary="Report a user (one open report per user)")
    def post(self, request: Request, user_id) -> Response:
        data = _valid(request)
        return _answer(*report_user(reporter=request.user, user_id=user_id, **data))


def _valid(request: Request) -> dict:
    serializer = ReportInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
