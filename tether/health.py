"""``/api/health``: is the database there, does an event published now go out."""

import logging

from django.db import connection
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.errors import error_body
from core.redis import get_redis
from messaging import events

logger = logging.getLogger("tether.health")


# One named component for both services' state, so the schema has one enum, not two.
@extend_schema_field({"type": "string", "enum": ["ok", "down"]}, component_name="ServiceState")
class ServiceStateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(["ok", "down"], **kwargs)


HealthSerializer = inline_serializer(
    name="Health",
    fields={
        "status": serializers.ChoiceField(["ok", "degraded", "down"]),
        "database": ServiceStateField(),
        "channel_layer": ServiceStateField(),
    },
)


def database_ok() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("Health: database unreachable", exc_info=True)
        return False


def channel_layer_ok() -> bool:
    """Whether an event published now goes out (and reaches this process's sockets).

    Redis answering a ping is not enough: after an outage the process may still be holding
    publishes back, or its subscriptions may not be restored yet. So a probe goes through
    the channel layer itself and must come back; its success also ends the hold, so that
    once this says ok the very next message is delivered live.
    """
    client = get_redis()
    if client is not None:
        try:
            if not client.ping():
                return False
        except Exception:
            logger.warning("Health: Redis unreachable")
            return False
    return events.probe_layer() and events.layer_up()


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, summary="Health")
    def get(self, request: Request) -> Response:
        db, layer = database_ok(), channel_layer_ok()
        data = {"database": "ok" if db else "down", "channel_layer": "ok" if layer else "down"}
        if not db:
            body = error_body("unavailable", "The database is unreachable.")
            body["data"] = {"status": "down", **data}
            return Response(body, status=503)
        return Response({"status": "ok" if layer else "degraded", **data})
