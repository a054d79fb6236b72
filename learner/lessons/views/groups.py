"""A teacher's groups: members, contact sessions, attendance (also marked offline), the
interest survey's sum and who is behind."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learner.lessons import forms, selectors
from learner.lessons.models import Course, CourseStatus, Presence
from learner.lessons.services import groups as services
from learner.lessons.views.teach import _attempt, _user
from portal.accounts.decorators import role_required
from portal.accounts.models import Role
from portal.sync.services import command_apply


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    teacher = _user(request)
    courses = Course.objects.filter(agency=teacher.agency, status=CourseStatus.PUBLISHED)
    form = forms.GroupForm(request.POST or None, courses=courses)
    if form.is_valid():
        group = _attempt(form, lambda: services.group_create(teacher=teacher, **form.cleaned_data))
        if group is not None:
            return redirect("lessons:group", group_id=group.pk)
    return render(request, "lessons/teach/group_new.html", {"form": form})


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    teacher = _user(request)
    found = selectors.group_of_teacher(teacher=teacher, group_id=group_id)
    if found is None:
        raise Http404
    action = request.POST.get("action", "")
    member_form = forms.MemberForm(request.POST if action == "member" else None, prefix="member")
    session_form = forms.SessionForm(
        request.POST if action == "session" else None, prefix="session"
    )
    if action == "member" and member_form.is_valid():
        if _attempt(
            member_form,
            lambda: services.group_add_member(
                teacher=teacher, group=found, **member_form.cleaned_data
            ),
        ):
            messages.success(request, _("The learner is added to the group."))
            return redirect("lessons:group", group_id=found.pk)
    elif action == "session" and session_form.is_valid():
        if _attempt(
            session_form,
            lambda: services.session_plan(
                teacher=teacher, group=found, **session_form.cleaned_data
            ),
        ):
            messages.success(request, _("The session is planned."))
            return redirect("lessons:group", group_id=found.pk)
    elif action == "remove":
        learner = next(
            (m for m in found.members.all() if str(m.pk) == request.POST.get("learner")), None
        )
        if learner is None:
            raise Http404
        services.group_remove_member(teacher=teacher, group=found, learner=learner)
        return redirect("lessons:group", group_id=found.pk)
    languages = dict(settings.LANGUAGES)
    return render(
        request,
        "lessons/teach/group.html",
        {
            "group": found,
            "overview": selectors.group_overview(group=found),
            "sessions": [
                (session, [languages.get(code, code) for code in session.interpreter_languages])
                for session in found.sessions.all()
            ],
            "member_form": member_form,
            "session_form": session_form,
        },
    )


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    """Mark who came. The page works offline once opened: marks go through the outbox."""
    teacher = _user(request)
    session = selectors.session_for_teacher(teacher=teacher, session_id=session_id)
    if session is None:
        raise Http404
    members = list(session.group.members.select_related("user").order_by("dossier_number"))
    if request.method == "POST":
        marks = {
            str(member.pk): request.POST[f"learner-{member.pk}"]
            for member in members
            if request.POST.get(f"learner-{member.pk}") in Presence.values
        }
        answer = command_apply(
            user=teacher,
            command=request.POST.get("command", ""),
            kind="lessons.attendance.record",
            payload={"session": session.pk, "marks": marks},
        )
        if answer.status in {"applied", "duplicate"}:
            messages.success(request, _("Attendance is saved."))
            return redirect("lessons:group", group_id=session.group_id)
        messages.error(request, answer.message)
    current = {mark.learner_id: mark.presence for mark in session.attendance.all()}
    return render(
        request,
        "lessons/teach/attendance.html",
        {
            "session": session,
            "rows": [(member, current.get(member.pk, "")) for member in members],
            "presences": Presence.choices,
            "command": uuid.uuid4(),
        },
    )
