"""A private PostgreSQL cluster on a spare port, to stop and restart in fault tests.

Never the machine's own server: a throwaway data directory under the temporary directory,
made by ``initdb`` and run by ``pg_ctl`` from the installed PostgreSQL binaries. ``initdb``
refuses to run as root, so under root (CI) both run as the ``postgres`` user, who owns the
directory.
"""

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.realtime.redis_process import free_port

_SERVER_USER = "postgres"


def _version(bin_dir: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bin_dir))


def find_bin_dir() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: the newest /usr/lib/postgresql/*/bin
    (Debian keeps them off PATH), else wherever PATH has them."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for candidate in candidates:
        bin_dir = Path(candidate)
        if (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file():
            return bin_dir
    return None


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the cluster: ourselves, unless we are root (then ``postgres``)."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(_SERVER_USER)
    return None


class PrivatePostgres:
    """``init()``, then ``start()`` and ``stop()`` as often as a test likes; ``destroy()``."""

    def __init__(self):
        self.bin_dir = find_bin_dir()
        self.user = _server_user()
        self.port = free_port()
        self.root: Path | None = None

    @property
    def available(self) -> bool:
        return self.bin_dir is not None and self.user is not None

    @property
    def url(self) -> str:
        """The cluster's own ``postgres`` database (the whole cluster is the test's)."""
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data_dir(self) -> Path:
        assert self.root is not None, "init() first"
        return self.root / "data"

    def _run(self, *command: str, timeout: float = 60) -> None:
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", self.user.pw_name, "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
        if done.returncode != 0:
            raise RuntimeError(
                f"{command[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n"
                f"{self.log_tail()}"
            )

    def init(self) -> "PrivatePostgres":
        self.root = Path(tempfile.mkdtemp(prefix="tether-pg-"))
        os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        return self

    def start(self) -> "PrivatePostgres":
        # fsync off: a stop "immediate" is a server crash, not a machine's; commits survive it
        # (they are written at commit, only never forced to disk).
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip
        return self

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: as a crash would, every connection cut at once."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "30", "stop")

    @property
    def running(self) -> bool:
        return self.root is not None and (self.data_dir / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.root is None:
            return
        if self.running:
            with contextlib.suppress(Exception):
                self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def log_tail(self, lines: int = 30) -> str:
        if self.root is None:
            return ""
        try:
            text = (self.root / "server.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])
