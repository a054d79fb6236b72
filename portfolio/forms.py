"""Forms of the learner's portfolio screens: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio import presenters, rules
from portfolio.models import (
    DESCRIPTION_LENGTH,
    TITLE_LENGTH,
    Origin,
    RecognitionDecision,
    RecognitionStep,
)

FILE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,audio/*"
FILE_HELP = _("A photo, a PDF or a short voice note.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ItemForm(forms.Form):
    """An item's words and dates; ``file`` only when adding (files are added on the item)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    origin = forms.ChoiceField(
        label=_("Where did you gain it?"),
        choices=Origin.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Where (country, employer, school)"), max_length=200, required=False
    )
    started_on = forms.DateField(label=_("From"), required=False, widget=DateInput())
    ended_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    file = forms.FileField(
        label=_("A file (you can also add it later)"),
        required=False,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )

    def __init__(self, *args: Any, kind: str, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != "competence":
            del self.fields["origin"]
        if not adding:
            del self.fields["file"]
        if kind in {"diploma", "certificate"}:
            self.fields["started_on"].label = _("Obtained on")
            del self.fields["ended_on"]

    def item_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "origin": data.get("origin", ""),
            "place": data.get("place", ""),
            "started_on": data.get("started_on"),
            "ended_on": data.get("ended_on"),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )


class RecognitionForm(forms.Form):
    step = forms.ChoiceField(
        label=_("Where are you now?"), choices=RecognitionStep.choices, widget=forms.RadioSelect
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents I have"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    submitted_on = forms.DateField(
        label=_("I sent the application on"), required=False, widget=DateInput()
    )
    acknowledged_on = forms.DateField(
        label=_("NARIC confirmed receipt on"), required=False, widget=DateInput()
    )
    decided_on = forms.DateField(
        label=_("The decision came on"), required=False, widget=DateInput()
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", "—"), *RecognitionDecision.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 (declared above)
        field.choices = [
            (code, presenters.DOCUMENT_LABELS[code]) for code in rules.RECOGNITION_DOCUMENTS
        ]
