"""What one run of sends recorded, and how it is judged (no I/O here: unit-tested as is).

A run sends messages with client ids that start with its ``tag``; every member socket of a
chat must get each acknowledged message of that chat exactly once as ``message.new``, in
seq order. Per socket and chat:

- lost: acknowledged messages that never arrived;
- duplicated: arrivals of a message the socket already had;
- reordered: first arrivals with a seq below one the socket already had in that chat.

The sender's own sockets are judged too (API.md: the sender's connections get
``message.new`` as well), but only other members' arrivals count as deliveries for the
rate and the latency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (``q`` in 0..1); 0.0 for none."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: Iterable[float]) -> dict[str, float]:
    """p50, p90, p99, max and mean of durations in seconds, in milliseconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {"count": 0, "p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    ms = [1000 * value for value in ordered]
    return {
        "count": len(ms),
        "p50": round(percentile(ms, 0.50), 2),
        "p90": round(percentile(ms, 0.90), 2),
        "p99": round(percentile(ms, 0.99), 2),
        "max": round(ms[-1], 2),
        "mean": round(sum(ms) / len(ms), 2),
    }


def judge_socket(expected: set[str], frames: list[tuple[str, int]]) -> tuple[int, int, int]:
    """``(lost, duplicated, reordered)`` for one socket in one chat.

    ``expected``: ids of the messages it must get; ``frames``: ``(message id, seq)`` of the
    ``message.new`` frames it got, in arrival order (messages outside ``expected``, such as
    a send whose acknowledgement never came, are judged for order and repeats but are not
    owed).
    """
    seen: set[str] = set()
    duplicated = reordered = 0
    top: int | None = None
    for message_id, seq in frames:
        if message_id in seen:
            duplicated += 1
            continue
        seen.add(message_id)
        if top is not None and seq < top:
            reordered += 1
        top = seq if top is None else max(top, seq)
    return len(expected - seen), duplicated, reordered


def seq_problems(acked: dict[str, list[tuple[str, int]]], complete: bool) -> int:
    """Acknowledged messages whose seqs break the contract, over every chat of a run.

    ``acked``: chat id to ``(message id, seq)`` of the run's acknowledged messages. Two
    messages with one seq are always wrong; with ``complete`` (every send of the run was
    acknowledged, so nobody else wrote to these chats meanwhile) the seqs must also run
    without gaps.
    """
    problems = 0
    for messages in acked.values():
        by_seq: dict[int, set[str]] = {}
        for message_id, seq in messages:
            by_seq.setdefault(seq, set()).add(message_id)
        problems += sum(len(ids) - 1 for ids in by_seq.values())
        if complete and by_seq:
            span = max(by_seq) - min(by_seq) + 1
            problems += span - len(by_seq)
    return problems


@dataclass
class Send:
    client_id: str
    chat_id: str
    sender: int  # the sending person's socket index
    sent_at: float
    acked_at: float | None = None
    message_id: str | None = None
    seq: int | None = None
    error: str | None = None


@dataclass
class Run:
    """One measured (or warm-up) run: ``members`` maps each chat to its sockets' indexes."""

    tag: str
    members: dict[str, list[int]]
    sends: dict[str, Send] = field(default_factory=dict)
    # socket -> chat -> [(message id, seq, client id, arrival time)]
    frames: dict[int, dict[str, list[tuple[str, int, str, float]]]] = field(default_factory=dict)
    arrivals: int = 0  # first arrivals of (socket, message), for waiting
    _arrived: set[tuple[int, str]] = field(default_factory=set)

    def owns(self, client_id: object) -> bool:
        return isinstance(client_id, str) and client_id.startswith(self.tag)

    def sent(self, send: Send) -> None:
        self.sends[send.client_id] = send

    def arrived(self, socket: int, message: dict, at: float) -> None:
        """A ``message.new`` of this run reached ``socket``."""
        chat = self.frames.setdefault(socket, {}).setdefault(message["chat_id"], [])
        chat.append((message["id"], message["seq"], message["client_id"], at))
        key = (socket, message["id"])
        if key not in self._arrived:
            self._arrived.add(key)
            self.arrivals += 1

    def owed(self) -> int:
        """First arrivals owed for the sends acknowledged so far."""
        return sum(len(self.members[s.chat_id]) for s in self.sends.values() if s.message_id)

    def result(self) -> dict:
        """Counts, rates and latencies of the run."""
        acked = [s for s in self.sends.values() if s.message_id]
        failed = len(self.sends) - len(acked)
        owed: dict[str, set[str]] = {}
        by_chat: dict[str, list[tuple[str, int]]] = {}
        for send in acked:
            owed.setdefault(send.chat_id, set()).add(send.message_id)
            by_chat.setdefault(send.chat_id, []).append((send.message_id, send.seq))
        lost = duplicated = reordered = 0
        for chat_id, sockets in self.members.items():
            for socket in sockets:
                frames = self.frames.get(socket, {}).get(chat_id, [])
                a, b, c = judge_socket(owed.get(chat_id, set()), [(f[0], f[1]) for f in frames])
                lost, duplicated, reordered = lost + a, duplicated + b, reordered + c
        # Acknowledged seqs against the seqs that arrived: one message, one seq.
        seq_of = {s.message_id: s.seq for s in acked}
        mismatched = {
            frame[0]
            for chats in self.frames.values()
            for frames in chats.values()
            for frame in frames
            if frame[0] in seq_of and seq_of[frame[0]] != frame[1]
        }
        latencies, delivered_at = [], []
        for socket, chats in self.frames.items():
            for frames in chats.values():
                first: set[str] = set()
                for message_id, _seq, client_id, at in frames:
                    send = self.sends.get(client_id)
                    if send is None or send.sender == socket or message_id in first:
                        continue
                    first.add(message_id)
                    latencies.append(at - send.sent_at)
                    delivered_at.append(at)
        began = min((s.sent_at for s in self.sends.values()), default=0.0)
        acked_until = max((s.acked_at for s in acked), default=began)
        delivered_until = max(delivered_at, default=began)
        errors: dict[str, int] = {}
        for send in self.sends.values():
            if send.error:
                errors[send.error] = errors.get(send.error, 0) + 1
        return {
            "messages": len(self.sends),
            "acked": len(acked),
            "failed": failed,
            "errors": errors,
            "deliveries": len(latencies),
            "sent_per_s": _rate(len(acked), acked_until - began),
            "deliveries_per_s": _rate(len(latencies), delivered_until - began),
            "duration_s": round(max(acked_until, delivered_until) - began, 3),
            "latency_ms": summary_ms(latencies),
            "ack_ms": summary_ms(s.acked_at - s.sent_at for s in acked),
            "lost": lost,
            "duplicated": duplicated,
            "reordered": reordered,
            "seq_problems": seq_problems(by_chat, complete=not failed) + len(mismatched),
        }


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0
