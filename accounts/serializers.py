"""Input and output shapes of the accounts API (contract: "Objects: user")."""

import re
from datetime import UTC, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import AVATAR_URL_MAX, USERNAME_PATTERN, User
from accounts.phones import normalize_phone
from core.api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    documented,
)
from core.api.prepared import from_context

# What the API writes and what it reads, as JSON Schema says it (the OpenAPI document).
E164 = "^\\+[1-9][0-9]{1,14}$"
# A username as typed: the contract's pattern in any case (it is lowercased on the way in).
USERNAME_INPUT = "^[A-Za-z0-9_]{5,32}$"
# An http(s) URL that is also an RFC 3986 URI (what ``format: uri`` means): ASCII only, any
# other character percent-encoded. Django's URLValidator also passes IRIs and characters
# such as ``|`` or ``{``, which no URI may hold.
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED_OR_SUB = "A-Za-z0-9\\-._~!$&'()*+,;="
_PCHAR = f"(?:[{_UNRESERVED_OR_SUB}:@]|{_PCT})"
AVATAR_URI = (
    "^[Hh][Tt][Tt][Pp][Ss]?://"
    f"(?:(?:[{_UNRESERVED_OR_SUB}:]|{_PCT})*@)?"  # user info
    f"(?:\\[[0-9A-Fa-f:.]+\\]|(?:[{_UNRESERVED_OR_SUB}]|{_PCT})*)"  # host
    "(?::[0-9]*)?"  # port
    f"(?:/{_PCHAR}*)*"  # path
    f"(?:\\?(?:{_PCHAR}|[/?])*)?"  # query
    f"(?:#(?:{_PCHAR}|[/?])*)?$"  # fragment
)
AVATAR_URL_SCHEMA = {
    "oneOf": [
        {"type": "string", "enum": [""], "description": "No picture."},
        {"type": "string", "format": "uri", "pattern": AVATAR_URI, "maxLength": AVATAR_URL_MAX},
    ],
    "description": '`""` or an http/https URL of at most 2000 characters.',
}


class PhoneField(StrictCharField):
    """A phone as people type it, normalised to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        raw = super().to_internal_value(data)
        try:
            return normalize_phone(raw)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class DisplayNameField(StrictCharField):
    """1 to 100 characters as sent, not only white space; stored without the white space
    around it."""

    def __init__(self, **kwargs):
        kwargs.update(trim_whitespace=True, min_length=1, max_length=100)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "pattern": USERNAME_INPUT, "maxLength": 32})
class UsernameField(StrictCharField):
    """A username as typed: 5 to 32 ASCII letters, digits and underscores, lowercased.

    Only ASCII is taken, so that what passes is exactly what the schema's pattern says
    (Unicode compatibility forms such as full-width letters would otherwise fold into it).
    """

    default_error_messages = {
        "format": "5 to 32 characters: lowercase letters, digits and underscores.",
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not re.fullmatch(USERNAME_INPUT, value):
            self.fail("format")
        value = User.normalize_username(value)
        if not re.fullmatch(USERNAME_PATTERN, value):
            self.fail("format")
        return value


class UserSerializer(serializers.ModelSerializer):
    """Another user as anyone may see them; ``online`` from the presence store.

    The view puts ``online_ids`` and ``hidden_ids`` (one lookup for the whole page,
    ``presence.seen_by``) into the context; a serializer without them fails rather than ask
    once per user. ``last_seen`` is null where the privacy rules hide it.
    """

    username = documented(
        {"type": "string", "pattern": USERNAME_PATTERN, "minLength": 5, "maxLength": 32}
    )
    display_name = documented({"type": "string", "minLength": 1, "maxLength": 100})
    bio = documented({"type": "string", "maxLength": 500})
    avatar_url = documented(AVATAR_URL_SCHEMA)
    online = serializers.SerializerMethodField()
    last_seen = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "bio", "avatar_url", "last_seen", "online"]
        read_only_fields = fields

    def get_online(self, user: User) -> bool:
        return user.pk in from_context(self, "online_ids")

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_last_seen(self, user: User) -> str | None:
        if user.last_seen is None or user.pk in from_context(self, "hidden_ids"):
            return None
        return _iso(user.last_seen)

    def to_representation(self, user: User) -> dict:
        # The fields above describe the shape (and the OpenAPI schema); the dict is built by
        # user_data, which lists of people (the chat list's members) call directly.
        return user_data(user, from_context(self, "online_ids"), from_context(self, "hidden_ids"))


class MeSerializer(UserSerializer):
    phone = documented({"type": "string", "pattern": E164, "nullable": True})

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "phone"]
        read_only_fields = fields

    def to_representation(self, user: User) -> dict:
        return {**super().to_representation(user), "phone": user.phone}


def user_data(user: User, online_ids, hidden_ids) -> dict:
    """The contract's user object as a plain dict, what UserSerializer answers: ``online_ids``
    and ``hidden_ids`` come from ``presence.seen_by`` for the whole page. Built without DRF,
    whose serializer copies its fields for every instance: a chat list shows dozens of users.
    """
    shown = user.last_seen is not None and user.pk not in hidden_ids
    return {
        "id": str(user.pk),
        "username": user.username,
        "display_name": user.display_name,
        "bio": user.bio,
        "avatar_url": user.avatar_url,
        "last_seen": _iso(user.last_seen) if shown else None,
        "online": user.pk in online_ids,
    }


def _iso(moment: datetime) -> str:
    """DRF's DateTimeField output: ISO 8601 in UTC with a ``Z``."""
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@extend_schema_field(AVATAR_URL_SCHEMA)
class AvatarUrlField(serializers.URLField):
    """``""`` or an http/https URL that is a URI, exactly as sent (no trimming)."""

    default_error_messages = {
        "type": "Must be a string.",
        "scheme": "Must be an http or https address.",
        "uri": "Must be a URI: percent-encode spaces and characters beyond ASCII.",
    }

    def __init__(self, **kwargs):
        kwargs.update(allow_blank=True, max_length=AVATAR_URL_MAX, trim_whitespace=False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("type")
        return super().to_internal_value(data)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        if value and not value.lower().startswith(("https://", "http://")):
            self.fail("scheme")
        if value and not re.fullmatch(AVATAR_URI, value):
            self.fail("uri")
        return value


class ProfileUpdateSerializer(serializers.Serializer):
    display_name = DisplayNameField(required=False)
    username = UsernameField(required=False)
    bio = StrictCharField(required=False, allow_blank=True, max_length=500)
    avatar_url = AvatarUrlField(required=False)


class RegisterSerializer(serializers.Serializer):
    phone = PhoneField()
    display_name = DisplayNameField()


class LoginSerializer(serializers.Serializer):
    phone = PhoneField()


@extend_schema_field({"type": "string", "pattern": "^[0-9]{6}$", "maxLength": 6})
class CodeField(StrictCharField):
    """Six ASCII digits; a malformed code is a validation error and costs no attempt."""

    default_error_messages = {"format": "The code is six digits."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) != 6 or not value.isascii() or not value.isdigit():
            self.fail("format")
        return value


class VerifyCodeSerializer(serializers.Serializer):
    phone = PhoneField()
    code = CodeField()


class AccountDeleteSerializer(serializers.Serializer):
    code = CodeField()


class BlockStateSerializer(serializers.Serializer):
    blocked = serializers.BooleanField()


class RefreshSerializer(serializers.Serializer):
    refresh = StrictCharField(max_length=4096)


class CodeSentSerializer(serializers.Serializer):
    phone = documented({"type": "string", "pattern": E164})
    expires_in = serializers.IntegerField(min_value=0, help_text="Seconds the code stays valid.")
    resend_in = serializers.IntegerField(
        min_value=0, help_text="Seconds until a new code may be asked for."
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class SignInSerializer(TokenPairSerializer):
    user = MeSerializer()
    created = serializers.BooleanField()


class UserSearchQuerySerializer(serializers.Serializer):
    """``?q=`` or ``?phone=`` (one of them is needed)."""

    q = StrictCharField(
        required=False,
        max_length=100,
        trim_whitespace=True,
        help_text="Username prefix or display-name words.",
    )
    phone = PhoneField(required=False, help_text="An exact phone number (at most 30 a minute).")

    def validate(self, attrs):
        if not attrs.get("q") and "phone" not in attrs:
            raise serializers.ValidationError("Give ?q= (username or name) or ?phone=.")
        return attrs


class PrivacySerializer(serializers.Serializer):
    """The privacy settings (contract: "Search and settings"); a PATCH may give any of them."""

    last_seen = StrictChoiceField(choices=["everyone", "chats", "nobody"], required=False)
    read_receipts = StrictBooleanField(required=False)
    phone_discovery = StrictChoiceField(choices=["everyone", "nobody"], required=False)
