"""What a message's text may be (contract: "Objects: message"), checked by the services.

Every writer of ``content`` (REST, the socket, the admin, the shell) goes through
``content_check``, so no path stores what the contract forbids.
"""

from core.errors import ValidationFailed

MAX_CONTENT = 4096


def content_check(content: object) -> str:
    """``content`` if it is a message's text, else ValidationFailed on ``content``."""
    if not isinstance(content, str):
        raise ValidationFailed.on("content", "Must be a string.")
    if "\x00" in content:
        raise ValidationFailed.on("content", "Must not contain the NUL character.")
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationFailed.on("content", "Must be valid Unicode text.") from exc
    if len(content) > MAX_CONTENT:
        raise ValidationFailed.on(
            "content", f"Ensure this field has no more than {MAX_CONTENT} characters."
        )
    if not content.strip():
        raise ValidationFailed.on("content", "A message cannot be empty or only white space.")
    return content
