"""How the benchmark counts lost, duplicated and reordered frames, on made-up frames."""

from bench.measure import Run, Send, judge_socket, percentile, seq_problems, summary_ms


def test_every_message_once_in_order_is_clean():
    assert judge_socket({"a", "b", "c"}, [("a", 1), ("b", 2), ("c", 3)]) == (0, 0, 0)


def test_a_missing_message_is_lost():
    assert judge_socket({"a", "b", "c"}, [("a", 1), ("c", 3)]) == (1, 0, 0)


def test_a_repeat_is_duplicated_not_reordered():
    assert judge_socket({"a", "b"}, [("a", 1), ("b", 2), ("a", 1)]) == (0, 1, 0)


def test_each_late_frame_is_reordered_once():
    # 3 came first: 1 and 2 are each late; 4 after them is in order again.
    frames = [("c", 3), ("a", 1), ("b", 2), ("d", 4)]
    assert judge_socket({"a", "b", "c", "d"}, frames) == (0, 0, 2)


def test_a_gap_in_seqs_is_not_reordering():
    assert judge_socket({"a", "c"}, [("a", 1), ("c", 5)]) == (0, 0, 0)


def test_frames_of_unacknowledged_sends_are_not_owed_but_are_judged():
    # "x" was never acknowledged: not lost when missing, still a duplicate when repeated.
    assert judge_socket({"a"}, [("a", 1), ("x", 2), ("x", 2)]) == (0, 1, 0)
    assert judge_socket({"a"}, []) == (1, 0, 0)


def test_seq_clashes_always_count_and_gaps_only_when_every_send_was_acknowledged():
    acked = {"chat": [("a", 1), ("b", 2), ("c", 2), ("d", 5)]}
    assert seq_problems(acked, complete=False) == 1  # b and c share seq 2
    assert seq_problems(acked, complete=True) == 1 + 2  # and 3, 4 are missing
    assert seq_problems({"chat": [("a", 7), ("b", 8)]}, complete=True) == 0


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([], 0.5) == 0.0
    assert summary_ms([0.001, 0.002, 0.003])["max"] == 3.0


def _message(message_id, seq, chat, client_id):
    return {"id": message_id, "seq": seq, "chat_id": chat, "client_id": client_id}


def test_a_run_counts_deliveries_to_others_and_judges_every_member_socket():
    # Sockets 0 and 1 share "chat"; socket 0 sends two messages.
    run = Run("t-", {"chat": [0, 1]})
    for k, (message_id, seq) in enumerate([("m1", 1), ("m2", 2)]):
        run.sent(Send(f"t-{k}", "chat", sender=0, sent_at=10.0 + k, acked_at=10.5 + k,
                      message_id=message_id, seq=seq))  # fmt: skip
    assert run.owed() == 4  # two messages, two member sockets each (the sender's included)
    run.arrived(0, _message("m1", 1, "chat", "t-0"), 10.2)
    run.arrived(1, _message("m2", 2, "chat", "t-1"), 11.1)
    run.arrived(1, _message("m1", 1, "chat", "t-0"), 11.2)  # late
    run.arrived(1, _message("m1", 1, "chat", "t-0"), 11.3)  # and again
    assert run.arrivals == 3

    result = run.result()
    assert (result["lost"], result["duplicated"], result["reordered"]) == (1, 1, 1)
    assert result["deliveries"] == 2  # socket 0's own echo is not a delivery
    assert result["latency_ms"]["max"] == 1200.0  # m1: sent at 10.0, reached socket 1 at 11.2
    assert result["acked"] == 2 and result["failed"] == 0 and result["seq_problems"] == 0


def test_a_failed_send_is_counted_and_not_owed():
    run = Run("t-", {"chat": [0, 1]})
    run.sent(Send("t-0", "chat", sender=0, sent_at=1.0, error="HTTP 500"))
    result = run.result()
    assert result["failed"] == 1 and result["errors"] == {"HTTP 500": 1}
    assert run.owed() == 0 and result["lost"] == 0


def test_a_run_owns_only_its_own_client_ids():
    run = Run("ab1ds1-", {})
    assert run.owns("ab1ds1-7")
    assert not run.owns("ab1ds10-7") and not run.owns("ab1ds1w-7") and not run.owns(None)


def test_the_arrived_seq_must_match_the_acknowledged_one():
    run = Run("t-", {"chat": [0, 1]})
    run.sent(Send("t-0", "chat", sender=0, sent_at=1.0, acked_at=1.1, message_id="m", seq=4))
    run.arrived(0, _message("m", 4, "chat", "t-0"), 1.2)
    run.arrived(1, _message("m", 5, "chat", "t-0"), 1.2)
    assert run.result()["seq_problems"] == 1
