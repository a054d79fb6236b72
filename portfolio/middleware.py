"""The staff access log, kept in one place: every staff page about one learner is logged.

Every page of a learner's dossier names the learner in its URL (``<dossier_number>``): the
dossier header, the contract and its facts, the plan, the participation proof, the portfolio,
the trajectory API. Keying the log on that URL argument, after the view answered, logs each of
them, and every such page added later, without one line in its view, for one query more; a
page that refused (403/404) or failed is no access and is not logged. Views that reach a learner
through another id (a portfolio file) call ``dossier_access_record`` themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from portal.accounts.models import Role
from portfolio.services.access import dossier_access_record_by_number

DOSSIER_KWARG = "dossier_number"


class DossierAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or DOSSIER_KWARG not in match.kwargs or response.status_code >= 400:
            return response
        user = request.user
        if not user.is_authenticated or getattr(user, "role", Role.LEARNER) == Role.LEARNER:
            return response
        # Staff who have not passed their second factor were sent to it: no access.
        verified = getattr(user, "is_verified", None)
        if verified is None or not verified():
            return response
        dossier_access_record_by_number(
            staff=user,
            dossier_number=match.kwargs[DOSSIER_KWARG],
            what=match.view_name,
            path=request.path,
        )
        return response
