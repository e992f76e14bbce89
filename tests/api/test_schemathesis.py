"""The OpenAPI document against the running server, as client generators and fuzzers read it.

Schemathesis reads ``/api/schema/`` from a real daphne process (PostgreSQL, Redis), generates
requests from it (valid and invalid ones), sends them as a signed-up user and checks every
answer against the document: no 5xx, every status and header documented, every body valid
against its schema, every input the schema forbids refused, unsupported methods 405 with
``Allow``, authentication required where documented.

The run is bounded (a fixed seed, a few examples per operation, one worker) so that it is
reproducible and takes well under three minutes on two cores.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require
from tests.realtime.clients import sign_up
from tests.servers import http, tether_servers

pytestmark = pytest.mark.servers

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SEED = 20261130
MAX_EXAMPLES = 25
# Numbers no other test uses; the servers get a fresh database anyway.
ME, PEER, NEW = "+79267000001", "+79267000002", "+79267000003"

# Every check but `positive_data_acceptance`: it expects every request that the schema allows
# to succeed, and the contract refuses many of those on purpose. A well-formed phone that
# `phonenumbers` does not call valid is 400, a well-formed but wrong code is 400
# `invalid_code`, an unknown id is 404, a message across a block is 403: the schema says what
# a request must look like, not which requests will find what they ask for.
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]

# Operations that end the very sign-in (or account) the run authenticates with: after one of
# them every later request is 401 and the run tests nothing. They are what they are for, and
# tests/safety and tests/acceptance cover them; the rest of the API gets one user for the
# whole run rather than a fresh sign-up per call.
EXCLUDED = [
    "--exclude-path", "/api/auth/logout",
    "--exclude-path", "/api/auth/sessions/revoke-others",
    "--exclude-path", "/api/auth/sessions/{session_id}",
    "--exclude-operation-id", "users_me_destroy",
]  # fmt: skip


def _config(ids: dict[str, list[str]]) -> str:
    """schemathesis.toml: real ids to draw from, so that requests reach past the 404s."""

    def values(items: list[str]) -> str:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"

    dictionaries = "\n".join(
        f"[dictionaries.{name}]\nvalues = {values(items)}" for name, items in ids.items()
    )
    return f"""{dictionaries}

# Half of the generated values (or more) are the real ones; the rest stay random, so unknown
# and malformed ids are tried as well.
[parameters]
"path.user_id" = {{ dictionary = "users", probability = 0.7 }}
"path.chat_id" = {{ dictionary = "chats", probability = 0.7 }}
"path.message_id" = {{ dictionary = "messages", probability = 0.7 }}
"body.chat_id" = {{ dictionary = "chats", probability = 0.7 }}
"body.user_id" = {{ dictionary = "users", probability = 0.7 }}
"body.username" = {{ dictionary = "usernames", probability = 0.5 }}
"body.phone" = {{ dictionary = "phones", probability = 0.5 }}
"query.phone" = {{ dictionary = "phones", probability = 0.5 }}

# Error feedback learns constraints from 4xx bodies it takes for DRF's own error shape
# ({{"field": ["message"]}}). The contract's envelope nests them under "fields", which it then
# reads as a request property called "fields" and calls the server wrong for accepting a body
# without it. Off: it is a generation heuristic, not a check.
[phases.fuzzing.error-feedback]
enabled = false
"""


def _seed_data(servers) -> tuple[str, dict[str, list[str]]]:
    """Sign up the fuzzing user and a peer, with a chat and a message from each."""
    server = servers[0]
    me = sign_up(servers, server, ME, "Schema Fuzzer")
    peer = sign_up(servers, server, PEER, "Schema Peer")
    opened = http("POST", f"{server.url}/api/chats", {"user_id": peer["user"]["id"]}, me["access"])
    chat_id = opened.data["id"]
    messages = [
        http(
            "POST", f"{server.url}/api/messages", {"chat_id": chat_id, "content": text}, token
        ).data["id"]
        for token, text in [(me["access"], "mine"), (peer["access"], "theirs")]
    ]
    ids = {
        "users": [me["user"]["id"], peer["user"]["id"]],
        "chats": [chat_id],
        "messages": messages,
        "usernames": [peer["user"]["username"]],
        "phones": [ME, PEER, NEW, "8 926 700-00-03"],
    }
    return me["access"], ids


def test_every_answer_of_the_live_server_agrees_with_its_schema(postgres, redis_server, tmp_path):
    require(SCHEMATHESIS.exists(), "schemathesis (requirements-dev.txt)")
    with tether_servers(1, env={"TETHER_THROTTLE": "off"}) as servers:
        token, ids = _seed_data(servers)
        config = tmp_path / "schemathesis.toml"
        config.write_text(_config(ids), encoding="utf-8")
        command = [
            str(SCHEMATHESIS), "--config-file", str(config), "run",
            f"{servers[0].url}/api/schema/",
            *CHECKS, *EXCLUDED,
            "--header", f"Authorization: Bearer {token}",
            "--max-examples", str(MAX_EXAMPLES),
            "--seed", str(SEED),
            "--generation-database", "none",
            # One worker: with several, Hypothesis formats strategies from threads at once and
            # CPython 3.11 before 3.11.9 can crash in ast.parse doing so (a runtime error,
            # not a finding); one process of the server has one thread for views anyway.
            "--workers", "1",
            "--request-timeout", "10",
            "--no-color",
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False
        )
        elapsed = time.monotonic() - started
        server_log = servers[0].log_tail(40)
    output = f"{done.stdout}\n{done.stderr}"
    print(output)
    print(f"schemathesis took {elapsed:.0f} s")
    assert done.returncode == 0, f"{output}\n--- server log ---\n{server_log}"
    assert "No operations" not in output, output
