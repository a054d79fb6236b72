"""The trajectory as JSON: the learner's offline pack, and staff's "where will they stand on …".

The document carries no residence status or nationality (eligibility stays out), only what the
learner's own screens show. Documented in the OpenAPI schema by the serializers below.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learner.profiles.models import LearnerProfile
from learner.profiles.selectors import learner_for
from learner.trajectory import selectors
from learner.trajectory.selectors import View
from portal.accounts.models import Role, User


class PillarSerializer(serializers.Serializer):
    pillar = serializers.ChoiceField(choices=["mo", "nt2", "work", "participation"])
    status = serializers.ChoiceField(
        choices=["open", "in-progress", "met", "met-late", "exempt", "optional"]
    )
    met_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["richttermijn", "registration", "component", "b1"])
    due_on = serializers.DateField()
    pillar = serializers.CharField(allow_null=True)


class FeeLineSerializer(serializers.Serializer):
    item = serializers.CharField()
    amount = serializers.DecimalField(max_digits=7, decimal_places=2)
    reason = serializers.CharField()


class SignalSerializer(serializers.Serializer):
    code = serializers.CharField()
    raised_on = serializers.DateField()


class IssuedAttestSerializer(serializers.Serializer):
    number = serializers.CharField()
    attest_on = serializers.DateField()


class AttestSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    on = serializers.DateField(allow_null=True)
    manual_review = serializers.BooleanField()
    issued = IssuedAttestSerializer(allow_null=True)


class B1Serializer(serializers.Serializer):
    due_on = serializers.DateField()


class ContractSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    richttermijn = serializers.DateField(help_text="Moved by every suspended day.")
    rule_set_from = serializers.DateField(help_text="The rule set in force on the signing date.")
    declaration_version = serializers.IntegerField()


class ParticipationSerializer(serializers.Serializer):
    confirmed_hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    required_hours = serializers.IntegerField()
    projected_on = serializers.DateField(allow_null=True)


class TrajectorySerializer(serializers.Serializer):
    dossier_number = serializers.CharField()
    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the portal last rebuilt this learner's state."
    )
    contract = ContractSerializer(allow_null=True)
    pillars = PillarSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)
    fee_lines = FeeLineSerializer(many=True)
    signals = SignalSerializer(many=True)
    attest = AttestSerializer(allow_null=True)
    b1 = B1Serializer(allow_null=True)
    interpreter_covered = serializers.BooleanField()
    suspended = serializers.BooleanField()
    participation = ParticipationSerializer(allow_null=True)


def trajectory_document(view: View, on: date, *, with_signals: bool = True) -> dict[str, Any]:
    """The JSON document; ``with_signals`` False for readers outside the agency (coordinators)."""
    trajectory, facts, rule_set = view.trajectory, view.facts, view.rule_set
    data = view.data
    base: dict[str, Any] = {
        "dossier_number": view.profile.dossier_number,
        "as_of": on,
        "computed_at": view.state.computed_at if view.state else None,
        "contract": None,
        "pillars": [],
        "deadlines": [],
        "fee_lines": [],
        "signals": [],
        "attest": None,
        "b1": None,
        "interpreter_covered": False,
        "suspended": False,
        "participation": None,
    }
    if trajectory is None or facts is None or rule_set is None:
        return base
    issued = data.get("attest")
    return {
        **base,
        "contract": {
            "signed_on": facts.signed_on,
            "richttermijn": trajectory.richttermijn,
            "rule_set_from": data["rule_set_from"],
            "declaration_version": data["declaration_version"],
        },
        "pillars": [
            {"pillar": str(p), "status": str(s.status), "met_on": s.met_on, "deadline": s.deadline}
            for p, s in trajectory.pillars.items()
        ],
        "deadlines": [
            {"kind": d.kind, "due_on": d.due_on, "pillar": str(d.pillar) if d.pillar else None}
            for d in trajectory.deadlines
        ],
        "fee_lines": [
            {"item": f.item, "amount": f.amount, "reason": f.reason} for f in trajectory.fee_lines
        ],
        "signals": [{"code": s.code, "raised_on": s.raised_on} for s in trajectory.signals]
        if with_signals
        else [],
        "attest": {
            "eligible": trajectory.attest.eligible,
            "on": trajectory.attest.on,
            "manual_review": trajectory.attest.manual_review,
            "issued": {"number": issued["number"], "attest_on": issued["attest_on"]}
            if issued
            else None,
        },
        "b1": {"due_on": trajectory.b1.due_on} if trajectory.b1 else None,
        "interpreter_covered": trajectory.interpreter_covered,
        "suspended": trajectory.suspended,
        "participation": {
            "confirmed_hours": trajectory.participation_hours,
            "required_hours": rule_set.participation_hours,
            "projected_on": trajectory.participation_projection,
        },
    }


class OwnTrajectory(APIView):
    """The signed-in learner's trajectory today, for the offline pack."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TrajectorySerializer, operation_id="own_trajectory")
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if user.role != Role.LEARNER:
            raise PermissionDenied
        view = selectors.own_view(user=user)
        if view is None:
            raise Http404
        today = timezone.localdate()
        return Response(TrajectorySerializer(trajectory_document(view, today)).data)


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class LearnerTrajectory(APIView):
    """A learner's trajectory on any day (``as_of``, default today), for staff who follow them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=TrajectorySerializer,
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, required=False)],
        operation_id="learner_trajectory",
    )
    def get(self, request: Request, dossier_number: str) -> Response:
        user: User = request.user  # type: ignore[assignment]
        if user.role not in {Role.CASE_MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR}:
            raise PermissionDenied
        query = AsOfSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on: date = query.validated_data.get("as_of") or timezone.localdate()
        try:
            profile = learner_for(user=user, dossier_number=dossier_number)
        except LearnerProfile.DoesNotExist as exc:
            raise Http404 from exc
        view = selectors.view_of(profile, on=on)
        # Enforcement data stays with the agency: a municipality's coordinator gets no signals.
        document = trajectory_document(view, on, with_signals=user.role != Role.COORDINATOR)
        return Response(TrajectorySerializer(document).data)
