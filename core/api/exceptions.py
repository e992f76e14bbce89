"""The one framework exception the API layer still raises itself.

Services raise ``core.errors``; authentication classes must raise DRF's own
AuthenticationFailed, so that DRF answers with a ``WWW-Authenticate`` header.
"""

from rest_framework.exceptions import AuthenticationFailed


class InvalidToken(AuthenticationFailed):
    default_detail = "The token is invalid, expired or revoked."
    default_code = "invalid_token"
