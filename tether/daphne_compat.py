"""Let daphne send the close codes that RFC 6455 and IANA register for servers.

Autobahn, under daphne, accepts only 1000 and 3000-4999 in ``sendClose``; the contract
closes a socket with 1013 ("try again later") while the channel layer is down. The frame
itself is valid, so for registered codes the close frame is sent directly.
"""

_REGISTERED_SERVER_CODES = {1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}


def install() -> None:
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:  # another ASGI server: nothing to mend
        return
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
