"""Small helpers the tests share."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.services.sessions import TokenPair, session_issue_tokens, session_start
from accounts.sms import memory


def sign_in(user: User, user_agent: str = "pytest") -> TokenPair:
    session = session_start(user=user, user_agent=user_agent, ip="127.0.0.1")
    return session_issue_tokens(session=session)


def last_code(phone: str) -> str:
    """The newest code "texted" to ``phone``."""
    return [sms for sms in memory.outbox if sms["phone"] == phone][-1]["code"]


def envelope_error(response, status: int, code: str) -> dict:
    """Assert an error envelope with ``status`` and ``code``; return the body."""
    body = response.json()
    assert response.status_code == status, body
    assert body["success"] is False and body["code"] == code, body
    assert isinstance(body["error"], str) and body["error"]
    return body


def envelope_data(response, status: int = 200):
    body = response.json()
    assert response.status_code == status, body
    assert body["success"] is True, body
    return body["data"]


def at_once(actions: list) -> list:
    """Call each of ``actions`` in its own thread, all released at the same moment.

    Returns their results (or raised exceptions) in order. Each thread has its own database
    connection, closed when it ends; use with ``django_db(transaction=True)``.
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = actions[index]()
        except Exception as exc:  # handed back to the test, which decides
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class QueriesCaptured(list):
    """The SQL run inside ``assert_queries``, one string per query."""

    def __str__(self) -> str:
        return "\n".join(f"{n}. {sql}" for n, sql in enumerate(self, 1))


@contextmanager
def assert_queries(expected: int | None = None, *, at_most: int | None = None):
    """Assert how many queries the block runs, printing every one of them when it is wrong.

    ``expected``: exactly that many; ``at_most``: no more. Yields the captured list, so a
    test can also compare two runs (``len(few) == len(many)``).
    """
    captured = QueriesCaptured()
    with CaptureQueriesContext(connection) as context:
        yield captured
    captured.extend(query["sql"] for query in context.captured_queries)
    if expected is not None:
        assert len(captured) == expected, f"{len(captured)} queries, not {expected}:\n{captured}"
    if at_most is not None:
        assert len(captured) <= at_most, f"{len(captured)} queries, over {at_most}:\n{captured}"


def assert_same_queries(few: list, many: list) -> None:
    """Two runs over different numbers of rows cost the same (no query per row)."""
    assert len(few) == len(many), f"{len(few)} queries then {len(many)}:\n{many}"


STAFF_PASSWORD = "Staff-pass-2026!"


def admin_client_for(user):
    """A browser signed in to /admin/ as ``user`` the only way there is: the admin's own
    password sign-in (the user's password is set to STAFF_PASSWORD if it has none)."""
    from django.test import Client

    if not user.check_password(STAFF_PASSWORD):
        user.set_password(STAFF_PASSWORD)
        user.save(update_fields=["password"])
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": STAFF_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
