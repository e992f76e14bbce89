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
"""

import logging

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


def install() -> None:
    try:
        from daphne.access import AccessLogGenerator
        from daphne.server import Server
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:  # another ASGI server: nothing to mend
        return
    _install_close_codes(WebSocketProtocol)
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
