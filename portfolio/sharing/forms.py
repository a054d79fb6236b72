"""The learner's forms: a new share, and what goes into the exported PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learner.profiles.models import LearnerProfile
from portfolio.models import Item
from portfolio.sharing import rules, selectors
from portfolio.sharing.models import RECIPIENT_NAME_LENGTH, RecipientKind


class _ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Item) -> str:
        return f"{obj.get_kind_display()}: {obj.title}"


class ShareForm(forms.Form):
    items = _ItemChoice(
        label=_("What do you want to share?"),
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one item.")},
    )
    recipient_kind = forms.ChoiceField(
        label=_("Who do you share with?"), choices=RecipientKind.choices, widget=forms.RadioSelect
    )
    recipient_name = forms.CharField(
        label=_("Name of the person or organisation"),
        max_length=RECIPIENT_NAME_LENGTH,
        help_text=_("For your own list: so you know who opened your link."),
    )
    days = forms.TypedChoiceField(
        label=_("How long may they look?"),
        coerce=int,
        choices=[(days, str(days)) for days in rules.SHARE_DAY_CHOICES],
        initial=30,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, learner: LearnerProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [  # type: ignore[attr-defined]
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in rules.SHARE_DAY_CHOICES
        ]
        self.fields["items"].queryset = selectors.items_of(learner).order_by(  # type: ignore[attr-defined]
            "kind", "title"
        )


class ExportForm(forms.Form):
    refs = forms.MultipleChoiceField(
        label=_("Facts the portal confirms"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = _ItemChoice(
        label=_("My own items"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, learner: LearnerProfile, statements: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["refs"].choices = statements  # type: ignore[attr-defined]
        self.fields["items"].queryset = selectors.own_items(learner).order_by(  # type: ignore[attr-defined]
            "kind", "title"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("refs") and not cleaned.get("items"):
            raise forms.ValidationError(_("Choose at least one fact or item."))
        return cleaned
