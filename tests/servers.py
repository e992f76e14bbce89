"""Real Tether server processes for tests: ``with tether_servers(2) as servers: ...``.

Every call gets one fresh database shared by all its processes (a ``tether_srv_<hex>``
database on the PostgreSQL server of DATABASE_URL, else a temporary SQLite file), migrated
once, and ``count`` daphne processes on free ports. Codes go to a JSON-lines outbox that
``sms_code`` reads the way a phone would. REDIS_URL passes through unchanged, so several
processes share one channel layer exactly as in production. Tests that use this module are
marked ``@pytest.mark.servers``.
"""

from __future__ import annotations

import atexit
import contextlib
import json as jsonlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0

_live: set[Server] = set()


class ServerError(RuntimeError):
    """A server process did not start (the message carries the end of its log)."""


class Server:
    """One daphne process serving ``tether.asgi:application`` on 127.0.0.1:``port``."""

    def __init__(self, *, port: int, env: dict[str, str], log_path: Path, sms_path: Path):
        self.port = port
        self.env = env
        self.log_path = log_path
        self.sms_path = sms_path
        self.process: subprocess.Popen | None = None

    def __repr__(self) -> str:
        return f"<Server {self.url} {'running' if self.running else 'stopped'}>"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, wait: bool = True) -> Server:
        """Start (or restart) the process on the same port; by default wait until healthy."""
        if self.running:
            raise ServerError(f"{self!r} is already running")
        command = [
            str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port),
            "tether.asgi:application",
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            log.write(f"--- starting {' '.join(command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _live.add(self)
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Block until GET /api/health answers; ServerError with the log if it never does."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.running:
                raise ServerError(f"{self!r} exited while starting.\n{self.log_tail()}")
            try:
                answer = http("GET", f"{self.url}/api/health", timeout=2)
            except OSError as exc:
                last = f"no answer ({exc})"
            else:
                if answer.status in (200, 503):
                    return
                last = f"{answer.status} {answer.body[:300]!r}"
            time.sleep(0.05)
        raise ServerError(
            f"{self!r} did not answer /api/health in {timeout} s (last: {last}).\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within a few seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _live.discard(self)

    def kill(self) -> None:
        """SIGKILL at once, as a crash would: nothing in the process gets to clean up."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        _live.discard(self)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


class Servers(list):
    """The list of started servers, plus what they share (database, SMS outbox, settings)."""

    database_url: str
    sms_path: Path
    tmp_dir: Path
    env: dict[str, str]

    @property
    def code_resend_seconds(self) -> int:
        """The delay between two codes to one phone these servers keep (default: 60 s)."""
        return int(self.env.get("TETHER_CODE_RESEND_SECONDS", "60"))

    def sms_codes(self, phone: str) -> list[str]:
        return sms_codes(self.sms_path, phone)

    def sms_code(self, phone: str) -> str:
        return sms_code(self.sms_path, phone)


@contextlib.contextmanager
def tether_servers(count: int = 1, env: dict[str, str | None] | None = None) -> Iterator[Servers]:
    """Start ``count`` daphne processes on one fresh, migrated database; stop them on exit.

    ``env`` adds to (a value of None: removes from) the environment the processes inherit.
    """
    tmp_dir = Path(tempfile.mkdtemp(prefix="tether-servers-"))
    sms_path = tmp_dir / "sms.jsonl"
    sms_path.touch()
    servers = Servers()
    drop_database = None
    try:
        database_url, drop_database = _fresh_database(tmp_dir)
        merged = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TETHER_SMS_BACKEND": "file",
            "TETHER_SMS_FILE": str(sms_path),
            "TETHER_MEDIA_ROOT": str(tmp_dir / "media"),
            "DEBUG": "1",
            **(env or {}),
        }
        process_env = {name: value for name, value in merged.items() if value is not None}
        migrate(process_env, tmp_dir / "migrate.log")
        servers.database_url, servers.sms_path, servers.tmp_dir = database_url, sms_path, tmp_dir
        servers.env = process_env
        for index, port in enumerate(free_ports(count)):
            server = Server(
                port=port,
                env=process_env,
                log_path=tmp_dir / f"server-{index}.log",
                sms_path=sms_path,
            )
            servers.append(server.start(wait=False))
        for server in servers:
            server.wait_healthy()
        yield servers
    finally:
        for server in servers:
            server.stop()
        if drop_database is not None:
            drop_database()
        shutil.rmtree(tmp_dir, ignore_errors=True)


def sms_codes(source: Servers | Server | str | os.PathLike, phone: str) -> list[str]:
    """Every code texted to ``phone`` through the outbox of ``source``, oldest first."""
    path = Path(getattr(source, "sms_path", source))
    codes = []
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as outbox:
        for line in outbox:
            line = line.strip()
            if line:
                sms = jsonlib.loads(line)
                if sms["phone"] == phone:
                    codes.append(sms["code"])
    return codes


def sms_code(source: Servers | Server | str | os.PathLike, phone: str) -> str:
    """The newest code texted to ``phone``; AssertionError if none was."""
    codes = sms_codes(source, phone)
    assert codes, f"no code was texted to {phone}"
    return codes[-1]


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    def json(self):
        return jsonlib.loads(self.body)

    @property
    def data(self):
        """The envelope's ``data``; AssertionError with the body unless it is a success."""
        body = self.json()
        assert body.get("success") is True, (self.status, body)
        return body["data"]


def http(
    method: str,
    url: str,
    json=None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Response:
    """One HTTP request with the standard library; error statuses are returned, not raised."""
    request = urllib.request.Request(url, method=method.upper())  # noqa: S310 (http only)
    if json is not None:
        request.data = jsonlib.dumps(json).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return Response(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.headers, error.read())


def free_ports(count: int) -> list[int]:
    """Ports the kernel calls free right now (all held open together, so distinct)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def migrate(env: dict[str, str], log_path: Path, timeout: float = 120) -> None:
    """``manage.py migrate`` with ``env``, its output in ``log_path``; ServerError if it fails."""
    command = [sys.executable, "manage.py", "migrate", "--noinput"]
    done = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    log_path.write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise ServerError(f"migrate failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _fresh_database(tmp_dir: Path):
    """A new empty database and the function that drops it."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return f"sqlite:///{tmp_dir / 'db.sqlite3'}", None

    name = f"tether_srv_{secrets.token_hex(6)}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))

    return urlunsplit(parts._replace(path=f"/{name}")), drop


@atexit.register
def _stop_leftovers() -> None:
    """A test runner that dies mid-test still takes its servers with it."""
    for server in list(_live):
        server.kill()
