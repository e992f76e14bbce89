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
