"""Refuses an oversize body from its Content-Length, before a byte of it is read.

Django's ASGI handler spools every request body before any middleware runs; an upload that
says it is larger than Tether takes is answered 413 at once instead (and its connection
closed), so a client learns it without sending gigabytes first. Bodies without a length
(chunked) are measured as they come by the upload handler and the API middleware.
"""

import json

from core.api.errors import error_body
from core.api.middleware import body_limit


class BodyLimitASGIMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            length = _content_length(scope)
            if length is not None and length > body_limit(scope["path"]):
                await _too_large(send)
                return
        await self.app(scope, receive, send)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send) -> None:
    body = json.dumps(error_body("too_large", "The request body is too large.")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
