"""The shapes the back office sends and receives, validated by DRF and documented in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from learner.appointments.models import Mode, Purpose
from learner.profiles.models import Employment, Literacy, Obligation, Perspective
from learner.trajectory.models import (
    ActivityPeriod,
    Eligibility,
    EmploymentServiceRegistration,
    ExamSession,
    Exemption,
    Fact,
    FeePayment,
    LearningCeiling,
    MoCourse,
    Nt2Module,
    Nt2Route,
    Screening,
    Suspension,
)


def _fact_serializer(
    model: type[models.Model], fields: list[str], **declared: serializers.Field
) -> type[serializers.Serializer]:
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Data", (serializers.ModelSerializer,), {"Meta": meta, **declared})


def _lestijden(**kwargs: object) -> serializers.IntegerField:
    # Declared, not derived: a small-integer column's range differs per database, and the
    # published schema must not depend on which one generated it.
    return serializers.IntegerField(min_value=0, max_value=1000, **kwargs)  # type: ignore[arg-type]


class LearnerData(serializers.Serializer):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    preferred_language = serializers.CharField(max_length=10)
    spoken_languages = serializers.ListField(
        child=serializers.CharField(max_length=10), default=list
    )
    literacy = serializers.ChoiceField(choices=Literacy.choices)
    municipality_nis_code = serializers.CharField(max_length=5)
    obligation = serializers.ChoiceField(choices=Obligation.choices)
    employment = serializers.ChoiceField(choices=Employment.choices)
    perspective = serializers.ChoiceField(choices=Perspective.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    case_manager = serializers.CharField(
        max_length=150, required=False, help_text="Username of the case manager following them."
    )


class ContractData(serializers.Serializer):
    signed_on = serializers.DateField()
    richttermijn = serializers.DateField()
    mo_deadline = serializers.DateField(required=False, allow_null=True)
    nt2_deadline = serializers.DateField(required=False, allow_null=True)
    work_deadline = serializers.DateField(required=False, allow_null=True)
    participation_deadline = serializers.DateField(required=False, allow_null=True)
    declaration_signed_on_paper = serializers.BooleanField(
        default=False,
        help_text="The learner signed the current declaration at the agency (not in the app).",
    )


# kind → (model, data serializer); learners and contracts have their own handlers.
FACT_KINDS: dict[str, tuple[type[Fact], type[serializers.Serializer]]] = {
    "eligibility": (Eligibility, _fact_serializer(Eligibility, ["register", "protection"])),
    "nt2_route": (
        Nt2Route,
        _fact_serializer(Nt2Route, ["provider_type", "provider_name", "planned_until"]),
    ),
    "nt2_module": (
        Nt2Module,
        _fact_serializer(
            Nt2Module,
            ["name", "lestijden", "started_on", "ended_on", "attended_lestijden"],
            lestijden=_lestijden(),
            attended_lestijden=_lestijden(required=False, allow_null=True),
        ),
    ),
    "mo_course": (MoCourse, _fact_serializer(MoCourse, ["kind", "started_on"])),
    "screening": (
        Screening,
        _fact_serializer(Screening, ["screened_on", "exemption_test_allowed"]),
    ),
    "exam": (
        ExamSession,
        _fact_serializer(ExamSession, ["kind", "session_on", "outcome", "level", "location"]),
    ),
    "employment_registration": (
        EmploymentServiceRegistration,
        _fact_serializer(EmploymentServiceRegistration, ["service", "registered_on"]),
    ),
    "exemption": (
        Exemption,
        _fact_serializer(Exemption, ["pillar", "reason", "evidence", "status"]),
    ),
    "suspension": (
        Suspension,
        _fact_serializer(Suspension, ["reason", "starts_on", "ends_on", "evidence", "status"]),
    ),
    "uitgeleerd": (LearningCeiling, _fact_serializer(LearningCeiling, ["decided_on", "note"])),
    "activity_period": (
        ActivityPeriod,
        _fact_serializer(ActivityPeriod, ["kind", "starts_on", "ends_on"]),
    ),
    "fee_payment": (
        FeePayment,
        _fact_serializer(FeePayment, ["item", "amount", "paid_on", "reference"]),
    ),
}
KINDS = ["learner", "contract", *FACT_KINDS]


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="IngestValues",
        serializers=[LearnerData, ContractData, *(data for _model, data in FACT_KINDS.values())],
        resource_type_field_name=None,  # the item's ``kind`` says which one
        many=False,
    )
)
class IngestValuesField(serializers.DictField):
    """The fields of the item's kind; checked per kind when the item is applied (422 if not)."""


class IngestItem(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    learner = serializers.CharField(max_length=40, help_text="The learner's dossier number.")
    external_id = serializers.CharField(
        max_length=64, help_text="The back office's id of this record (for a learner: the dossier)."
    )
    version = serializers.IntegerField(min_value=1)
    values = IngestValuesField(help_text="The fields of this kind (see the *Data schemas).")


class IngestRequest(serializers.Serializer):
    items = IngestItem(many=True, max_length=1000, allow_empty=False)  # type: ignore[call-arg]


class IngestResult(serializers.Serializer):
    index = serializers.IntegerField()
    kind = serializers.CharField()
    external_id = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["applied", "unchanged", "conflict", "invalid", "not_found"]
    )
    code = serializers.IntegerField(help_text="201, 200, 409, 422 or 404, as for a single call.")
    version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField(allow_null=True)
    detail = serializers.JSONField(allow_null=True, help_text="Why an item was invalid.")


class IngestResponse(serializers.Serializer):
    results = IngestResult(many=True)


class ChangeSerializer(serializers.Serializer):
    event_id = serializers.UUIDField(help_text="Deduplicate on this.")
    code = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    learner = serializers.CharField(allow_null=True, help_text="Dossier number.")
    actor_role = serializers.CharField(allow_null=True)
    payload = serializers.JSONField()


class ChangesResponse(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Pass as `after` to read on; stable.")
    has_more = serializers.BooleanField()


class AwareDateTimeField(serializers.DateTimeField):
    """An instant with its offset (``Z`` or ``+02:00``). A wall-clock time without one is
    ambiguous across daylight saving, so it is refused rather than guessed."""

    default_error_messages = {
        "naive": "Give the offset, e.g. 2027-03-29T09:00:00+02:00 or 2027-03-29T07:00:00Z."
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class SlotAgendaData(serializers.Serializer):
    case_manager = serializers.CharField(
        max_length=150,
        allow_null=True,
        help_text="Username of the case manager whose agenda holds the slot (one of the "
        "calling agency's); null for the agency's general desk.",
    )


class SlotItem(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, help_text="The back office's id of this slot, unique within its agenda."
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        help_text="Grows with every change; an older one than the portal holds is a conflict.",
    )
    agenda = SlotAgendaData(help_text="Whose agenda the slot is in.")
    starts_at = AwareDateTimeField(help_text="When it starts, with the offset (ISO 8601).")
    ends_at = AwareDateTimeField(help_text="When it ends, after the start.")
    purpose = serializers.ChoiceField(
        choices=Purpose.choices, help_text="The kind of appointment it can be booked for."
    )
    mode = serializers.ChoiceField(
        choices=Mode.choices, default=Mode.OFFICE, help_text="At the office or by video call."
    )
    place = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text="The office's address, shown to the learner and put in their calendar.",
    )
    # Declared, not derived from the column: the published schema must not depend on the database.
    capacity = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        help_text="People per appointment; never below the places already booked.",
    )
    withdrawn = serializers.BooleanField(
        default=False,
        help_text="Not offered any more. Bookings on it stay until the case manager moves them.",
    )


class SlotsRequest(serializers.Serializer):
    items = SlotItem(many=True, max_length=1000, allow_empty=False)  # type: ignore[call-arg]


class SlotResult(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's place in the request, from 0.")
    external_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["applied", "unchanged", "conflict", "invalid"])
    code = serializers.IntegerField(help_text="201, 200, 409 or 422, as for a single call.")
    version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField(
        allow_null=True, help_text="On a conflict: the version the portal holds."
    )
    slot = serializers.IntegerField(allow_null=True, help_text="The portal's id of the slot.")
    detail = serializers.JSONField(allow_null=True, help_text="Why an item was invalid.")


class SlotsResponse(serializers.Serializer):
    results = SlotResult(many=True)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
