"""The load generator's clients: WebSockets (``websockets``) and HTTP (aiohttp, kept-alive
connections), all in one asyncio process, as cheap per frame as they can be: one JSON
decode per frame and a dictionary look-up to route it."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
from websockets.asyncio.client import ClientConnection, connect

from bench.measure import Run, Send

ACK_TIMEOUT = 20.0
OPEN_TIMEOUT = 30.0


class Hub:
    """Where sockets report ``message.new``: the run being measured, if it owns the frame."""

    def __init__(self) -> None:
        self.run: Run | None = None
        self.stray = 0  # frames of no current run (late ones of an earlier run)

    def message_new(self, socket: int, message: dict, at: float) -> None:
        run = self.run
        if run is not None and run.owns(message.get("client_id")):
            run.arrived(socket, message, at)
        else:
            self.stray += 1


class SendFailed(Exception):
    """An ``error`` frame or a non-2xx answer for a send (``code`` says which)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Socket:
    """One person's ``/ws/`` connection through the proxy."""

    def __init__(self, index: int, token: str, hub: Hub):
        self.index = index
        self.token = token
        self.hub = hub
        self.ws: ClientConnection | None = None
        self._acks: dict[str, asyncio.Future] = {}
        self._pongs: list[asyncio.Future] = []
        self._reader: asyncio.Task | None = None
        self.closed_with: int | None = None

    async def open(self, ws_url: str) -> None:
        """Connect and wait for the pong to a ping: the server has joined its groups."""
        self.ws = await connect(
            f"{ws_url}?token={self.token}",
            max_size=None,
            ping_interval=None,  # the server pings; the client answers
            open_timeout=OPEN_TIMEOUT,
            close_timeout=2,
            compression=None,
        )
        self._reader = asyncio.create_task(self._read())
        await self.ping()

    async def ping(self, timeout: float = OPEN_TIMEOUT) -> None:
        pong = asyncio.get_running_loop().create_future()
        self._pongs.append(pong)
        await self.ws.send('{"type": "ping"}')
        await asyncio.wait_for(pong, timeout)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                at = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message.new":
                    self.hub.message_new(self.index, frame["message"], at)
                elif kind == "message.ack":
                    waiter = self._acks.pop(frame.get("client_id"), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result((at, frame["message"]))
                elif kind == "error":
                    waiter = self._acks.pop(frame.get("client_id"), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_exception(SendFailed(str(frame.get("code"))))
                elif kind == "pong":
                    while self._pongs:
                        pong = self._pongs.pop(0)
                        if not pong.done():
                            pong.set_result(at)
                            break
        except Exception:  # noqa: S110 (a closed socket ends the reader; waiters fail below)
            pass
        finally:
            self.closed_with = getattr(self.ws, "close_code", None)
            for waiter in [*self._acks.values(), *self._pongs]:
                if not waiter.done():
                    waiter.set_exception(SendFailed(f"closed {self.closed_with}"))
            self._acks.clear()

    async def send_message(self, chat_id: str, client_id: str, content: str) -> tuple:
        """``message.send``; ``(ack arrival time, message)`` or SendFailed."""
        waiter = asyncio.get_running_loop().create_future()
        self._acks[client_id] = waiter
        frame = {"type": "message.send", "chat_id": chat_id, "content": content,
                 "client_id": client_id}  # fmt: skip
        await self.ws.send(json.dumps(frame))
        try:
            return await asyncio.wait_for(waiter, ACK_TIMEOUT)
        except TimeoutError:
            self._acks.pop(client_id, None)
            raise SendFailed("no ack") from None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


def http_session(base_url: str, connections: int) -> aiohttp.ClientSession:
    """Kept-alive HTTP/1.1 connections to the proxy, at most ``connections`` at once."""
    connector = aiohttp.TCPConnector(limit=connections, keepalive_timeout=30, ttl_dns_cache=None)
    return aiohttp.ClientSession(
        base_url=base_url,
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=ACK_TIMEOUT),
        json_serialize=json.dumps,
        skip_auto_headers=("User-Agent",),
        headers={"User-Agent": "Tether benchmark"},
    )


async def rest_send(session, token: str, chat_id: str, client_id: str, content: str) -> tuple:
    """POST /api/messages; ``(answer time, message)`` or SendFailed."""
    body = {"chat_id": chat_id, "content": content, "client_id": client_id}
    try:
        async with session.post(
            "/api/messages", json=body, headers={"Authorization": f"Bearer {token}"}
        ) as answer:
            raw = await answer.read()
            at = time.perf_counter()
            if answer.status not in (200, 201):
                raise SendFailed(f"HTTP {answer.status}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SendFailed(type(exc).__name__) from None
    return at, json.loads(raw)["data"]


async def rest_get(session, token: str, path: str) -> tuple[int, bytes]:
    async with session.get(path, headers={"Authorization": f"Bearer {token}"}) as answer:
        return answer.status, await answer.read()


async def rest_post(session, token: str, path: str, body: dict) -> tuple[int, dict]:
    async with session.post(
        path, json=body, headers={"Authorization": f"Bearer {token}"}
    ) as answer:
        return answer.status, json.loads(await answer.read())


async def send_once(run: Run, sender, chat_id, client_id, content, transport, session=None):
    """One send of ``run`` over ``transport`` (``socket``: ``sender`` is a Socket; ``rest``:
    ``sender`` is ``(socket index, token)``), recorded in ``run``."""
    index = sender.index if transport == "socket" else sender[0]
    send = Send(client_id=client_id, chat_id=chat_id, sender=index, sent_at=time.perf_counter())
    run.sent(send)
    try:
        if transport == "socket":
            at, message = await sender.send_message(chat_id, client_id, content)
        else:
            at, message = await rest_send(session, sender[1], chat_id, client_id, content)
    except SendFailed as failed:
        send.error = failed.code
        return
    send.acked_at, send.message_id, send.seq = at, message["id"], message["seq"]
