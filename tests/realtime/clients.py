"""Clients of real server processes: sign up over HTTP, listen on a real WebSocket.

Also the frame predicates that both these clients and the in-process tests
(``tests.realtime.conftest``) wait for. "Nothing of type X arrives" is never tested by
waiting a while: the test makes the server send a later frame that must come after anything
the guarded action could have sent (a ``pong`` for frames a socket sends itself; for events, a
message published after the action through the same path), then looks at the frames before it.
"""

import json
import queue
import threading
import time
from collections.abc import Callable

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.servers import Server, Servers, http

Frame = dict
Predicate = Callable[[Frame], bool]


def frame_is(frame_type: str, **fields) -> Predicate:
    """A frame of ``frame_type`` whose top-level ``fields`` have these values."""

    def matches(frame: Frame) -> bool:
        return frame.get("type") == frame_type and all(
            frame.get(name) == value for name, value in fields.items()
        )

    matches.__name__ = f"{frame_type}{fields or ''}"
    return matches


def new_message(content: str) -> Predicate:
    """The ``message.new`` frame of the message with ``content`` (a follow-up's marker)."""

    def matches(frame: Frame) -> bool:
        return frame.get("type") == "message.new" and frame["message"]["content"] == content

    matches.__name__ = f"message.new {content!r}"
    return matches


def types(frames: list[Frame]) -> list[str]:
    return [frame.get("type") for frame in frames]


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
    """A socket read on a thread into a queue, so tests can wait for frames."""

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

    def until(self, predicate: Predicate, timeout: float = 10) -> tuple[list[Frame], Frame]:
        """The frames received before the first that matches ``predicate``, and that frame;
        AssertionError if it does not come within ``timeout`` or the socket closes first."""
        before: list[Frame] = []
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                frame = self.frames.get(timeout=remaining)
            except queue.Empty:
                break
            if frame is None:
                raise AssertionError(
                    f"socket closed ({self.close_code}) before {predicate.__name__};"
                    f" got {types(before)}"
                )
            if predicate(frame):
                return before, frame
            before.append(frame)
        raise AssertionError(
            f"no {predicate.__name__} frame within {timeout} s; got {types(before)}"
        )

    def frames_until(self, predicate: Predicate, timeout: float = 10) -> list[Frame]:
        """Every frame before the follow-up that ``predicate`` recognises (see the module)."""
        return self.until(predicate, timeout)[0]

    def wait_for(self, frame_type: str, timeout: float = 10, **fields) -> Frame:
        """The next frame of ``frame_type`` (with these ``fields``), skipping others."""
        return self.until(frame_is(frame_type, **fields), timeout)[1]

    def ping(self, timeout: float = 10) -> list[Frame]:
        """Ping and wait for the pong; returns the frames that came before it.

        The server handles one socket's frames in order, so the pong also means it has
        handled every frame this socket sent before the ping.
        """
        self.send({"type": "ping"})
        return self.frames_until(frame_is("pong"), timeout)

    def ready(self, timeout: float = 10) -> None:
        """Wait for a pong: the socket has joined its groups."""
        self.ping(timeout)

    def collect(self, frame_type: str, count: int, timeout: float = 30) -> list[Frame]:
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
