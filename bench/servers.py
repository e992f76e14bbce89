"""The benchmark's servers: a fresh database, N daphne processes, nginx in front of them.

Everything listens on 127.0.0.1 only. The database (``tether_bench_<hex>`` on the PostgreSQL
server of DATABASE_URL) is made and migrated once per benchmark and dropped at the end; the
daphne processes and nginx are started for each process count and stopped after it. nginx
runs the proxy configuration people deploy (deploy/nginx/tether.conf), rendered with the
benchmark's ports and temporary paths (``render_site``), as a child process in the
foreground. Every process started here is stopped by ``Stack.close`` and, should the
benchmark itself die, by an atexit hook.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from tests.servers import ServerError, free_ports
from tests.servers import migrate as run_migrations

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SITE_CONF = ROOT / "deploy" / "nginx" / "tether.conf"
DATABASE_PREFIX = "tether_bench_"
START_TIMEOUT = 40.0
STOP_TIMEOUT = 12.0

# What the benchmark changes in the server processes' environment: production settings
# (DEBUG off, a real secret key) with the request limits off, as API.md allows for load
# tests. Everything else (DATABASE_URL, REDIS_URL, ...) is as in production.
BENCH_ENV = {
    "TETHER_THROTTLE": "off",
    "DEBUG": "0",
    "SECRET_KEY": "bench-" + "x" * 50,
    "TETHER_SMS_BACKEND": "console",
}

_children: set[subprocess.Popen] = set()


class BenchError(RuntimeError):
    """The benchmark could not set up (the message says what and carries any log)."""


def nginx_binary() -> str | None:
    """nginx on PATH, else Debian's /usr/sbin/nginx (not on a plain user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    fallback = Path("/usr/sbin/nginx")
    return str(fallback) if os.access(fallback, os.X_OK) else None


def raise_fd_limit() -> int:
    """Lift this process's open-file limit to its hard limit (thousands of sockets, and the
    children inherit it); the new soft limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    return soft


# --- the database -------------------------------------------------------------------------


class Database:
    """A fresh PostgreSQL database beside the one DATABASE_URL names; ``drop`` removes it."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise BenchError("DATABASE_URL must name a PostgreSQL database (postgres://...).")
        self.name = f"{DATABASE_PREFIX}{secrets.token_hex(6)}"
        self._admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.created = False

    def create(self) -> None:
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        self.created = True

    def drop(self) -> None:
        if not self.created:
            return
        with psycopg.connect(self._admin_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name)))
        self.created = False


def migrate(env: dict[str, str], log_path: Path) -> None:
    """The test harness's migrate, its failure a BenchError."""
    try:
        run_migrations(env, log_path, timeout=300)
    except ServerError as exc:
        raise BenchError(str(exc)) from exc


# --- nginx --------------------------------------------------------------------------------


def _top_level_blocks(text: str) -> list[str]:
    """The configuration's top-level statements (``map ... {}``, ``upstream ... {}``,
    ``server {}``) with the comments before each, as written."""
    blocks, depth, start = [], 0, 0
    for match in re.finditer(r"#[^\n]*|[{};]", text):
        mark = match.group()
        if mark.startswith("#"):
            continue
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth -= 1
            if depth == 0:
                blocks.append(text[start : match.end()])
                start = match.end()
        elif depth == 0:
            blocks.append(text[start : match.end()])
            start = match.end()
    if text[start:].strip():
        blocks.append(text[start:])
    return blocks


def _statement(block: str) -> str:
    """A block's first word, comments and blank lines before it left out."""
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line.split()[0].rstrip("{;")
    return ""


def render_site(text: str, *, listen_port: int, upstream_ports: list[int], log_dir: Path) -> str:
    """deploy/nginx/tether.conf as the benchmark runs it, everything else unchanged.

    The upstream lists ``upstream_ports`` on 127.0.0.1; the HTTPS server listens on
    127.0.0.1:``listen_port`` in plain HTTP (no certificates on a benchmark machine), so
    its ``listen`` and ``ssl_*`` lines go; the HTTP-to-HTTPS redirect server goes; access
    logs are written under ``log_dir``.
    """
    out = []
    for block in _top_level_blocks(text):
        kind = _statement(block)
        if kind == "upstream":
            lines = block.splitlines()
            listed = [i for i, line in enumerate(lines) if re.match(r"\s*server\s", line)]
            if not listed:
                raise BenchError(f"{SITE_CONF}: the upstream lists no server")
            servers = [f"    server 127.0.0.1:{port};" for port in upstream_ports]
            kept = [line for i, line in enumerate(lines) if i not in listed]
            at = listed[0]
            block = "\n".join(kept[:at] + servers + kept[at:])
        elif kind == "server":
            if re.search(r"^\s*return\s+30[178]\s", block, re.MULTILINE):
                continue  # the HTTP-to-HTTPS redirect
            kept, listened = [], False
            for line in block.splitlines():
                stripped = line.strip()
                if stripped.startswith("listen "):
                    if not listened:
                        indent = line[: len(line) - len(line.lstrip())]
                        kept.append(f"{indent}listen 127.0.0.1:{listen_port};")
                        listened = True
                    continue
                if stripped.startswith("ssl_"):
                    continue
                kept.append(line)
            block = "\n".join(kept)
            block = re.sub(
                r"access_log\s+(\S+)",
                lambda m: f"access_log {log_dir / Path(m.group(1)).name}"
                if m.group(1) != "off"
                else m.group(0),
                block,
            )
            if not listened:
                raise BenchError(f"{SITE_CONF} has a server block without a listen line")
        out.append(block)
    return "".join(out)


def nginx_main_conf(tmp: Path, site: Path, *, run_as_root: bool) -> str:
    """The main configuration around the site: what /etc/nginx/nginx.conf holds in
    production, pointed at ``tmp`` (pid, logs, temporary files)."""
    user = "user root;\n" if run_as_root else ""
    return (
        f"# Written by the Tether benchmark for one run; the site is {SITE_CONF.name}.\n"
        f"{user}"
        "worker_processes 1;\n"
        "worker_rlimit_nofile 20000;\n"
        f"pid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'nginx-error.log'} warn;\n"
        "events {\n"
        "    worker_connections 16384;  # each proxied socket holds two\n"
        "}\n"
        "http {\n"
        f"    client_body_temp_path {tmp / 'client_body'};\n"
        f"    proxy_temp_path {tmp / 'proxy'};\n"
        f"    fastcgi_temp_path {tmp / 'fastcgi'};\n"
        f"    uwsgi_temp_path {tmp / 'uwsgi'};\n"
        f"    scgi_temp_path {tmp / 'scgi'};\n"
        "    default_type application/octet-stream;\n"
        f"    include {site};\n"
        "}\n"
    )


class Nginx:
    """nginx in the foreground (``daemon off``) as a child process, on a rendered config."""

    def __init__(self, tmp: Path, listen_port: int, upstream_ports: list[int]):
        binary = nginx_binary()
        if binary is None:
            raise BenchError("nginx is not installed (apt-get install nginx)")
        self.binary = binary
        self.tmp = tmp
        self.port = listen_port
        tmp.mkdir(parents=True, exist_ok=True)
        site = tmp / "tether.conf"
        site.write_text(
            render_site(
                SITE_CONF.read_text(encoding="utf-8"),
                listen_port=listen_port,
                upstream_ports=upstream_ports,
                log_dir=tmp,
            ),
            encoding="utf-8",
        )
        self.conf = tmp / "nginx.conf"
        self.conf.write_text(
            nginx_main_conf(tmp, site, run_as_root=os.geteuid() == 0), encoding="utf-8"
        )
        self.log_path = tmp / "nginx-error.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def command(self) -> list[str]:
        return [
            self.binary, "-p", str(self.tmp), "-e", str(self.log_path),
            "-c", str(self.conf), "-g", "daemon off;",
        ]  # fmt: skip

    def check(self) -> None:
        """``nginx -t`` on the rendered configuration; BenchError with its words if bad."""
        done = subprocess.run(  # noqa: S603
            [*self.command()[:-2], "-t"], capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise BenchError(f"nginx -t refused the configuration:\n{done.stderr}")

    def start(self) -> None:
        self.check()
        with open(self.tmp / "nginx-stdout.log", "ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _children.add(self.process)

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.process is None:
            return []
        return [self.process.pid, *child_pids(self.process.pid)]

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(FileNotFoundError):
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM)  # fast shutdown: sockets end at once


# --- daphne -------------------------------------------------------------------------------


class Daphne:
    """``daphne -b 127.0.0.1 -p PORT tether.asgi:application``, as README starts them."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path):
        self.port = port
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        command = [
            str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port),
            "tether.asgi:application",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _children.add(self.process)

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(FileNotFoundError):
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM)


def stop_process(process: subprocess.Popen | None, how: int) -> None:
    """Signal ``process``; if it has not exited within a few seconds, SIGKILL its process
    group (it was started in a session of its own; not yet reaped, so the id is still its)."""
    if process is None:
        return
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(how)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    _children.discard(process)


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (nginx's workers)."""
    with contextlib.suppress(OSError):
        tasks = Path(f"/proc/{pid}/task")
        children = []
        for task in tasks.iterdir():
            children += [int(c) for c in (task / "children").read_text().split()]
        return children
    return []


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url)  # noqa: S310 (loopback http only)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


class Stack:
    """N daphne processes behind one nginx; clients talk to ``url`` / ``ws_url`` only."""

    def __init__(self, count: int, env: dict[str, str], tmp: Path):
        self.tmp = tmp / f"n{count}"
        self.tmp.mkdir(parents=True, exist_ok=True)
        nginx_port, *ports = free_ports(count + 1)
        self.servers = [
            Daphne(port, env, self.tmp / f"daphne-{i}.log") for i, port in enumerate(ports)
        ]
        self.nginx = Nginx(self.tmp / "nginx", nginx_port, ports)

    @property
    def url(self) -> str:
        return self.nginx.url

    @property
    def ws_url(self) -> str:
        return self.nginx.ws_url

    @property
    def server_pids(self) -> list[int]:
        return [server.pid for server in self.servers]

    def start(self) -> None:
        for server in self.servers:
            server.start()
        self.nginx.start()
        deadline = time.monotonic() + START_TIMEOUT
        for server in self.servers:
            self._wait(server.url, deadline, server)
        self._wait(self.nginx.url, deadline, self.nginx)

    def _wait(self, url: str, deadline: float, owner) -> None:
        last = "no answer"
        while time.monotonic() < deadline:
            if owner.process.poll() is not None:
                raise BenchError(f"{owner.command() if hasattr(owner, 'command') else url}"
                                 f" exited while starting:\n{owner.log_tail()}")  # fmt: skip
            try:
                status, body = get(f"{url}/api/health")
            except OSError as exc:
                last = f"no answer ({exc})"
            else:
                if status == 200:
                    return
                last = f"{status} {body[:200]!r}"
            time.sleep(0.1)
        raise BenchError(f"{url} did not answer /api/health (last: {last}):\n{owner.log_tail()}")

    def metrics(self) -> list[str]:
        """Each daphne process's /metrics text, read directly (loopback, not through nginx)."""
        texts = []
        for server in self.servers:
            try:
                status, body = get(f"{server.url}/metrics")
            except OSError:
                status, body = 0, b""
            texts.append(body.decode("utf-8", "replace") if status == 200 else "")
        return texts

    def logs_with_errors(self) -> list[str]:
        """The distinct warnings and errors of the daphne and nginx logs, each with how often
        it came (timestamps and request ids left out)."""
        counts: dict[str, int] = {}
        for server in self.servers:
            for line in server.log_tail(1_000_000).splitlines():
                if " WARNING " in line or " ERROR " in line or " CRITICAL " in line:
                    text = re.sub(r"^.*? (WARNING|ERROR|CRITICAL) ", r"\1 ", line)
                    text = re.sub(r"\[[0-9a-f]{32}\] ", "", text)
                    text = re.sub(r"0x[0-9a-f]+|\d+", "#", text)  # task numbers, ports
                    key = f"daphne: {_shorten(text.strip())}"
                    counts[key] = counts.get(key, 0) + 1
        for line in self.nginx.log_tail(1_000_000).splitlines():
            if "[error]" in line or "[crit]" in line or "[alert]" in line:
                text = re.sub(r"^.*?\[(error|crit|alert)\] [0-9#]+: (\*\d+ )?", r"[\1] ", line)
                text = re.sub(r", client: .*$", "", text)
                key = f"nginx: {_shorten(text.strip())}"
                counts[key] = counts.get(key, 0) + 1
        return [f"{count} x {text}" for text, count in counts.items()]

    def close(self) -> None:
        self.nginx.stop()
        for server in self.servers:
            server.stop()


def _shorten(text: str, room: int = 300) -> str:
    """A long log line's beginning and end (where daphne says what went wrong)."""
    if len(text) <= room:
        return text
    return f"{text[: room // 2 - 2]} .. {text[-(room // 2 - 2) :]}"


def websockets_open(metrics_text: str) -> int | None:
    match = re.search(r"^tether_websockets_open\s+([0-9.e+]+)", metrics_text, re.MULTILINE)
    return int(float(match.group(1))) if match else None


@atexit.register
def _kill_leftovers() -> None:
    """A benchmark that dies on the way still takes its processes with it."""
    for process in list(_children):
        if process.poll() is None:  # alive, so not reaped: the group id is still its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
