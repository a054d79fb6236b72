"""Forms of the case manager's agenda screens (the learner's screens are buttons only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from learner.appointments.models import NOTE_LENGTH, BookingStatus, Closure, WeeklyHours

# Suggested lengths per kind; the case manager may change them.
DEFAULT_MINUTES = {"intake": 60, "plan_review": 45, "joint_talk": 60, "question": 20}


class HoursForm(forms.ModelForm):
    class Meta:
        model = WeeklyHours
        fields = [
            "weekday",
            "starts",
            "ends",
            "purpose",
            "minutes",
            "mode",
            "place",
            "capacity",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("minutes", DEFAULT_MINUTES["intake"])
        super().__init__(*args, **kwargs)
        self.fields["minutes"].help_text = _(
            "Suggested: intake 60, plan review 45, talk with VDAB or Actiris 60, question 20."
        )


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["starts_at", "ends_at", "reason"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages you can hold a talk in"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Learners who speak none of these are offered an interpreter."),
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How did it go?"),
        choices=[
            (BookingStatus.ATTENDED, BookingStatus.ATTENDED.label),
            (BookingStatus.NO_SHOW, BookingStatus.NO_SHOW.label),
        ],
        widget=forms.RadioSelect,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note after the talk"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For coaching only. It is not a sanction signal and the learner's phone never gets it."
        ),
    )
