from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learner.participation.models import NOTE_LENGTH, Activity, ActivityKind, HostOrganisation
from learner.profiles.models import LearnerProfile
from portal.accounts.models import User

HOURS = [(h, str(h)) for h in range(13)]
MINUTES = [(m, f"{m:02d}") for m in (0, 15, 30, 45)]


class HoursForm(forms.Form):
    """Log hours. ``command`` is made when the form is shown: sending it twice logs once."""

    command = forms.UUIDField(widget=forms.HiddenInput)
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    hours = forms.TypedChoiceField(label=_("Hours"), choices=HOURS, coerce=int, initial=1)
    minutes = forms.TypedChoiceField(label=_("Minutes"), choices=MINUTES, coerce=int, initial=0)
    note = forms.CharField(
        label=_("What did you do? (optional)"), max_length=NOTE_LENGTH, required=False
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("command", uuid.uuid4())
        kwargs["initial"].setdefault("day", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
        self.fields["day"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "hours" in data and "minutes" in data and data["hours"] * 60 + data["minutes"] == 0:
            raise forms.ValidationError(_("How long was it? At least a quarter of an hour."))
        return data


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Your activity"), max_length=200)
    description = forms.CharField(
        label=_("What, where and when"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(forms.Form):
    entries = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    reason = forms.CharField(label=_("Why not (when you refuse)"), max_length=300, required=False)

    def __init__(self, *args: Any, entry_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(pk, str(pk)) for pk in entry_ids]  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in ActivityKind.choices if c[0] != ActivityKind.SELF_CHOSEN],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    host = forms.ModelChoiceField(
        label=_("Host organisation"), queryset=HostOrganisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, hosts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]


class HostForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class LinkForm(forms.Form):
    learner = forms.ModelChoiceField(label=_("Learner"), queryset=LearnerProfile.objects.none())
    contact = forms.ModelChoiceField(label=_("Buddy or host contact"), queryset=User.objects.none())
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())

    def __init__(
        self, *args: Any, learners: Any, contacts: Any, activities: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners  # type: ignore[attr-defined]
        self.fields["learner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda profile: f"{profile.user.display_name} ({profile.dossier_number})"
        )
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["contact"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
