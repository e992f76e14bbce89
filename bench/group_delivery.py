"""Group delivery benchmark: one group, its members on two daphne processes, several senders.

Starts two server processes on a fresh database (PostgreSQL and Redis from DATABASE_URL and
REDIS_URL, throttling off), signs up ``--members`` people (alternating between the processes),
makes one group of them all, and has ``--senders`` of them push ``--messages`` each over their
sockets at once (``message.send``, a few in flight each, every sender on the process that the
member is not on). Every member listens on one socket and must get every ``message.new``
exactly once, in seq order. Prints delivered frames per second, latency percentiles from send
to delivery, and lost, duplicated and out-of-order frames (each counted per member socket).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tether REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/group_delivery.py --members 50 --senders 10 --messages 20
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


async def member(url: str, token: str, expected: int, sent_at: dict, latencies: list, joined):
    """One member's socket: the seqs of the text messages it got, in the order they came."""
    seqs: list[int] = []
    async with websockets.connect(f"{url}?token={token}", max_size=None) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        while json.loads(await ws.recv()).get("type") != "pong":
            pass
        joined()
        while len(seqs) < expected:
            frame = json.loads(await ws.recv())
            if frame.get("type") != "message.new" or frame["message"]["kind"] != "text":
                continue
            message = frame["message"]
            seqs.append(message["seq"])
            latencies.append(time.perf_counter() - sent_at[message["client_id"]])
    return seqs


def judge(seqs: list[int], first: int, total: int) -> tuple[int, int, int]:
    """Lost, duplicated and out-of-order frames of one member (seqs ``first``..)."""
    expected = set(range(first, first + total))
    lost = len(expected - set(seqs))
    duplicated = len(seqs) - len(set(seqs))
    out_of_order = sum(1 for before, after in zip(seqs, seqs[1:], strict=False) if after < before)
    return lost, duplicated, out_of_order


async def run(servers, members: int, senders: int, messages: int, window: int) -> None:
    people = [
        sign_up(servers, servers[n % 2], f"+79167{n:06d}", f"Member {n}") for n in range(members)
    ]
    owner = people[0]
    body = {"kind": "group", "title": "Bench", "user_ids": [p["user"]["id"] for p in people[1:]]}
    chat = http("POST", f"{servers[0].url}/api/chats", body, token=owner["access"]).data
    total = senders * messages
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    ready = asyncio.Event()
    waiting = [members]

    def joined() -> None:
        waiting[0] -= 1
        if not waiting[0]:
            ready.set()

    listeners = [
        asyncio.create_task(
            member(servers[n % 2].ws_url, p["access"], total, sent_at, latencies, joined)
        )
        for n, p in enumerate(people)
    ]
    await asyncio.wait_for(ready.wait(), timeout=30)
    start = asyncio.Event()
    pushing = [
        asyncio.create_task(
            sender(
                servers[(n + 1) % 2].ws_url,
                people[n]["access"],
                chat["id"],
                messages,
                window,
                sent_at,
                f"g{n}",
                start,
            )  # fmt: skip
        )
        for n in range(senders)
    ]
    await asyncio.sleep(0.5)  # sending sockets open
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*pushing)
    sent_done = time.perf_counter()
    results = await asyncio.wait_for(asyncio.gather(*listeners), timeout=180)
    ended = time.perf_counter()

    first = 2  # seq 1 is group_created
    lost = duplicated = out_of_order = 0
    for seqs in results:
        a, b, c = judge(seqs, first, total)
        lost, duplicated, out_of_order = lost + a, duplicated + b, out_of_order + c
    frames = members * total
    print(f"members={members} senders={senders} messages/sender={messages} window={window}")
    rate = total / (sent_done - began)
    print(f"sent+acked {total} in {sent_done - began:.2f} s: {rate:.0f} msg/s")
    print(f"delivered {frames} frames in {ended - began:.2f} s: {frames / (ended - began):.0f}/s")
    print(percentiles(latencies))
    print(f"lost={lost} duplicated={duplicated} out_of_order={out_of_order} (frames, all members)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--window", type=int, default=2)
    args = parser.parse_args()
    if not 2 <= args.members <= 200 or not 1 <= args.senders <= args.members:
        parser.error("2 to 200 members, and 1 to that many senders")
    with tether_servers(2, env=BENCH_ENV) as servers:
        asyncio.run(run(servers, args.members, args.senders, args.messages, args.window))


if __name__ == "__main__":
    main()
