"""Where daphne's defaults break the contract, mended when the ASGI application loads.

Close codes: Autobahn, under daphne, accepts only 1000 and 3000-4999 in ``sendClose``; the
contract closes a socket with 1013 ("try again later") while the channel layer is down. The
frame itself is valid, so for registered codes the close frame is sent directly.

SIGTERM: daphne stops at once, cutting requests and sockets off; ``tether.shutdown`` drains
the process instead (no new connections, sockets closed with 1012, requests finished).

Access log: ``daphne`` writes its access log straight to stdout, query strings and all
(``?token=``, ``?phone=``). Its lines go through Python logging instead (logger
``tether.access``), so they pass the redaction filter, carry the request id (daphne writes
the line while the response goes out, inside the request's context) and follow
TETHER_LOG_FORMAT. ``daphne -v 0`` still turns the access log off.

Bodies: Twisted, under daphne, reads every multipart POST whole into memory to parse it
for its own ``request.args`` (which daphne never uses) and answers a bare 400 when it cannot;
Django parses bodies itself, so Twisted's parsing is off. And a body that says, before it
comes, that it is over what its path takes (core.api.middleware.body_limit) is answered 413
at once and the connection closed, instead of being spooled to disk first.
"""

import json
import logging

from core.api.errors import error_body
from core.api.middleware import body_limit
from core.log_redaction import redact
from tether import shutdown

_REGISTERED_SERVER_CODES = {1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
_WEBSOCKET_ACTIONS = {
    "connecting": "WSCONNECTING",
    "connected": "WSCONNECT",
    "rejected": "WSREJECT",
    "disconnected": "WSDISCONNECT",
}

access_logger = logging.getLogger("tether.access")
_TOO_LARGE = None  # built on install, once settings are loaded


def install() -> None:
    try:
        from daphne.access import AccessLogGenerator
        from daphne.http_protocol import WebRequest
        from daphne.server import Server
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:  # another ASGI server: nothing to mend
        return
    global _TOO_LARGE
    _TOO_LARGE = _too_large_response()
    _install_close_codes(WebSocketProtocol)
    _install_body_rules(WebRequest)
    _install_access_log(Server, AccessLogGenerator)
    shutdown.install(Server, WebSocketProtocol)


def _install_close_codes(WebSocketProtocol) -> None:  # noqa: N803 (a class)
    if getattr(WebSocketProtocol, "_tether_close_codes", False):
        return
    original = WebSocketProtocol.serverClose

    def server_close(self, code=None):
        if code in _REGISTERED_SERVER_CODES:
            self.sendCloseFrame(code=code, isReply=False)
            return
        original(self, code)

    WebSocketProtocol.serverClose = server_close
    WebSocketProtocol._tether_close_codes = True


def _install_body_rules(WebRequest) -> None:  # noqa: N803 (a class)
    if getattr(WebRequest, "_tether_body_rules", False):
        return
    original_init = WebRequest.__init__
    original_got_length = WebRequest.gotLength

    def __init__(self, *args, **kwargs):  # noqa: N807
        original_init(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    def got_length(self, length):
        path = (getattr(self.channel, "_path", None) or b"").split(b"?", 1)[0]
        text = path.decode("latin-1")
        if length is not None and text.startswith("/api/") and length > body_limit(text):
            self.channel.transport.write(_TOO_LARGE)
            self.channel.loseConnection()
            length = 0
        original_got_length(self, length)

    WebRequest.__init__ = __init__
    WebRequest.gotLength = got_length
    WebRequest._tether_body_rules = True


def _too_large_response() -> bytes:
    body = json.dumps(error_body("too_large", "The request body is too large.")).encode()
    head = (
        "HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def _install_access_log(Server, AccessLogGenerator) -> None:  # noqa: N803 (classes)
    if getattr(Server, "_tether_access_log", False):
        return
    original = Server.log_action

    def log_action(self, protocol, action, details):
        # daphne's own NCSA writer only: another action logger (daphne's runserver) logs
        # through Python logging already.
        if isinstance(self.action_logger, AccessLogGenerator):
            log_access(protocol, action, details)
        else:
            original(self, protocol, action, details)

    Server.log_action = log_action
    Server._tether_access_log = True


def log_access(protocol: str, action: str, details: dict) -> None:
    """One access-log line: ``client "METHOD path" status size duration``, query redacted."""
    client = details.get("client") or "-"
    path = redact(str(details.get("path", "")))
    if protocol == "http" and action == "complete":
        status, seconds = details.get("status"), details.get("time_taken") or 0.0
        access_logger.info(
            '%s "%s %s" %s %s %.1fms',
            client, details.get("method"), path, status, details.get("size") or "-",
            seconds * 1000,
            extra={
                "client": client, "method": details.get("method"), "path": path,
                "status": status, "size": details.get("size"),
                "duration_ms": round(seconds * 1000, 1),
            },
        )  # fmt: skip
    elif protocol == "websocket" and action in _WEBSOCKET_ACTIONS:
        event = _WEBSOCKET_ACTIONS[action]
        access_logger.info(
            '%s "%s %s"', client, event, path, extra={"client": client, "path": path}
        )
