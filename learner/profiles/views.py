"""Staff screens over learner profiles: the caseload list and one dossier header."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from learner.profiles import selectors
from learner.profiles.models import LearnerProfile
from learner.trajectory import presenters as trajectory_presenters
from learner.trajectory import selectors as trajectory_selectors
from learner.trajectory.models import TrajectoryState
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User

# Roles whose work is following learners; teachers and buddies get their own screens.
LEARNER_SCOPED_ROLES = (Role.CASE_MANAGER, Role.AGENCY_ADMIN, Role.COORDINATOR)
PAGE_SIZE = 25


@role_required(*LEARNER_SCOPED_ROLES)
def learner_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    search = request.GET.get("q", "").strip()[:100]
    due = request.GET.get("due") == "14"
    signals_open = request.GET.get("signals") == "open"
    caseload = trajectory_selectors.caseload_for(
        user=user, search=search, due_within_days=14 if due else None, signals_open=signals_open
    )
    page = Paginator(caseload, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            profile,
            selectors.case_manager_of(profile),
            trajectory_presenters.caseload_columns(_state_of(profile)),
        )
        for profile in page
    ]
    # The pager keeps the search and filters before its page parameter.
    kept = {"q": search, "due": "14" if due else "", "signals": "open" if signals_open else ""}
    kept_query = urlencode({k: v for k, v in kept.items() if v})
    return render(
        request,
        "profiles/learner_list.html",
        {
            "page": page,
            "rows": rows,
            "search": search,
            "due": due,
            "signals_open": signals_open,
            "search_query": f"{kept_query}&" if kept_query else "",
        },
    )


def _state_of(profile: LearnerProfile) -> TrajectoryState | None:
    try:
        return profile.trajectory_state
    except TrajectoryState.DoesNotExist:
        return None


@role_required(*LEARNER_SCOPED_ROLES)
def learner_detail(request: HttpRequest, dossier_number: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        profile = selectors.learner_for(user=user, dossier_number=dossier_number)
    except LearnerProfile.DoesNotExist as exc:
        raise Http404 from exc
    acting = user.role in {Role.CASE_MANAGER, Role.AGENCY_ADMIN}
    return render(
        request,
        "profiles/learner_detail.html",
        {
            "profile": profile,
            "case_manager": selectors.case_manager_of(profile),
            "may_issue_code": acting,
            "acting": acting,
            **trajectory_presenters.dossier_context(profile, agency_staff=acting),
        },
    )
