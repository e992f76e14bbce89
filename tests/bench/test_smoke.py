"""`make bench` end to end with tiny sizes: one daphne process behind nginx, every scenario,
every row in the JSON, and nothing lost, duplicated or out of order."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.servers import nginx_binary
from tests.conftest import require

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("postgres", "redis_server")]

ROOT = Path(__file__).resolve().parents[2]
TINY = [
    "--processes", "1", "--concurrency", "1,3", "--warmup", "2",
    "--direct-users", "4", "--direct-messages", "10",
    "--group-members", "4", "--group-senders", "2", "--group-messages", "6",
    "--idle-sockets", "20", "--idle-seconds", "1", "--settle-seconds", "0.5",
    "--readers", "4", "--reader-chats", "2", "--read-clients", "2", "--read-requests", "20",
    "--run-seconds", "20", "--drain-seconds", "5", "--timeout", "150", "--no-progress",
]  # fmt: skip


def test_the_benchmark_runs_every_scenario_through_nginx_and_loses_nothing(tmp_path):
    require(nginx_binary() is not None, "nginx")
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", *TINY, "--json", str(results)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=200,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads(results.read_text())
    assert "failed" not in data

    rows = {(run["scenario"], run["transport"], run["c"], run["n"]) for run in data["runs"]}
    assert rows == {
        (scenario, transport, c, 1)
        for scenario in ("direct", "group")
        for transport in ("socket", "rest")
        for c in (1, 3)
    }
    for run in data["runs"]:
        where = (run["scenario"], run["transport"], run["c"])
        assert (run["acked"], run["failed"]) == (run["messages"], 0), where
        others = 1 if run["scenario"] == "direct" else 3
        assert run["deliveries"] == run["messages"] * others, where
        assert (run["lost"], run["duplicated"], run["reordered"]) == (0, 0, 0), where
        assert run["seq_problems"] == 0, where
        assert run["latency_ms"]["p50"] > 0 and run["deliveries_per_s"] > 0, where

    (idle,) = data["idle"]
    assert idle["sockets"] == idle["still_open"] == 20
    assert idle["sockets_per_process"] == [20]
    assert idle["rss_kib_per_socket"] != 0 or idle["rss_after_kib"] > 0
    assert {(read["endpoint"], read["n"]) for read in data["reads"]} == {
        ("GET /api/chats", 1),
        ("GET /api/users/{id}", 1),
    }
    assert all(read["failed"] == 0 and read["per_s"] > 0 for read in data["reads"])
    assert "2 processes vs 1" not in done.stdout  # one process count: no ratio to give
    assert "deliv/s" in done.stdout and "Idle sockets" in done.stdout
