"""The scenarios, each against one running stack (N daphne processes behind nginx).

- direct: people in pairs, one direct chat per pair, everyone listening on a socket and
  everyone sending; C messages in flight overall, spread over the senders in turn.
- group: one group, every member listening, the first few sending.
- idle: thousands of open sockets doing nothing: memory per socket, CPU while idle.
- reads: GET /api/chats and GET /api/users/{id} from several clients at once.

Every message run is a warm-up run (not measured) and then the measured one, each bounded
by a message count and by time; what is still owed after the drain time counts as lost.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.clients import Hub, Socket, http_session, rest_get, rest_post, send_once
from bench.measure import Run, summary_ms
from bench.seed import Person, World
from bench.servers import Stack, websockets_open

OPEN_PARALLEL = 50  # handshakes at once while opening many sockets
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Halt:
    """Set by Ctrl-C, SIGTERM or the time limit: every loop below ends at its next turn
    (a cancellation alone can be lost in a ``wait_for`` that completes at the same moment)."""

    requested = False
    reason = ""

    @classmethod
    def request(cls, reason: str) -> None:
        cls.requested, cls.reason = True, reason


@dataclass
class Sizes:
    processes: list[int]
    scenarios: list[str]
    transports: list[str]
    concurrency: list[int]
    direct_users: int = 100
    direct_messages: int = 300
    group_members: int = 50
    group_senders: int = 10
    group_messages: int = 60
    warmup: int = 20
    run_seconds: float = 30.0
    drain_seconds: float = 10.0
    idle_sockets: int = 2000
    idle_seconds: float = 10.0
    settle_seconds: float = 3.0
    readers: int = 100
    reader_chats: int = 10
    read_clients: int = 10
    read_requests: int = 500
    read_seconds: float = 10.0


class Bench:
    """The scenarios for one process count; results go to ``report``."""

    def __init__(self, *, stack: Stack, world: World, sizes: Sizes, n: int, bench_id: str,
                 progress, report) -> None:  # fmt: skip
        self.stack = stack
        self.world = world
        self.sizes = sizes
        self.n = n
        self.bench_id = bench_id
        self.progress = progress
        self.report = report
        self.hub = Hub()
        self.unopened = 0

    # --- sockets ----------------------------------------------------------------------

    async def open_sockets(self, people: list[Person], tolerate: bool = False) -> list[Socket]:
        """A socket per person, each answering a ping. With ``tolerate``, those that fail to
        open are left out (``self.unopened`` counts them); else the first failure raises."""
        gate = asyncio.Semaphore(OPEN_PARALLEL)
        sockets = [Socket(i, person.access, self.hub) for i, person in enumerate(people)]

        async def open_one(socket: Socket) -> None:
            async with gate:
                await socket.open(self.stack.ws_url)

        outcomes = await asyncio.gather(
            *(open_one(socket) for socket in sockets), return_exceptions=True
        )
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        self.unopened = len(failures)
        if failures and not tolerate:
            await self.close_sockets(sockets)
            raise RuntimeError(
                f"{len(failures)} of {len(sockets)} sockets did not open: {failures[0]!r}"
            )
        return [s for s, o in zip(sockets, outcomes, strict=True) if o is None]

    async def close_sockets(self, sockets: list[Socket]) -> None:
        gate = asyncio.Semaphore(4 * OPEN_PARALLEL)

        async def close_one(socket: Socket) -> None:
            async with gate:
                await socket.close()

        await asyncio.gather(*(close_one(socket) for socket in sockets), return_exceptions=True)

    # --- message runs -----------------------------------------------------------------

    async def direct(self) -> None:
        people = self.world.direct
        members = {chat: [2 * k, 2 * k + 1] for k, chat in enumerate(self.world.direct_chats)}
        chat_of = {i: chat for chat, pair in members.items() for i in pair}
        senders = [(i, chat_of[i]) for i in range(len(people)) if i in chat_of]
        await self._messages("direct", people, members, senders, self.sizes.direct_messages)

    async def group(self) -> None:
        people = self.world.group
        if self.world.group_chat is None:
            await self._make_group()
        members = {self.world.group_chat: list(range(len(people)))}
        senders = [(i, self.world.group_chat) for i in range(self.sizes.group_senders)]
        await self._messages("group", people, members, senders, self.sizes.group_messages)

    async def _make_group(self) -> None:
        owner, *others = self.world.group
        body = {"kind": "group", "title": "Benchmark",
                "user_ids": [person.user_id for person in others]}  # fmt: skip
        async with http_session(self.stack.url, 1) as session:
            status, answer = await rest_post(session, owner.access, "/api/chats", body)
        if status != 201:
            raise RuntimeError(f"POST /api/chats (group) answered {status}: {answer}")
        self.world.group_chat = answer["data"]["id"]

    async def _messages(self, scenario, people, members, senders, count) -> None:
        sockets = await self.open_sockets(people)
        session = http_session(self.stack.url, max(self.sizes.concurrency))
        try:
            for transport in self.sizes.transports:
                for index, c in enumerate(self.sizes.concurrency):
                    label = f"N={self.n} {scenario} {transport} C={c}"
                    self.progress.step(label)
                    # The run's place too: a C given twice must not repeat client_ids (the
                    # server would answer them as repeats, delivering nothing new).
                    base = f"{self.bench_id}{self.n}{scenario[0]}{transport[0]}{c}i{index}"
                    context = (people, sockets, session, members, senders, transport, c)
                    if self.sizes.warmup:
                        await self._run(f"{base}w-", context, self.sizes.warmup, None)
                    result = await self._run(f"{base}-", context, count, label)
                    self.report.message_run(scenario, transport, c, self.n, result)
        finally:
            await session.close()
            await self.close_sockets(sockets)

    async def _run(self, tag: str, context, count: int, label: str | None) -> dict:
        people, sockets, session, members, senders, transport, c = context
        run = Run(tag, members)
        self.hub.run = run
        jobs = iter(range(count))
        done = [0]
        deadline = time.perf_counter() + self.sizes.run_seconds

        async def worker() -> None:
            for k in jobs:
                if Halt.requested or time.perf_counter() > deadline:
                    return
                index, chat_id = senders[k % len(senders)]
                sender = sockets[index] if transport == "socket" else (index, people[index].access)
                await send_once(run, sender, chat_id, f"{tag}{k}", f"Bench message {k}",
                                transport, session)  # fmt: skip
                done[0] += 1
                if label:
                    self.progress.tick(done[0], count)

        cpu = time.process_time()
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(min(c, count))))
        drain_until = time.perf_counter() + self.sizes.drain_seconds
        while run.arrivals < run.owed() and time.perf_counter() < drain_until:
            if Halt.requested:
                break
            await asyncio.sleep(0.02)
        wall = time.perf_counter() - began
        cpu = time.process_time() - cpu
        self.hub.run = None
        result = run.result()
        result["client_cpu_percent"] = round(100 * cpu / wall, 1) if wall > 0 else 0.0
        result["timed_out"] = time.perf_counter() > deadline and result["messages"] < count
        return result

    # --- idle sockets -----------------------------------------------------------------

    async def idle(self) -> None:
        self.progress.step(f"N={self.n} idle {self.sizes.idle_sockets} sockets")
        people = self.world.idle
        pids = self.stack.server_pids
        warm = await self.open_sockets(people[: min(10, len(people))])
        await self.close_sockets(warm)
        gc.collect()
        await asyncio.sleep(self.sizes.settle_seconds)
        before, nginx_before = rss_kib(pids), rss_kib(self.stack.nginx.pids())
        began = time.perf_counter()
        sockets = await self.open_sockets(people, tolerate=True)
        opened_in = time.perf_counter() - began
        try:
            gc.collect()
            await asyncio.sleep(self.sizes.settle_seconds)
            after, nginx_after = rss_kib(pids), rss_kib(self.stack.nginx.pids())
            ticks, cpu_began = cpu_ticks(pids), time.perf_counter()
            nginx_ticks = cpu_ticks(self.stack.nginx.pids())
            client_cpu = time.process_time()
            steps = max(1, int(self.sizes.idle_seconds * 4))
            for step in range(steps):
                if Halt.requested:
                    break
                await asyncio.sleep(self.sizes.idle_seconds / steps)
                self.progress.tick(step + 1, steps)
            elapsed = time.perf_counter() - cpu_began
            used = (cpu_ticks(pids) - ticks) / CLK_TCK
            nginx_used = (cpu_ticks(self.stack.nginx.pids()) - nginx_ticks) / CLK_TCK
            client_cpu = time.process_time() - client_cpu
            per_process = [
                websockets_open(text) for text in await asyncio.to_thread(self.stack.metrics)
            ]
            still_open = sum(1 for socket in sockets if socket.closed_with is None)
        finally:
            await self.close_sockets(sockets)
        count = len(sockets)
        self.report.idle(self.n, {
            "sockets": count,
            "unopened": self.unopened,
            "still_open": still_open,
            "open_per_s": round(count / opened_in, 1) if opened_in > 0 else 0.0,
            "rss_before_kib": before,
            "rss_after_kib": after,
            "rss_kib_per_socket": round((after - before) / count, 2) if count else 0.0,
            "nginx_rss_kib_per_socket": round((nginx_after - nginx_before) / count, 2)
            if count else 0.0,
            "idle_seconds": round(elapsed, 2),
            "cpu_percent": round(100 * used / elapsed, 2),
            "nginx_cpu_percent": round(100 * nginx_used / elapsed, 2),
            "client_cpu_percent": round(100 * client_cpu / elapsed, 2),
            "sockets_per_process": per_process,
        })  # fmt: skip

    # --- reads ------------------------------------------------------------------------

    async def reads(self) -> None:
        readers = self.world.readers
        clients = self.sizes.read_clients
        async with http_session(self.stack.url, clients) as session:
            if not self.world.reader_chats_written:
                self.progress.step(f"N={self.n} reads: a message in each chat")
                await self._write_reader_chats(session)
            users = [f"/api/users/{reader.user_id}" for reader in readers]
            endpoints = {
                "GET /api/chats": lambda i: "/api/chats",
                "GET /api/users/{id}": lambda i: users[(i + 1) % len(users)],
            }
            for name, path in endpoints.items():
                self.progress.step(f"N={self.n} reads {name}")
                await self._read_run(session, path, 2 * clients, None)
                result = await self._read_run(session, path, self.sizes.read_requests, name)
                self.report.read_run(name, clients, self.n, result)

    async def _write_reader_chats(self, session) -> None:
        readers = self.world.readers
        jobs = iter(enumerate(self.world.reader_chats))

        async def worker() -> None:
            for k, (chat_id, first, _second) in jobs:
                if Halt.requested:
                    return
                body = {"chat_id": chat_id, "content": f"Hello {k}",
                        "client_id": f"{self.bench_id}r{k}"}  # fmt: skip
                status, answer = await rest_post(
                    session, readers[first].access, "/api/messages", body
                )
                if status not in (200, 201):
                    raise RuntimeError(f"POST /api/messages answered {status}: {answer}")

        await asyncio.gather(*(worker() for _ in range(self.sizes.read_clients)))
        self.world.reader_chats_written = True

    async def _read_run(self, session, path, count: int, label: str | None) -> dict:
        readers = self.world.readers
        jobs = iter(range(count))
        latencies: list[float] = []
        failures: dict[str, int] = {}
        deadline = time.perf_counter() + self.sizes.read_seconds

        async def worker() -> None:
            for k in jobs:
                if Halt.requested or time.perf_counter() > deadline:
                    return
                reader = k % len(readers)
                started = time.perf_counter()
                try:
                    status, _ = await rest_get(session, readers[reader].access, path(reader))
                except Exception as exc:
                    status = type(exc).__name__
                if status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    failures[str(status)] = failures.get(str(status), 0) + 1
                if label:
                    self.progress.tick(len(latencies), count)

        cpu = time.process_time()
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(self.sizes.read_clients)))
        wall = time.perf_counter() - began
        return {
            "requests": len(latencies) + sum(failures.values()),
            "failed": sum(failures.values()),
            "errors": failures,
            "per_s": round(len(latencies) / wall, 1) if wall > 0 else 0.0,
            "latency_ms": summary_ms(latencies),
            "client_cpu_percent": round(100 * (time.process_time() - cpu) / wall, 1),
        }


def rss_kib(pids: list[int]) -> int:
    """The resident memory of ``pids`` together (VmRSS), in KiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_ticks(pids: list[int]) -> int:
    """User plus system CPU time of ``pids`` so far, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total
