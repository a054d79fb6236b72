"""Forms of the sign-in, activation and second-factor steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import SecretKind
from portal.accounts.rules import digits_to_ascii


class LoginForm(AuthenticationForm):
    """Dossier number (learners) or username (everyone else), and PIN or password."""

    error_messages = {
        "invalid_login": _("The dossier number or the PIN or password is not right. Try again."),
        "inactive": _("This account is switched off. Ask your case manager."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Dossier number or username")
        self.fields["username"].widget.attrs.update({"autocapitalize": "characters"})
        self.fields["password"].label = _("PIN or password")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_password(self) -> str:
        # A PIN typed with Arabic-Indic or Persian digits is the same PIN.
        password: str = self.cleaned_data.get("password", "")
        return digits_to_ascii(password) if password.isdecimal() else password


class ActivationStartForm(forms.Form):
    username = forms.CharField(
        label=_("Dossier number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("The code on the letter from your case manager, for example ABCDE-23456."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.activation_code_id: int | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, code = cleaned.get("username"), cleaned.get("code")
        if username and code:
            # Through authenticate(), so wrong codes count toward the username + IP lockout.
            user = authenticate(self.request, username=username.strip(), activation_code=code)
            if user is None:
                raise forms.ValidationError(
                    _("This code does not match the dossier number, or it is no longer valid."),
                    code="invalid_code",
                )
            self.activation_code_id = user.matched_activation_code_id  # type: ignore[attr-defined]
        return cleaned


class SecretForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How do you want to sign in?"),
        choices=SecretKind.choices,
        initial=SecretKind.PIN,
        widget=forms.RadioSelect,
    )
    secret = forms.CharField(
        label=_("Your new PIN or password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    secret_again = forms.CharField(
        label=_("Type it again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == SecretKind.PIN:
            for name in ("secret", "secret_again"):
                if cleaned.get(name):
                    cleaned[name] = digits_to_ascii(cleaned[name])
        if cleaned.get("secret") and cleaned.get("secret") != cleaned.get("secret_again"):
            self.add_error("secret_again", _("The two entries are not the same."))
        return cleaned


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Type the 6 digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
