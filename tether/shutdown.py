"""A clean restart under daphne: on SIGTERM, drain the process instead of dropping it.

Daphne leaves SIGTERM to Twisted, which stops the reactor at once: daphne then cancels every
application instance, so the requests in flight get no answer and the WebSockets are cut
without a close frame (clients see 1006 and wait out their back-off). Instead, on SIGTERM:

1. stop listening, so new connections are refused (the proxy tries another process);
2. close every WebSocket with 1012 (service restart), so clients reconnect elsewhere at
   once; a socket accepted while draining is closed the same way;
3. wait until the HTTP requests in flight are answered and every application instance
   (each socket's consumer, running its disconnect) has finished, for at most
   ``DRAIN_TIMEOUT`` seconds;
4. stop the reactor; daphne cancels whatever is left.

A second SIGTERM stops at once. SIGINT (Ctrl-C) keeps Twisted's immediate stop.
"""

import asyncio
import contextlib
import logging
import signal
import time

from messaging.presence import presence_settled

logger = logging.getLogger("tether.shutdown")

DRAIN_TIMEOUT = 10.0
CLOSE_SERVICE_RESTART = 1012
_POLL_SECONDS = 0.05


def install(Server, WebSocketProtocol) -> None:  # noqa: N803 (classes)
    """Teach daphne's ``Server`` to drain on SIGTERM (it keeps its listening ports)."""
    if getattr(Server, "_tether_drain", False):
        return
    original_run = Server.run
    original_listen_success = Server.listen_success

    def listen_success(self, port):
        self._tether_ports = [*getattr(self, "_tether_ports", []), port]
        return original_listen_success(self, port)

    def run(self):
        if self.signal_handlers:
            from twisted.internet import reactor

            # After Twisted has installed its own handlers (during startup), replace its
            # SIGTERM handler with the drain.
            reactor.callWhenRunning(_handle_sigterm, self, WebSocketProtocol)
        return original_run(self)

    Server.listen_success = listen_success
    Server.run = run
    Server._tether_drain = True


def _handle_sigterm(server, WebSocketProtocol) -> None:  # noqa: N803 (a class)
    from twisted.internet import reactor

    def on_sigterm(signum, frame):
        reactor.callFromThread(_begin_drain, server, WebSocketProtocol)

    signal.signal(signal.SIGTERM, on_sigterm)


def _begin_drain(server, WebSocketProtocol) -> None:  # noqa: N803 (a class)
    from twisted.internet import reactor

    if getattr(server, "_tether_draining", False):
        logger.warning("SIGTERM again: stopping at once")
        _stop(reactor)
        return
    server._tether_draining = True
    for port in getattr(server, "_tether_ports", []):
        port.stopListening()
    logger.info("SIGTERM: no longer listening; closing sockets (1012), finishing requests")
    server._tether_drain_task = asyncio.ensure_future(_drain(server, WebSocketProtocol, reactor))


async def _drain(server, WebSocketProtocol, reactor) -> None:  # noqa: N803 (a class)
    started = time.monotonic()
    deadline = started + DRAIN_TIMEOUT
    busy = _close_and_count(server, WebSocketProtocol)
    while busy and time.monotonic() < deadline:
        await asyncio.sleep(_POLL_SECONDS)
        busy = _close_and_count(server, WebSocketProtocol)
    # Offline announcements of the sockets just closed run on after them.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(presence_settled(), max(0.1, deadline - time.monotonic()))
    took = time.monotonic() - started
    if busy:
        logger.warning("Drain gave up after %.1f s with %d connections busy", took, busy)
    else:
        logger.info("Drained in %.2f s", took)
    _forget_finished(server)
    _stop(reactor)


def _close_and_count(server, WebSocketProtocol) -> int:  # noqa: N803 (a class)
    """Close the open sockets with 1012; how many connections still have work under way."""
    busy = 0
    for protocol, details in list(server.connections.items()):
        application = details.get("application_instance")
        running = application is not None and not application.done()
        if "disconnected" not in details:
            if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN:
                protocol.serverClose(code=CLOSE_SERVICE_RESTART)
            busy += 1  # a request not yet answered, or a socket not yet closed
        elif running:
            busy += 1  # its application is still finishing (a consumer's disconnect)
    return busy


def _forget_finished(server) -> None:
    """Daphne's shutdown expects an application instance on every connection it still
    lists; those that ended without one (upgraded to a socket, refused early) go first."""
    for protocol, details in list(server.connections.items()):
        if "disconnected" in details and "application_instance" not in details:
            server.connections.pop(protocol, None)


def _stop(reactor) -> None:
    if reactor.running:
        reactor.stop()
