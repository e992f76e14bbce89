"""Tether's benchmark: N daphne processes behind nginx, on loopback, rerunnable by anyone.

    make bench                                # everything, about 5 minutes on 2 cores
    make bench BENCH_ARGS="--processes 2 --scenarios group --transports socket --concurrency 50"

Needs DATABASE_URL (a PostgreSQL server: a fresh ``tether_bench_<hex>`` database is made
beside the one named, migrated, and dropped at the end), REDIS_URL, and nginx. For N = 1 and
N = 2 daphne processes (``daphne -b 127.0.0.1 -p PORT tether.asgi:application`` with
DEBUG=0, a SECRET_KEY and TETHER_THROTTLE=off), started behind nginx running
deploy/nginx/tether.conf (the same file people deploy, with the benchmark's ports), clients
talk to nginx only. Scenarios:

- direct: 100 people in 50 direct chats, each listening on a socket and sending, over the
  socket (``message.send``) and over POST /api/messages, with C = 1, 10 and 50 messages in
  flight overall (1,000 messages a run). A delivery is a ``message.new`` reaching a member's
  socket for a message that member did not send.
- group: one group of 50, 10 of them sending, socket and REST, C = 1, 10, 50 (60 messages a
  run, 49 deliveries each).
- idle: 2,000 open sockets: the server processes' memory per socket (VmRSS after opening
  minus before) and their CPU while the sockets sit idle for 10 s (% of one core).
- reads: 100 people in 10 direct chats each, 10 clients at once: GET /api/chats and
  GET /api/users/{id} (500 requests each, at most 10 s).

Every message run is preceded by a warm-up (200 messages: pools, prepared statements and
caches filled) and bounded in count and time; each send's
acknowledgement (or 201) must arrive, and each socket must get each message once, in seq
order: lost, duplicated and reordered frames are counted per socket and chat (the sender's
own sockets included). The table at the end gives messages acknowledged per second,
deliveries per second, send-to-delivery latency (p50/p90/p99/max ms), lost, dup, reordered
and failed sends, then the idle sockets and the 2-vs-1 process ratios; the same goes to
``--json`` (bench/results.json). The load generator is one asyncio process on the same
cores, so its own CPU share is recorded with each run (``client_cpu_percent``).

Sizes and choices are options (``--help``): ``--processes 1``, ``--scenarios direct,idle``,
``--transports socket``, ``--concurrency 10``, ``--direct-messages 500``,
``--idle-sockets 500``, ... ``--timeout`` bounds the whole run; Ctrl-C stops it, and every
process and the database go either way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import Progress, Report  # noqa: E402
from bench.scenarios import Bench, Halt, Sizes  # noqa: E402
from bench.servers import (  # noqa: E402
    BENCH_ENV,
    BenchError,
    Database,
    Stack,
    migrate,
    nginx_binary,
    raise_fd_limit,
)

SCENARIOS = ("direct", "group", "idle", "reads")
TRANSPORTS = ("socket", "rest")
MAX_MESSAGES = 2000


def _ints(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"a comma-separated list of numbers: {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("numbers of at least 1")
    return values


def _names(allowed: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        names = [part.strip() for part in text.split(",") if part.strip()]
        wrong = [name for name in names if name not in allowed]
        if wrong or not names:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}")
        return names

    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Tether's benchmark: N daphne processes behind nginx (see bench/run.py).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--processes", type=_ints, default=[1, 2], help="daphne process counts (N)")
    add("--scenarios", type=_names(SCENARIOS), default=list(SCENARIOS))
    add("--transports", type=_names(TRANSPORTS), default=list(TRANSPORTS))
    add("--concurrency", type=_ints, default=[1, 10, 50], help="messages in flight (C)")
    add("--direct-users", type=int, default=100, help="people in direct chats (pairs)")
    add("--direct-messages", type=int, default=1000, help="messages per direct run")
    add("--group-members", type=int, default=50)
    add("--group-senders", type=int, default=10)
    add("--group-messages", type=int, default=60, help="messages per group run")
    add("--warmup", type=int, default=200, help="messages of the warm-up before each run")
    add("--run-seconds", type=float, default=30.0, help="time limit for a run's sends")
    add("--drain-seconds", type=float, default=10.0, help="wait for deliveries after that")
    add("--idle-sockets", type=int, default=2000)
    add("--idle-seconds", type=float, default=10.0)
    add("--settle-seconds", type=float, default=3.0, help="pause before reading memory")
    add("--readers", type=int, default=100, help="people of the reads scenario")
    add("--reader-chats", type=int, default=10, help="direct chats each reader is in")
    add("--read-clients", type=int, default=10, help="concurrent HTTP clients")
    add("--read-requests", type=int, default=500, help="requests per endpoint")
    add("--read-seconds", type=float, default=10.0, help="time limit per endpoint")
    add("--timeout", type=float, default=900.0, help="hard limit for the whole benchmark (s)")
    add("--json", type=Path, default=ROOT / "bench" / "results.json", help="results file")
    add("--no-progress", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(argv)
    if args.direct_users < 2 or args.direct_users % 2:
        parser.error("--direct-users: an even number, at least 2")
    if not 2 <= args.group_members <= 200 or not 1 <= args.group_senders <= args.group_members:
        parser.error("--group-members 2 to 200, --group-senders 1 to that many")
    if args.readers < 2 or args.reader_chats < 1:
        parser.error("--readers at least 2, --reader-chats at least 1")
    for name in ("direct_messages", "group_messages", "warmup"):
        if not 0 <= getattr(args, name) <= MAX_MESSAGES:
            parser.error(f"--{name.replace('_', '-')}: 0 to {MAX_MESSAGES} messages")
    if args.idle_sockets < 1 or args.read_requests < 1:
        parser.error("--idle-sockets and --read-requests: at least 1")
    return args


def sizes_from(args: argparse.Namespace) -> Sizes:
    return Sizes(
        processes=args.processes,
        scenarios=args.scenarios,
        transports=args.transports,
        concurrency=args.concurrency,
        direct_users=args.direct_users,
        direct_messages=args.direct_messages,
        group_members=args.group_members,
        group_senders=args.group_senders,
        group_messages=args.group_messages,
        warmup=args.warmup,
        run_seconds=args.run_seconds,
        drain_seconds=args.drain_seconds,
        idle_sockets=args.idle_sockets,
        idle_seconds=args.idle_seconds,
        settle_seconds=args.settle_seconds,
        readers=args.readers,
        reader_chats=args.reader_chats,
        read_clients=args.read_clients,
        read_requests=args.read_requests,
        read_seconds=args.read_seconds,
    )


def count_steps(sizes: Sizes) -> int:
    """Progress steps: setup, then per process count its starts and runs."""
    per_n = 1  # starting the servers
    runs = len(sizes.transports) * len(sizes.concurrency)
    per_n += runs * (("direct" in sizes.scenarios) + ("group" in sizes.scenarios))
    per_n += "idle" in sizes.scenarios
    per_n += 2 * ("reads" in sizes.scenarios)
    extra = "reads" in sizes.scenarios  # writing the readers' chats once
    return 2 + len(sizes.processes) * per_n + extra


class Stop(Exception):
    """SIGTERM or the --timeout alarm: stop and clean up."""


def _stop(signum, frame) -> None:
    raise Stop(signal.Signals(signum).name)


async def run_one_n(bench: Bench, sizes: Sizes, seconds: float) -> None:
    """Every chosen scenario on one stack, within ``seconds``. Ctrl-C, SIGTERM and the
    --timeout alarm set Halt (every loop ends at its next turn) and cancel; Stop follows."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()

    def interrupt(name: str) -> None:
        Halt.request(name)
        task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
        loop.add_signal_handler(signum, interrupt, signal.Signals(signum).name)
    try:
        async with asyncio.timeout(seconds):
            for name in ("idle", "direct", "group", "reads"):
                if name in sizes.scenarios and not Halt.requested:
                    await getattr(bench, name)()
    except asyncio.CancelledError:
        if not Halt.requested:
            raise
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
            loop.remove_signal_handler(signum)
    if Halt.requested:
        raise Stop(Halt.reason)


def _install_signal_handlers() -> None:
    """Outside the event loop: SIGTERM and the alarm raise Stop, Ctrl-C KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGALRM, _stop)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sizes_from(args)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            print(f"{name} is required (PostgreSQL and Redis; see bench/run.py)", file=sys.stderr)
            return 2
    if nginx_binary() is None:
        print("nginx is required (apt-get install nginx)", file=sys.stderr)
        return 2
    raise_fd_limit()
    _install_signal_handlers()
    signal.alarm(max(1, int(args.timeout)))
    deadline = time.monotonic() + args.timeout

    began = time.monotonic()
    bench_id = secrets.token_hex(2)
    server_env = {name: value for name, value in BENCH_ENV.items() if name != "SECRET_KEY"}
    settings = {**asdict(sizes), "nginx": nginx_binary(), "cpus": os.cpu_count(),
                "server_env": server_env}  # fmt: skip
    report = Report(settings)
    progress = Progress(count_steps(sizes), enabled=not args.no_progress)
    tmp = Path(tempfile.mkdtemp(prefix="tether-bench-"))
    database = Database(os.environ["DATABASE_URL"])
    stack: Stack | None = None
    failed = None
    try:
        progress.step("database: create and migrate")
        database.create()
        env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database.url,
               "TETHER_MEDIA_ROOT": str(tmp / "media")}  # fmt: skip
        migrate(env, tmp / "migrate.log")

        progress.step("seeding people and chats")
        from bench import seed

        seed.setup_django(env)
        world = seed.seed(
            direct_users=sizes.direct_users if "direct" in sizes.scenarios else 0,
            group_members=sizes.group_members if "group" in sizes.scenarios else 0,
            readers=sizes.readers if "reads" in sizes.scenarios else 0,
            reader_chats=sizes.reader_chats,
            idle_sockets=sizes.idle_sockets if "idle" in sizes.scenarios else 0,
        )

        for n in sizes.processes:
            progress.step(f"N={n}: starting {n} daphne process(es) and nginx")
            seed.mint_tokens(world.everyone())
            seed.close_django()
            stack = Stack(n, env, tmp)
            stack.start()
            bench = Bench(stack=stack, world=world, sizes=sizes, n=n, bench_id=bench_id,
                          progress=progress, report=report)  # fmt: skip
            try:
                asyncio.run(run_one_n(bench, sizes, deadline - time.monotonic()))
            finally:
                _install_signal_handlers()  # the loop's own handlers went with it
                report.server_errors(n, stack.logs_with_errors())
                stack.close()
                stack = None
    except (KeyboardInterrupt, Stop, BenchError, TimeoutError) as exc:
        failed = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except Exception as exc:  # whatever it was, the results so far are still written
        traceback.print_exc()
        failed = f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        progress.finish()
        if stack is not None:
            stack.close()
        try:
            from bench import seed

            seed.close_django()
        except Exception:  # noqa: S110 (Django may never have been set up)
            pass
        database.drop()
        shutil.rmtree(tmp, ignore_errors=True)

    report.finish(time.monotonic() - began)
    if failed:
        report.data["failed"] = failed
    report.write(args.json)
    print(report.table())
    if report.data["server_errors"]:
        print("\nServer logs (warnings and errors, counted)")
        for line in report.data["server_errors"][:15]:
            print(f"  {line}")
    print(f"\n{report.data['elapsed_s']} s; results in {args.json}")
    if failed:
        print(f"The benchmark stopped early: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
