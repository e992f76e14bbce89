"""Clients of real server processes: sign up over HTTP, listen on a real WebSocket."""

import json
import queue
import threading
import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.servers import Server, Servers, http


def sign_up(servers: Servers, server: Server, phone: str, name: str) -> dict:
    """Register ``phone`` through ``server``; returns the verify-code answer's data."""
    response = http(
        "POST", f"{server.url}/api/auth/register", {"phone": phone, "display_name": name}
    )
    assert response.status == 201, response.json()
    code = servers.sms_code(phone)
    verified = http("POST", f"{server.url}/api/auth/verify-code", {"phone": phone, "code": code})
    return verified.data


class Listener:
    """A socket read on a thread into a queue, so tests can wait for frames by type."""

    def __init__(self, server: Server, token: str):
        self.frames: queue.Queue = queue.Queue()
        self.close_code: int | None = None
        self.socket = connect(f"{server.ws_url}?token={token}", open_timeout=10)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for raw in self.socket:
                self.frames.put(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.socket.close_code
            self.frames.put(None)

    def send(self, frame: dict) -> None:
        self.socket.send(json.dumps(frame))

    def ready(self, timeout: float = 10) -> None:
        """Wait for a pong: the socket has joined its groups."""
        self.send({"type": "ping"})
        self.wait_for("pong", timeout)

    def wait_for(self, frame_type: str, timeout: float = 10) -> dict:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                frame = self.frames.get(timeout=remaining)
            except queue.Empty:
                break
            if frame is None:
                raise AssertionError(f"socket closed ({self.close_code}) before {frame_type}")
            if frame.get("type") == frame_type:
                return frame
        raise AssertionError(f"no {frame_type} frame within {timeout} s")

    def collect(self, frame_type: str, count: int, timeout: float = 30) -> list[dict]:
        """``count`` frames of ``frame_type`` (others skipped), or fail at ``timeout``."""
        found = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"got {len(found)} of {count} {frame_type} frames"
            found.append(self.wait_for(frame_type, remaining))
        return found

    def close(self) -> None:
        self.socket.close()
