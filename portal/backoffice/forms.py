from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Your back office's address that receives the events (https)."),
    )
    active = forms.BooleanField(label=_("Send events"), required=False, initial=True)
