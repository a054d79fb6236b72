"""``POST /api/sync/commands``: the offline outbox of the PWA sends its commands here."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from portal.sync import services

MAX_COMMANDS = 100


class CommandSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="Made by the phone; the same command keeps it.")
    type = serializers.CharField(max_length=60)
    payload = serializers.DictField()
    created_at = serializers.DateTimeField(help_text="The phone's clock when it was made.")


class CommandsRequest(serializers.Serializer):
    commands = CommandSerializer(many=True, max_length=MAX_COMMANDS, allow_empty=False)  # type: ignore[call-arg]


class AnswerSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["applied", "duplicate", "rejected", "conflict"])
    reason = serializers.CharField(help_text="Why, for rejected and conflict (a code).")
    message = serializers.CharField(help_text="Why, in the person's language.")
    result = serializers.DictField()


class CommandsResponse(serializers.Serializer):
    results = AnswerSerializer(many=True)


class SyncThrottle(UserRateThrottle):
    scope = "sync"


class Commands(APIView):
    throttle_classes = [SyncThrottle]

    @extend_schema(
        request=CommandsRequest, responses=CommandsResponse, operation_id="sync_commands"
    )
    def post(self, request: Request) -> Response:
        body = CommandsRequest(data=request.data)
        body.is_valid(raise_exception=True)
        answers = services.commands_apply(
            user=request.user,  # type: ignore[arg-type]  # IsAuthenticated
            commands=body.validated_data["commands"],
        )
        return Response({"results": [asdict(answer) for answer in answers]})


class DeviceKeyRequest(serializers.Serializer):
    key_id = serializers.UUIDField()
    public_jwk = serializers.DictField(help_text="The public key (JWK, EC P-256).")
    secret = serializers.CharField(
        required=False, allow_blank=True, help_text="Buddies: their PIN or password."
    )


class DeviceKeyResponse(serializers.Serializer):
    key_id = serializers.UUIDField()


class DeviceKeys(APIView):
    throttle_classes = [SyncThrottle]

    @extend_schema(
        request=DeviceKeyRequest, responses=DeviceKeyResponse, operation_id="sync_device_key"
    )
    def post(self, request: Request) -> Response:
        body = DeviceKeyRequest(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            key = services.device_key_register(
                # The Django request: django-axes keeps its marks (address, lockout) on it.
                request=request._request,
                user=request.user,  # type: ignore[arg-type]  # IsAuthenticated
                key_id=body.validated_data["key_id"],
                public_jwk=body.validated_data["public_jwk"],
                secret=body.validated_data.get("secret", ""),
            )
        except services.SecretLocked as exc:
            # 429 in the person's language (the lockout page's words, as every throttle).
            raise Throttled(wait=settings.AXES_COOLOFF_TIME.total_seconds()) from exc
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return Response({"key_id": key.key_id}, status=201)
