"""Small helpers the tests share."""

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
