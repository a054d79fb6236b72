"""Forms of the staff trajectory screens; the rules themselves are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from learner.trajectory.models import (
    ActivityPeriod,
    EmploymentServiceRegistration,
    ExamSession,
    Exemption,
    FeePayment,
    LearningCeiling,
    MoCourse,
    Noncompliance,
    Nt2Module,
    Nt2Route,
    RuleSet,
    Screening,
    Suspension,
)
from learner.trajectory.models.facts import (
    CefrLevel,
    DeadlineComponent,
    ExamOutcome,
    Protection,
    Register,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _dated(model: type[models.Model], fields: list[str]) -> type[forms.ModelForm]:
    dates: dict[str, forms.Widget | type[forms.Widget]] = {
        f.name: DateInput()
        for f in model._meta.concrete_fields
        if f.name in fields and isinstance(f, models.DateField)
    }
    return forms.modelform_factory(model, fields=fields, widgets=dates)


# kind (model name) → the form that records it.
RECORD_FORMS: dict[str, type[forms.ModelForm]] = {
    "nt2route": _dated(Nt2Route, ["provider_type", "provider_name", "planned_until"]),
    "nt2module": _dated(
        Nt2Module, ["name", "lestijden", "started_on", "ended_on", "attended_lestijden"]
    ),
    "mocourse": _dated(MoCourse, ["kind", "started_on"]),
    "screening": _dated(Screening, ["screened_on", "exemption_test_allowed"]),
    "examsession": _dated(ExamSession, ["kind", "session_on", "location"]),
    "employmentserviceregistration": _dated(
        EmploymentServiceRegistration, ["service", "registered_on"]
    ),
    "exemption": _dated(Exemption, ["pillar", "reason", "evidence"]),
    "suspension": _dated(Suspension, ["reason", "starts_on", "ends_on", "evidence"]),
    "learningceiling": _dated(LearningCeiling, ["decided_on", "note"]),
    "activityperiod": _dated(ActivityPeriod, ["kind", "starts_on", "ends_on"]),
    "noncompliance": _dated(Noncompliance, ["code", "occurred_on", "evidence"]),
    "feepayment": _dated(FeePayment, ["item", "amount", "paid_on", "reference"]),
}


class EligibilityForm(forms.Form):
    register = forms.ChoiceField(label=_("register"), choices=Register.choices)
    protection = forms.ChoiceField(label=_("protection status"), choices=Protection.choices)


class ContractForm(forms.Form):
    signed_on = forms.DateField(label=_("signed on"), widget=DateInput())
    richttermijn = forms.DateField(label=_("guiding deadline (richttermijn)"), widget=DateInput())
    mo = forms.DateField(label=_("MO deadline"), required=False, widget=DateInput())
    nt2 = forms.DateField(label=_("NT2 deadline"), required=False, widget=DateInput())
    work = forms.DateField(label=_("work deadline"), required=False, widget=DateInput())
    participation = forms.DateField(
        label=_("participation deadline"), required=False, widget=DateInput()
    )


class DeadlineForm(forms.Form):
    component = forms.ChoiceField(label=_("deadline"), choices=DeadlineComponent.choices)
    new = forms.DateField(label=_("new date"), required=False, widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=300)


class ExamResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("result"),
        choices=[
            (ExamOutcome.PASSED, ExamOutcome.PASSED.label),
            (ExamOutcome.FAILED, ExamOutcome.FAILED.label),
        ],
    )
    level = forms.ChoiceField(
        label=_("level"), choices=[("", "—"), *CefrLevel.choices], required=False
    )


class ReferralForm(forms.Form):
    referred_on = forms.DateField(label=_("referred on"), widget=DateInput())
    provider_name = forms.CharField(label=_("provider"), max_length=200, required=False)


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["effective_from", *RuleSet.parameter_names()[1:]]
        widgets = {"effective_from": DateInput()}
