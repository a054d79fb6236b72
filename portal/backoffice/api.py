"""The back-office API, v1: ingest, counsellor slots, the change feed, a learner's trajectory on
any day.

Authenticated by the agency's bearer token; every query is scoped to that agency.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from learner.profiles.models import LearnerProfile
from learner.trajectory import selectors as trajectory_selectors
from learner.trajectory.api import TrajectorySerializer, trajectory_document
from portal.accounts.models import Agency
from portal.backoffice import selectors, serializers, services, webhooks
from portal.backoffice.authentication import BackOffice, IsBackOffice, TokenAuthentication
from portal.backoffice.models import ApiToken

MAX_PAGE = 1000


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (``PORTAL_BACKOFFICE_RATE``): a ceiling for a runaway sync loop."""

    scope = "backoffice"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request.auth
        return f"throttle_backoffice_{token.pk}" if isinstance(token, ApiToken) else None


class BackOfficeView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsBackOffice]
    throttle_classes = [TokenRateThrottle]

    @property
    def caller(self) -> BackOffice:
        return self.request.user  # type: ignore[return-value]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="Unique per batch; a replay returns the first answer unchanged.",
)


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 200:
        raise ValidationError({"Idempotency-Key": ["Required, at most 200 characters."]})
    return key


def _replay(agency: Agency, key: str, digest: str) -> Response | None:
    """The stored answer to this key, if the same request was sent with it before."""
    earlier = services.idempotent_answer(agency=agency, key=key)
    if earlier is None:
        return None
    if earlier.request_digest != digest:
        return Response(
            {"detail": "This Idempotency-Key was used for another request."},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(
        earlier.response, status=earlier.status_code, headers={"Idempotent-Replayed": "true"}
    )


class Ingest(BackOfficeView):
    @extend_schema(
        request=serializers.IngestRequest,
        responses={200: serializers.IngestResponse, 207: serializers.IngestResponse},
        parameters=[IDEMPOTENCY_KEY],
        operation_id="backoffice_ingest",
    )
    def post(self, request: Request) -> Response:
        key = _idempotency_key(request)
        agency = self.caller.agency
        digest = services.request_digest(request.data)
        if (replayed := _replay(agency, key, digest)) is not None:
            return replayed
        body = serializers.IngestRequest(data=request.data)
        body.is_valid(raise_exception=True)
        code, payload = services.ingest_idempotent(
            agency=agency, key=key, digest=digest, items=body.validated_data["items"]
        )
        return Response(payload, status=code)


class Slots(BackOfficeView):
    @extend_schema(
        summary="Publish counsellor slots",
        description=(
            "Creates, changes or withdraws bookable slots in the agency's agendas, keyed by "
            "agenda and `external_id`. Each item answers like a single call: `applied` (201), "
            "`unchanged` (200, the same version again), `conflict` (409, an older version than "
            "the portal holds, with `current_version`) or `invalid` (422, with `detail`). "
            "Capacity never goes below the places already booked; a withdrawn slot keeps its "
            "bookings."
        ),
        request=serializers.SlotsRequest,
        responses={200: serializers.SlotsResponse, 207: serializers.SlotsResponse},
        parameters=[IDEMPOTENCY_KEY],
        operation_id="backoffice_slots",
    )
    def post(self, request: Request) -> Response:
        key = _idempotency_key(request)
        agency = self.caller.agency
        # Keys are per agency across endpoints: the same key sent to ingest is "another request".
        digest = services.request_digest({"slots": request.data})
        if (replayed := _replay(agency, key, digest)) is not None:
            return replayed
        body = serializers.SlotsRequest(data=request.data)
        body.is_valid(raise_exception=True)
        code, payload = services.slots_idempotent(
            agency=agency, key=key, digest=digest, items=body.validated_data["items"]
        )
        return Response(payload, status=code)


class Changes(BackOfficeView):
    @extend_schema(
        responses=serializers.ChangesResponse,
        parameters=[
            OpenApiParameter("after", OpenApiTypes.STR, required=False),
            OpenApiParameter("limit", OpenApiTypes.INT, required=False),
        ],
        operation_id="backoffice_changes",
    )
    def get(self, request: Request) -> Response:
        try:
            cursor = selectors.Cursor.decode(request.query_params.get("after", ""))
        except selectors.BadCursorError as exc:
            raise ValidationError({"after": ["Not a cursor this API gave."]}) from exc
        limit = _bounded_int(request.query_params.get("limit"), default=100, maximum=MAX_PAGE)
        events, next_cursor, has_more = selectors.changes_after(
            agency=self.caller.agency, cursor=cursor, limit=limit
        )
        changes = [webhooks.event_document(event) for event in events]
        return Response(
            {"changes": changes, "next_cursor": next_cursor.encode(), "has_more": has_more}
        )


class AsOf(drf.Serializer):
    as_of = drf.DateField(required=False)


class LearnerTrajectory(BackOfficeView):
    @extend_schema(
        responses=TrajectorySerializer,
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, required=False)],
        operation_id="backoffice_learner_trajectory",
    )
    def get(self, request: Request, dossier_number: str) -> Response:
        query = AsOf(data=request.query_params)
        query.is_valid(raise_exception=True)
        on: date = query.validated_data.get("as_of") or timezone.localdate()
        profile = (
            LearnerProfile.objects.filter(agency=self.caller.agency, dossier_number=dossier_number)
            .select_related("trajectory_state")
            .first()
        )
        if profile is None:
            raise Http404
        view = trajectory_selectors.view_of(profile, on=on)
        return Response(TrajectorySerializer(trajectory_document(view, on)).data)


def _bounded_int(text: str | None, *, default: int, maximum: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise ValidationError({"limit": ["A whole number."]}) from exc
    if not 1 <= value <= maximum:
        raise ValidationError({"limit": [f"Between 1 and {maximum}."]})
    return value
