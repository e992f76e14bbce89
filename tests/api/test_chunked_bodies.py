"""Bodies sent chunked (no Content-Length) through a real server: read, and size-limited."""

import json
import socket

import pytest

from tests.servers import sms_codes, tether_servers

pytestmark = pytest.mark.servers


def post_chunked(port: int, path: str, body: bytes) -> tuple[int, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        )
        for start in range(0, len(body), 65536):
            chunk = body[start : start + 65536]
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        answer = b""
        while part := sock.recv(65536):
            answer += part
    head, _, rest = answer.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    if b"transfer-encoding: chunked" in head.lower():
        payload, rest = b"", rest
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            payload, rest = payload + rest[:size], rest[size + 2 :]
        rest = payload
    return status, json.loads(rest)


def test_chunked_bodies_are_read_and_over_1_mib_refused():
    with tether_servers(1) as servers:
        (server,) = servers
        small = json.dumps({"phone": "+79161234567", "display_name": "Chunky"}).encode()
        status, body = post_chunked(server.port, "/api/auth/register", small)
        assert (status, body["success"]) == (201, True), body
        assert len(sms_codes(servers, "+79161234567")) == 1

        big = json.dumps({"phone": "+79161234568", "display_name": "x" * (2 << 20)}).encode()
        status, body = post_chunked(server.port, "/api/auth/register", big)
        assert (status, body["code"]) == (413, "too_large"), body
        assert sms_codes(servers, "+79161234568") == []
