"""ASGI entry point: HTTP through Django, ``/ws/`` through Channels.

Django is set up before anything imports models (``get_asgi_application`` first).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from core.api.body_limit import BodyLimitASGIMiddleware  # noqa: E402
from core.request_id import RequestIdASGIMiddleware  # noqa: E402
from tether import daphne_compat  # noqa: E402
from tether.websocket import websocket_application  # noqa: E402

daphne_compat.install()

# Every connection, HTTP or WebSocket, gets its request id first (core.request_id).
application = RequestIdASGIMiddleware(
    ProtocolTypeRouter(
        {
            "http": BodyLimitASGIMiddleware(django_asgi_app),
            "websocket": websocket_application,
        }
    )
)
