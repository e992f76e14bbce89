"""Input and output shapes of the accounts API (contract: "Objects: user")."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.models import AVATAR_URL_MAX, USERNAME_PATTERN, User
from accounts.phones import normalize_phone
from core.api.fields import StrictCharField
from core.api.prepared import from_context


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
    def __init__(self, **kwargs):
        kwargs.update(trim_whitespace=True, min_length=1, max_length=100)
        super().__init__(**kwargs)


class UsernameField(StrictCharField):
    default_error_messages = {
        "format": "5 to 32 characters: lowercase letters, digits and underscores.",
    }

    def to_internal_value(self, data):
        value = User.normalize_username(super().to_internal_value(data))
        if not re.fullmatch(USERNAME_PATTERN, value):
            self.fail("format")
        return value


class UserSerializer(serializers.ModelSerializer):
    """Another user as anyone may see them; ``online`` from the presence store.

    The view puts ``online_ids`` (one lookup for the whole page, ``presence.online_ids``)
    into the context; a serializer without it fails rather than ask once per user.
    """

    online = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "bio", "avatar_url", "last_seen", "online"]
        read_only_fields = fields

    def get_online(self, user: User) -> bool:
        return user.pk in from_context(self, "online_ids")


class MeSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "phone"]
        read_only_fields = fields


class ProfileUpdateSerializer(serializers.Serializer):
    display_name = DisplayNameField(required=False)
    username = UsernameField(required=False)
    bio = StrictCharField(required=False, allow_blank=True, max_length=500)
    avatar_url = serializers.URLField(required=False, allow_blank=True, max_length=AVATAR_URL_MAX)

    def validate_avatar_url(self, value):
        if not isinstance(self.initial_data.get("avatar_url"), str):
            raise serializers.ValidationError("Must be a string.")
        if value and not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("Must be an http or https address.")
        return value


class RegisterSerializer(serializers.Serializer):
    phone = PhoneField()
    display_name = DisplayNameField()


class LoginSerializer(serializers.Serializer):
    phone = PhoneField()


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
    phone = serializers.CharField()
    expires_in = serializers.IntegerField()
    resend_in = serializers.IntegerField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class SignInSerializer(TokenPairSerializer):
    user = MeSerializer()
    created = serializers.BooleanField()


class UserSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, trim_whitespace=True)
    phone = PhoneField(required=False)

    def validate(self, attrs):
        if not attrs.get("q") and "phone" not in attrs:
            raise serializers.ValidationError("Give ?q= (username or name) or ?phone=.")
        return attrs
