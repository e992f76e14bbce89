"""Form input of the sign-in pages, checked with the same rules as the API."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        error_messages={"required": _("Enter your phone number.")},
    )

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(
                _("Enter a valid phone number, for example +7 916 123-45-67."), code="invalid"
            ) from exc


class RegisterForm(PhoneForm):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("At most 100 characters."),
        },
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=32,
        error_messages={"required": _("Enter the code from the SMS.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(_("The code is 6 digits."), code="format")
        return code
