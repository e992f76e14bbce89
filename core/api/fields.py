"""Strict serializer fields: the contract calls a number where a string is due a wrong type.

DRF's own fields coerce (``5`` becomes ``"5"``, ``"5"`` becomes ``5``, ``"5.0"`` and ``"1_0"``
become integers) and trim white space; these refuse the wrong JSON type and keep text exactly
as sent unless told otherwise. What each one accepts is also what the OpenAPI schema says it
accepts (``core.api.schema`` reads ``openapi_pattern``), so that generated clients and fuzzers
agree with the server.
"""

import re
import uuid

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

# JSON Schema patterns (ECMA 262 and Python read them alike). Patterns are not anchored by
# JSON Schema itself, hence the ^...$.
NO_NUL = "^[^\\u0000]*$"
# Not only white space, and no NUL anywhere.
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class _GivenEvenIfEmpty:
    """A query parameter given empty (``?limit=``) is validated as given, not skipped.

    DRF reads an empty form or query value of an optional field as absent; the schema says
    what a given parameter must be, and an empty one is none of that.
    """

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary[self.field_name]
        return super().get_value(dictionary)


class StrictCharField(_GivenEvenIfEmpty, serializers.CharField):
    """A JSON string, without NUL or lone surrogates, at most ``max_length`` as sent.

    The length is checked before any trimming: what is longer than the limit is refused, not
    cut down to size by the white space it carries.
    """

    default_error_messages = {
        "invalid": "Must be a string.",
        "nul": "Must not contain the NUL character.",
        "encoding": "Must be valid Unicode text (no lone surrogates).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    @property
    def openapi_pattern(self) -> str:
        """What the schema's ``pattern`` says: trimmed and not blank means some text."""
        return NOT_BLANK if self.trim_whitespace and not self.allow_blank else NO_NUL

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:
            self.fail("nul")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("encoding")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Must be an integer."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryIntegerField(_GivenEvenIfEmpty, serializers.IntegerField):
    """An integer in a query string: ASCII digits (a leading ``-`` allowed), nothing else.

    DRF's IntegerField also takes ``5.0``, ``1_0``, `` 5`` and other digits than ASCII ones,
    none of which the schema's ``type: integer`` allows.
    """

    default_error_messages = {"invalid": "Must be an integer."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(r"-?[0-9]+", data):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    """A UUID as the API writes them: 8-4-4-4-12 hexadecimal digits (any case)."""

    default_error_messages = {"invalid": "Must be a valid UUID string."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(UUID_PATTERN, data):
            self.fail("invalid")
        return uuid.UUID(data)


def documented(schema: dict) -> serializers.Field:
    """A read-only output field (the value as it is) whose OpenAPI schema is ``schema``: what
    the API writes there. DRF does not carry a model's constraints into read-only fields, so
    the schema would otherwise say no more than "a string"."""
    field_class = type("DocumentedField", (serializers.ReadOnlyField,), {"__module__": __name__})
    return extend_schema_field(schema)(field_class)(read_only=True)


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` only: no strings, no numbers (a wrong type is a wrong type)."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, given as a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)
