"""Authentication by one-time activation code.

Going through ``django.contrib.auth.authenticate`` means django-axes counts wrong codes in the same
username + IP lockout as wrong PINs, and refuses attempts while locked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from portal.accounts.models import User
from portal.accounts.selectors import activation_code_matching


class ActivationCodeBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        activation_code: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not activation_code:
            return None
        match = activation_code_matching(username=username, code=activation_code)
        if match is None:
            return None
        user = match.user
        # The view needs to know which code to consume once the person chose a secret.
        user.matched_activation_code_id = match.pk  # type: ignore[attr-defined]
        return user

    def get_user(self, user_id: Any) -> None:
        # A code proves who you are only long enough to choose a PIN: it never makes a session.
        return None
