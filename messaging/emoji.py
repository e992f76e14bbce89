"""What counts as one emoji (contract: "Messages", reactions), by Unicode's own data.

The ``emoji`` package tracks Unicode's emoji lists (skin tones, flags, keycaps and ZWJ
sequences included), so a new Unicode release is a version bump, not a new range here.
"""

import emoji

from core.errors import ValidationFailed

MAX_EMOJI = 64  # characters: the longest ZWJ sequences are well below this


def emoji_check(value: object) -> str:
    """``value`` if it is exactly one emoji, else ValidationFailed on ``emoji``."""
    if not isinstance(value, str) or not value or len(value) > MAX_EMOJI:
        raise ValidationFailed.on("emoji", "Must be exactly one emoji.")
    if not emoji.is_emoji(value):
        raise ValidationFailed.on("emoji", "Must be exactly one emoji.")
    return value
