"""One mapping from failures to the contract's envelope, for REST and the socket alike."""

import pytest
from rest_framework import exceptions

from core import errors
from core.api.errors import envelope_exception_handler, error_reply

# The contract's error codes and their statuses ("Envelope" in API.md).
CONTRACT = {
    "validation_error": 400, "invalid_code": 400, "code_expired": 400,
    "not_authenticated": 401, "invalid_token": 401, "permission_denied": 403,
    "not_found": 404, "method_not_allowed": 405, "blocked": 403, "phone_taken": 409,
    "username_taken": 409, "too_large": 413, "unsupported_media_type": 415, "throttled": 429,
    "too_many_attempts": 429, "server_error": 500, "unavailable": 503,
}  # fmt: skip


def _domain_errors():
    found, todo = [], [errors.DomainError]
    while todo:
        klass = todo.pop()
        todo.extend(klass.__subclasses__())
        found.append(klass)
    return found


def _instance(klass):
    if issubclass(klass, errors.Throttled):
        return klass(wait=2.2)
    return klass()


@pytest.mark.parametrize("klass", _domain_errors(), ids=lambda k: k.__name__)
def test_every_domain_error_speaks_a_code_of_the_contract_with_its_status(klass):
    reply = error_reply(_instance(klass))
    assert CONTRACT[reply.code] == reply.status
    assert reply.message


def test_validation_failures_name_their_fields():
    reply = error_reply(errors.ValidationFailed({"content": ["Too long."], "x": {"y": ["z"]}}))
    assert reply.fields == {"content": ["Too long."], "x.y": ["z"]}


def test_a_throttle_says_when_to_come_back_in_whole_seconds_rounded_up():
    reply = error_reply(errors.Throttled(wait=2.2))
    assert reply.retry_after == 3 and "3 s" in reply.message
    response = envelope_exception_handler(errors.CodeThrottled(wait=0.1), {"view": None})
    assert response.status_code == 429 and response["Retry-After"] == "1"


def test_a_401_from_a_service_names_its_authentication_scheme():
    response = envelope_exception_handler(errors.InvalidToken(), {"view": None})
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert response.data["code"] == "invalid_token"


def test_framework_errors_map_to_the_same_codes():
    assert error_reply(exceptions.NotFound()).code == "not_found"
    assert error_reply(exceptions.ValidationError({"a": ["b"]})).fields == {"a": ["b"]}
    assert error_reply(exceptions.ParseError("bad")).code == "validation_error"


def test_an_unexpected_exception_is_no_contract_error():
    assert error_reply(RuntimeError("bug")) is None
