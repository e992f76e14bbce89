"""The domain's one error type: a broken rule, named by the contract's code and status.

Services and selectors raise these and know nothing of HTTP frameworks; ``core.api.errors``
turns any of them into the envelope, for REST and the WebSocket alike.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. ``code`` and ``status`` are the contract's; ``message`` is for people."""

    code = "server_error"
    status = 500
    message = "Something went wrong on our side."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``fields`` maps each field to what is wrong with it."""

    code = "validation_error"
    status = 400
    message = "Invalid input."

    def __init__(self, fields: dict[str, list[str]] | None = None, message: str | None = None):
        self.fields = fields or {}
        super().__init__(message)

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


class InvalidCode(DomainError):
    code, status, message = "invalid_code", 400, "The code is wrong or no longer valid."


class CodeExpired(DomainError):
    code, status, message = "code_expired", 400, "The code has expired. Ask for a new one."


class InvalidToken(DomainError):
    code, status, message = "invalid_token", 401, "The token is invalid, expired or revoked."


class PermissionDenied(DomainError):
    code, status, message = "permission_denied", 403, "You cannot do that."


class Blocked(DomainError):
    code, status, message = "blocked", 403, "You cannot message this user."


class NotFound(DomainError):
    code, status, message = "not_found", 404, "Not found."


class PhoneTaken(DomainError):
    code, status, message = "phone_taken", 409, "This phone number is already registered."


class UsernameTaken(DomainError):
    code, status, message = "username_taken", 409, "This username is already taken."


class TooLarge(DomainError):
    """A body or an upload over its limit."""

    code, status, message = "too_large", 413, "The request body is too large."


class Throttled(DomainError):
    """Too many requests; ``wait`` is the whole seconds until the next one may pass."""

    code, status, message = "throttled", 429, "Too many requests."

    def __init__(self, wait: float, message: str | None = None) -> None:
        self.wait = wait
        super().__init__(message)


class CodeThrottled(Throttled):
    """The per-phone code rules (60 s apart, 5 an hour), not a per-IP request limit."""

    message = "Too many codes for this phone number."


class TooManyAttempts(DomainError):
    code, status, message = "too_many_attempts", 429, "Too many wrong codes. Ask for a new one."


class Unavailable(DomainError):
    code, status, message = "unavailable", 503, "The service is unavailable. Try again soon."
