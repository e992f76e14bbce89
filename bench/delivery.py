"""Live delivery benchmark: senders on one daphne process, recipients on another.

Starts two server processes on a fresh database (PostgreSQL and Redis from DATABASE_URL and
REDIS_URL, throttling off), signs up sender/recipient pairs with a direct chat each, then has
every sender push messages over its socket (``message.send``, a few in flight at a time) and
waits until every recipient has every ``message.new``. Prints delivered messages per second,
latency percentiles from send to delivery, and whether anything was lost or duplicated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/delivery.py --pairs 50 --messages 40
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets  # noqa: E402

from tests.servers import http, tether_servers  # noqa: E402

# Both processes: no request limits, production settings.
BENCH_ENV = {"TETHER_THROTTLE": "off", "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50}


def percentiles(latencies: list[float]) -> str:
    """Send-to-delivery latency: p50, p90, p99, max and mean, in milliseconds."""
    ordered = sorted(latencies)
    at = (1000 * ordered[int(q * (len(ordered) - 1))] for q in (0.5, 0.9, 0.99, 1.0))
    p50, p90, p99, top = at
    mean = 1000 * statistics.mean(ordered)
    return f"latency ms: p50={p50:.1f} p90={p90:.1f} p99={p99:.1f} max={top:.1f} mean={mean:.1f}"


def sign_up(servers, server, phone: str, name: str) -> dict:
    http("POST", f"{server.url}/api/auth/register", {"phone": phone, "display_name": name})
    code = servers.sms_code(phone)
    return http("POST", f"{server.url}/api/auth/verify-code", {"phone": phone, "code": code}).data


async def recipient(url: str, token: str, expected: int, sent_at: dict, latencies: list, seen):
    async with websockets.connect(f"{url}?token={token}", max_size=None) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        while json.loads(await ws.recv()).get("type") != "pong":
            pass
        got = 0
        while got < expected:
            frame = json.loads(await ws.recv())
            if frame.get("type") != "message.new":
                continue
            message = frame["message"]
            seen.append(message["id"])
            latencies.append(time.perf_counter() - sent_at[message["client_id"]])
            got += 1


async def sender(url, token, chat_id, count, window, sent_at, prefix, start):
    async with websockets.connect(f"{url}?token={token}", max_size=None) as ws:
        await start.wait()
        in_flight = 0
        sent = 0
        acked = 0
        while acked < count:
            while sent < count and in_flight < window:
                client_id = f"{prefix}-{sent}"
                sent_at[client_id] = time.perf_counter()
                frame = {"type": "message.send", "chat_id": chat_id, "content": f"m{sent}",
                         "client_id": client_id}  # fmt: skip
                await ws.send(json.dumps(frame))
                sent += 1
                in_flight += 1
            frame = json.loads(await ws.recv())
            if frame.get("type") == "message.ack":
                acked += 1
                in_flight -= 1
            elif frame.get("type") == "error":
                raise RuntimeError(f"send refused: {frame}")


async def run(servers, pairs: int, messages: int, window: int) -> None:
    near, far = servers
    people = []
    for n in range(pairs):
        a = sign_up(servers, far, f"+79165{n:06d}", f"Sender {n}")
        b = sign_up(servers, near, f"+79166{n:06d}", f"Recipient {n}")
        chat = http("POST", f"{far.url}/api/chats", {"user_id": b["user"]["id"]},
                    token=a["access"]).data  # fmt: skip
        people.append((a, b, chat["id"]))
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    seen: list[str] = []
    start = asyncio.Event()
    receivers = [
        asyncio.create_task(recipient(near.ws_url, b["access"], messages, sent_at, latencies, seen))
        for _, b, _ in people
    ]
    senders = [
        asyncio.create_task(
            sender(far.ws_url, a["access"], chat_id, messages, window, sent_at, f"s{i}", start)
        )
        for i, (a, _, chat_id) in enumerate(people)
    ]
    await asyncio.sleep(1.0)  # sockets joined
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*senders)
    sent_done = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*receivers), timeout=120)
    ended = time.perf_counter()
    total = pairs * messages
    print(f"pairs={pairs} messages/pair={messages} window={window} total={total}")
    print(f"sent+acked in {sent_done - began:.2f} s: {total / (sent_done - began):.0f} msg/s")
    print(f"delivered in {ended - began:.2f} s: {total / (ended - began):.0f} msg/s")
    print(percentiles(latencies))
    print(f"lost={total - len(set(seen))} duplicated={len(seen) - len(set(seen))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--window", type=int, default=4)
    args = parser.parse_args()
    with tether_servers(2, env=BENCH_ENV) as servers:
        asyncio.run(run(servers, args.pairs, args.messages, args.window))


if __name__ == "__main__":
    main()
