"""SIGTERM drains a real daphne process: new connections are refused at once, open sockets
are closed with 1012 (service restart) at once, and a request in flight still gets its
answer before the process exits."""

import json
import signal
import socket
import time

import pytest

from tests.realtime.clients import Listener, sign_up
from tests.servers import tether_servers

pytestmark = pytest.mark.servers


def _request_head(path: str, token: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


def _read_all(conn: socket.socket, timeout: float) -> bytes:
    conn.settimeout(timeout)
    answer = b""
    while chunk := conn.recv(65536):
        answer += chunk
    return answer


def test_sigterm_closes_sockets_with_1012_finishes_requests_and_refuses_new_connections():
    with tether_servers(1, env={"TETHER_THROTTLE": "off"}) as servers:
        (server,) = servers
        alice = sign_up(servers, server, "+79160000400", "Alice")
        bob = sign_up(servers, server, "+79160000401", "Bob")
        listener = Listener(server, alice["access"])
        listener.ready()

        # A request in flight: its head and half its body are in, the rest is on its way.
        body = json.dumps({"user_id": bob["user"]["id"]}).encode()
        in_flight = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        in_flight.sendall(_request_head("/api/chats", alice["access"], len(body)) + body[:10])
        time.sleep(0.3)  # the server has read the request line: the request is under way

        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)

        # The open socket is closed with 1012, at once.
        listener.thread.join(timeout=5)
        closed_after = time.monotonic() - signalled
        assert listener.close_code == 1012, listener.close_code
        assert closed_after < 1.5, f"the socket was closed {closed_after:.2f} s after SIGTERM"

        # New connections are refused while the request in flight is still being served.
        assert server.running, "the process exited with a request in flight"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()

        # The request in flight finishes and gets its answer; then the process exits.
        time.sleep(1.0)
        in_flight.sendall(body[10:])
        answer = _read_all(in_flight, timeout=10)
        in_flight.close()
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 201"), answer[:500]
        assert json.loads(rest.partition(b"\r\n\r\n")[2])["data"]["id"]

        server.process.wait(timeout=10)
        drained_in = time.monotonic() - signalled
        assert server.process.returncode == 0, server.log_tail()
        assert drained_in < 10, f"the process took {drained_in:.1f} s to exit"
        print(f"socket closed after {closed_after:.3f} s; process exited after {drained_in:.2f} s")
        log = server.log_text()
        assert "Drained in" in log, server.log_tail()
