"""The contract's error codes that DRF does not define itself."""

from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed, Throttled


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class PhoneTaken(Conflict):
    default_detail = "This phone number is already registered."
    default_code = "phone_taken"


class UsernameTaken(Conflict):
    default_detail = "This username is already taken."
    default_code = "username_taken"


class InvalidCode(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The code is wrong or no longer valid."
    default_code = "invalid_code"


class CodeExpired(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The code has expired. Ask for a new one."
    default_code = "code_expired"


class TooManyAttempts(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many wrong codes. Ask for a new one."
    default_code = "too_many_attempts"


class Blocked(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "You cannot message this user."
    default_code = "blocked"


class CodeThrottled(Throttled):
    """Per-phone code rules: raised by services, so it carries its own wait."""

    default_detail = "Too many codes for this phone number. Try again later."


class InvalidToken(AuthenticationFailed):
    default_detail = "The token is invalid, expired or revoked."
    default_code = "invalid_token"
