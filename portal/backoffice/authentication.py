"""``Authorization: Bearer <token>`` for the back-office API: one agency per token, fail closed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from portal.accounts.models import Agency
from portal.backoffice.models import ApiToken

PREFIX_LENGTH = 8


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class BackOffice:
    """The caller: an agency's back office (not a person)."""

    agency: Agency
    token: ApiToken
    is_authenticated: bool = True
    is_active: bool = True
    role: str = "backoffice"
    pk: None = None


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[BackOffice, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, secret = header.partition(" ")
        if scheme != self.keyword:
            return None
        secret = secret.strip()
        token = (
            ApiToken.objects.select_related("agency")
            .filter(digest=token_digest(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked token.")
        now = timezone.now()
        # Written at most once a minute: a busy sync must not turn every read into a write.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return BackOffice(agency=token.agency, token=token), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsBackOffice(permissions.BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ApiToken)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes the bearer token in the OpenAPI document."""

    target_class = "portal.backoffice.authentication.TokenAuthentication"
    name = "backofficeToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A per-agency token."}
