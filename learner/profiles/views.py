"""Staff screens over learner profiles: the caseload list and one dossier header."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from learner.profiles import selectors
from learner.profiles.models import LearnerProfile
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User

# Roles whose work is following learners; teachers and buddies get their own screens.
LEARNER_SCOPED_ROLES = (Role.CASE_MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR)
PAGE_SIZE = 25


@role_required(*LEARNER_SCOPED_ROLES)
def learner_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.learner_list_for(user=user, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(profile, selectors.case_manager_of(profile)) for profile in page]
    # The pager keeps the search: "q=<search>&" before its page parameter.
    search_query = f"{urlencode({'q': search})}&" if search else ""
    return render(
        request,
        "profiles/learner_list.html",
        {"page": page, "rows": rows, "search": search, "search_query": search_query},
    )


@role_required(*LEARNER_SCOPED_ROLES)
def learner_detail(request: HttpRequest, dossier_number: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        profile = selectors.learner_for(user=user, dossier_number=dossier_number)
    except LearnerProfile.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "profiles/learner_detail.html",
        {
            "profile": profile,
            "case_manager": selectors.case_manager_of(profile),
            "may_issue_code": user.role in {Role.CASE_MANAGER, Role.AGENCY_ADMIN},
        },
    )
