"""Phone numbers in, E.164 out: the one place that parses what people type."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError

INVALID_PHONE = "Enter a valid phone number, for example +79161234567."


def normalize_phone(raw: str) -> str:
    """Parse ``raw`` (international, or national in TETHER_DEFAULT_REGION) into E.164."""
    try:
        number = phonenumbers.parse(raw, settings.TETHER_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
