"""The progress bar (stderr), the table printed at the end, and the JSON file."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


class Progress:
    """One line on stderr: overall steps done, the current step, and its count."""

    def __init__(self, total_steps: int, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.total = max(1, total_steps)
        self.done = -1
        self.label = ""
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self.began = time.monotonic()
        self._last = 0.0

    def step(self, label: str) -> None:
        self.done += 1
        self.label = label
        if not self.enabled:
            return
        if self.tty:
            self._draw("")
        else:
            elapsed = time.monotonic() - self.began
            print(f"[{self.done + 1}/{self.total} {elapsed:5.0f}s] {label}", file=self.stream)

    def tick(self, count: int, total: int) -> None:
        now = time.monotonic()
        if not (self.enabled and self.tty) or (now - self._last < 0.1 and count < total):
            return
        self._last = now
        self._draw(f" {count}/{total}")

    def _draw(self, detail: str) -> None:
        width = 24
        filled = int(width * max(0, self.done) / self.total)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.began
        line = f"\r[{bar}] {self.done + 1}/{self.total} {elapsed:4.0f}s {self.label}{detail}"
        self.stream.write(line[:160].ljust(100))
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


class Report:
    """Every result of the benchmark, printed as one table and written as JSON."""

    def __init__(self, settings: dict):
        self.data: dict = {
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "settings": settings,
            "runs": [],
            "idle": [],
            "reads": [],
            "scaling": [],
            "server_errors": [],
        }

    def message_run(self, scenario: str, transport: str, c: int, n: int, result: dict) -> None:
        self.data["runs"].append(
            {"scenario": scenario, "transport": transport, "c": c, "n": n, **result}
        )

    def idle(self, n: int, result: dict) -> None:
        self.data["idle"].append({"scenario": "idle", "n": n, **result})

    def read_run(self, endpoint: str, clients: int, n: int, result: dict) -> None:
        self.data["reads"].append(
            {"scenario": "reads", "endpoint": endpoint, "c": clients, "n": n, **result}
        )

    def server_errors(self, n: int, lines: list[str]) -> None:
        self.data["server_errors"] += [f"N={n} {line}" for line in lines[:50]]

    def finish(self, elapsed: float) -> None:
        self.data["elapsed_s"] = round(elapsed, 1)
        self.data["scaling"] = scaling(self.data)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.data, indent=2) + "\n", encoding="utf-8")

    def table(self) -> str:
        return table(self.data)


def scaling(data: dict) -> list[dict]:
    """Each row's rate with 2 processes over its rate with 1 (where both ran)."""
    rates: dict[tuple, dict[int, float]] = {}
    for run in data["runs"]:
        if not clean(run):
            continue  # a rate of failures or losses says nothing about scaling
        key = (run["scenario"], run["transport"], run["c"])
        rates.setdefault(key, {})[run["n"]] = run["deliveries_per_s"]
    for run in data["reads"]:
        if run["failed"]:
            continue
        rates.setdefault(("reads", run["endpoint"], run["c"]), {})[run["n"]] = run["per_s"]
    rows = []
    for (scenario, transport, c), by_n in rates.items():
        if by_n.get(1) and 2 in by_n:
            rows.append({"scenario": scenario, "transport": transport, "c": c,
                         "ratio": round(by_n[2] / by_n[1], 2)})  # fmt: skip
    return rows


def clean(run: dict) -> bool:
    """Every send acknowledged, every message delivered once and in order."""
    return not (run["failed"] or run["lost"] or run["duplicated"] or run["reordered"]
                or run["seq_problems"])  # fmt: skip


def problems(data: dict) -> list[str]:
    """One line per run that was not clean, with the errors the sends got."""
    lines = []
    for run in data["runs"]:
        if clean(run):
            continue
        counts = ", ".join(
            f"{name} {run[key]}"
            for name, key in (("failed", "failed"), ("lost", "lost"), ("dup", "duplicated"),
                              ("reordered", "reordered"), ("seq", "seq_problems"))
            if run[key]
        )  # fmt: skip
        errors = ", ".join(f"{count} x {code}" for code, count in run["errors"].items())
        where = f"N={run['n']} {run['scenario']} {run['transport']} C={run['c']}"
        lines.append(f"{where}: {counts}" + (f" (errors: {errors})" if errors else ""))
    for run in data["reads"]:
        if run["failed"]:
            errors = ", ".join(f"{count} x {code}" for code, count in run["errors"].items())
            lines.append(f"N={run['n']} reads {run['endpoint']}: {errors}")
    for row in data["idle"]:
        if row.get("unopened"):
            lines.append(f"N={row['n']} idle: {row['unopened']} sockets did not open")
        if row["still_open"] != row["sockets"]:
            lines.append(f"N={row['n']} idle: {row['sockets'] - row['still_open']} sockets closed")
    return lines


def table(data: dict) -> str:
    """The results as aligned text: message runs, reads, idle sockets, then scaling."""
    head = ["scenario", "transport", "C", "N", "sent/s", "deliv/s", "p50", "p90", "p99", "max",
            "lost", "dup", "reord", "failed"]  # fmt: skip
    rows = []
    for run in data["runs"]:
        lat = run["latency_ms"]
        rows.append([run["scenario"], run["transport"], run["c"], run["n"], run["sent_per_s"],
                     run["deliveries_per_s"], lat["p50"], lat["p90"], lat["p99"], lat["max"],
                     run["lost"], run["duplicated"], run["reordered"],
                     run["failed"] + run["seq_problems"]])  # fmt: skip
    for run in data["reads"]:
        lat = run["latency_ms"]
        rows.append(["reads", run["endpoint"], run["c"], run["n"], run["per_s"], "",
                     lat["p50"], lat["p90"], lat["p99"], lat["max"], "", "", "",
                     run["failed"]])  # fmt: skip
    lines = [
        "Messages (latency ms: send to another member's socket; reads: request to answer)",
        *_align(head, rows),
    ]
    if data["idle"]:
        idle_head = ["idle", "N", "sockets", "open", "KiB/socket", "CPU % (1 core)",
                     "nginx KiB/socket", "nginx CPU %", "per process"]  # fmt: skip
        idle_rows = [[
            "idle", row["n"], row["sockets"], row["still_open"], row["rss_kib_per_socket"],
            row["cpu_percent"], row["nginx_rss_kib_per_socket"], row["nginx_cpu_percent"],
            "/".join(str(count) for count in row["sockets_per_process"]),
        ] for row in data["idle"]]  # fmt: skip
        lines += ["", "Idle sockets (server processes' RSS and CPU while idle)"]
        lines += _align(idle_head, idle_rows)
    found = problems(data)
    if found:
        lines += ["", "Problems", *found]
    if data["scaling"]:
        lines += ["", "2 processes vs 1 (rate with N=2 / rate with N=1)"]
        lines += _align(
            ["scenario", "transport", "C", "ratio"],
            [[s["scenario"], s["transport"], s["c"], s["ratio"]] for s in data["scaling"]],
        )
    return "\n".join(lines)


def _align(head: list, rows: list[list]) -> list[str]:
    cells = [[str(cell) for cell in row] for row in [head, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    out = []
    for n, row in enumerate(cells):
        out.append(
            "  ".join(
                cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if n == 0:
            out.append("  ".join("-" * width for width in widths))
    return out
